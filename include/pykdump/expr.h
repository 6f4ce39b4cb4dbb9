/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Expressions in gdb's C language, as crash users type them after `p`,
 * evaluated over the dump: the kernel's globals (DWARF variables,
 * functions and enumerators of vmlinux and loaded module debuginfo),
 * member access (. and ->, through pointers as gdb allows), indexing,
 * & and *, casts to any C type name the DWARF knows ("(struct
 * task_struct *)0x...", "(unsigned long)", typedefs), gdb's {TYPE} ADDR
 * and ARRAY@COUNT, sizeof (type or expression, nothing read), the C
 * operators with C's promotions and conversions (integers wrap to their
 * type's width as gdb's do; double where a float is involved), the value
 * history ($, $N, $$, $$N) and gdb's literal types.
 *
 * Values are lazy: an lvalue is a type and an address until something
 * needs its contents, so &x, sizeof x and x.member read nothing.  Errors
 * say which part of the expression failed ("cannot read *init_task.mm:
 * ...", "struct task_struct has no member named nosuch").
 *
 * Not supported (an error says so): assignment and ++/--, function
 * calls, registers and convenience variables other than an unset one
 * (which, as in gdb, is void).
 *
 * crash's own `eval` uses the same parser with KD_EXPR_CRASH_EVAL:
 * numbers are hexadecimal when they have a hex digit ("ffff", "41dc065")
 * and may end in k, m or g (times 1024, 1 MB, 1 GB); a name is its
 * symbol's address; everything is unsigned long arithmetic.
 */
#ifndef PYKDUMP_EXPR_H
#define PYKDUMP_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;
struct kd_type;

/* kd_value.flags */
#define KD_VALUE_LVAL	0x1	/* lives in the dump at addr (& applies) */
#define KD_VALUE_BYTES	0x2	/* contents held in bytes */

struct kd_value {
	struct kd_type *type;
	unsigned flags;
	uint64_t addr;
	/* A bitfield lvalue: bit_size bits starting bit_offset bits after
	 * addr (kd_expr_eval returns none: it reads them into bytes). */
	uint32_t bit_offset;
	uint32_t bit_size;
	uint8_t *bytes;		/* kd_type_size(type) bytes, malloc'd */
};

KD_PUBLIC void kd_value_release(struct kd_value *v);

/* The values p printed: $1, $2, ... (a copy of each value's contents). */
struct kd_value_history;
KD_PUBLIC struct kd_error *kd_value_history_create(struct kd_value_history **ret)
	KD_WARN_UNUSED;
KD_PUBLIC void kd_value_history_destroy(struct kd_value_history *h);
/* Appends a copy of v (its contents must be in bytes, as kd_expr_eval
 * returns them) and returns its number in *num. */
KD_PUBLIC struct kd_error *kd_value_history_add(struct kd_value_history *h,
						const struct kd_value *v,
						unsigned *num) KD_WARN_UNUSED;
/* How many values it holds (the last one is $count). */
KD_PUBLIC unsigned kd_value_history_count(const struct kd_value_history *h);

/* kd_expr_options.flags */
#define KD_EXPR_CRASH_EVAL	0x1	/* crash's eval numbers and names */

struct kd_expr_options {
	unsigned flags;
	struct kd_value_history *history;	/* NULL: $N is an error */
};

/*
 * Evaluate text.  *ret (released by the caller) holds the contents in
 * bytes (KD_VALUE_BYTES), and the address when the value is an lvalue;
 * a function (or a symbol without debuginfo) is returned as an lvalue
 * only.  opts may be NULL.
 */
KD_PUBLIC struct kd_error *kd_expr_eval(struct kd_session *s, const char *text,
					const struct kd_expr_options *opts,
					struct kd_value *ret) KD_WARN_UNUSED;

/* A copy of v with its contents read (an lvalue's from the dump, a
 * bitfield as a plain integer), as kd_expr_eval returns values. */
KD_PUBLIC struct kd_error *kd_value_read(struct kd_session *s,
					 const struct kd_value *v,
					 struct kd_value *ret) KD_WARN_UNUSED;

/* The integer value of an integral, pointer or enum value (what a
 * command taking an address expression wants). */
KD_PUBLIC struct kd_error *kd_value_as_u64(struct kd_session *s,
					   const struct kd_value *v,
					   uint64_t *ret) KD_WARN_UNUSED;

#endif /* PYKDUMP_EXPR_H */
