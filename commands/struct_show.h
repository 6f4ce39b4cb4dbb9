/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The -s struct[.member[,member...]] display shared by list and tree:
 * each entry printed as crash prints it, through gdb's value format:
 *
 *   struct module_layout {          (-s struct: the whole struct)
 *     base = 0x0,
 *     ...
 *   }
 *   pid = 0,                        (-s struct.member: one line each,
 *   comm = "swapper/0\000...",       "," unless the member is the last
 *   core_layout.size = 32768,        of the struct or union holding it)
 */
#ifndef PYKDUMP_STRUCT_SHOW_H
#define PYKDUMP_STRUCT_SHOW_H

#include <stdint.h>

#include "command.h"

struct kd_type;

#define KD_SHOW_MAX_MEMBERS 64

struct kd_show_member {
	char *path;		/* "core_layout.size" */
	const struct kd_rmember *m;	/* NULL: not showable */
	int last;		/* last member of its container: no comma */
};

struct kd_show_spec {
	char *type_name;	/* "struct module" */
	char *bad_struct;	/* a struct name not found (crash reports it
				   at the first entry) */
	struct kd_type *type;
	struct kd_reader *reader;
	struct kd_show_member members[KD_SHOW_MAX_MEMBERS];
	size_t nmembers;	/* 0: the whole struct */
};

/* Parse "module.core_layout.size,taints" (or "module").  Unknown names
 * are recorded for kd_show_print / kd_show_check to report. */
int kd_show_parse(struct kd_cmd_ctx *ctx, const char *arg,
		  struct kd_show_spec *ret);
void kd_show_free(struct kd_show_spec *spec);
/* tree's up-front check: crash refuses an unknown struct or member
 * before walking.  -1 (message printed) when one is bad. */
int kd_show_check(struct kd_cmd_ctx *ctx, const struct kd_show_spec *spec);
/* Print the entry at addr; vf_flags KD_VF_HEX for -x.  -1 when it could
 * not be read (message printed). */
int kd_show_print(struct kd_cmd_ctx *ctx, const struct kd_show_spec *spec,
		  uint64_t addr, unsigned vf_flags);

/* A start/offset argument: hex number or symbol.  1 ok, 0 not one. */
int kd_show_parse_addr(struct kd_cmd_ctx *ctx, const char *arg,
		       uint64_t *ret);
/* "-o" style offset: a number of bytes or "struct.member".  -1 on error
 * (message printed). */
int kd_show_parse_offset(struct kd_cmd_ctx *ctx, const char *arg,
			 uint64_t *ret);

#endif
