/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small typed reads for the commands (internal to commands/): member
 * offsets from the type model, integers and pointers at an address plus
 * a member path, over the type model; a missing member is an
 * answer ("no such member", KR_NONE), not a failure, so that callers can
 * branch on kernel layout versions.
 */
#ifndef PYKDUMP_COMMANDS_KREAD_H
#define PYKDUMP_COMMANDS_KREAD_H

#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

#define KR_NONE UINT64_MAX

/* Byte offset of a member path ("se.on_rq", "thread_info.cpu") inside
 * struct/union type ("task_struct"), KR_NONE when absent. */
uint64_t kr_offset(struct kd_session *s, const char *type, const char *path);
/* Bit offset of a member path (bitfields), KR_NONE when absent. */
uint64_t kr_bit_offset(struct kd_session *s, const char *type,
		       const char *path);
/* Size in bytes of the member's type, 0 when absent. */
uint64_t kr_member_size(struct kd_session *s, const char *type,
			const char *path);
/* Offset of a member path in the type of a variable (for variables of
 * anonymous struct type, e.g. tk_core); KR_NONE when absent. */
uint64_t kr_variable_member_offset(struct kd_session *s, const char *var,
				   const char *path);
/* Size of a type by C name ("struct prb_desc"), 0 when unknown. */
uint64_t kr_type_size(struct kd_session *s, const char *type);

/* An unsigned integer of size bytes (1, 2, 4 or 8) at addr. */
struct kd_error *kr_read_uint(struct kd_session *s, uint64_t addr,
			      unsigned size, uint64_t *ret) KD_WARN_UNUSED;
/* The integer member path of type at base (its own size); fails with
 * NOT_FOUND when the member does not exist. */
struct kd_error *kr_read_member(struct kd_session *s, uint64_t base,
				const char *type, const char *path,
				uint64_t *ret) KD_WARN_UNUSED;
/* Same, 0 on any failure (for optional values). */
uint64_t kr_member_or0(struct kd_session *s, uint64_t base, const char *type,
		       const char *path);
/* A symbol's value as an unsigned integer of size bytes: 1 on success. */
int kr_symbol_uint(struct kd_session *s, const char *name, unsigned size,
		   uint64_t *ret);
/* An enumerator's value ("NR_FREE_PAGES"): 1 and *ret, 0 when unknown.
 * enum_name, if not NULL, receives the enumeration's name. */
int kr_enumerator(struct kd_session *s, const char *name, int64_t *ret,
		  const char **enum_name);

#endif /* PYKDUMP_COMMANDS_KREAD_H */
