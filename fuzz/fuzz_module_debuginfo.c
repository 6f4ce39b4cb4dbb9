// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: a kernel module's debuginfo file (ET_REL .ko) opened
 * and relocated to section addresses (dwarf_reloc.c, dwarf_source.c)
 * then indexed, as `mod -s` does.  The input is the whole file; the
 * "vmlinux" is the input too (a debuginfo handle needs one: opened
 * without cache).  Seeds: any small .ko or the unit tests' module
 * fixture (tests/unit/fixtures/module_fixture.o).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pykdump/debuginfo.h>

static int secaddr(void *arg, const char *section, uint64_t *addr)
{
	(void)arg;
	*addr = 0xffffffffa0000000ull + (section[0] ? (uint64_t)section[1] << 12 : 0);
	return 1;
}

/* The input as a file: an anonymous memory file (memfd), named by its
 * /proc/self/fd path, so no input touches the disk; without memfd, a
 * temporary file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz-module", 0);
	if (fd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	} else {
		snprintf(path, sizeof(path), "/tmp/fuzz-module-XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			return 0;
		unlink(path);	/* still open: named by /proc/self/fd */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	struct kd_debuginfo_options opts = { .no_cache = 1, .nthreads = 1 };
	struct kd_debuginfo *di;
	struct kd_error *err = kd_debuginfo_open(path, &opts, &di);
	if (!err) {
		err = kd_debuginfo_add_module(di, "fuzz", path, secaddr, NULL,
					      NULL, 0);
		kd_debuginfo_close(di);
	}
	kd_error_destroy(err);
	close(fd);
	return 0;
}
