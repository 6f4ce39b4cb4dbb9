// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the module list and each module's kallsyms read from
 * garbage kernel memory (lib/kernel/kmodules.c, lib/dlkm/modlist.c,
 * ksyms.c): struct module, its symtab/strtab, section attributes and
 * build-id note, then lookups by address and name over what was read.
 * Types and symbols are the real sample's; memory is the input.
 */
#include <stdint.h>

#include <pykdump/dlkm.h>
#include <pykdump/kmodules.h>
#include <pykdump/ksyms.h>

#include "session_fuzz.h"

static volatile unsigned sink;

static void touch(const char *s)
{
	if (s)
		sink += (unsigned)strlen(s);
}

static void run(const uint8_t *hdr, size_t hlen)
{
	(void)hdr; (void)hlen;
	const struct kd_kmodule *km;
	size_t nkm;
	int trunc;
	kd_error_destroy(kd_kmodules_get(fz_s, &km, &nkm, &trunc));
	size_t n = 0;
	struct kd_error *err = kd_modules_count(fz_s, &n);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < n && i < 512; i++) {
		struct kd_module_info mi;
		if ((err = kd_modules_get(fz_s, i, &mi))) {
			kd_error_destroy(err);
			continue;
		}
		touch(mi.name);
		touch(mi.symbols_note);
		size_t ns = kd_ksym_module_count(fz_s, i);
		for (size_t j = 0; j < ns && j < 64; j++) {
			struct kd_ksym k;
			if (kd_ksym_module_get(fz_s, i, j, &k))
				touch(k.name);
		}
		uint64_t probes[] = { mi.base, mi.base + mi.size / 2,
				      mi.base + mi.size - 1, mi.init_base };
		for (size_t j = 0; j < 4; j++) {
			const char *name, *mod;
			uint64_t off;
			size_t idx;
			if (kd_ksym_lookup_addr(fz_s, probes[j], &name, &off,
						&mod)) {
				touch(name);
				touch(mod);
			}
			struct kd_ksym next;
			if (kd_ksym_next(fz_s, probes[j], &next))
				touch(next.name);
			sink += (unsigned)kd_modules_by_addr(fz_s, probes[j], &idx);
		}
		if (mi.name) {
			size_t idx;
			kd_error_destroy(kd_modules_find(fz_s, mi.name, &idx));
		}
	}
	struct kd_ksym k;
	kd_error_destroy(kd_ksym_by_name(fz_s, "fuzz_no_such_symbol", &k));
	kd_error_destroy(kd_ksym_by_name(fz_s, "virtio_net:fuzz_nope", &k));
}

FZ_MEMORY_ONLY_TARGET(run)
