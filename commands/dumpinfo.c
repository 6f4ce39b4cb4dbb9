// SPDX-License-Identifier: GPL-2.0-or-later
/* dumpinfo [--pages]: what the dump file is and what its notes say. */
#include <getopt.h>
#include <string.h>
#include <time.h>

#include <pykdump/dump.h>
#include <pykdump/session.h>

#include "command.h"

static int dumpinfo_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pages", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int pages = 0, c;
	while ((c = getopt_long(argc, argv, "p", longopts, NULL)) != -1) {
		if (c != 'p') {
			fprintf(ctx->out, "Usage: dumpinfo [--pages]\n");
			return 1;
		}
		pages = 1;
	}
	struct kd_dump *d = kd_session_dump(ctx->s);
	FILE *out = ctx->out;
	fprintf(out, "DUMPFILE: %s\n", kd_session_dump_path(ctx->s));
	fprintf(out, "FORMAT: %s\n", kd_dump_format_name(d));
	fprintf(out, "COMPRESSION: %s\n", kd_dump_compression(d));
	fprintf(out, "PAGE SIZE: %u\n", kd_dump_page_size(d));
	fprintf(out, "CPU NOTES: %u\n", kd_dump_nr_cpu_states(d));
	struct kd_error *err = kd_dump_describe(d, out, pages);
	if (err) {
		fprintf(out, "dumpinfo: %s\n", err->message);
		kd_error_destroy(err);
		return 1;
	}
	return 0;
}

const struct kd_command kd_cmd_dumpinfo = {
	.name = "dumpinfo",
	.summary = "describe the dump file: format, compression, notes",
	.usage = "SYNOPSIS\n  dumpinfo [--pages]\n\n"
		 "  Prints the dump's format, compression, architecture, release,\n"
		 "  CPUs, page size, crash time and panic string where the notes\n"
		 "  give them.  --pages also counts present, dumped and excluded\n"
		 "  pages.\n",
	.run = dumpinfo_run,
};
