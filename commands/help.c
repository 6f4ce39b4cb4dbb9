// SPDX-License-Identifier: GPL-2.0-or-later
/* help [COMMAND]: list the built-in commands, or one command's usage. */
#include <string.h>
#include <unistd.h>

#include "cmd_util.h"
#include "command.h"

static int help_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	/* crash's help options show its own tables (-k, -m ...): none here */
	if (kd_cmd_no_options(ctx, argc, argv, 0))
		return 1;
	int first = optind;
	if (argc > first) {
		/* a name that is no command fails the whole: no page is
		 * printed for the others, a wrong name is not passed over */
		for (int i = first; i < argc; i++)
			if (!kd_command_find(argv[i]))
				return kd_cmd_error(ctx, "No manual entry "
						    "for %s", argv[i]);
		for (int i = first; i < argc; i++) {
			const struct kd_command *c = kd_command_find(argv[i]);
			fprintf(ctx->out, "NAME\n  %s - %s\n\n%s\n", c->name,
				c->summary, c->usage);
		}
		return 0;
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
