// SPDX-License-Identifier: GPL-2.0-or-later
/* help [COMMAND]: list the built-in commands, or one command's usage. */
#include <string.h>

#include "command.h"

static int help_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (argc > 1) {
		int rc = 0;
		for (int i = 1; i < argc; i++) {
			const struct kd_command *c = kd_command_find(argv[i]);
			if (!c) {
				fprintf(ctx->out, "No manual entry for %s\n",
					argv[i]);
				rc = 1;
				continue;
			}
			fprintf(ctx->out, "NAME\n  %s - %s\n\n%s\n", c->name,
				c->summary, c->usage);
		}
		return rc;
	}
	for (const struct kd_command *const *c = kd_commands; *c; c++)
		fprintf(ctx->out, "%-12s %s\n", (*c)->name, (*c)->summary);
	const struct kd_command *const *r = kd_commands_registered();
	if (*r)
		fprintf(ctx->out, "\nPyKdump programs (also: epython NAME):\n");
	for (; *r; r++)
		fprintf(ctx->out, "%-12s %s\n", (*r)->name, (*r)->summary);
	fprintf(ctx->out, "\nIn the shell: \"set scroll on|off\" pages output "
		"through $PAGER on a terminal;\n\"CMD | shell-command\", "
		"\"CMD > file\", \"CMD >> file\" redirect; q, quit or exit "
		"leaves.\n");
	return 0;
}

const struct kd_command kd_cmd_help = {
	.name = "help",
	.summary = "list commands, or show one command's usage",
	.usage = "SYNOPSIS\n  help [command ...]\n",
	.run = help_run,
};
