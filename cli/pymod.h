/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The entry points of pykdump-python.so (cli/epython.c), which
 * cli/pymod_loader.c looks up when it loads the module. */
#ifndef PYKDUMP_CLI_PYMOD_H
#define PYKDUMP_CLI_PYMOD_H

#include "epython.h"

#define KD_PYMOD_NAME "pykdump-python.so"
/* The module's entry points, found by dlsym. */
#define KD_PYMOD_ENTRY __attribute__((visibility("default")))

/* epython's runner (a kd_epython_fn): starts the interpreter on first
 * use. */
KD_PYMOD_ENTRY int kd_pymod_run(struct kd_cmd_ctx *ctx, int argc, char **argv);
/* pykdump triage ARGS; the exit status. */
KD_PYMOD_ENTRY int kd_pymod_triage(int argc, char **argv);
/* Ends the interpreter if it was started. */
KD_PYMOD_ENTRY void kd_pymod_fini(void);

typedef int kd_pymod_triage_fn(int argc, char **argv);
typedef void kd_pymod_fini_fn(void);

#endif /* PYKDUMP_CLI_PYMOD_H */
