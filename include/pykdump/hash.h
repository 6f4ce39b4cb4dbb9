/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hash functions every table uses (<pykdump/hash_table.h> takes the
 * hash from its caller).  One function per kind of key:
 *
 *   kd_name_hash    bytes (names, strings, paths)
 *   kd_hash_string  a NUL-terminated string: kd_name_hash of its bytes
 *   kd_hash_u64     an integer or an address (well mixed in every bit)
 *   kd_hash_mix     combining hashes and values into one
 *
 * kd_name_hash and kd_hash_mix are part of the DWARF index cache format
 * (lib/debuginfo/index_format.h: bucket = kd_name_hash & (nbuckets - 1),
 * the file identities, the checksum) and of the symbol table image: they
 * must never change.  Every output bit depends on every input bit, so a
 * table may take the low bits (hash & (capacity - 1)).
 */
#ifndef PYKDUMP_HASH_H
#define PYKDUMP_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Eight bytes at a time: names are short and hashed millions of times
 * during an index build. */
static inline uint64_t kd_name_hash(const char *s, size_t len)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = len * k, w;
	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ (w * 0xbf58476d1ce4e5b9ull)) * k;
		h ^= h >> 31;
		s += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ (w * 0x94d049bb133111ebull)) * k;
	h ^= h >> 29;
	return h;
}

static inline uint64_t kd_hash_string(const char *s)
{
	return kd_name_hash(s, strlen(s));
}

/* Mixes v into the hash h. */
static inline uint64_t kd_hash_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* An integer key: addresses differ in their middle bits, which this
 * spreads over the low ones (the finaliser of MurmurHash3). */
static inline uint64_t kd_hash_u64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_HASH_H */
