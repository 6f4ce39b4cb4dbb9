// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * alias [NAME [COMMAND ...]]: crash's command aliases.  A line whose
 * first word is an alias runs with that word replaced by the alias's
 * command (exec.c).  crash's built-in aliases come first (dmesg, lsmod,
 * last, hex, dec, ...; those naming a command we do not have, "g" for
 * gdb, "size" for "*", say so when used); "alias NAME COMMAND ..."
 * defines one at run time, replacing one of the same name, and shows it;
 * "alias NAME" shows one, "alias" all, and "alias NAME """ deletes one.
 * As in crash, a command's name cannot be an alias, and an alias must
 * start with a command.  Aliases belong to the process, as commands
 * registered at run time do.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/vector.h>

#include "cmd_util.h"

struct alias {
	char *name;
	char *cmd;
	int builtin;
};

static const struct {
	const char *name, *cmd;
} builtins[] = {
	{ "man", "help" }, { "?", "help" }, { "quit", "q" },
	{ "sf", "set scroll off" }, { "sn", "set scroll on" },
	{ "hex", "set radix 16" }, { "dec", "set radix 10" },
	{ "g", "gdb" }, { "px", "p -x" }, { "pd", "p -d" },
	{ "for", "foreach" }, { "size", "*" }, { "dmesg", "log" },
	{ "lsmod", "mod" }, { "last", "ps -l" },
};

static struct alias *aliases;
static size_t naliases, aliases_cap;
static int loaded;

static void load_builtins(void)
{
	if (loaded)
		return;
	size_t n = KD_ARRAY_SIZE(builtins);
	aliases = calloc(n, sizeof(*aliases));
	if (!aliases)
		return;		/* retried next time */
	loaded = 1;
	for (size_t i = 0; i < n; i++) {
		aliases[i].name = (char *)builtins[i].name;
		aliases[i].cmd = (char *)builtins[i].cmd;
		aliases[i].builtin = 1;
	}
	naliases = aliases_cap = n;
}

static struct alias *find(const char *name)
{
	load_builtins();
	for (size_t i = 0; i < naliases; i++)
		if (!strcmp(aliases[i].name, name))
			return &aliases[i];
	return NULL;
}

const char *kd_alias_find(const char *name)
{
	struct alias *a = find(name);
	return a ? a->cmd : NULL;
}

static void drop(struct alias *a)
{
	if (!a->builtin) {
		free(a->name);
		free(a->cmd);
	}
	size_t i = (size_t)(a - aliases);
	memmove(a, a + 1, (naliases - i - 1) * sizeof(*a));
	naliases--;
}

/* Every alias, or the one named.  A name that is no alias is an error
 * alone: crash prints the header first, an empty table a program would
 * take for an answer. */
static int list(struct kd_cmd_ctx *ctx, const char *name)
{
	if (name && !find(name))
		return kd_cmd_error(ctx, "alias does not exist: %s", name);
	fprintf(ctx->out, "ORIGIN   ALIAS    COMMAND\n");
	for (size_t i = 0; i < naliases; i++) {
		if (name && strcmp(name, aliases[i].name))
			continue;
		fprintf(ctx->out, "%-7s  %-7s  %s \n",
			aliases[i].builtin ? "builtin" : "runtime",
			aliases[i].name, aliases[i].cmd);
	}
	return 0;
}

/* "alias NAME WORDS...": WORDS joined by blanks (a quoted "ps -k" is one
 * word that holds them). */
static int define(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	const char *name = argv[1];
	char first[64];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(argv[2], " \t"),
		 argv[2]);
	if (kd_command_find(name))
		return kd_cmd_error(ctx, "cannot alias existing command "
				    "name: %s", name);
	if (!first[0]) {
		struct alias *a = find(name);
		if (a) {
			drop(a);
			fprintf(ctx->out, "alias deleted: %s\n", name);
		}
		return 0;
	}
	if (!kd_command_find(first))
		return kd_cmd_error(ctx, "invalid alias attempt on "
				    "non-existent command: %s", first);
	size_t len = 1;
	for (int i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *cmd = malloc(len), *nm = strdup(name);
	if (!cmd || !nm ||
	    kd_array_reserve(&aliases, &aliases_cap, naliases + 1)) {
		free(cmd);
		free(nm);
		return kd_cmd_error(ctx, "out of memory");
	}
	cmd[0] = '\0';
	for (int i = 2; i < argc; i++) {
		strcat(cmd, argv[i]);
		if (i + 1 < argc)
			strcat(cmd, " ");
	}
	struct alias *old = find(name);
	if (old)
		drop(old);
	aliases[naliases++] = (struct alias){ .name = nm, .cmd = cmd };
	return list(ctx, name);
}

static int alias_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	load_builtins();
	if (argc == 1)
		return list(ctx, NULL);
	if (argc == 2)
		return list(ctx, argv[1]);
	return define(ctx, argc, argv);
}

const struct kd_command kd_cmd_alias = {
	.name = "alias",
	.summary = "command aliases",
	.usage =
		"SYNOPSIS\n"
		"  alias [alias] [command string]\n"
		"\n"
		"DESCRIPTION\n"
		"  With no arguments, lists the aliases (crash's built-in ones\n"
		"  first).  With one, shows that alias.  With more, makes the\n"
		"  first argument an alias of the command string that follows:\n"
		"  a line starting with the alias runs as if it started with\n"
		"  the command string.  The command string must start with a\n"
		"  command, and a command's name cannot be an alias.  An empty\n"
		"  command string (\"\") deletes the alias.\n"
		"\n"
		"EXAMPLES\n"
		"    crash> alias kp ps -k\n"
		"    ORIGIN   ALIAS    COMMAND\n"
		"    runtime  kp       ps -k \n",
	.run = alias_run,
	.needs_vmlinux = 0,
};
