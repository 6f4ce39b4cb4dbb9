// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding the vmlinux of a dump, and refusing one that does not match.
 *
 * Where distributions put it, for the dump's release R (VMCOREINFO
 * OSRELEASE, or the kdump header's utsname):
 *   <debug-dir>/vmlinux-R, <debug-dir>/vmlinux, <debug-dir>/boot/vmlinux-R,
 *   <debug-dir>/lib/modules/R/vmlinux        (each --debug-dir, in order)
 *   <the dump's directory>/vmlinux-R, <the dump's directory>/vmlinux
 *   /usr/lib/debug/boot/vmlinux-R            (Debian, Ubuntu)
 *   /usr/lib/debug/lib/modules/R/vmlinux     (Fedora, RHEL, SUSE)
 *   /usr/lib/debug/.build-id/xx/yyyy.debug   (by build-id)
 *   /boot/vmlinux-R, /lib/modules/R/build/vmlinux
 * A candidate whose build-id differs from VMCOREINFO's BUILD-ID is
 * skipped.  After translation works, linux_banner in memory must equal
 * the file's (kd_session_check_banner); only force_vmlinux overrides.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pykdump/debuginfo.h>
#include <pykdump/dump.h>
#include <pykdump/log.h>
#include <pykdump/memory.h>
#include <pykdump/vmcoreinfo.h>

#include "session_internal.h"

#define MAX_CANDIDATES 64

struct candidates {
	char *path[MAX_CANDIDATES];
	size_t n;
};

static void add(struct candidates *c, const char *fmt, ...) KD_PRINTF(2, 3);
static void add(struct candidates *c, const char *fmt, ...)
{
	if (c->n >= MAX_CANDIDATES)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&c->path[c->n], fmt, ap) >= 0)
		c->n++;
	va_end(ap);
}

static void dump_dir(const char *dump_path, char *buf, size_t size)
{
	const char *slash = strrchr(dump_path, '/');
	if (!slash)
		snprintf(buf, size, ".");
	else
		snprintf(buf, size, "%.*s", (int)(slash - dump_path), dump_path);
	/* A split set: dump_path holds several names; the first one's
	 * directory is as good as any. */
	char *space = strchr(buf, ' ');
	if (space)
		*space = '\0';
}

static void list_candidates(const struct kd_session *s, const char *release,
			    const char *build_id, struct candidates *c)
{
	const char *r = release ? release : "";
	for (size_t i = 0; i < s->opts.ndebug_dirs; i++) {
		const char *d = s->opts.debug_dirs[i];
		if (release)
			add(c, "%s/vmlinux-%s", d, r);
		add(c, "%s/vmlinux", d);
		if (release) {
			add(c, "%s/boot/vmlinux-%s", d, r);
			add(c, "%s/lib/modules/%s/vmlinux", d, r);
			add(c, "%s/usr/lib/debug/boot/vmlinux-%s", d, r);
		}
	}
	char dir[4096];
	dump_dir(s->dump_path, dir, sizeof(dir));
	if (release)
		add(c, "%s/vmlinux-%s", dir, r);
	add(c, "%s/vmlinux", dir);
	if (release) {
		add(c, "/usr/lib/debug/boot/vmlinux-%s", r);
		add(c, "/usr/lib/debug/lib/modules/%s/vmlinux", r);
	}
	if (build_id && strlen(build_id) > 2)
		add(c, "/usr/lib/debug/.build-id/%.2s/%s.debug", build_id,
		    build_id + 2);
	if (release) {
		add(c, "/boot/vmlinux-%s", r);
		add(c, "/lib/modules/%s/build/vmlinux", r);
	}
}

/* A problem the debuginfo found in the background: into the problem
 * log, and to the caller's warn hook. */
static void debuginfo_warning(void *arg, const char *message)
{
	struct kd_session *s = arg;
	const char *path = s->vmlinux_path ? s->vmlinux_path : "vmlinux";
	kd_error_destroy(kd_log_warning(s->log, "%s: %s", path, message));
	if (s->opts.warn) {
		char *text;
		if (asprintf(&text, "%s: %s", path, message) >= 0) {
			s->opts.warn(s->opts.warn_arg, text);
			free(text);
		}
	}
}

static struct kd_debuginfo_options di_options(struct kd_session *s)
{
	struct kd_debuginfo_options o = {
		.cache_dir = s->opts.cache_dir,
		.no_cache = s->opts.no_index_cache,
		.progress = s->opts.progress,
		.progress_arg = s->opts.progress_arg,
		.warn = debuginfo_warning,
		.warn_arg = s,
		.memocache = s->mc,
	};
	return o;
}

/* The dump's BUILD-ID (VMCOREINFO, 5.9+), or NULL. */
static const char *dump_build_id(const struct kd_session *s)
{
	const struct kd_vmcoreinfo *vi = kd_dump_vmcoreinfo_table(s->dump);
	return vi ? kd_vmcoreinfo_get(vi, "BUILD-ID") : NULL;
}

static struct kd_error *check_build_id(const struct kd_session *s,
				       const struct kd_debuginfo *di)
{
	const char *want = dump_build_id(s);
	const char *have = kd_debuginfo_build_id_hex(di);
	if (!want || !*want || !*have)
		return NULL;
	/* VMCOREINFO may carry a shorter id than the note (it is printed
	 * with a fixed width on some kernels): compare the common prefix. */
	size_t n = strlen(want) < strlen(have) ? strlen(want) : strlen(have);
	if (strncasecmp(want, have, n) == 0)
		return NULL;
	return kd_error_create(KD_ERR_MISMATCH,
			       "%s: build-id %s does not match the dump's %s",
			       kd_debuginfo_path(di), have, want);
}

static struct kd_error *open_checked(struct kd_session *s, const char *path,
				     struct kd_debuginfo **ret)
{
	struct kd_debuginfo_options o = di_options(s);
	struct kd_debuginfo *di;
	struct kd_error *err = kd_debuginfo_open(path, &o, &di);
	if (err)
		return err;
	err = check_build_id(s, di);
	if (err && !s->opts.force_vmlinux) {
		kd_debuginfo_close(di);
		return err;
	}
	if (err)	/* forced: used, but never in silence */
		kd_session_warn(s, "%s; used anyway (--force-vmlinux): types, "
				"symbols and addresses may not be the dump's",
				err->message);
	kd_error_destroy(err);
	*ret = di;
	return NULL;
}

static struct kd_error *search(struct kd_session *s)
{
	const char *release = kd_dump_release(s->dump);
	const char *build_id = dump_build_id(s);
	struct candidates c = { .n = 0 };
	list_candidates(s, release, build_id, &c);
	struct kd_error *err = NULL, *first_refusal = NULL;
	for (size_t i = 0; i < c.n && !s->di; i++) {
		if (access(c.path[i], R_OK) != 0)
			continue;
		err = open_checked(s, c.path[i], &s->di);
		if (!err) {
			s->vmlinux_path = c.path[i];
			c.path[i] = NULL;
		} else if (!first_refusal) {
			first_refusal = err;
		} else {
			kd_error_destroy(err);
		}
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.path[i]);
	if (s->di) {
		kd_error_destroy(first_refusal);
		return NULL;
	}
	if (first_refusal)
		return kd_error_prefix(first_refusal,
				       "no matching vmlinux found for release %s",
				       release ? release : "(unknown)");
	return kd_error_create(KD_ERR_NOT_FOUND,
			       "no vmlinux given and none found for release %s "
			       "(looked in --debug-dir, the dump's directory, "
			       "/usr/lib/debug/boot, /usr/lib/debug/lib/modules, "
			       "/boot, /lib/modules/R/build); install the kernel's "
			       "debug package or name the vmlinux",
			       release ? release : "(unknown)");
}

struct kd_error *kd_session_find_vmlinux(struct kd_session *s, const char *given)
{
	if (!given)
		return search(s);
	struct kd_error *err = open_checked(s, given, &s->di);
	if (err)
		return err->code == KD_ERR_MISMATCH ?
			kd_error_prefix(err, "refusing vmlinux (use --force-vmlinux to use it anyway)") :
			err;
	s->vmlinux_path = strdup(given);
	return s->vmlinux_path ? NULL : &kd_error_nomem;
}

struct kd_error *kd_session_check_banner(struct kd_session *s)
{
	const char *file = kd_debuginfo_banner(s->di);
	uint64_t addr;
	if (!file || !kd_symbol_try_addr(s, "linux_banner", &addr))
		return NULL;
	size_t len = strlen(file);
	char *mem = malloc(len + 1);
	if (!mem)
		return &kd_error_nomem;
	struct kd_error *err = kd_read_kvaddr(s, addr, mem, len);
	if (err) {
		/* Unreadable banner: cannot tell; keep going. */
		kd_error_destroy(err);
		free(mem);
		return NULL;
	}
	mem[len] = '\0';
	int same = memcmp(mem, file, len) == 0;
	if (!same && s->opts.force_vmlinux)
		kd_session_warn(s, "%s does not match the dump: linux_banner in "
				"the dump is \"%.*s\", in the file \"%.*s\"; "
				"used anyway (--force-vmlinux)",
				s->vmlinux_path, (int)strcspn(mem, "\n"), mem,
				(int)strcspn(file, "\n"), file);
	if (!same && !s->opts.force_vmlinux) {
		err = kd_error_create(KD_ERR_MISMATCH,
				      "%s does not match the dump: linux_banner in "
				      "the dump is \"%.*s\", in the file \"%.*s\" "
				      "(use --force-vmlinux to use it anyway)",
				      s->vmlinux_path, (int)strcspn(mem, "\n"), mem,
				      (int)strcspn(file, "\n"), file);
	}
	free(mem);
	return err;
}
