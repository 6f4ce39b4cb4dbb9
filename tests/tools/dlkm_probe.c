// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dlkm_probe VMLINUX DUMP MODULE FILE STRUCT MEMBER VARIABLE
 *
 * For tests/kernel/test_dlkm.py: a struct reader (lib/types/readers.c) asked
 * for STRUCT before MODULE's debuginfo is loaded, after loading FILE,
 * after unloading and after loading again; each line says whether the
 * reader exists, its size and MEMBER's offset, the memocache generation,
 * and VARIABLE's int value read through the types (address: DWARF
 * address + KASLR offset, the convention lib/dlkm/load.c keeps).
 */
#include <inttypes.h>
#include <stdio.h>

#include <pykdump/dlkm.h>
#include <pykdump/memocache.h>
#include <pykdump/memory.h>
#include <pykdump/readers.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>

static void probe(struct kd_session *s, const char *what, char **argv)
{
	struct kd_reader *r;
	struct kd_types *ts;
	struct kd_variable v;
	int32_t val = 0;
	uint64_t gen = kd_memocache_generation(kd_session_memocache(s));
	struct kd_error *err = kd_reader_get(s, argv[5], &r);
	if (err) {
		printf("%s: gen %" PRIu64 " no reader\n", what, gen);
		kd_error_destroy(err);
		return;
	}
	const struct kd_rmember *m;
	err = kd_reader_member(r, argv[6], &m);
	printf("%s: gen %" PRIu64 " size %" PRIu64 " %s %" PRIu64, what, gen,
	       kd_reader_size(r), argv[6], err ? (uint64_t)-1 : m->offset);
	kd_error_destroy(err);
	err = kd_session_types(s, &ts);
	if (!err)
		err = kd_types_find_variable(ts, argv[7], &v);
	if (!err)
		err = kd_read_kvaddr(s, v.address +
				     kd_symtab_relocation(kd_session_symtab(s)),
				     &val, sizeof(val));
	if (err)
		printf(" %s ?\n", argv[7]);
	else
		printf(" %s %" PRId32 "\n", argv[7], val);
	kd_error_destroy(err);
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: dlkm_probe VMLINUX DUMP MODULE FILE "
			"STRUCT MEMBER VARIABLE\n");
		return 2;
	}
	const char *files[] = { argv[1], argv[2] };
	struct kd_session_options o = { .files = files, .nfiles = 2 };
	struct kd_session *s;
	struct kd_error *err = kd_session_open(&o, &s);
	if (err) {
		fprintf(stderr, "%s\n", err->message);
		return 1;
	}
	probe(s, "before", argv);
	err = kd_modules_load_debuginfo(s, argv[3], argv[4]);
	probe(s, "loaded", argv);
	if (!err)
		err = kd_modules_unload_debuginfo(s, argv[3]);
	probe(s, "unloaded", argv);
	if (!err)
		err = kd_modules_load_debuginfo(s, argv[3], argv[4]);
	probe(s, "reloaded", argv);
	if (err)
		fprintf(stderr, "%s\n", err->message);
	kd_error_destroy(err);
	kd_session_close(s);
	return err != NULL;
}
