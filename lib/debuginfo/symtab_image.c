// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The symbol table's cache image (layout in index_format.h): the kept
 * symbols in link-address order, the name hash and the stripped clone
 * names of a built table, so that a warm start maps them instead of
 * classifying, sorting, filtering and hashing ~120k symbols again.
 * Names themselves stay in the vmlinux's string table (entries refer to
 * .symtab by index), so the image is small (~4 MB for a distro kernel).
 */
#include <stdlib.h>
#include <string.h>

#include "index_format.h"
#include "symtab_internal.h"

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static uint64_t header_checksum(const struct kd_symtab_image_header *h)
{
	struct kd_symtab_image_header copy = *h;
	copy.header_checksum = 0;
	return kd_index_checksum(&copy, sizeof(copy));
}

struct kd_error *kd_symtab_image_make(const struct kd_symtab *st,
				      const struct kd_index_source_id *id,
				      void **image, size_t *size)
{
	if (st->n > UINT32_MAX || st->by_name.cap > UINT32_MAX ||
	    st->nsyms > UINT32_MAX || st->reloc != 0)
		return kd_error_create(KD_ERR_LIMIT,
				       "symbol table image: table too large");
	struct kd_symtab_image_header *h;
	size_t ents_off = sizeof(*h);
	size_t hash_off = ents_off + st->n * sizeof(*st->ents);
	size_t same_off = hash_off +
			  st->by_name.cap * sizeof(*st->by_name.slots);
	size_t names_off = same_off + st->n * sizeof(*st->same);
	size_t names_size = st->names_len + 1;	/* never empty: a final NUL */
	size_t total = align8(names_off + names_size);
	uint8_t *img = calloc(1, total);
	if (!img)
		return &kd_error_nomem;
	memcpy(img + ents_off, st->ents, st->n * sizeof(*st->ents));
	memcpy(img + hash_off, st->by_name.slots,
	       st->by_name.cap * sizeof(*st->by_name.slots));
	if (st->n)
		memcpy(img + same_off, st->same, st->n * sizeof(*st->same));
	if (st->names_len)
		memcpy(img + names_off, st->names, st->names_len);
	h = (struct kd_symtab_image_header *)img;
	memcpy(h->magic, KD_SYMTAB_IMAGE_MAGIC, 8);
	h->version = KD_SYMTAB_IMAGE_VERSION;
	h->header_size = sizeof(*h);
	h->file_size = total;
	h->source_size = id->size;
	h->source_mtime_ns = id->mtime_ns;
	if (id->build_id_len <= KD_INDEX_MAX_BUILD_ID) {
		h->build_id_len = (uint32_t)id->build_id_len;
		memcpy(h->build_id, id->build_id, id->build_id_len);
	}
	h->nents = (uint32_t)st->n;
	h->hash_cap = (uint32_t)st->by_name.cap;
	h->nsyms = (uint32_t)st->nsyms;
	h->ents_off = ents_off;
	h->hash_off = hash_off;
	h->same_off = same_off;
	h->names_off = names_off;
	h->names_size = total - names_off;
	h->body_checksum = kd_index_checksum(img + sizeof(*h), total - sizeof(*h));
	h->header_checksum = header_checksum(h);
	*image = img;
	*size = total;
	return NULL;
}

static struct kd_error *bad_image(const char *what)
{
	return kd_error_create(KD_ERR_CORRUPT, "symbol table cache: %s", what);
}

/* Is [off, off + n * elem) inside size? */
static int in_file(uint64_t off, uint64_t n, uint64_t elem, uint64_t size)
{
	return off <= size && n <= (size - off) / elem;
}

static struct kd_error *check_layout(const struct kd_symtab_image_header *h,
				     size_t size, size_t nsyms)
{
	if (h->file_size != size)
		return bad_image("file size does not match its header (truncated?)");
	if (h->nsyms != nsyms)
		return kd_error_create(KD_ERR_MISMATCH,
				       "symbol table cache: made for a .symtab of "
				       "%u entries, the file has %zu", h->nsyms,
				       nsyms);
	if (h->hash_cap == 0 || (h->hash_cap & (h->hash_cap - 1)) ||
	    h->hash_cap <= h->nents)
		return bad_image("bad hash table size");
	if (!in_file(h->ents_off, h->nents, sizeof(struct kd_sym_ent), size) ||
	    h->ents_off % 8)
		return bad_image("entry table outside the file");
	if (!in_file(h->hash_off, h->hash_cap, 4, size) || h->hash_off % 4)
		return bad_image("hash table outside the file");
	if (!in_file(h->same_off, h->nents, 4, size) || h->same_off % 4)
		return bad_image("same-name chains outside the file");
	if (!in_file(h->names_off, h->names_size, 1, size) ||
	    h->names_size == 0)
		return bad_image("name table outside the file");
	if (h->build_id_len > KD_INDEX_MAX_BUILD_ID)
		return bad_image("bad build-id length");
	return NULL;
}

struct kd_error *kd_symtab_image_open(struct kd_symtab *st, const void *image,
				      size_t size,
				      const struct kd_index_source_id *id,
				      unsigned flags)
{
	const struct kd_symtab_image_header *h = image;
	const uint8_t *base = image;
	struct kd_error *err;
	if (size < sizeof(*h) || memcmp(h->magic, KD_SYMTAB_IMAGE_MAGIC, 8) != 0)
		return bad_image("not a symbol table cache (bad magic)");
	if (h->version != KD_SYMTAB_IMAGE_VERSION || h->header_size != sizeof(*h))
		return kd_error_create(KD_ERR_MISMATCH,
				       "symbol table cache: format version %u, "
				       "expected %u", h->version,
				       KD_SYMTAB_IMAGE_VERSION);
	if (h->header_checksum != header_checksum(h))
		return bad_image("header checksum mismatch");
	if ((err = check_layout(h, size, st->nsyms)))
		return err;
	if (id && (err = kd_cache_check_source("symbol table cache",
					       h->build_id, h->build_id_len,
					       h->source_size,
					       h->source_mtime_ns, id)))
		return err;
	if (!(flags & KD_INDEX_NO_CHECKSUM) &&
	    h->body_checksum != kd_index_checksum(base + sizeof(*h),
						  size - sizeof(*h)))
		return bad_image("checksum mismatch (damaged file)");
	if (base[h->names_off + h->names_size - 1] != 0)
		return bad_image("name table not terminated");
	st->ents = (const struct kd_sym_ent *)(base + h->ents_off);
	st->n = h->nents;
	/* read only: lookups never write to the table */
	st->by_name = (struct kd_sym_index){
		.slots = (uint32_t *)(uintptr_t)(base + h->hash_off),
		.cap = h->hash_cap, .count = h->nents,
	};
	/* chain positions are bounds-checked where followed */
	st->same = (const uint32_t *)(base + h->same_off);
	st->names = (const char *)base + h->names_off;
	st->names_len = h->names_size - 1;
	return NULL;
}
