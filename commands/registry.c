// SPDX-License-Identifier: GPL-2.0-or-later
/* The table of built-in commands. */
#include <string.h>

#include "command.h"

extern const struct kd_command kd_cmd_bt;
extern const struct kd_command kd_cmd_dumpinfo;
extern const struct kd_command kd_cmd_foreach;
extern const struct kd_command kd_cmd_help;
extern const struct kd_command kd_cmd_list;
extern const struct kd_command kd_cmd_tree;

/* Keep sorted by name: "help" lists them in this order. */
const struct kd_command *const kd_commands[] = {
	&kd_cmd_bt,
	&kd_cmd_dumpinfo,
	&kd_cmd_foreach,
	&kd_cmd_help,
	&kd_cmd_list,
	&kd_cmd_tree,
	NULL,
};

const struct kd_command *kd_command_find(const char *name)
{
	for (const struct kd_command *const *c = kd_commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}
