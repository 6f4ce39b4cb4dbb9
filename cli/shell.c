// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command loop.  Ctrl-C stops the running command (through
 * kd_cancel_request), never the shell: at the prompt it clears the line.
 * Each command runs under the --timeout budget (an epython program
 * included: the cancel hook reaches its Python code); one that runs out
 * is stopped, keeps the output it printed, and the timeout is reported
 * on stderr and kept in the session's problem log.  A command whose
 * output reader goes away ("| head") is stopped quietly (SIGPIPE); when
 * that output is our own stdout, or stdout cannot be written at all (a
 * full device), the shell stops with a failure status.  The
 * interactive shell prompts "crash> " as crash does, keeps its history
 * in <cache>/history (the cache directory of the DWARF index: nothing
 * is written outside it; no cache directory, no history), completes with Tab (complete.c) and, with
 * "set scroll on" (the default on a terminal), pages each command's
 * output through $PAGER (else "less -E -X").  Errors go to standard
 * error.  A batch (-c, -i, stdin) remembers whether any of its commands
 * failed: that is its exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>

#include <pykdump/cancel.h>
#include <pykdump/debuginfo.h>
#include <pykdump/log.h>
#include <pykdump/session.h>

#include "command.h"
#include "complete.h"
#include "shell.h"

#define HISTORY_MAX 1000

static volatile sig_atomic_t at_prompt;
static volatile sig_atomic_t output_closed;

/* The reader of the command's output went away ("| head", a pager that
 * quit, or our own stdout's reader): stop the command, as crash does.
 * Its write fails with EPIPE, the cancel request ends its loop. */
static void on_sigpipe(int sig)
{
	(void)sig;
	output_closed = 1;
	kd_cancel_request();
}

static void on_sigint(int sig)
{
	(void)sig;
	if (!at_prompt) {
		kd_cancel_request();	/* and its hook (epython) */
		return;
	}
	/* At the prompt: drop the line being typed, prompt again. */
	(void)!write(STDOUT_FILENO, "\n", 1);
	rl_on_new_line();
	rl_replace_line("", 0);
	rl_redisplay();
}

void kd_shell_init(struct kd_shell *sh)
{
	struct sigaction sa = { .sa_handler = on_sigint };
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	struct sigaction sp = { .sa_handler = on_sigpipe };
	sigemptyset(&sp.sa_mask);
	sp.sa_flags = SA_RESTART;
	sigaction(SIGPIPE, &sp, NULL);	/* "| head" may close early */
	sh->last_status = 0;
	sh->any_failed = 0;
	sh->stop = 0;
	kd_cmd_settings()->scroll = 0;	/* the interactive shell turns it on */
	sh->history_file = NULL;
}

void kd_shell_fini(struct kd_shell *sh)
{
	fflush(stdout);
	free(sh->history_file);
	sh->history_file = NULL;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int is_quit(const char *line)
{
	line = skip_blanks(line);
	size_t n = strcspn(line, " \t\n");
	return (n == 4 && strncmp(line, "quit", 4) == 0) ||
	       (n == 4 && strncmp(line, "exit", 4) == 0) ||
	       (n == 1 && line[0] == 'q');
}

/* Page only a terminal's output (set scroll), and not when the line
 * redirects it or escapes to the shell. */
static FILE *open_pager(const char *line)
{
	const struct kd_cmd_settings *st = kd_cmd_settings();
	if (!st->scroll || !isatty(STDOUT_FILENO) || strpbrk(line, "|>") ||
	    *skip_blanks(line) == '!')
		return NULL;
	fflush(stdout);
	return popen(st->pager, "w");
}

static void report_cancel(struct kd_shell *sh, const char *line, int why,
			  double budget)
{
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "%.*s", (int)strcspn(skip_blanks(line),
							  " \t\n"),
		 skip_blanks(line));
	if (why == KD_ERR_TIMEOUT) {
		fprintf(stderr, "%s: timed out after %g s (output is partial)\n",
			cmd, budget);
		struct kd_error *e = kd_log_timeout(kd_session_log(sh->s),
						    "%s: timed out after %g s",
						    cmd, budget);
		(void)e;	/* only the static nomem error */
	} else {
		fprintf(stderr, "%s: interrupted\n", cmd);
	}
}

/* Our standard output cannot be written (its reader is gone, the device
 * is full ...): nothing more can be shown, so the shell stops, with a
 * failure status (the output is incomplete).  Only a reader that went
 * away goes unreported, as for any filter. */
static int stdout_failed(struct kd_shell *sh)
{
	int err = fflush(stdout) == 0 ? 0 : errno;
	if (!ferror(stdout))
		return 0;
	sh->stop = 1;
	if (err != EPIPE && !output_closed)
		fprintf(stderr, "pykdump: cannot write the output: %s\n",
			err ? strerror(err) : "write error");
	return 1;
}

int kd_shell_run_line(struct kd_shell *sh, const char *line)
{
	int rc;
	if (sh->stop)
		return sh->last_status;
	FILE *pager = open_pager(line);
	output_closed = 0;
	kd_cancel_begin(sh->timeout);
	rc = kd_command_exec(sh->s, line, pager ? pager : stdout, stderr);
	int why = kd_cancel_pending();
	double budget = kd_cancel_budget();	/* epython may have set it */
	kd_cancel_end();
	if (pager)
		pclose(pager);
	if (stdout_failed(sh))
		rc = 1;
	else if (why == KD_ERR_INTERRUPTED && output_closed)
		why = rc = 0;	/* "| head" had what it wanted: no failure */
	if (why && !sh->stop) {
		report_cancel(sh, line, why, budget);
		rc = 1;
	}
	if (rc)
		sh->any_failed = 1;
	return sh->last_status = rc;
}

int kd_shell_run_stream(struct kd_shell *sh, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	while (!sh->stop && getline(&line, &cap, in) > 0) {
		if (is_quit(line))
			break;
		kd_shell_run_line(sh, line);
	}
	free(line);
	return sh->any_failed;
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

/* The history lives in the session's cache directory (--cache-dir, else
 * the default one), never elsewhere: with no cache directory
 * (--no-index-cache, no $HOME), the shell keeps none. */
static void history_open(struct kd_shell *sh)
{
	const struct kd_session_options *so = kd_session_options(sh->s);
	struct kd_debuginfo_options o = { .cache_dir = so->cache_dir };
	char *dir = so->no_index_cache ? NULL : kd_debuginfo_cache_dir(&o);
	using_history();
	stifle_history(HISTORY_MAX);
	if (!dir)
		return;
	if (asprintf(&sh->history_file, "%s/history", dir) < 0)
		sh->history_file = NULL;
	free(dir);
	if (sh->history_file)
		read_history(sh->history_file);	/* absent the first time */
}

static void history_save(const struct kd_shell *sh)
{
	if (sh->history_file && write_history(sh->history_file) == 0)
		history_truncate_file(sh->history_file, HISTORY_MAX);
}

int kd_shell_interactive(struct kd_shell *sh)
{
	char *line;
	history_open(sh);
	kd_complete_init(sh->s);
	kd_cmd_settings()->scroll = 1;
	rl_catch_signals = 0;	/* our handler, also while reading */
	for (;;) {
		at_prompt = 1;
		line = readline("crash> ");
		at_prompt = 0;
		if (!line) {
			putchar('\n');
			break;
		}
		const char *p = skip_blanks(line);
		if (*p) {
			HIST_ENTRY *last = history_get(history_base +
						       history_length - 1);
			if (!last || strcmp(last->line, line))
				add_history(line);
		}
		if (is_quit(line)) {
			free(line);
			break;
		}
		if (*p)
			kd_shell_run_line(sh, line);
		free(line);
		if (sh->stop)
			break;
	}
	history_save(sh);
	kd_complete_fini();
	return sh->last_status;
}
