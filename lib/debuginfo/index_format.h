/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DWARF index image, in memory and on disk (host byte order; the
 * file is a machine-local cache):
 *
 *   offset  size                  what
 *   0       184                   struct kd_index_header
 *   buckets 4 * (nbuckets + 1)    u32 start of each hash bucket in the
 *                                 entry array; bucket b holds entries
 *                                 [buckets[b], buckets[b+1])
 *   entries 16 * nentries         struct kd_index_entry, grouped by bucket
 *                                 (bucket = name_hash & (nbuckets - 1)),
 *                                 then by name (name hash first), kind,
 *                                 preference
 *   strings strings_size          NUL-terminated names; the last byte is 0
 *   units   8 * nunits            u64 .debug_info offset of every unit, in
 *                                 order (where libdw will read headers)
 *
 * Invariants checked when an image is opened: magic, version, header
 * checksum, sizes and offsets inside the file, nbuckets a power of two,
 * strings ending in NUL, and (unless skipped) the body checksum.  Unit
 * offsets are only hints (used to map pages ahead of libdw).  Values
 * read per lookup (bucket bounds, name offsets) are checked where used,
 * so a damaged image gives wrong answers at worst, never a bad access.
 */
#ifndef PYKDUMP_INDEX_FORMAT_H
#define PYKDUMP_INDEX_FORMAT_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define KD_INDEX_MAGIC "PYKDIDX\x01"
#define KD_INDEX_VERSION 3
#define KD_INDEX_MAX_BUILD_ID 64

struct kd_index_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint64_t file_size;
	uint64_t source_size;
	int64_t source_mtime_ns;
	uint32_t build_id_len;
	uint8_t build_id[KD_INDEX_MAX_BUILD_ID];
	uint32_t nentries;
	uint32_t nbuckets;
	uint32_t reserved;		/* units left out: saved partial */
	uint64_t buckets_off;
	uint64_t entries_off;
	uint64_t strings_off;
	uint64_t strings_size;
	uint64_t units_off;		/* v3 */
	uint64_t nunits;
	uint64_t body_checksum;		/* bytes [header_size, file_size) */
	uint64_t header_checksum;	/* the header with this field 0 */
};
static_assert(sizeof(struct kd_index_header) == 184, "index header layout");

struct kd_index_entry {
	uint32_t name;		/* offset in strings */
	uint8_t kind;		/* enum kd_dix_kind */
	uint8_t flags;		/* KD_DIX_DECL ... */
	uint16_t reserved;
	uint64_t die;
};
static_assert(sizeof(struct kd_index_entry) == 16, "index entry layout");

/*
 * The symbol table image (file <build-id>.symtab next to the index):
 *
 *   offset  size                  what
 *   0       176                   struct kd_symtab_image_header
 *   ents    24 * nents            struct kd_sym_ent (symtab_internal.h),
 *                                 the kept symbols in link-address order
 *   hash    4 * hash_cap          open addressing over crash names, one
 *                                 slot per name: position in ents + 1 of
 *                                 its first symbol, 0 = empty slot
 *   same    4 * nents             per entry: the position + 1 of the next
 *                                 symbol of its name, 0 at the end
 *   names   names_size            stripped clone names, NUL-terminated
 *
 * Entries refer to the vmlinux's .symtab by index (nsyms must match it);
 * checked like the index: magic, version, header checksum, layout, the
 * source, the body checksum; per-use values (symbol indexes, name
 * offsets, hash slots) are bounds-checked where used.
 */
#define KD_SYMTAB_IMAGE_MAGIC "PYKDSYM\x01"
#define KD_SYMTAB_IMAGE_VERSION 2	/* 2: one hash slot per name, same[] */

struct kd_symtab_image_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint64_t file_size;
	uint64_t source_size;
	int64_t source_mtime_ns;
	uint32_t build_id_len;
	uint8_t build_id[KD_INDEX_MAX_BUILD_ID];
	uint32_t nents;
	uint32_t hash_cap;
	uint32_t nsyms;		/* entries of the ELF .symtab indexed */
	uint64_t ents_off;
	uint64_t hash_off;
	uint64_t same_off;
	uint64_t names_off;
	uint64_t names_size;
	uint64_t body_checksum;		/* bytes [header_size, file_size) */
	uint64_t header_checksum;	/* the header with this field 0 */
};
static_assert(sizeof(struct kd_symtab_image_header) == 176,
	      "symtab image header layout");

uint64_t kd_index_checksum(const void *data, size_t len);
uint64_t kd_index_header_checksum(const struct kd_index_header *h);

#endif /* PYKDUMP_INDEX_FORMAT_H */
