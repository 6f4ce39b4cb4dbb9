// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * session_probe [--debug-dir D] [--force] FILES... -- NAME...
 * Opens a session as the CLI does and prints what the set-up derived
 * (vmlinux, KASLR offset, phys_base, direct map base, 5-level), then for
 * each NAME its relocated address and the first 8 bytes there, and the
 * linux_banner string read from memory.  For tests/kernel/test_session.py.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/session.h>

#include "session/session_internal.h"

int main(int argc, char **argv)
{
	const char *files[16], *names[64], *dirs[8];
	size_t nfiles = 0, nnames = 0, ndirs = 0;
	int force = 0, in_names = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			in_names = 1;
		else if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "--debug-dir") && i + 1 < argc && ndirs < 8)
			dirs[ndirs++] = argv[++i];
		else if (in_names && nnames < 64)
			names[nnames++] = argv[i];
		else if (!in_names && nfiles < 16)
			files[nfiles++] = argv[i];
	}
	struct kd_session_options o = {
		.files = files, .nfiles = nfiles, .debug_dirs = dirs,
		.ndebug_dirs = ndirs, .force_vmlinux = force,
	};
	struct kd_session *s;
	struct kd_error *err = kd_session_open(&o, &s);
	if (err) {
		printf("error: %s\n", err->message);
		kd_error_destroy(err);
		return 1;
	}
	printf("vmlinux: %s\n", kd_session_vmlinux_path(s));
	printf("kaslr_offset: %#" PRIx64 "\n", s->kaslr_offset);
	printf("phys_base: %#" PRIx64 "\n", s->phys_base);
	printf("page_offset_base: %#" PRIx64 "\n", s->page_offset_base);
	printf("l5: %d\n", s->l5);
	for (size_t i = 0; i < nnames; i++) {
		uint64_t addr, val = 0;
		err = kd_symbol_addr(s, names[i], &addr);
		if (!err)
			err = kd_read_u64(s, addr, &val);
		if (err) {
			printf("%s: error: %s\n", names[i], err->message);
			kd_error_destroy(err);
			continue;
		}
		printf("%s: %016" PRIx64 " %016" PRIx64 "\n", names[i], addr, val);
	}
	char banner[512];
	uint64_t a;
	if (kd_symbol_try_addr(s, "linux_banner", &a) &&
	    !kd_read_cstring(s, a, banner, sizeof(banner), NULL))
		printf("banner: %s", banner);
	kd_session_close(s);
	return 0;
}
