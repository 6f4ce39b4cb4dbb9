// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pykdump [OPTIONS] [VMLINUX] VMCORE...
 *
 * Opens the dump (the files may come in either order, as with crash),
 * then runs commands: those given with -c, then those in -i FILE, then
 * lines from stdin when it is not a terminal; otherwise an interactive
 * shell.  The exit status is that of the last command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pykdump/cancel.h>
#include <pykdump/session.h>

#include "command.h"
#include "shell.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: pykdump [OPTIONS] [VMLINUX] VMCORE [VMCORE...]\n"
		"\n"
		"Analyse a Linux kernel crash dump.  Several VMCORE files form a\n"
		"split dump set.\n"
		"\n"
		"Options:\n"
		"  -c, --command CMD   run CMD and exit (repeatable)\n"
		"  -i, --input FILE    run the commands in FILE and exit\n"
		"      --zero-excluded read pages excluded from the dump as zeros\n"
		"      --timeout SECS  time budget of each command (default none)\n"
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
	const char *input;
	double timeout;
};

static int parse_args(struct cli *cli, int argc, char **argv)
{
	enum { OPT_ZERO = 256, OPT_TIMEOUT };
	static const struct option longopts[] = {
		{ "command", required_argument, NULL, 'c' },
		{ "input", required_argument, NULL, 'i' },
		{ "zero-excluded", no_argument, NULL, OPT_ZERO },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	cli->cmds = calloc(argc, sizeof(*cli->cmds));
	cli->files = calloc(argc, sizeof(*cli->files));
	if (!cli->cmds || !cli->files)
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
			cli->timeout = strtod(optarg, NULL);
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
	for (int i = optind; i < argc; i++)
		cli->files[cli->opts.nfiles++] = argv[i];
	cli->opts.files = cli->files;
	if (cli->opts.nfiles == 0) {
		usage(stderr);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	int rc = parse_args(&cli, argc, argv);
	if (rc)
		return rc;

	struct kd_session *s;
	struct kd_error *err = kd_session_open(&cli.opts, &s);
	if (err) {
		fprintf(stderr, "pykdump: %s\n", err->message);
		kd_error_destroy(err);
		return 1;
	}

	struct kd_shell sh = { .s = s, .timeout = cli.timeout };
	kd_shell_init(&sh);
	rc = 0;
	for (size_t i = 0; i < cli.ncmds; i++)
		rc = kd_shell_run_line(&sh, cli.cmds[i]);
	if (cli.input)
		rc = kd_shell_run_file(&sh, cli.input);
	else if (cli.ncmds == 0)
		rc = isatty(STDIN_FILENO) ? kd_shell_interactive(&sh)
					  : kd_shell_run_stream(&sh, stdin);
	kd_shell_fini(&sh);
	kd_session_close(s);
	free(cli.cmds);
	free(cli.files);
	return rc;
}
