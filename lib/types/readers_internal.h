/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the readers and walkers: a reader cache that needs only a type
 * model (so unit tests build one on a fixture ELF), and member reads
 * over a memory source (<pykdump/memsrc.h>: synthetic memory in tests,
 * the session's kernel virtual addresses otherwise).
 */
#ifndef PYKDUMP_READERS_INTERNAL_H
#define PYKDUMP_READERS_INTERNAL_H

#include <pykdump/memsrc.h>
#include <pykdump/readers.h>

struct kd_types;
struct kd_memocache;
struct kd_readers;

/* The cache of reader tables over one type model.  mc may be NULL;
 * otherwise the cache registers there (KD_CU_LOAD) and retires its
 * tables on purges. */
struct kd_error *kd_readers_create(struct kd_types *types,
				   struct kd_memocache *mc,
				   struct kd_readers **ret);
void kd_readers_destroy(struct kd_readers *rs);
struct kd_error *kd_readers_get(struct kd_readers *rs, const char *name,
				struct kd_reader **ret);
struct kd_error *kd_readers_of_type(struct kd_readers *rs,
				    struct kd_type *type,
				    struct kd_reader **ret);
/* Tables currently findable (not retired), for tests. */
size_t kd_readers_count(const struct kd_readers *rs);
/* The session's cache (created on first use, kept in KD_SLOT_READERS). */
struct kd_error *kd_session_readers(struct kd_session *s,
				    struct kd_readers **ret);

/* Member reads over a memory source. */
struct kd_error *kd_member_addr_src(const struct kd_memsrc *src,
				    const struct kd_rmember *m,
				    uint64_t struct_addr, uint64_t *ret);
struct kd_error *kd_member_read_src(const struct kd_memsrc *src,
				    const struct kd_rmember *m,
				    uint64_t struct_addr,
				    struct kd_value *ret);

#endif
