// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pykdump [OPTIONS] [VMLINUX] VMCORE...
 *
 * Opens the dump (the files may come in either order, as with crash),
 * then runs commands: those given with -c, then those in -i FILE, then
 * lines from stdin when it is not a terminal; otherwise an interactive
 * shell.  The exit status of a batch (-c, -i, stdin) is 1 when any of
 * its commands failed; of the interactive shell, the last command's.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pykdump/cancel.h>
#include <pykdump/dlkm.h>
#include <pykdump/session.h>

#include "cli_epython.h"
#include "command.h"
#include "shell.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: pykdump [OPTIONS] [VMLINUX] VMCORE [VMCORE...]\n"
		"       pykdump run [VMLINUX] VMCORE program[.py] [args]\n"
		"       pykdump triage [--json] VMCORE [VMLINUX]\n"
		"       pykdump triage --batch DIR_OR_LIST [--jobs N] "
		"[--json-lines OUT]\n"
		"\n"
		"Analyse a Linux kernel crash dump.  Several VMCORE files form a\n"
		"split dump set.\n"
		"\n"
		"Options:\n"
		"  -c, --command CMD   run CMD and exit (repeatable)\n"
		"  -i, --input FILE    run the commands in FILE and exit\n"
		"      --zero-excluded read pages excluded from the dump as zeros\n"
		"      --timeout SECS  time budget of each command (default none)\n"
		"      --debug-dir DIR look for the vmlinux in DIR too (repeatable)\n"
		"      --force-vmlinux use the vmlinux even if it does not match\n"
		"      --no-vmlinux    open the dump alone (dumpinfo only)\n"
		"      --cache-dir DIR the cache directory: DWARF index, inflated\n"
		"                      modules, the shell's history (default\n"
		"                      $PYKDUMP_CACHE_DIR, $XDG_CACHE_HOME/pykdump,\n"
		"                      ~/.cache/pykdump); nothing is written\n"
		"                      outside it\n"
		"      --no-index-cache no cache directory: build the DWARF index\n"
		"                      in memory only, keep no history\n"
		"      --mod-dir DIR   look for module debuginfo in DIR (mod -s,\n"
		"                      mod -S; repeatable)\n"
		"  -h, --help          this text, then the list of commands\n"
		"  -V, --version       print the version\n"
		"\n"
		"Commands:\n");
	for (const struct kd_command *const *c = kd_commands; *c; c++)
		fprintf(out, "  %-12s %s\n", (*c)->name, (*c)->summary);
}

struct cli {
	struct kd_session_options opts;
	const char **files;
	const char **cmds;
	size_t ncmds;
	const char **debug_dirs;
	const char **mod_dirs;
	size_t nmod_dirs;
	const char *input;
	double timeout;
};

/* --timeout SECS: a finite number of seconds, 0 for none; anything
 * else ("abc", -1, nan, inf) is refused rather than taken as 0. */
static int parse_timeout(const char *arg, double *ret)
{
	char *end;
	double v = strtod(arg, &end);
	if (end == arg || *end || !isfinite(v) || v < 0) {
		fprintf(stderr, "pykdump: --timeout %s: not a number of "
			"seconds (a finite number >= 0, 0 for none)\n", arg);
		return 0;
	}
	*ret = v;
	return 1;
}

static int parse_args(struct cli *cli, int argc, char **argv)
{
	enum { OPT_ZERO = 256, OPT_TIMEOUT, OPT_DEBUG_DIR, OPT_FORCE,
	       OPT_NO_VMLINUX, OPT_CACHE_DIR, OPT_NO_INDEX_CACHE, OPT_MOD_DIR };
	static const struct option longopts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "input", required_argument, NULL, 'i' },
		{ "zero-excluded", no_argument, NULL, OPT_ZERO },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "debug-dir", required_argument, NULL, OPT_DEBUG_DIR },
		{ "force-vmlinux", no_argument, NULL, OPT_FORCE },
		{ "no-vmlinux", no_argument, NULL, OPT_NO_VMLINUX },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "no-index-cache", no_argument, NULL, OPT_NO_INDEX_CACHE },
		{ "mod-dir", required_argument, NULL, OPT_MOD_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	cli->cmds = calloc(argc, sizeof(*cli->cmds));
	cli->files = calloc(argc, sizeof(*cli->files));
	cli->debug_dirs = calloc(argc, sizeof(*cli->debug_dirs));
	cli->mod_dirs = calloc(argc, sizeof(*cli->mod_dirs));
	cli->opts.debug_dirs = cli->debug_dirs;
	if (!cli->cmds || !cli->files || !cli->debug_dirs || !cli->mod_dirs)
		return 2;
	int c;
	while ((c = getopt_long(argc, argv, "c:i:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli->cmds[cli->ncmds++] = optarg;
			break;
		case 'i':
			cli->input = optarg;
			break;
		case OPT_ZERO:
			cli->opts.zero_excluded = 1;
			break;
		case OPT_TIMEOUT:
			if (!parse_timeout(optarg, &cli->timeout))
				return 2;
			break;
		case OPT_DEBUG_DIR:
			cli->debug_dirs[cli->opts.ndebug_dirs++] = optarg;
			break;
		case OPT_FORCE:
			cli->opts.force_vmlinux = 1;
			break;
		case OPT_NO_VMLINUX:
			cli->opts.no_vmlinux = 1;
			break;
		case OPT_CACHE_DIR:
			cli->opts.cache_dir = optarg;
			break;
		case OPT_NO_INDEX_CACHE:
			cli->opts.no_index_cache = 1;
			break;
		case OPT_MOD_DIR:
			cli->mod_dirs[cli->nmod_dirs++] = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("pykdump %s\n", PYKDUMP_VERSION);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "run") == 0) {
		/* "pykdump --opt run ...": run takes no options before it */
		fprintf(stderr, "pykdump: 'run' must be the first argument: "
			"pykdump run [VMLINUX] VMCORE program[.py] [args]\n");
		return 2;
	}
	for (int i = optind; i < argc; i++)
		cli->files[cli->opts.nfiles++] = argv[i];
	cli->opts.files = cli->files;
	if (cli->opts.nfiles == 0) {
		usage(stderr);
		return 2;
	}
	return 0;
}

/* The DWARF index is built once per vmlinux (about a second); say so
 * on a terminal. */
static void progress(void *arg, const char *what, uint64_t done,
		     uint64_t total)
{
	(void)arg;
	fprintf(stderr, "\r%s: %llu/%llu%s", what, (unsigned long long)done,
		(unsigned long long)total, done == total ? "\n" : "");
}

static void warn(void *arg, const char *message)
{
	(void)arg;
	fflush(stdout);
	fprintf(stderr, "pykdump: warning: %s\n", message);
}

/* 1 when every -c command works on the dump alone (dumpinfo). */
static int dump_only_commands(const struct cli *cli)
{
	if (cli->ncmds == 0 || cli->input)
		return 0;
	for (size_t i = 0; i < cli->ncmds; i++) {
		char name[64];
		if (sscanf(cli->cmds[i], " %63[^ |>]", name) != 1)
			return 0;
		const struct kd_command *c = kd_command_find(name);
		if (!c || c->needs_vmlinux)
			return 0;
	}
	return 1;
}

/* The program of "pykdump run [VMLINUX] VMCORE prog.py args": the first
 * argument ending in .py or naming no file (a program found by name). */
static int run_prog_index(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if ((n > 3 && strcmp(argv[i] + n - 3, ".py") == 0) ||
		    access(argv[i], F_OK) != 0)
			return i;
	}
	return -1;
}

/* pykdump run [VMLINUX] VMCORE... PROG[.py] [ARGS]: open the dump and
 * run one PyKdump program, as epython would in the shell. */
static int run_program(int argc, char **argv)
{
	int p = run_prog_index(argc, argv);
	if (p < 3) {
		fprintf(stderr, "Usage: pykdump run [VMLINUX] VMCORE "
			"program[.py] [args]\n");
		return 2;
	}
	struct kd_session_options opts = {
		.files = (const char *const *)argv + 2,
		.nfiles = (size_t)(p - 2),
	};
	struct kd_session *s;
	struct kd_error *err = kd_session_open(&opts, &s);
	if (err) {
		fprintf(stderr, "pykdump: %s\n", err->message);
		kd_error_destroy(err);
		return 1;
	}
	struct kd_shell sh = { .s = s };
	kd_shell_init(&sh);
	kd_cli_epython_init();
	argv[p - 1] = "epython";
	struct kd_cmd_ctx ctx = { .s = s, .out = stdout, .err = stderr,
				  .name = "epython" };
	kd_cancel_begin(0);	/* the program's --timeout=N sets a budget */
	int rc = kd_command_find("epython")->run(&ctx, argc - (p - 1),
						 argv + p - 1);
	kd_cancel_end();
	kd_shell_fini(&sh);
	kd_cli_epython_fini();
	fflush(stdout);
	kd_session_close(s);
	return rc;
}

static void cli_fini(struct cli *cli)
{
	free(cli->cmds);
	free(cli->files);
	free(cli->debug_dirs);
	free(cli->mod_dirs);
}

/* Open the dump and run the commands; the exit status. */
static int run_shell(struct cli *cli)
{
	struct kd_session *s;
	if (isatty(STDERR_FILENO))
		cli->opts.progress = progress;
	cli->opts.warn = warn;
	struct kd_error *err = kd_session_open(&cli->opts, &s);
	if (err && err->code == KD_ERR_NOT_FOUND && !cli->opts.no_vmlinux &&
	    dump_only_commands(cli)) {
		/* dumpinfo needs no vmlinux: do not insist on finding one. */
		kd_error_destroy(err);
		cli->opts.no_vmlinux = 1;
		err = kd_session_open(&cli->opts, &s);
	}
	if (err) {
		fprintf(stderr, "pykdump: %s\n", err->message);
		kd_error_destroy(err);
		return 1;
	}

	for (size_t i = 0; i < cli->nmod_dirs && !err; i++)
		err = kd_modules_add_search_dir(s, cli->mod_dirs[i]);
	if (err) {
		fprintf(stderr, "pykdump: %s\n", err->message);
		kd_error_destroy(err);
	}

	struct kd_shell sh = { .s = s, .timeout = cli->timeout };
	kd_shell_init(&sh);
	kd_cli_epython_init();
	int rc = 0;
	for (size_t i = 0; i < cli->ncmds && !sh.stop; i++)
		kd_shell_run_line(&sh, cli->cmds[i]);
	rc = sh.any_failed;
	/* sh.stop: stdout failed, nothing more can be shown */
	if (cli->input && !sh.stop)
		rc = kd_shell_run_file(&sh, cli->input);
	else if (cli->ncmds == 0 && !sh.stop)
		rc = isatty(STDIN_FILENO) ? kd_shell_interactive(&sh)
					  : kd_shell_run_stream(&sh, stdin);
	if (sh.stop)
		rc = 1;
	kd_shell_fini(&sh);
	kd_cli_epython_fini();
	/* the output is complete: show it before the session waits for a
	 * DWARF index still being built (it is saved for the next start) */
	if ((fflush(stdout) != 0 || ferror(stdout)) && !rc)
		rc = 1;		/* it is not complete */
	kd_session_close(s);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	if (argc > 1 && strcmp(argv[1], "run") == 0)
		return run_program(argc, argv);
	if (argc > 1 && strcmp(argv[1], "triage") == 0) {
		int rc = kd_cli_triage(argc - 1, argv + 1);
		kd_cli_epython_fini();
		return rc;
	}
	int rc = parse_args(&cli, argc, argv);
	if (!rc)
		rc = run_shell(&cli);
	cli_fini(&cli);
	return rc;
}
