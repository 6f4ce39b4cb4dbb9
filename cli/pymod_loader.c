// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epython in the shell, with Python support built: the shipped programs
 * become commands at start-up (no Python needed for that), and the
 * module that embeds CPython (pykdump-python.so, cli/epython.c) is loaded
 * on the first epython or triage.  Linking libpython into the program
 * instead cost every start its relocations: about 400 page faults and
 * 6 ms on a 2-CPU VM, for sessions most of which run no Python.
 *
 * The module is looked for beside the program (the build tree), then in
 * the install directory.  It is loaded RTLD_GLOBAL: the interpreter's
 * own extension modules (lib-dynload) take libpython's symbols from the
 * global scope, as in a python3 process.  It takes the engine from the
 * program, which exports its symbols (export_dynamic).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_epython.h"
#include "epython.h"
#include "pymod.h"

static struct {
	void *handle;
	kd_epython_fn *run;
	kd_pymod_triage_fn *triage;
	kd_pymod_fini_fn *fini;
	char why[512];		/* why it could not be loaded */
} pymod;

/* dlopen path; 0, or -1 with pymod.why set. */
static int try_load(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
	if (!h) {
		snprintf(pymod.why, sizeof(pymod.why), "%s", dlerror());
		return -1;
	}
	pymod.run = (kd_epython_fn *)dlsym(h, "kd_pymod_run");
	pymod.triage = (kd_pymod_triage_fn *)dlsym(h, "kd_pymod_triage");
	pymod.fini = (kd_pymod_fini_fn *)dlsym(h, "kd_pymod_fini");
	if (!pymod.run || !pymod.triage || !pymod.fini) {
		snprintf(pymod.why, sizeof(pymod.why), "%s: not pykdump's "
			 "Python module (no kd_pymod_run)", path);
		dlclose(h);
		return -1;
	}
	pymod.handle = h;
	return 0;
}

static int load(void)
{
	if (pymod.handle)
		return 0;
	char exe[PATH_MAX], path[PATH_MAX + sizeof(KD_PYMOD_NAME)];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash = n > 0 ? memrchr(exe, '/', (size_t)n) : NULL;
	if (slash) {
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - exe),
			 exe, KD_PYMOD_NAME);
		if (access(path, F_OK) == 0)
			return try_load(path);
	}
	snprintf(path, sizeof(path), "%s/%s", KD_PYMOD_INSTALLDIR,
		 KD_PYMOD_NAME);
	if (access(path, F_OK) == 0)
		return try_load(path);
	snprintf(pymod.why, sizeof(pymod.why), "%s not found beside the "
		 "program or in %s", KD_PYMOD_NAME, KD_PYMOD_INSTALLDIR);
	return -1;
}

static int lazy_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (load() < 0) {
		fprintf(ctx->err ? ctx->err : ctx->out,
			"%s: cannot load Python support: %s\n", ctx->name,
			pymod.why);
		return 1;
	}
	return pymod.run(ctx, argc, argv);
}

int kd_cli_triage(int argc, char **argv)
{
	if (load() < 0) {
		fprintf(stderr, "pykdump triage: cannot load Python support: "
			"%s\n", pymod.why);
		return 2;
	}
	return pymod.triage(argc, argv);
}

/* The summary of a program: the first line of its module docstring,
 * or NULL.  Looked for in the first lines only (comments come first). */
static char *prog_summary(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], *res = NULL;
	for (int i = 0; f && i < 40 && fgets(line, sizeof(line), f); i++) {
		char *p = line + strspn(line, " \t");
		if (strncmp(p, "\"\"\"", 3))
			continue;
		p += 3;
		if (!p[strspn(p, " \t\r\n")]) {	/* text on the next line */
			if (!fgets(line, sizeof(line), f))
				break;
			p = line + strspn(line, " \t");
		}
		p[strcspn(p, "\r\n")] = '\0';
		char *q = strstr(p, "\"\"\"");
		if (q)
			*q = '\0';
		res = *p ? strdup(p) : NULL;
		break;
	}
	if (f)
		fclose(f);
	return res;
}

/* Every progs/NAME.py shipped (not _private.py) becomes command NAME,
 * as the original registers its programs (crashinfo, xportshow ...). */
static void register_shipped_progs(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 4 || n > 200 || e->d_name[0] == '_' ||
		    e->d_name[0] == '.' || strcmp(e->d_name + n - 3, ".py"))
			continue;
		char name[256], path[4096], usage[1024];
		snprintf(name, sizeof(name), "%.*s", (int)(n - 3), e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(usage, sizeof(usage), "SYNOPSIS\n  %s [args ...]\n\n"
			 "  Runs %s/%s as \"epython %s\" does.\n", name, dir,
			 e->d_name, name);
		char *summary = prog_summary(path);
		(void)kd_epython_register_prog(name, summary, usage);
		free(summary);
	}
	if (d)
		closedir(d);
}

void kd_cli_epython_init(void)
{
	kd_epython_set_runner(lazy_run);
	register_shipped_progs(KD_PROGS_DIR);
}

/* The module stays loaded: CPython cannot be unloaded safely. */
void kd_cli_epython_fini(void)
{
	kd_epython_unregister_progs();
	if (pymod.handle)
		pymod.fini();
}
