// SPDX-License-Identifier: GPL-2.0-or-later
/* Built with -Dpython=disabled: epython says Python support was not built
 * (commands/epython.c, no runner installed). */
#include <stdio.h>

#include "cli_epython.h"

void kd_cli_epython_init(void)
{
}

void kd_cli_epython_fini(void)
{
}

int kd_cli_triage(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "pykdump triage: this pykdump was built without "
		"Python (meson -Dpython=enabled)\n");
	return 2;
}
