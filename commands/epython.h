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

/* Install the runner (cli/epython.c); NULL removes it. */
void kd_epython_set_runner(kd_epython_fn *fn);

#endif /* PYKDUMP_EPYTHON_H */
