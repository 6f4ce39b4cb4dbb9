/* SPDX-License-Identifier: GPL-2.0-or-later */
/* epython in the shell: cli/epython.c with Python, cli/epython_none.c
 * without. */
#ifndef PYKDUMP_CLI_EPYTHON_H
#define PYKDUMP_CLI_EPYTHON_H

void kd_cli_epython_init(void);
void kd_cli_epython_fini(void);

#endif /* PYKDUMP_CLI_EPYTHON_H */
