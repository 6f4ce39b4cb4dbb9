// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Taint flags (include/pykdump/panic.h): the kernel's own table when it
 * has one (taint_flags[], 4.10+: {c_true, c_false, module}), the
 * documented letters otherwise, and the documented names either way.
 */
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/panic.h>
#include <pykdump/types.h>

/* Documentation/admin-guide/tainted-kernels.rst, by bit */
static const struct kd_taint_flag documented[] = {
	{ 0, 'P', 'G', 1, "PROPRIETARY_MODULE" },
	{ 1, 'F', ' ', 1, "FORCED_MODULE" },
	{ 2, 'S', ' ', 0, "CPU_OUT_OF_SPEC" },
	{ 3, 'R', ' ', 0, "FORCED_RMMOD" },
	{ 4, 'M', ' ', 0, "MACHINE_CHECK" },
	{ 5, 'B', ' ', 0, "BAD_PAGE" },
	{ 6, 'U', ' ', 0, "USER" },
	{ 7, 'D', ' ', 0, "DIE" },
	{ 8, 'A', ' ', 0, "OVERRIDDEN_ACPI_TABLE" },
	{ 9, 'W', ' ', 0, "WARN" },
	{ 10, 'C', ' ', 1, "CRAP" },
	{ 11, 'I', ' ', 0, "FIRMWARE_WORKAROUND" },
	{ 12, 'O', ' ', 1, "OOT_MODULE" },
	{ 13, 'E', ' ', 1, "UNSIGNED_MODULE" },
	{ 14, 'L', ' ', 0, "SOFTLOCKUP" },
	{ 15, 'K', ' ', 1, "LIVEPATCH" },
	{ 16, 'X', ' ', 1, "AUX" },
	{ 17, 'T', ' ', 1, "RANDSTRUCT" },
	{ 18, 'N', ' ', 1, "TEST" },
	{ 19, 'J', ' ', 0, "FWCTL" },
};
#define NDOC (sizeof(documented) / sizeof(documented[0]))

int kd_taint_mask(struct kd_session *s, uint64_t *mask)
{
	return kd_global_uint(s, "tainted_mask", 8, mask);
}

struct flag_layout {
	uint64_t size, c_true, c_false, module;
};

static const struct kd_layout_field flag_fields[] = {
	KD_LF(struct flag_layout, size, "struct taint_flag", NULL,
	      KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(struct flag_layout, c_true, "struct taint_flag", "c_true",
	      KD_LF_REQUIRED),
	KD_LF(struct flag_layout, c_false, "struct taint_flag", "c_false",
	      KD_LF_REQUIRED),
	KD_LF(struct flag_layout, module, "struct taint_flag", "module", 0),
};

/* The kernel's table: 1 and ret[0..*n), 0 when it has none. */
static int kernel_table(struct kd_session *s, struct kd_taint_flag *ret,
			size_t *n)
{
	struct kd_global g;
	struct flag_layout l;
	uint64_t count;
	struct kd_error *err = kd_layout_fill(s, flag_fields,
					      KD_ARRAY_SIZE(flag_fields), &l);
	if (!err)
		err = kd_global_get(s, "taint_flags", &g);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	if (!g.type || !kd_type_array_count(kd_type_strip(g.type, ~0u),
					    &count) || !count ||
	    count > KD_TAINT_MAX || l.size > 64)
		return 0;
	uint8_t buf[KD_TAINT_MAX * 64];
	if ((err = kd_read_kvaddr(s, g.addr, buf, count * l.size))) {
		kd_error_destroy(err);
		return 0;
	}
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = buf + i * l.size;
		struct kd_taint_flag *f = &ret[i];
		f->bit = (int)i;
		f->c_true = (char)kd_field_get(e, l.size, l.c_true, 1);
		f->c_false = (char)kd_field_get(e, l.size, l.c_false, 1);
		f->module = (int)kd_field_get(e, l.size, l.module, 1);
		f->name = i < NDOC ? documented[i].name : "";
	}
	*n = count;
	return 1;
}

void kd_taint_flags(struct kd_session *s,
		    struct kd_taint_flag ret[KD_TAINT_MAX], size_t *n)
{
	if (kernel_table(s, ret, n))
		return;
	memcpy(ret, documented, sizeof(documented));
	*n = NDOC;
}

void kd_taint_letters(struct kd_session *s, uint64_t mask, char *buf,
		      size_t size)
{
	struct kd_taint_flag f[KD_TAINT_MAX];
	size_t n, k = 0;
	kd_taint_flags(s, f, &n);
	for (size_t i = 0; i < n && k + 1 < size; i++)
		if (mask & (1ULL << f[i].bit) && f[i].c_true)
			buf[k++] = f[i].c_true;
	if (size)
		buf[k] = '\0';
}

struct kd_error *kd_kmodule_taints(struct kd_session *s, uint64_t module,
				   uint64_t *taints, int *sig_ok)
{
	uint64_t off = kd_offsetof(s, "struct module", "taints");
	struct kd_error *err = kd_field_u64(s, module, off, taints);
	if (err)
		return kd_error_prefix(err, "struct module %llx: taints",
				       (unsigned long long)module);
	uint64_t v;
	off = kd_offsetof(s, "struct module", "sig_ok");
	*sig_ok = -1;
	if (kd_present(off) && !(err = kd_field_uint(s, module, off, 1, &v)))
		*sig_ok = v != 0;
	kd_error_destroy(err);
	return NULL;
}
