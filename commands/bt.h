/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Printing backtraces as crash does, shared by bt and foreach. */
#ifndef PYKDUMP_COMMANDS_BT_H
#define PYKDUMP_COMMANDS_BT_H

#include <stdint.h>

#include "command.h"

#define KD_BT_FRAME_DATA	0x001	/* -f: stack words of each frame */
#define KD_BT_LINES		0x002	/* -l: source file and line */
#define KD_BT_OFFSETS		0x004	/* -s: symbol+offset */
#define KD_BT_TEXT		0x008	/* -t: text symbols from the start sp */
#define KD_BT_TEXT_ALL		0x010	/* -T: text symbols of the whole stack */
#define KD_BT_EFRAMES		0x020	/* -e: search for exception frames */
#define KD_BT_RAW		0x040	/* -r: the stack's raw words */
#define KD_BT_OLD		0x080	/* -o: return addresses found by scanning */
#define KD_BT_HEX		0x100	/* -x: offsets in hexadecimal */
#define KD_BT_DEC		0x200	/* -d: offsets in decimal */

/* The flag of a bt option letter that only changes how each task is
 * printed (f l s t T e r o x d), for foreach bt: 1 and *flags updated,
 * 0 for any other letter. */
int kd_bt_flag(int c, unsigned *flags);

/* Header and frames of one task; returns 0, or 1 when it could not be
 * unwound at all (the message is printed). */
int kd_bt_print_task(struct kd_cmd_ctx *ctx, uint64_t task, unsigned flags);

/* One numbered frame line: " #N [sp] func at ip [module]" (func+off
 * with KD_BT_OFFSETS), as crash prints it. */
struct kd_frame;
void kd_bt_print_frame(struct kd_cmd_ctx *ctx, const struct kd_frame *f,
		       int level, unsigned flags);

#endif /* PYKDUMP_COMMANDS_BT_H */
