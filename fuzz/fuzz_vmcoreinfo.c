// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the VMCOREINFO parser and its typed getters. */
#include <stdint.h>
#include <string.h>

#include <pykdump/vmcoreinfo.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kd_vmcoreinfo *vi;
	struct kd_error *err = kd_vmcoreinfo_parse((const char *)data, size,
						   "fuzz", &vi);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	const char *key, *value;
	uint64_t u;
	int64_t s;
	for (size_t i = 0; kd_vmcoreinfo_entry(vi, i, &key, &value); i++) {
		if (strcmp(kd_vmcoreinfo_get(vi, key) ? key : "", key) != 0)
			__builtin_trap();	/* every key can be found */
		kd_error_destroy(kd_vmcoreinfo_hex(vi, key, &u));
		kd_error_destroy(kd_vmcoreinfo_dec(vi, key, &s));
	}
	kd_error_destroy(kd_vmcoreinfo_symbol(vi, "swapper_pg_dir", &u));
	kd_error_destroy(kd_vmcoreinfo_number(vi, "phys_base", &s));
	kd_error_destroy(kd_vmcoreinfo_offset(vi, "list_head.next", &u));
	kd_error_destroy(kd_vmcoreinfo_pagesize(vi, &u));
	kd_error_destroy(kd_vmcoreinfo_crashtime(vi, &s));
	kd_error_destroy(kd_vmcoreinfo_kerneloffset(vi, &u));
	kd_vmcoreinfo_destroy(vi);
	return 0;
}
