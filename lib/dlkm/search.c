// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding a module's debuginfo file.  Directories, in order: the ones
 * the user named ($PYKDUMP_DEBUGDIR, ':' separated; the session's debug
 * dirs, --debug-dir; kd_modules_add_search_dir(), --mod-dir), then the
 * dump's own directory, /usr/lib/debug/lib/modules/<release>,
 * /lib/modules/<release>.  Each is searched recursively (not following
 * symbolic links to directories, at most 12 levels deep); the first
 * directory with a match wins, and within it the best name:
 * NAME.ko.debug, NAME.o.debug, NAME.ko, NAME.o, NAME.ko.zst, NAME.ko.xz
 * with '-' and '_' interchangeable (module "qemu_fw_cfg" may be built
 * from qemu-fw-cfg.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pykdump/dump.h>
#include <pykdump/session.h>
#include <pykdump/vector.h>

#include "dlkm_internal.h"

static const char *const suffixes[] = {
	".ko.debug", ".o.debug", ".ko", ".o", ".ko.zst", ".ko.xz",
};
#define NSUFFIXES (sizeof(suffixes) / sizeof(suffixes[0]))
#define MAX_DEPTH 12

struct search {
	const char *name;	/* module name */
	char *best;		/* path of the best match so far */
	size_t best_rank;
	/* mod -S: every module at once (names[i] -> paths[i]) */
	const char *const *names;
	char **paths;
	size_t *ranks;
	size_t n;
};

/* Rank of file name fn as debuginfo of module mod (0 = no match). */
static size_t rank(const char *fn, const char *mod)
{
	size_t len = strlen(fn);
	for (size_t i = 0; i < NSUFFIXES; i++) {
		size_t sl = strlen(suffixes[i]);
		if (len <= sl || strcmp(fn + len - sl, suffixes[i]) != 0)
			continue;
		char base[256];
		if (len - sl >= sizeof(base))
			return 0;
		memcpy(base, fn, len - sl);
		base[len - sl] = '\0';
		return kd_dlkm_name_eq(base, mod) ? NSUFFIXES - i : 0;
	}
	return 0;
}

static void consider(struct search *sr, const char *path, const char *fn)
{
	for (size_t i = 0; i < sr->n; i++) {
		size_t r = rank(fn, sr->names[i]);
		if (r > sr->ranks[i]) {
			char *p = strdup(path);
			if (!p)
				return;
			free(sr->paths[i]);
			sr->paths[i] = p;
			sr->ranks[i] = r;
		}
	}
}

static void walk(struct search *sr, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		char path[4096];
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path))
			continue;
		struct stat st;
		if (e->d_type == DT_DIR ||
		    (e->d_type == DT_UNKNOWN && !lstat(path, &st) &&
		     S_ISDIR(st.st_mode))) {
			if (depth < MAX_DEPTH)
				walk(sr, path, depth + 1);
			continue;
		}
		consider(sr, path, e->d_name);
	}
	closedir(d);
}

/* The directories to search, in order (malloc'd strings, NULL-ended). */
static char **search_dirs(struct kd_dlkm *dl)
{
	size_t cap = dl->ndirs + 64, n = 0;
	char **v = calloc(cap + 1, sizeof(*v));
	if (!v)
		return NULL;
	const char *env = getenv("PYKDUMP_DEBUGDIR");
	char *envc = env ? strdup(env) : NULL, *save = NULL;
	for (char *t = envc ? strtok_r(envc, ":", &save) : NULL; t && n < 40;
	     t = strtok_r(NULL, ":", &save))
		v[n++] = strdup(t);
	free(envc);
	const struct kd_session_options *o = kd_session_options(dl->s);
	for (size_t i = 0; i < o->ndebug_dirs && n < 48; i++)
		v[n++] = strdup(o->debug_dirs[i]);
	for (size_t i = 0; i < dl->ndirs; i++)
		v[n++] = strdup(dl->dirs[i]);
	const char *dump = kd_session_dump_path(dl->s);
	char *d = dump ? strdup(dump) : NULL;
	char *sp = d ? strchr(d, ' ') : NULL;
	if (sp)
		*sp = '\0';	/* a split set: the first file's */
	char *sl = d ? strrchr(d, '/') : NULL;
	if (sl)
		*sl = '\0';
	if (d) {	/* absolute, as crash shows the files it found */
		v[n] = realpath(sl ? d : ".", NULL);
		n += v[n] != NULL;
	}
	free(d);
	const char *rel = kd_dump_release(kd_session_dump(dl->s));
	if (rel && !strchr(rel, '/')) {
		char *p;
		if (asprintf(&p, "/usr/lib/debug/lib/modules/%s", rel) >= 0)
			v[n++] = p;
		if (asprintf(&p, "/lib/modules/%s", rel) >= 0)
			v[n++] = p;
	}
	return v;
}

static void free_dirs(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Searches dir (or the whole path) for every name at once. */
struct kd_error *kd_dlkm_search(struct kd_dlkm *dl, const char *dir,
				const char *const *names, char **paths,
				size_t n)
{
	size_t *ranks = calloc(n ? n : 1, sizeof(*ranks));
	char **dirs = dir ? NULL : search_dirs(dl);
	if (!ranks || (!dir && !dirs)) {
		free(ranks);
		free_dirs(dirs);
		return &kd_error_nomem;
	}
	struct search sr = { .names = names, .paths = paths, .ranks = ranks,
			     .n = n };
	if (dir) {
		walk(&sr, dir, 0);
	} else {
		for (size_t i = 0; dirs[i]; i++) {
			walk(&sr, dirs[i], 0);
			size_t found = 0;
			for (size_t k = 0; k < n; k++)
				found += paths[k] != NULL;
			if (found == n)
				break;
		}
	}
	free(ranks);
	free_dirs(dirs);
	return NULL;
}

struct kd_error *kd_modules_find_debuginfo(struct kd_session *s,
					   const char *name, const char *dir,
					   char **ret)
{
	struct kd_dlkm *dl;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (err)
		return err;
	char *path = NULL;
	const char *names[1] = { name };
	err = kd_dlkm_search(dl, dir, names, &path, 1);
	if (err)
		return err;
	if (!path)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "%s: no debuginfo found (%s.ko.debug, "
				       "%s.ko ... in %s)", name, name, name,
				       dir ? dir : "the dump's directory, "
				       "$PYKDUMP_DEBUGDIR, --mod-dir, "
				       "/usr/lib/debug/lib/modules/<release>, "
				       "/lib/modules/<release>");
	*ret = path;
	return NULL;
}

struct kd_error *kd_modules_add_search_dir(struct kd_session *s,
					   const char *dir)
{
	struct kd_dlkm *dl = kd_dlkm_state(s);	/* the list is not needed */
	if (!dl)
		return &kd_error_nomem;
	for (size_t i = 0; i < dl->ndirs; i++)
		if (strcmp(dl->dirs[i], dir) == 0)
			return NULL;
	if (dl->ndirs >= 16)
		return kd_error_create(KD_ERR_LIMIT, "too many module dirs");
	struct kd_error *err = kd_array_reserve(&dl->dirs, &dl->dirs_cap,
						dl->ndirs + 1);
	if (err)
		return err;
	if (!(dl->dirs[dl->ndirs] = strdup(dir)))
		return &kd_error_nomem;
	dl->ndirs++;
	return NULL;
}
