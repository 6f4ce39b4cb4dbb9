// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the `p` / eval expression language (lib/types/expr.c,
 * expr_lex.c, expr_value.c) and the value printer (value_format.h) on
 * the real sample's types and symbols, with kernel memory from the input.
 *
 * Input: one mode byte, the expression text up to a NUL (at most 1024
 * bytes), then memory segments (mem_fuzz.h).  Mode: bit 0 crash's eval
 * numbers (KD_EXPR_CRASH_EVAL), bit 1 hex output, bits 2-4 a print
 * format letter (none, x d u o t z c a).  The value is printed to
 * /dev/null; $1 refers to the previous value of the same input.
 */
#include <stdint.h>

#include <pykdump/expr.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "session_fuzz.h"

static FILE *devnull;

static void run(const uint8_t *data, size_t size)
{
	if (size < 2)
		return;
	unsigned mode = data[0];
	const char *text = (const char *)data + 1;
	size_t tlen = strnlen(text, size - 1);
	if (tlen >= size - 1 || tlen > 1024)
		return;		/* no NUL: not an expression */
	struct kd_value_history *h;
	if (kd_value_history_create(&h))
		return;
	struct kd_expr_options o = {
		.flags = (mode & 1) ? KD_EXPR_CRASH_EVAL : 0,
		.history = h,
	};
	static const char fmts[] = { 0, 'x', 'd', 'u', 'o', 't', 'z', 'c' };
	unsigned vf = ((mode & 2) ? KD_VF_HEX : 0) | KD_VF_TOPLEVEL;
	if (fmts[(mode >> 2) & 7])
		vf |= KD_VF_FORMAT(fmts[(mode >> 2) & 7]);
	/* twice, so the second run can use $1 */
	for (int pass = 0; pass < 2; pass++) {
		struct kd_value v = { 0 };
		struct kd_error *err = kd_expr_eval(fz_s, text, &o, &v);
		if (err) {
			kd_error_destroy(err);
			break;
		}
		struct kd_value r = { 0 };
		if (!(err = kd_value_read(fz_s, &v, &r))) {
			unsigned num;
			kd_error_destroy(kd_value_history_add(h, &r, &num));
			if (r.type && kd_type_size(r.type) <= 4096)
				kd_error_destroy(kd_value_format(
					fz_s, r.type, r.addr, r.bytes, vf, 0,
					devnull));
			uint64_t u;
			kd_error_destroy(kd_value_as_u64(fz_s, &r, &u));
			kd_value_release(&r);
		}
		kd_error_destroy(err);
		kd_value_release(&v);
	}
	kd_value_history_destroy(h);
}

/* Seeds: what support engineers type, evaluated on the sample. */
static const char *const seeds[] = {
	"init_task.comm",
	"init_task.pid + 1",
	"*init_task.mm",
	"init_task.tasks.next",
	"((struct task_struct *)init_task.tasks.next)->comm",
	"sizeof(struct task_struct) * 2 - 1",
	"jiffies",
	"jiffies_64 >> 4",
	"&init_task.tasks",
	"init_uts_ns.name",
	"(char)0x41 == 'A' ? 1 : -1",
	"init_task.thread",
	"*(unsigned long *)&jiffies @ 2",
	"linux_banner",
	"{struct list_head}&init_task.tasks",
	"$1",
	"-(long)nr_cpu_ids / 3 % 7",
	"init_mm.mm_mt",
	"__per_cpu_offset[1]",
	"panic_cpu.counter",
};

static void record(FILE *dir_unused)
{
	(void)dir_unused;
	const char *out = getenv("PYKDUMP_FUZZ_RECORD");
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s-%02zu", out, i);
		FILE *f = fopen(path, "wb");
		if (!f)
			fz_fail("cannot write %s", path);
		uint8_t hdr[1100];
		size_t n = strlen(seeds[i]);
		hdr[0] = (uint8_t)(i % 4);
		memcpy(hdr + 1, seeds[i], n + 1);
		fz_record_one(f, hdr, n + 2, run);
		fclose(f);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		fz_fail("%scannot open /dev/null", "");
	fz_session_init();
	const char *rec = getenv("PYKDUMP_FUZZ_RECORD");
	if (rec && *rec) {	/* one seed file per expression: REC-NN */
		record(NULL);
		exit(0);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	const char *text = (const char *)data + 1;
	size_t tlen = strnlen(text, size - 1);
	if (tlen >= size - 1)
		return 0;
	fz_begin(data + tlen + 2, size - tlen - 2);
	run(data, size);
	return 0;
}
