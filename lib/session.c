// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A session: one dump and its debuginfo.  Set-up order (each step uses
 * only the ones before it):
 *   1. classify the user's files by content: an ELF executable is the
 *      vmlinux, anything else is a dump file (crash accepts either order);
 *   2. open the dump (format, notes, VMCOREINFO);
 *   3. later layers: translation, symbols, DWARF index, types.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>

#include <pykdump/dump.h>
#include <pykdump/session.h>

#include "session_internal.h"

/* 1 when path is an ELF executable (a vmlinux), 0 otherwise. */
static struct kd_error *is_vmlinux(const char *path, int *ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kd_error_os(errno, path, "cannot open");
	Elf64_Ehdr eh;
	ssize_t n = pread(fd, &eh, sizeof(eh), 0);
	close(fd);
	*ret = n == (ssize_t)sizeof(eh) &&
	       memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	       (eh.e_type == ET_EXEC || eh.e_type == ET_DYN);
	return NULL;
}

static char *join_paths(const char *const *paths, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(paths[i]) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, paths[i]);
	}
	return s;
}

struct kd_error *kd_session_open(const struct kd_session_options *opts,
				 struct kd_session **ret)
{
	struct kd_error *err;
	struct kd_session *s = calloc(1, sizeof(*s));
	const char **dumps = calloc(opts->nfiles + 1, sizeof(*dumps));
	if (!s || !dumps) {
		err = &kd_error_nomem;
		goto out_free;
	}
	size_t ndumps = 0;
	const char *vmlinux = opts->vmlinux;
	for (size_t i = 0; i < opts->nfiles; i++) {
		int v;
		err = is_vmlinux(opts->files[i], &v);
		if (err)
			goto out_free;
		if (v && !vmlinux)
			vmlinux = opts->files[i];
		else if (v)
			err = kd_error_create(KD_ERR_INVALID,
					      "%s: a second vmlinux (already have %s)",
					      opts->files[i], vmlinux);
		else
			dumps[ndumps++] = opts->files[i];
		if (err)
			goto out_free;
	}
	if (ndumps == 0) {
		err = kd_error_create(KD_ERR_INVALID, "no dump file given");
		goto out_free;
	}
	s->opts = *opts;
	s->dump_path = join_paths(dumps, ndumps);
	s->vmlinux_path = vmlinux ? strdup(vmlinux) : NULL;
	if (!s->dump_path || (vmlinux && !s->vmlinux_path)) {
		err = &kd_error_nomem;
		goto out_free;
	}
	err = kd_dump_open(dumps, ndumps, &s->dump);
	if (err)
		goto out_free;
	free(dumps);
	*ret = s;
	return NULL;

out_free:
	free(dumps);
	kd_session_close(s);
	return err;
}

void kd_session_close(struct kd_session *s)
{
	if (!s)
		return;
	kd_dump_close(s->dump);
	free(s->dump_path);
	free(s->vmlinux_path);
	free(s);
}

struct kd_dump *kd_session_dump(struct kd_session *s)
{
	return s->dump;
}

const char *kd_session_dump_path(const struct kd_session *s)
{
	return s->dump_path;
}

const char *kd_session_vmlinux_path(const struct kd_session *s)
{
	return s->vmlinux_path;
}
