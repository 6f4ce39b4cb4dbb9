/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMCOREINFO: the facts the crashed kernel exported about itself, as
 * "KEY=value" lines (kernel Documentation/admin-guide/kdump/vmcoreinfo.rst).
 * Parsed once into a lookup table; the dump owns the table of its own
 * VMCOREINFO (kd_dump_vmcoreinfo_table()).
 *
 * Value formats, as the kernel prints them:
 *   SYMBOL(name)=hex          address, no 0x         kd_vmcoreinfo_symbol
 *   NUMBER(name)=decimal      signed; some arches    kd_vmcoreinfo_number
 *                             print 0x-prefixed hex
 *   OFFSET(struct.member)=dec                        kd_vmcoreinfo_offset
 *   SIZE(name)=decimal                               kd_vmcoreinfo_size
 *   LENGTH(name)=decimal                             kd_vmcoreinfo_length
 *   KERNELOFFSET=hex          KASLR slide of text    kd_vmcoreinfo_kerneloffset
 *   PAGESIZE=decimal                                 kd_vmcoreinfo_pagesize
 *   CRASHTIME=decimal         seconds since epoch    kd_vmcoreinfo_crashtime
 *   OSRELEASE=, BUILD-ID=, ... strings                kd_vmcoreinfo_get
 *
 * The typed getters return NULL on success, a NOT_FOUND error when the key
 * is absent, a CORRUPT error when its value does not parse; messages name
 * the key.  Every function accepts a NULL table (as one without keys).
 */
#ifndef PYKDUMP_VMCOREINFO_H
#define PYKDUMP_VMCOREINFO_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_vmcoreinfo;

/* Parse text (need not be NUL-terminated; NUL bytes end it).  origin
 * names where the text came from, for messages ("vmcore: VMCOREINFO"). */
KD_PUBLIC struct kd_error *kd_vmcoreinfo_parse(const char *text, size_t len,
					       const char *origin,
					       struct kd_vmcoreinfo **ret)
	KD_WARN_UNUSED;
KD_PUBLIC void kd_vmcoreinfo_destroy(struct kd_vmcoreinfo *vi);

/* The raw value of key (the last one when repeated), or NULL. */
KD_PUBLIC const char *kd_vmcoreinfo_get(const struct kd_vmcoreinfo *vi,
					const char *key);
/* Entries in text order (repeats included): 0 past the end. */
KD_PUBLIC size_t kd_vmcoreinfo_count(const struct kd_vmcoreinfo *vi);
KD_PUBLIC int kd_vmcoreinfo_entry(const struct kd_vmcoreinfo *vi, size_t i,
				  const char **key, const char **value);

/* Generic typed forms: the whole value must parse. */
KD_PUBLIC struct kd_error *kd_vmcoreinfo_hex(const struct kd_vmcoreinfo *vi,
					     const char *key, uint64_t *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_vmcoreinfo_dec(const struct kd_vmcoreinfo *vi,
					     const char *key, int64_t *ret)
	KD_WARN_UNUSED;

/* SYMBOL(name) */
KD_PUBLIC struct kd_error *kd_vmcoreinfo_symbol(const struct kd_vmcoreinfo *vi,
						const char *name, uint64_t *ret)
	KD_WARN_UNUSED;
/* NUMBER(name): decimal (may be negative) or 0x-prefixed hex. */
KD_PUBLIC struct kd_error *kd_vmcoreinfo_number(const struct kd_vmcoreinfo *vi,
						const char *name, int64_t *ret)
	KD_WARN_UNUSED;
/* OFFSET(type.member): "list_head.next", "page.flags" ... */
KD_PUBLIC struct kd_error *kd_vmcoreinfo_offset(const struct kd_vmcoreinfo *vi,
						const char *member,
						uint64_t *ret) KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_vmcoreinfo_size(const struct kd_vmcoreinfo *vi,
					      const char *name, uint64_t *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_vmcoreinfo_length(const struct kd_vmcoreinfo *vi,
						const char *name, uint64_t *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *
kd_vmcoreinfo_kerneloffset(const struct kd_vmcoreinfo *vi, uint64_t *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *
kd_vmcoreinfo_pagesize(const struct kd_vmcoreinfo *vi, uint64_t *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *
kd_vmcoreinfo_crashtime(const struct kd_vmcoreinfo *vi, int64_t *ret)
	KD_WARN_UNUSED;

/* 1 when SYMBOL(name) (resp. NUMBER, OFFSET, SIZE, LENGTH) is present and
 * parses, its value in *ret; 0 otherwise (absent or malformed).  For the
 * many optional keys where "absent" simply selects a default. */
KD_PUBLIC int kd_vmcoreinfo_try_symbol(const struct kd_vmcoreinfo *vi,
				       const char *name, uint64_t *ret);
KD_PUBLIC int kd_vmcoreinfo_try_number(const struct kd_vmcoreinfo *vi,
				       const char *name, int64_t *ret);
KD_PUBLIC int kd_vmcoreinfo_try_offset(const struct kd_vmcoreinfo *vi,
				       const char *member, uint64_t *ret);
KD_PUBLIC int kd_vmcoreinfo_try_size(const struct kd_vmcoreinfo *vi,
				     const char *name, uint64_t *ret);
KD_PUBLIC int kd_vmcoreinfo_try_length(const struct kd_vmcoreinfo *vi,
				       const char *name, uint64_t *ret);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_VMCOREINFO_H */
