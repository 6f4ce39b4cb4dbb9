/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * epython: the command is registered here for every build; the program
 * that embeds Python (build/pykdump with -Dpython enabled) installs the
 * runner.  Without one the command says Python support was not built.
 */
#ifndef PYKDUMP_EPYTHON_H
#define PYKDUMP_EPYTHON_H

#include "command.h"

typedef int kd_epython_fn(struct kd_cmd_ctx *ctx, int argc, char **argv);

/* Install the runner (cli/pymod_loader.c); NULL removes it. */
void kd_epython_set_runner(kd_epython_fn *fn);
/* Why epython cannot run a program while no runner is installed (the
 * API in a python3 process); default: Python support was not built.
 * why is kept (a string literal). */
KD_FOR_PYMOD void kd_epython_set_unavailable(const char *why);

/*
 * A PyKdump program as a command of its own name: "NAME args" runs
 * "epython NAME args" (the program is found by name as epython finds
 * it).  Returns 0, 1 when NAME is a built-in command, -1 without memory.
 * Registering again replaces the summary and usage.
 */
KD_FOR_PYMOD int kd_epython_register_prog(const char *name,
					  const char *summary,
					  const char *usage);
/* Drop every program registered by kd_epython_register_prog. */
void kd_epython_unregister_progs(void);

#endif /* PYKDUMP_EPYTHON_H */
