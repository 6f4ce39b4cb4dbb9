/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The module state of a session (KD_SLOT_MODULES), for lib/dlkm. */
#ifndef PYKDUMP_DLKM_INTERNAL_H
#define PYKDUMP_DLKM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/dlkm.h>
#include <pykdump/kmodules.h>
#include <pykdump/ksyms.h>

#define KD_DLKM_MAX_MODULES	65536	/* list walk limit */
#define KD_DLKM_MAX_SYMS	(1u << 20)	/* per module */
#define KD_DLKM_MAX_SECTIONS	4096

struct kd_dlkm_sym {
	uint64_t value;
	uint64_t size;
	uint32_t name;		/* offset into the module's strtab copy */
	char type;
};

struct kd_dlkm_section {
	char *name;
	uint64_t addr;
};

struct kd_dlkm_module {
	struct kd_module_info info;
	char name[64];
	struct kd_dlkm_sym *syms;	/* sorted by value (stable) */
	size_t nsyms;
	char *strtab;
	size_t strtab_size;
	struct kd_dlkm_section *secs;	/* from sect_attrs */
	size_t nsecs;
	uint64_t percpu;		/* module->percpu, 0 if none */
	/* its core memory regions (one before 6.4; text, data, rodata,
	 * ... apart after) */
	struct { uint64_t base, size; } region[KD_KMODULE_MAX_REGIONS];
	int nregion;
	int mem_regions;		/* 6.4+: region[] is mem[]; the
					 * syms hold crash's region
					 * start/end symbols (type 'm') */
	uint8_t build_id[64];
	size_t build_id_len;
	char *debuginfo;		/* loaded file, or NULL */
	char note[160];
};

struct kd_dlkm {
	struct kd_session *s;
	struct kd_dlkm_module *mods;
	size_t nmods;
	int have_list;
	char **dirs;
	size_t ndirs, dirs_cap;
};

/* The session's module state, created on first call (NULL: no memory). */
struct kd_dlkm *kd_dlkm_state(struct kd_session *s);
/* The same, reading the list on first use. */
struct kd_error *kd_dlkm_get(struct kd_session *s, struct kd_dlkm **ret)
	KD_WARN_UNUSED;

/* 1 when a lies in one of m's core regions or its init area (a region's
 * end included: a table may end there). */
int kd_dlkm_in_module(const struct kd_dlkm_module *m, uint64_t a);

/* lib/dlkm/modlist.c: reads the list into dl (called once). */
struct kd_error *kd_dlkm_read_list(struct kd_dlkm *dl) KD_WARN_UNUSED;
void kd_dlkm_module_free(struct kd_dlkm_module *m);

/* lib/dlkm/search.c: searches dir (NULL: the whole search path) for the
 * debuginfo of every name at once; paths[i] (NULL when not found) are
 * malloc'd. */
struct kd_error *kd_dlkm_search(struct kd_dlkm *dl, const char *dir,
				const char *const *names, char **paths,
				size_t n) KD_WARN_UNUSED;

/* '-' and '_' compare equal. */
int kd_dlkm_name_eq(const char *a, const char *b);

#endif /* PYKDUMP_DLKM_INTERNAL_H */
