/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command loop: batch lines and the interactive readline shell. */
#ifndef PYKDUMP_CLI_SHELL_H
#define PYKDUMP_CLI_SHELL_H

#include <stdio.h>

struct kd_session;

struct kd_shell {
	struct kd_session *s;
	double timeout;		/* per-command budget, 0 = none */
	int last_status;
	int any_failed;		/* a command of the batch failed */
	int stop;		/* stdout cannot be written: run nothing more */
	char *history_file;	/* <cache>/history, or NULL */
};

void kd_shell_init(struct kd_shell *sh);
void kd_shell_fini(struct kd_shell *sh);
/* Run one line; returns the command's status (non-zero also sets
 * any_failed). */
int kd_shell_run_line(struct kd_shell *sh, const char *line);
/* A batch: 1 when any command of it (or before it) failed. */
int kd_shell_run_stream(struct kd_shell *sh, FILE *in);
int kd_shell_run_file(struct kd_shell *sh, const char *path);
/* The interactive shell: the last command's status. */
int kd_shell_interactive(struct kd_shell *sh);

#endif
