/* SPDX-License-Identifier: GPL-2.0-or-later */
/* epython in the shell: cli/epython.c with Python, cli/epython_none.c
 * without. */
#ifndef PYKDUMP_CLI_EPYTHON_H
#define PYKDUMP_CLI_EPYTHON_H

void kd_cli_epython_init(void);
void kd_cli_epython_fini(void);
/* pykdump triage ARGS: pykdump.triage.main(ARGS) in the embedded
 * interpreter (it opens the dumps itself); the exit status. */
int kd_cli_triage(int argc, char **argv);

#endif /* PYKDUMP_CLI_EPYTHON_H */
