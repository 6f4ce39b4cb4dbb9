// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command loop.  Ctrl-C stops the running command (through
 * kd_cancel_request), never the shell; each command runs under the
 * --timeout budget.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <readline/history.h>
#include <readline/readline.h>

#include <pykdump/cancel.h>
#include <pykdump/session.h>

#include "command.h"
#include "shell.h"

static void on_sigint(int sig)
{
	(void)sig;
	kd_cancel_request();
}

void kd_shell_init(struct kd_shell *sh)
{
	struct sigaction sa = { .sa_handler = on_sigint };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* "| head" may close early */
	sh->last_status = 0;
}

void kd_shell_fini(struct kd_shell *sh)
{
	(void)sh;
	fflush(stdout);
}

static int is_quit(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t n = strcspn(line, " \t\n");
	return (n == 4 && strncmp(line, "quit", 4) == 0) ||
	       (n == 4 && strncmp(line, "exit", 4) == 0) ||
	       (n == 1 && line[0] == 'q');
}

int kd_shell_run_line(struct kd_shell *sh, const char *line)
{
	kd_cancel_begin(sh->timeout);
	sh->last_status = kd_command_exec(sh->s, line, stdout);
	kd_cancel_end();
	fflush(stdout);
	return sh->last_status;
}

int kd_shell_run_stream(struct kd_shell *sh, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, in) > 0) {
		if (is_quit(line))
			break;
		kd_shell_run_line(sh, line);
	}
	free(line);
	return sh->last_status;
}

int kd_shell_run_file(struct kd_shell *sh, const char *path)
{
	FILE *in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "pykdump: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int rc = kd_shell_run_stream(sh, in);
	fclose(in);
	return rc;
}

int kd_shell_interactive(struct kd_shell *sh)
{
	char *line;
	while ((line = readline("pykdump> ")) != NULL) {
		if (*line)
			add_history(line);
		if (is_quit(line)) {
			free(line);
			break;
		}
		kd_shell_run_line(sh, line);
		free(line);
	}
	return sh->last_status;
}
