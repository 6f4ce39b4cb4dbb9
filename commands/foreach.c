// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * foreach [pid | task | name ...] bt [bt flags]: run a command for every
 * task (crash's order: idle tasks by CPU, then by pid), or for the tasks
 * named.  Only bt is supported for now; other commands are refused with
 * a message.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/tasks.h>

#include "bt.h"
#include "cmd_util.h"

static int parse_bt_flags(struct kd_cmd_ctx *ctx, int argc, char **argv,
			  int from, unsigned *flags)
{
	for (int i = from; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1])
			goto bad;
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'f')
				*flags |= KD_BT_FRAME_DATA;
			else if (*p == 'l')
				*flags |= KD_BT_LINES;
			else if (*p == 's')
				*flags |= KD_BT_OFFSETS;
			else
				goto bad;
		}
	}
	return 1;
bad:
	kd_cmd_error(ctx, "bt: unsupported argument: %s", argv[from]);
	return 0;
}

/* Does task t match a selector: pid, task address (hex) or command? */
static int matches(const struct kd_task_ref *t, const char *sel)
{
	char *end;
	long pid = strtol(sel, &end, 10);
	if (!*end && pid == t->pid)
		return 1;
	uint64_t addr = strtoull(sel, &end, 16);
	if (!*end && addr == t->task)
		return 1;
	return strcmp(sel, t->comm) == 0;
}

static int selected(const struct kd_task_ref *t, char **sel, int nsel)
{
	if (!nsel)
		return 1;
	for (int i = 0; i < nsel; i++)
		if (matches(t, sel[i]))
			return 1;
	return 0;
}

static int run_foreach(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int cmd = 1;
	while (cmd < argc && strcmp(argv[cmd], "bt") != 0)
		cmd++;
	if (cmd >= argc)
		return kd_cmd_error(ctx, "no keyword specified (only \"bt\" "
				    "is supported)");
	unsigned flags = 0;
	if (!parse_bt_flags(ctx, argc, argv, cmd + 1, &flags))
		return 1;
	struct kd_task_ref *tasks;
	size_t n;
	struct kd_error *problem;
	struct kd_error *err = kd_task_list_partial(ctx->s, &tasks, &n,
						    &problem);
	if (err)
		return kd_cmd_fail(ctx, err);
	struct kd_cmd_ctx bt_ctx = *ctx;
	bt_ctx.name = "bt";
	int rc = 0, printed = 0;
	for (size_t i = 0; i < n && !kd_cancel_pending(); i++) {
		if (!selected(&tasks[i], argv + 1, cmd - 1))
			continue;
		if (printed++)
			fprintf(ctx->out, "\n");
		rc |= kd_bt_print_task(&bt_ctx, tasks[i].task, flags);
	}
	free(tasks);
	if (problem) {
		if (printed)
			fputc('\n', ctx->out);
		rc = kd_cmd_fail_what(ctx, "task list incomplete", problem);
	}
	return rc;
}

const struct kd_command kd_cmd_foreach = {
	.name = "foreach",
	.summary = "display command data for multiple tasks",
	.usage =
	"foreach [pid | task | name] ... bt [-f] [-l] [-s]\n"
	"  Run bt for every task, or for the tasks selected by pid, task\n"
	"  address or command name.\n",
	.run = run_foreach,
	.needs_vmlinux = 1,
};
