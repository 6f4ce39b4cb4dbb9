/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Printing backtraces as crash does, shared by bt and foreach. */
#ifndef PYKDUMP_COMMANDS_BT_H
#define PYKDUMP_COMMANDS_BT_H

#include <stdint.h>

#include "command.h"

#define KD_BT_FRAME_DATA	0x1	/* -f: stack words of each frame */
#define KD_BT_LINES		0x2	/* -l: source file and line */
#define KD_BT_OFFSETS		0x4	/* -s: symbol+offset */

/* Header and frames of one task; returns 0, or 1 when it could not be
 * unwound at all (the message is printed). */
int kd_bt_print_task(struct kd_cmd_ctx *ctx, uint64_t task, unsigned flags);

/* One numbered frame line: " #N [sp] func at ip [module]" (func+off
 * with KD_BT_OFFSETS), as crash prints it. */
struct kd_frame;
void kd_bt_print_frame(struct kd_cmd_ctx *ctx, const struct kd_frame *f,
		       int level, unsigned flags);

#endif /* PYKDUMP_COMMANDS_BT_H */
