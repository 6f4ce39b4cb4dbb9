// SPDX-License-Identifier: GPL-2.0-or-later
/* CDefine and CEnum: every value form, comments and continuations, the
 * tables' lookups, skipped defines, and each kind of error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/tparser.h>

static struct kd_cconsts *defines(const char *text, unsigned long_size)
{
	struct kd_cconsts *t = NULL;
	struct kd_error *err = kd_cdefine_parse(text, strlen(text), long_size,
						&t);
	if (err)
		fail_msg("unexpected error: %s", err->message);
	return t;
}

static struct kd_cconsts *enums(const char *text)
{
	struct kd_cconsts *t = NULL;
	struct kd_error *err = kd_cenum_parse(text, strlen(text), 8, &t);
	if (err)
		fail_msg("unexpected error: %s", err->message);
	return t;
}

/* The number an entry holds, as decimal text. */
static const char *num_text(const struct kd_cconst *c, char *buf, size_t size)
{
	if (c->is_unsigned)
		snprintf(buf, size, "%llu", (unsigned long long)c->value);
	else
		snprintf(buf, size, "%lld", (long long)c->value);
	return buf;
}

static void assert_const(const struct kd_cconsts *t, const char *name,
			 long long value, unsigned line)
{
	const struct kd_cconst *c = kd_cconsts_find(t, name);
	if (!c)
		fail_msg("%s not defined", name);
	assert_false(c->is_unsigned);
	assert_int_equal(c->value, value);
	if (line)
		assert_int_equal(c->line, line);
}

static void assert_define_error(const char *text, const char *message)
{
	struct kd_cconsts *t = (struct kd_cconsts *)1;
	struct kd_error *err = kd_cdefine_parse(text, strlen(text), 8, &t);
	if (!err)
		fail_msg("no error for: %s", text);
	assert_int_equal(err->code, KD_ERR_INVALID);
	assert_string_equal(err->message, message);
	assert_ptr_equal(t, (struct kd_cconsts *)1);	/* untouched */
	kd_error_destroy(err);
}

static void assert_enum_error(const char *text, const char *message)
{
	struct kd_cconsts *t = NULL;
	struct kd_error *err = kd_cenum_parse(text, strlen(text), 8, &t);
	if (!err)
		fail_msg("no error for: %s", text);
	assert_int_equal(err->code, KD_ERR_INVALID);
	assert_string_equal(err->message, message);
	assert_null(t);
	kd_error_destroy(err);
}

/* The original's own test block (tparser.py __test_defs). */
static const char rtf_defs[] =
	"/* A comment */\n"
	"#define RTF_UP          0x0001          /* route usable                 */\n"
	"#define RTF_GATEWAY     0x0002          /* destination is a gateway     */\n"
	"#define RTF_HOST        0x0004          /* host entry (net otherwise)   */\n"
	"#define RTF_REINSTATE   0x0008          /* reinstate route after tmout  */\n"
	"#define RTF_DYNAMIC     0x0010          /* created dyn. (by redirect)   */\n"
	"#define RTF_MODIFIED    0x0020          /* modified dyn. (by redirect)  */\n"
	"#define RTF_MTU         0x0040          /* specific MTU for this route  */\n"
	"#define RTF_MSS         RTF_MTU         /* Compatibility :-(            */\n"
	"#define RTF_WINDOW      0x0080          /* per route window clamping    */\n"
	"#define RTF_IRTT        0x0100          /* Initial round trip time      */\n"
	"#define RTF_REJECT      0x0200          /* Reject route                 */\n";

static void test_define_block(void **state)
{
	(void)state;
	struct kd_cconsts *t = defines(rtf_defs, 8);
	assert_int_equal(kd_cconsts_count(t), 11);
	assert_string_equal(kd_cconsts_at(t, 0)->name, "RTF_UP");
	assert_string_equal(kd_cconsts_at(t, 10)->name, "RTF_REJECT");
	assert_null(kd_cconsts_at(t, 11));
	assert_const(t, "RTF_UP", 1, 2);
	assert_const(t, "RTF_MSS", 0x40, 9);
	assert_const(t, "RTF_REJECT", 0x200, 12);
	assert_null(kd_cconsts_find(t, "RTF_NONE"));
	assert_null(kd_cconsts_find(t, "RTF_U"));	/* no prefix match */
	/* value2key: the name defined last with the value. */
	assert_string_equal(kd_cconsts_by_value(t, 0x40, 0)->name, "RTF_MSS");
	assert_string_equal(kd_cconsts_by_value(t, 4, 0)->name, "RTF_HOST");
	assert_null(kd_cconsts_by_value(t, 3, 0));
	assert_null(kd_cconsts_by_value(t, 4, 1));
	assert_int_equal(kd_cconsts_nskipped(t), 0);
	assert_null(kd_cconsts_tag(t));
	kd_cconsts_destroy(t);
}

/* Each value form, with the value gcc gives the same expression on
 * x86_64 (computed once with gcc and kept here). */
static const struct {
	const char *expr;
	const char *value;
} gcc_values[] = {
	{ "0x10", "16" },
	{ "010", "8" },
	{ "0b101", "5" },
	{ "1234567890123", "1234567890123" },
	{ "0xffffffff", "4294967295" },
	{ "0x80000000", "2147483648" },
	{ "2147483648", "2147483648" },
	{ "4294967296", "4294967296" },
	{ "18446744073709551615U", "18446744073709551615" },
	{ "0xffffffffffffffff", "18446744073709551615" },
	{ "1U", "1" },
	{ "1UL << 40", "1099511627776" },
	{ "1ULL << 63", "9223372036854775808" },
	{ "1LU", "1" },
	{ "1llu", "1" },
	{ "~0", "-1" },
	{ "~0U", "4294967295" },
	{ "~0UL", "18446744073709551615" },
	{ "-1", "-1" },
	{ "- - 1", "1" },
	{ "+3", "3" },
	{ "!0", "1" },
	{ "!5", "0" },
	{ "(1 << 3) | (1 << 5)", "40" },
	{ "(0xf0 & 0x3c) ^ 0x01", "49" },
	{ "7 / 2", "3" },
	{ "-7 / 2", "-3" },
	{ "-7 % 3", "-1" },
	{ "7 % -3", "1" },
	{ "-16 >> 2", "-4" },
	{ "0x80000000 >> 4", "134217728" },
	{ "(int)0x80000000 >> 4", "-134217728" },
	{ "1 << 31", "-2147483648" },
	{ "-1 < 0U", "0" },
	{ "-1L < 0U", "1" },
	{ "-1 < 0UL", "0" },
	{ "(unsigned char)0x1ff", "255" },
	{ "(signed char)0x80", "-128" },
	{ "(short)0x18000", "-32768" },
	{ "(unsigned short)-1", "65535" },
	{ "(unsigned)-1", "4294967295" },
	{ "(unsigned long)-1", "18446744073709551615" },
	{ "(long long)-1", "-1" },
	{ "(unsigned long long)-1 >> 1", "9223372036854775807" },
	{ "(u8)300", "44" },
	{ "(s8)200", "-56" },
	{ "(u16)-2", "65534" },
	{ "(s32)0xffffffff", "-1" },
	{ "(u64)-1", "18446744073709551615" },
	{ "(_Bool)42", "1" },
	{ "(_Bool)0", "0" },
	{ "(int)(unsigned char)-1", "255" },
	{ "'a'", "97" },
	{ "'\\0'", "0" },
	{ "'\\n'", "10" },
	{ "'\\x41'", "65" },
	{ "'\\101'", "65" },
	{ "'\\\\'", "92" },
	{ "'\\''", "39" },
	{ "'ab'", "24930" },
	{ "'a' + 1", "98" },
	{ "3 > 2 ? 10 : 20", "10" },
	{ "0 ? 1 : 2 ? 3 : 4", "3" },
	{ "1 || 1 / 0", "1" },
	{ "0 && 1 / 0", "0" },
	{ "0 ? 1 / 0 : 5", "5" },
	{ "1 == 1", "1" },
	{ "1 != 1", "0" },
	{ "2 <= 2", "1" },
	{ "3 >= 4", "0" },
	{ "5 - 10U", "4294967291" },
	{ "5 - 10UL", "18446744073709551611" },
	{ "0x7fffffff + 1", "-2147483648" },
	{ "0x7fffffffffffffff + 1", "-9223372036854775808" },
	{ "2147483647 + 1", "-2147483648" },
	{ "0xFFFFFFFFu * 2", "4294967294" },
	{ "(1 + 2) * (3 + 4)", "21" },
	{ "10 - 2 - 3", "5" },
	{ "2 * 3 % 4", "2" },
	{ "1 + 2 << 3", "24" },
	{ "1 << 2 + 3", "32" },
	{ "1 | 2 ^ 3 & 4", "3" },
};

static void test_value_forms(void **state)
{
	(void)state;
	char text[256], buf[32];
	for (size_t i = 0; i < sizeof(gcc_values) / sizeof(gcc_values[0]); i++) {
		snprintf(text, sizeof(text), "#define V %s\n",
			 gcc_values[i].expr);
		struct kd_cconsts *t = defines(text, 8);
		const struct kd_cconst *c = kd_cconsts_find(t, "V");
		if (!c || strcmp(num_text(c, buf, sizeof(buf)),
				 gcc_values[i].value) != 0)
			fail_msg("%s: got %s, gcc says %s", gcc_values[i].expr,
				 c ? buf : "nothing", gcc_values[i].value);
		kd_cconsts_destroy(t);
	}
}

static void test_long_size_4(void **state)
{
	(void)state;
	struct kd_cconsts *t = defines(
		"#define A (1UL << 31)\n"
		"#define B (0xffffffffUL + 1)\n"
		"#define C (unsigned long)-1\n"
		"#define D 4294967296\n"		/* long long on ILP32 */
		"#define E (-1L < 0U)\n"		/* both 32-bit: unsigned */
		"#define F sizeless\n", 4);
	assert_const(t, "A", 2147483648LL, 1);
	assert_const(t, "B", 0, 2);
	assert_const(t, "C", 4294967295LL, 3);
	assert_const(t, "D", 4294967296LL, 4);
	assert_const(t, "E", 0, 5);
	kd_cconsts_destroy(t);
	t = defines("#define E (-1L < 0U)\n", 8);	/* LP64: long wins */
	assert_const(t, "E", 1, 1);
	kd_cconsts_destroy(t);

	struct kd_error *err = kd_cdefine_parse("#define A 1", 11, 3, &t);
	assert_string_equal(err->message,
			    "tparser: long size 3 is neither 4 nor 8");
	kd_error_destroy(err);
}

static void test_unsigned_results(void **state)
{
	(void)state;
	struct kd_cconsts *t = defines("#define A (1UL << 63)\n"
				       "#define B ~0UL\n"
				       "#define C 0x7fffffffffffffff\n"
				       "#define D (A | 0)\n", 8);
	const struct kd_cconst *a = kd_cconsts_find(t, "A");
	assert_true(a->is_unsigned);
	assert_int_equal((uint64_t)a->value, 1ULL << 63);
	assert_true(kd_cconsts_find(t, "B")->is_unsigned);
	assert_false(kd_cconsts_find(t, "C")->is_unsigned);
	assert_string_equal(kd_cconsts_by_value(t, (int64_t)(1ULL << 63), 1)->name,
			    "D");
	assert_string_equal(kd_cconsts_by_value(t, -1, 1)->name, "B");
	assert_null(kd_cconsts_by_value(t, -1, 0));
	kd_cconsts_destroy(t);
}

static void test_comments_continuations_lines(void **state)
{
	(void)state;
	struct kd_cconsts *t = defines(
		"// leading comment\n"
		"#define A 1 // trailing\n"
		"\n"
		"#define B (A + \\\n"
		"           2)\n"
		"#define C 3 /* a comment\n"
		"   spanning lines */ + 4\n"
		"/* #define HIDDEN 5 */\n"
		"  #  define D 5\r\n"
		"#define E\t0x10 /* tab */\n"
		"#ifdef CONFIG_X\n"
		"#include <linux/x.h>\n"
		"#undef A\n"
		"#\n"
		"#endif\n"
		"#define F/**/(1)\n"
		"#define G \\\r\n 7\n", 8);
	assert_const(t, "A", 1, 2);
	assert_const(t, "B", 3, 4);
	assert_const(t, "C", 7, 6);
	assert_const(t, "D", 5, 9);
	assert_const(t, "E", 16, 10);
	assert_const(t, "F", 1, 16);	/* a comment is a space: not F(x) */
	assert_const(t, "G", 7, 17);
	assert_null(kd_cconsts_find(t, "HIDDEN"));
	assert_int_equal(kd_cconsts_count(t), 7);
	kd_cconsts_destroy(t);
}

static void test_redefinition(void **state)
{
	(void)state;
	struct kd_cconsts *t = defines("#define A 1\n"
				       "#define B 2\n"
				       "#define A 3\n"
				       "#define C A\n", 8);
	assert_int_equal(kd_cconsts_count(t), 3);
	assert_string_equal(kd_cconsts_at(t, 0)->name, "A");	/* first place */
	assert_const(t, "A", 3, 3);
	assert_const(t, "C", 3, 4);
	assert_null(kd_cconsts_by_value(t, 1, 0));	/* no stale reverse */
	assert_string_equal(kd_cconsts_by_value(t, 3, 0)->name, "C");
	kd_cconsts_destroy(t);
}

static void test_skipped_defines(void **state)
{
	(void)state;
	struct kd_cconsts *t = defines(
		"#define S \"a string\"\n"
		"#define F(x) ((x) + 1)\n"
		"#define PI 3.14\n"
		"#define EMPTY\n"
		"#define U (UNDEFINED + 1)\n"
		"#define AS A_SKIPPED_ONE\n"
		"#define INIT { 0 }\n"
		"#define NULLP ((void *)0)\n"
		"#define SZ sizeof(long)\n"
		"#define T unsigned long\n"
		"#define OK 42\n"
		"#define UNUSED_F(x) F(x)\n"
		"#define USES_S S\n", 8);
	static const struct {
		const char *name;
		unsigned line;
		const char *reason;
	} want[] = {
		{ "S", 1, "string literal" },
		{ "F", 2, "function-like macro" },
		{ "PI", 3, "floating-point value" },
		{ "EMPTY", 4, "no value" },
		{ "U", 5, "unknown name 'UNDEFINED'" },
		{ "AS", 6, "unknown name 'A_SKIPPED_ONE'" },
		{ "INIT", 7, "not an expression: '{'" },
		{ "NULLP", 8, "unknown name 'void'" },
		{ "SZ", 9, "unknown name 'sizeof'" },
		{ "T", 10, "no number in the value" },
		{ "UNUSED_F", 12, "function-like macro" },
		{ "USES_S", 13, "unknown name 'S'" },
	};
	assert_int_equal(kd_cconsts_count(t), 1);
	assert_const(t, "OK", 42, 11);
	assert_int_equal(kd_cconsts_nskipped(t), KD_ARRAY_SIZE(want));
	for (size_t i = 0; i < KD_ARRAY_SIZE(want); i++) {
		const struct kd_cskip *s = kd_cconsts_skipped(t, i);
		assert_string_equal(s->name, want[i].name);
		assert_int_equal(s->line, want[i].line);
		assert_string_equal(s->reason, want[i].reason);
	}
	assert_null(kd_cconsts_skipped(t, KD_ARRAY_SIZE(want)));
	kd_cconsts_destroy(t);
}

static void test_define_errors(void **state)
{
	(void)state;
	assert_define_error("", "CDefine: no #define found");
	assert_define_error("/* only a comment */\n#ifdef X\n#endif\n",
			    "CDefine: no #define found");
	assert_define_error("#define S \"x\"\n#define F(x) x\n",
			    "CDefine: no numeric #define found "
			    "(line 1: S: string literal, ...)");
	assert_define_error("#define A 1\nint x;\n",
			    "CDefine: line 2: expected #define, found 'int'");
	assert_define_error("#define A 1\n#define 2 3\n",
			    "CDefine: line 2: expected a name after #define");
	assert_define_error("#define\n",
			    "CDefine: line 1: expected a name after #define");
	assert_define_error("#define A 09\n",
			    "CDefine: line 1: A: invalid digit in octal constant '09'");
	assert_define_error("#define A 0x\n",
			    "CDefine: line 1: A: no digits in integer constant '0x'");
	assert_define_error("#define A 1uu\n",
			    "CDefine: line 1: A: invalid suffix on integer constant '1uu'");
	assert_define_error("#define A 1lL\n",
			    "CDefine: line 1: A: invalid suffix on integer constant '1lL'");
	assert_define_error("#define A 0x1ffffffffffffffff\n",
			    "CDefine: line 1: A: integer constant is too large '0x1ffffffffffffffff'");
	assert_define_error("#define A 1\n\n#define B (A / 0)\n",
			    "CDefine: line 3: B: division by zero");
	assert_define_error("#define B (5 % (1 - 1))\n",
			    "CDefine: line 1: B: division by zero");
	assert_define_error("#define A (1 << 32)\n",
			    "CDefine: line 1: A: shift count 32 out of range for a 32-bit value");
	assert_define_error("#define A (1UL >> -1)\n",
			    "CDefine: line 1: A: shift count -1 out of range for a 64-bit value");
	assert_define_error("#define A (1 << 3\n",
			    "CDefine: line 1: A: expected ')' before end of expression");
	assert_define_error("#define A 1 << 3)\n",
			    "CDefine: line 1: A: unexpected ')'");
	assert_define_error("#define A (1 +)\n",
			    "CDefine: line 1: A: expected a value, found ')'");
	assert_define_error("#define A 1 2\n",
			    "CDefine: line 1: A: unexpected '2'");
	assert_define_error("#define A (1 ? 2)\n",
			    "CDefine: line 1: A: expected ':' before ')'");
	assert_define_error("#define A (int long char)1\n",
			    "CDefine: line 1: A: invalid type in cast");
	assert_define_error("#define A (unsigned 3)1\n",
			    "CDefine: line 1: A: unexpected in a cast: '3'");
	assert_define_error("#define A 1 + int\n",
			    "CDefine: line 1: A: unexpected type name 'int'");
	assert_define_error("#define A ''\n",
			    "CDefine: line 1: A: empty character constant");
	assert_define_error("#define A 'abcde'\n",
			    "CDefine: line 1: A: character constant too long");
	assert_define_error("#define A '\\x100'\n",
			    "CDefine: line 1: A: bad escape in character constant");
	assert_define_error("#define A 1\n#define B 2 /* never closed\n",
			    "CDefine: line 2: unterminated comment");
	assert_define_error("#define A \"open\n#define B 1\n",
			    "CDefine: line 1: unterminated string literal");
	assert_define_error("#define A 'x\n",
			    "CDefine: line 1: unterminated character literal");
	/* An error names the line where the define starts. */
	assert_define_error("#define A \\\n  (1 / \\\n  0)\n",
			    "CDefine: line 1: A: division by zero");
	/* Bytes that are no C at all. */
	assert_define_error("#define A 1\n\x01\x02\n",
			    "CDefine: line 2: expected #define, found '\\x01'");
}

static void test_define_nesting_bound(void **state)
{
	(void)state;
	/* Deep parentheses fail cleanly instead of exhausting the stack. */
	size_t depth = 100000;
	char *text = malloc(depth * 2 + 32);
	strcpy(text, "#define A ");
	size_t o = strlen(text);
	memset(text + o, '(', depth);
	text[o + depth] = '1';
	memset(text + o + depth + 1, ')', depth);
	text[o + 2 * depth + 1] = '\0';
	assert_define_error(text, "CDefine: line 1: A: expression nested too deeply");
	memset(text + o, '~', depth);	/* unary chains too */
	assert_define_error(text, "CDefine: line 1: A: expression nested too deeply");
	free(text);
	/* Reasonable depth is fine. */
	struct kd_cconsts *t = defines("#define A ((((((((((1))))))))))\n", 8);
	assert_const(t, "A", 1, 1);
	kd_cconsts_destroy(t);
}

static void test_define_nul_and_length(void **state)
{
	(void)state;
	/* The text is taken by length: a NUL inside is a byte that is no C
	 * (that define is skipped), and nothing past len is read. */
	static const char text[] = "#define A 1\n#define B \0 2\n#define C 3";
	struct kd_cconsts *t;
	assert_null(kd_cdefine_parse(text, sizeof(text) - 1, 8, &t));
	assert_int_equal(kd_cconsts_count(t), 2);
	assert_int_equal(kd_cconsts_nskipped(t), 1);
	assert_string_equal(kd_cconsts_skipped(t, 0)->reason,
			    "not an expression: '\\x00'");
	kd_cconsts_destroy(t);
	assert_null(kd_cdefine_parse(text, 12, 8, &t));
	assert_int_equal(kd_cconsts_count(t), 1);
	kd_cconsts_destroy(t);
	assert_null(kd_cdefine_parse(text, 11, 8, &t));	/* no final '\n' */
	assert_const(t, "A", 1, 1);
	kd_cconsts_destroy(t);
}

/* The original's enum tests (tparser.py __test_enum_1 and _2). */
static void test_enum_original(void **state)
{
	(void)state;
	struct kd_cconsts *t = enums(
		"\n        enum aa {NETREG_UNINITIALIZED, NETREG_REGISTERING, NETREG_REGISTERED,\n"
		"   NETREG_UNREGISTERING, NETREG_UNREGISTERED, NETREG_RELEASED} reg_state;\n");
	assert_int_equal(kd_cconsts_count(t), 6);
	assert_string_equal(kd_cconsts_tag(t), "aa");
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(kd_cconsts_at(t, i)->value, (int64_t)i);
	assert_const(t, "NETREG_RELEASED", 5, 3);
	assert_string_equal(kd_cconsts_by_value(t, 2, 0)->name,
			    "NETREG_REGISTERED");
	kd_cconsts_destroy(t);

	t = enums("enum {\n"
		  "  TCP_ESTABLISHED = 1,\n"
		  "  TCP_SYN_SENT,\n"
		  "  TCP_SYN_RECV,\n"
		  "  TCP_FIN_WAIT1,\n"
		  "  TCP_FIN_WAIT2,\n"
		  "  TCP_TIME_WAIT,\n"
		  "  TCP_CLOSE,\n"
		  "  TCP_CLOSE_WAIT,\n"
		  "  TCP_LAST_ACK,\n"
		  "  TCP_LISTEN,\n"
		  "  TCP_CLOSING,   /* now a valid state */\n"
		  "\n"
		  "  TCP_MAX_STATES /* Leave at the end! */\n"
		  "};\n");
	assert_null(kd_cconsts_tag(t));
	assert_int_equal(kd_cconsts_count(t), 12);
	assert_const(t, "TCP_ESTABLISHED", 1, 2);
	assert_const(t, "TCP_LISTEN", 10, 11);
	assert_const(t, "TCP_MAX_STATES", 12, 14);
	kd_cconsts_destroy(t);
}

static void test_enum_values(void **state)
{
	(void)state;
	struct kd_cconsts *t = enums(
		"typedef enum gfp_zone {\n"
		"\tZ_A = -2,\n"
		"\tZ_B,\t\t\t// -1\n"
		"\tZ_C,\n"
		"# ifdef CONFIG_X   (a '#' line is ignored)\n"
		"\tZ_D = Z_B << 4 | 1,\n"
		"# endif\n"
		"\tZ_E = (Z_D + 1) * 2,\n"
		"\tZ_F = 'A',\n"
		"\tZ_G = 0x10UL,\n"
		"\tZ_H = Z_A,\n"
		"\tZ_BIG = 0x7fffffffffffffff,\n"
		"\tZ_BIGGER,\n"
		"\tZ_LAST = (unsigned char)-1,\n"
		"} zone_t;\n");
	assert_string_equal(kd_cconsts_tag(t), "gfp_zone");
	assert_const(t, "Z_A", -2, 2);
	assert_const(t, "Z_B", -1, 3);
	assert_const(t, "Z_C", 0, 4);
	assert_const(t, "Z_D", -15, 6);
	assert_const(t, "Z_E", -28, 8);
	assert_const(t, "Z_F", 65, 9);
	assert_const(t, "Z_G", 16, 10);
	assert_const(t, "Z_H", -2, 11);
	assert_const(t, "Z_BIG", INT64_MAX, 12);
	const struct kd_cconst *c = kd_cconsts_find(t, "Z_BIGGER");
	assert_true(c->is_unsigned);
	assert_int_equal((uint64_t)c->value, 1ULL << 63);
	assert_const(t, "Z_LAST", 255, 14);
	/* Two names with -2: the reverse lookup answers the later one. */
	assert_string_equal(kd_cconsts_by_value(t, -2, 0)->name, "Z_H");
	assert_null(kd_cconsts_by_value(t, 1, 0));
	assert_int_equal(kd_cconsts_count(t), 11);
	assert_int_equal(kd_cconsts_nskipped(t), 0);
	kd_cconsts_destroy(t);

	t = enums("enum one { ONLY }");	/* no ';', no trailing comma */
	assert_const(t, "ONLY", 0, 1);
	kd_cconsts_destroy(t);
	t = enums("enum e : unsigned int { X = 0xffffffff, Y };");
	assert_const(t, "X", 0xffffffffLL, 1);
	assert_const(t, "Y", 0x100000000LL, 1);
	kd_cconsts_destroy(t);
}

static void test_enum_errors(void **state)
{
	(void)state;
	assert_enum_error("", "CEnum: line 1: expected 'enum', found 'end of text'");
	assert_enum_error("struct s { int a; };",
			  "CEnum: line 1: expected 'enum', found 'struct'");
	assert_enum_error("enum x A, B };",
			  "CEnum: line 1: expected '{', found 'A'");
	assert_enum_error("enum x { };",
			  "CEnum: line 1: expected an enumerator name, found '}'");
	assert_enum_error("enum x {\n A,\n B\n C\n};",
			  "CEnum: line 4: expected ',' or '}', found 'C'");
	assert_enum_error("enum x {\n A,\n B,\n",
			  "CEnum: line 4: expected an enumerator name, found 'end of text'");
	assert_enum_error("enum x { A, 3 };",
			  "CEnum: line 1: expected an enumerator name, found '3'");
	assert_enum_error("enum x {\n A,\n B,\n A\n};",
			  "CEnum: line 4: A: redeclared (first at line 2)");
	assert_enum_error("enum x { A = };",
			  "CEnum: line 1: A: expected a value");
	assert_enum_error("enum x { A = 1 +, B };",
			  "CEnum: line 1: A: expected a value at the end");
	assert_enum_error("enum x {\n A = BIT(3),\n};",
			  "CEnum: line 2: A: unknown name 'BIT'");
	assert_enum_error("enum x { A = 1.5 };",
			  "CEnum: line 1: A: floating-point constant '1.5'");
	assert_enum_error("enum x { A = \"s\" };",
			  "CEnum: line 1: A: expected a value, found '\"s\"'");
	assert_enum_error("enum x { A = 1 / 0 };",
			  "CEnum: line 1: A: division by zero");
	assert_enum_error("enum x { A = 0xffffffffffffffff, B };",
			  "CEnum: line 1: B: value overflows");
	assert_enum_error("enum x { A } y; int z;",
			  "CEnum: line 1: expected the end of the enum, found 'int'");
	assert_enum_error("enum x { A /* open",
			  "CEnum: line 1: unterminated comment");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_define_block),
		cmocka_unit_test(test_value_forms),
		cmocka_unit_test(test_long_size_4),
		cmocka_unit_test(test_unsigned_results),
		cmocka_unit_test(test_comments_continuations_lines),
		cmocka_unit_test(test_redefinition),
		cmocka_unit_test(test_skipped_defines),
		cmocka_unit_test(test_define_errors),
		cmocka_unit_test(test_define_nesting_bound),
		cmocka_unit_test(test_define_nul_and_length),
		cmocka_unit_test(test_enum_original),
		cmocka_unit_test(test_enum_values),
		cmocka_unit_test(test_enum_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
