/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-session unwinding context (session slot KD_SLOT_UNWIND): what
 * every backtrace needs, derived once from DWARF, symbols and memory.
 */
#ifndef PYKDUMP_UNWIND_INTERNAL_H
#define PYKDUMP_UNWIND_INTERNAL_H

#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>
#include <pykdump/unwind.h>

#include "orc.h"
#include "unwinder.h"

struct kd_unwind_module;

struct kd_unwind_ctx {
	struct kd_session *s;
	struct kd_symtab *st;
	struct kd_types *types;
	/* struct task_struct (KD_ABSENT when the kernel lacks them) */
	uint64_t off_stack, off_thread_sp;
	uint64_t thread_size;
	/* struct inactive_task_frame */
	uint64_t itf_size, itf_bp, itf_ret;
	uint64_t ptregs_size, ptregs_ip_off;
	uint64_t ret_from_fork;
	uint64_t text_lo, text_hi, inittext_lo, inittext_hi;
	/* ORC */
	struct kd_orc_layout layout;
	struct kd_orc_table vmlinux_orc;
	char *orc_problem;		/* why there is no vmlinux table */
	int orc_loaded;			/* layout and vmlinux table read */
	struct kd_unwind_module *modules;
	size_t nmodules;
	int modules_loaded;
	/* IRQ and exception stacks of every CPU */
	struct kd_stack_area *stacks;	/* IRQ and exception stacks */
	size_t nstacks, stacks_cap;
	char **names;			/* stack names not in the static map */
	size_t nnames, names_cap;
};

struct kd_unwind_module {
	char name[64];
	uint64_t mod;			/* struct module address */
	uint64_t text_lo, text_hi;
	struct kd_orc_table orc;
	int orc_tried;
};

struct kd_error *kd_unwind_ctx_get(struct kd_session *s,
				   struct kd_unwind_ctx **ret) KD_WARN_UNUSED;
/* The ORC entry for ip in vmlinux or a module: 1 found, 0 none. */
int kd_unwind_orc_lookup(struct kd_unwind_ctx *c, uint64_t ip,
			 struct kd_orc_entry *e);
/* The module whose text holds ip, or NULL. */
const struct kd_unwind_module *kd_unwind_module_of(struct kd_unwind_ctx *c,
						   uint64_t ip);
/* Sets up the ORC layout and the vmlinux table on first use; returns why
 * there is no vmlinux table, or NULL (orc_load.c). */
const char *kd_unwind_orc_load(struct kd_unwind_ctx *c);
void kd_unwind_orc_fini(struct kd_unwind_ctx *c);
/* IRQ and exception stacks of every CPU (stacks.c). */
struct kd_error *kd_unwind_stacks_init(struct kd_unwind_ctx *c) KD_WARN_UNUSED;
int kd_unwind_is_text(struct kd_unwind_ctx *c, uint64_t ip);

#endif /* PYKDUMP_UNWIND_INTERNAL_H */
