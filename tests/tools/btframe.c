// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * btframe VMLINUX DUMP ADDR...
 *
 * For tests/kernel/test_bt.py: each ADDR (hex) named as bt names a frame
 * (kd_unwind_frame_symbol) and printed by bt's own frame printer, plain
 * and with -s offsets, as frame #0 at stack address 0.  The sample's
 * stacks hold no module frames, so this is how module text addresses
 * reach the bt code path.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <pykdump/session.h>
#include <pykdump/unwind.h>

#include "commands/bt.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: btframe VMLINUX DUMP ADDR...\n");
		return 2;
	}
	const char *files[2] = { argv[1], argv[2] };
	struct kd_session_options o = { .files = files, .nfiles = 2 };
	struct kd_session *s;
	struct kd_error *err = kd_session_open(&o, &s);
	if (err) {
		fprintf(stderr, "error: %s\n", err->message);
		kd_error_destroy(err);
		return 1;
	}
	struct kd_cmd_ctx ctx = { .s = s, .out = stdout, .err = stderr,
				  .name = "bt" };
	for (int i = 3; i < argc; i++) {
		struct kd_frame f = { .ip = strtoull(argv[i], NULL, 16),
				      .stack = "" };
		kd_unwind_frame_symbol(s, &f);
		kd_bt_print_frame(&ctx, &f, 0, 0);
		kd_bt_print_frame(&ctx, &f, 0, KD_BT_OFFSETS);
	}
	kd_session_close(s);
	return 0;
}
