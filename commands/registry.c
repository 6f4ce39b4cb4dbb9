// SPDX-License-Identifier: GPL-2.0-or-later
/* The table of built-in commands. */
#include <stdlib.h>
#include <string.h>

#include <pykdump/vector.h>

#include "command.h"

extern const struct kd_command kd_cmd_alias;
extern const struct kd_command kd_cmd_bt;
extern const struct kd_command kd_cmd_btop;
extern const struct kd_command kd_cmd_dev;
extern const struct kd_command kd_cmd_dis;
extern const struct kd_command kd_cmd_dumpinfo;
extern const struct kd_command kd_cmd_epython;
extern const struct kd_command kd_cmd_eval;
extern const struct kd_command kd_cmd_files;
extern const struct kd_command kd_cmd_foreach;
extern const struct kd_command kd_cmd_help;
extern const struct kd_command kd_cmd_ipcs;
extern const struct kd_command kd_cmd_irq;
extern const struct kd_command kd_cmd_kmem;
extern const struct kd_command kd_cmd_list;
extern const struct kd_command kd_cmd_log;
extern const struct kd_command kd_cmd_mod;
extern const struct kd_command kd_cmd_mount;
extern const struct kd_command kd_cmd_net;
extern const struct kd_command kd_cmd_p;
extern const struct kd_command kd_cmd_ps;
extern const struct kd_command kd_cmd_ptob;
extern const struct kd_command kd_cmd_ptov;
extern const struct kd_command kd_cmd_rd;
extern const struct kd_command kd_cmd_runq;
extern const struct kd_command kd_cmd_search;
extern const struct kd_command kd_cmd_set;
extern const struct kd_command kd_cmd_sig;
extern const struct kd_command kd_cmd_struct;
extern const struct kd_command kd_cmd_swap;
extern const struct kd_command kd_cmd_sym;
extern const struct kd_command kd_cmd_sys;
extern const struct kd_command kd_cmd_task;
extern const struct kd_command kd_cmd_timer;
extern const struct kd_command kd_cmd_tree;
extern const struct kd_command kd_cmd_union;
extern const struct kd_command kd_cmd_vm;
extern const struct kd_command kd_cmd_vtop;
extern const struct kd_command kd_cmd_waitq;
extern const struct kd_command kd_cmd_whatis;

/* Keep sorted by name: "help" lists them in this order. */
const struct kd_command *const kd_commands[] = {
	&kd_cmd_alias,
	&kd_cmd_bt,
	&kd_cmd_btop,
	&kd_cmd_dev,
	&kd_cmd_dis,
	&kd_cmd_dumpinfo,
	&kd_cmd_epython,
	&kd_cmd_eval,
	&kd_cmd_files,
	&kd_cmd_foreach,
	&kd_cmd_help,
	&kd_cmd_ipcs,
	&kd_cmd_irq,
	&kd_cmd_kmem,
	&kd_cmd_list,
	&kd_cmd_log,
	&kd_cmd_mod,
	&kd_cmd_mount,
	&kd_cmd_net,
	&kd_cmd_p,
	&kd_cmd_ps,
	&kd_cmd_ptob,
	&kd_cmd_ptov,
	&kd_cmd_rd,
	&kd_cmd_runq,
	&kd_cmd_search,
	&kd_cmd_set,
	&kd_cmd_sig,
	&kd_cmd_struct,
	&kd_cmd_swap,
	&kd_cmd_sym,
	&kd_cmd_sys,
	&kd_cmd_task,
	&kd_cmd_timer,
	&kd_cmd_tree,
	&kd_cmd_union,
	&kd_cmd_vm,
	&kd_cmd_vtop,
	&kd_cmd_waitq,
	&kd_cmd_whatis,
	NULL,
};

/* Run-time registrations: few (a dozen programs), kept sorted. */
static const struct kd_command **registered;
static size_t nregistered, registered_cap;
static const struct kd_command *const no_commands[] = { NULL };

static const struct kd_command *builtin_find(const char *name)
{
	for (const struct kd_command *const *c = kd_commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

static size_t registered_pos(const char *name, int *found)
{
	size_t i = 0;
	while (i < nregistered && strcmp(registered[i]->name, name) < 0)
		i++;
	*found = i < nregistered && strcmp(registered[i]->name, name) == 0;
	return i;
}

/* "p/x": the built-in before the '/' when it takes a format. */
static const struct kd_command *format_find(const char *name)
{
	char base[32];
	const char *slash = strchr(name, '/');
	if (!slash || slash == name || (size_t)(slash - name) >= sizeof(base))
		return NULL;
	memcpy(base, name, (size_t)(slash - name));
	base[slash - name] = '\0';
	const struct kd_command *c = builtin_find(base);
	return c && c->takes_format ? c : NULL;
}

const struct kd_command *kd_command_find(const char *name)
{
	const struct kd_command *c = builtin_find(name);
	if (!c)
		c = format_find(name);
	int found;
	size_t i = c ? 0 : registered_pos(name, &found);
	return c ? c : found ? registered[i] : NULL;
}

int kd_command_register(const struct kd_command *cmd,
			const struct kd_command **old)
{
	int found;
	*old = NULL;
	if (builtin_find(cmd->name))
		return 1;
	size_t i = registered_pos(cmd->name, &found);
	if (found) {
		*old = registered[i];
		registered[i] = cmd;
		return 0;
	}
	/* one spare slot for the NULL end */
	if (kd_array_reserve(&registered, &registered_cap, nregistered + 2))
		return -1;
	memmove(registered + i + 1, registered + i,
		(nregistered - i) * sizeof(*registered));
	registered[i] = cmd;
	registered[++nregistered] = NULL;
	return 0;
}

const struct kd_command *kd_command_unregister(const char *name)
{
	int found;
	size_t i = registered_pos(name, &found);
	if (!found)
		return NULL;
	const struct kd_command *c = registered[i];
	memmove(registered + i, registered + i + 1,
		(nregistered - i) * sizeof(*registered));	/* with NULL */
	if (--nregistered == 0) {
		free(registered);
		registered = NULL;
		registered_cap = 0;
	}
	return c;
}

const struct kd_command *const *kd_commands_registered(void)
{
	return registered ? registered : no_commands;
}
