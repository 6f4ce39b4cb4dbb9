// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMCOREINFO text -> lookup table (see include/pykdump/vmcoreinfo.h).
 *
 * The text is copied once; every "KEY=value" line becomes an entry whose
 * key and value point into the copy (the '=' and '\n' replaced by NULs).
 * Lines without '=' are ignored.  A sorted index of the entries (by key,
 * then position) makes a lookup a binary search that finds the last
 * occurrence, as the kernel appends keys it learns late (CRASHTIME).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/vmcoreinfo.h>

struct vi_entry {
	const char *key;
	const char *value;
};

struct kd_vmcoreinfo {
	char *text;
	char *origin;
	struct vi_entry *entries;	/* text order */
	size_t n;
	size_t *sorted;			/* indices by (key, position) */
};

static int count_lines(const char *s, size_t len)
{
	int n = 1;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void split_entries(struct kd_vmcoreinfo *vi, size_t len)
{
	char *line = vi->text;
	char *end = vi->text + len;
	while (line < end) {
		char *nl = memchr(line, '\n', end - line);
		char *stop = nl ? nl : end;
		*stop = '\0';
		if (stop > line && stop[-1] == '\r')
			stop[-1] = '\0';
		char *eq = strchr(line, '=');
		if (eq && eq > line) {
			*eq = '\0';
			vi->entries[vi->n++] = (struct vi_entry){ line, eq + 1 };
		}
		line = stop + 1;
	}
}

/* qsort has no context argument: sort (key, index) pairs instead. */
struct sort_item {
	const char *key;
	size_t idx;
};

static int cmp_item(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int build_index(struct kd_vmcoreinfo *vi)
{
	struct sort_item *items = malloc((vi->n ? vi->n : 1) * sizeof(*items));
	vi->sorted = malloc((vi->n ? vi->n : 1) * sizeof(*vi->sorted));
	if (!items || !vi->sorted) {
		free(items);
		return -1;
	}
	for (size_t i = 0; i < vi->n; i++)
		items[i] = (struct sort_item){ vi->entries[i].key, i };
	kd_qsort(items, vi->n, sizeof(*items), cmp_item);
	for (size_t i = 0; i < vi->n; i++)
		vi->sorted[i] = items[i].idx;
	free(items);
	return 0;
}

struct kd_error *kd_vmcoreinfo_parse(const char *text, size_t len,
				     const char *origin,
				     struct kd_vmcoreinfo **ret)
{
	const char *nul = memchr(text, '\0', len);
	if (nul)
		len = nul - text;
	struct kd_vmcoreinfo *vi = calloc(1, sizeof(*vi));
	if (!vi)
		return &kd_error_nomem;
	vi->text = malloc(len + 1);
	vi->origin = strdup(origin ? origin : "VMCOREINFO");
	vi->entries = calloc(count_lines(text, len), sizeof(*vi->entries));
	if (!vi->text || !vi->origin || !vi->entries)
		goto out_nomem;
	memcpy(vi->text, text, len);
	vi->text[len] = '\0';
	split_entries(vi, len);
	if (build_index(vi) < 0)
		goto out_nomem;
	*ret = vi;
	return NULL;

out_nomem:
	kd_vmcoreinfo_destroy(vi);
	return &kd_error_nomem;
}

void kd_vmcoreinfo_destroy(struct kd_vmcoreinfo *vi)
{
	if (!vi)
		return;
	free(vi->text);
	free(vi->origin);
	free(vi->entries);
	free(vi->sorted);
	free(vi);
}

const char *kd_vmcoreinfo_get(const struct kd_vmcoreinfo *vi, const char *key)
{
	if (!vi || !key)
		return NULL;
	/* Upper bound of key in the sorted index: the last occurrence. */
	size_t lo = 0, hi = vi->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(vi->entries[vi->sorted[mid]].key, key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct vi_entry *e = &vi->entries[vi->sorted[lo - 1]];
	return strcmp(e->key, key) == 0 ? e->value : NULL;
}

size_t kd_vmcoreinfo_count(const struct kd_vmcoreinfo *vi)
{
	return vi ? vi->n : 0;
}

int kd_vmcoreinfo_entry(const struct kd_vmcoreinfo *vi, size_t i,
			const char **key, const char **value)
{
	if (!vi || i >= vi->n)
		return 0;
	*key = vi->entries[i].key;
	*value = vi->entries[i].value;
	return 1;
}

/* ---- number parsing: the whole string, no locale, overflow checked ---- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, void *retp)
{
	uint64_t *ret = retp;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	uint64_t v = 0;
	int any = 0;
	for (; *s; s++, any = 1) {
		int d = hex_digit(*s);
		if (d < 0 || v >> 60)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*ret = v;
	return any && !*s ? 0 : -1;
}

static int parse_udec(const char *s, void *retp)
{
	uint64_t *ret = retp;
	uint64_t v = 0;
	int any = 0;
	for (; *s >= '0' && *s <= '9'; s++, any = 1) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*ret = v;
	return any && !*s ? 0 : -1;
}

/* Signed decimal, or 0x-prefixed hex (as some architectures print). */
static int parse_sdec(const char *s, void *retp)
{
	int64_t *ret = retp;
	int neg = *s == '-';
	uint64_t v;
	s += neg;
	int r = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ?
		parse_hex(s, &v) : parse_udec(s, &v);
	if (r < 0)
		return -1;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -1;
		*ret = (int64_t)(0 - v);
	} else {
		*ret = (int64_t)v;	/* hex may use the full 64 bits */
	}
	return 0;
}

/*
 * The lookups proper return a status, so the try_ forms need no error
 * object: 0 found and parsed, VI_ABSENT, VI_MALFORMED.
 */
enum { VI_OK, VI_ABSENT, VI_MALFORMED };
enum vi_type { VI_HEX, VI_UDEC, VI_SDEC };

struct vi_query {
	char key[256];
	const char *value;	/* when found */
};

static int lookup(const struct kd_vmcoreinfo *vi, const char *kind,
		  const char *name, enum vi_type type, struct vi_query *q,
		  void *ret)
{
	int n = kind ? snprintf(q->key, sizeof(q->key), "%s(%s)", kind,
				name ? name : "")
		     : snprintf(q->key, sizeof(q->key), "%s", name);
	if (n < 0 || (size_t)n >= sizeof(q->key))
		return VI_ABSENT;
	q->value = kd_vmcoreinfo_get(vi, q->key);
	if (!q->value)
		return VI_ABSENT;
	int r = type == VI_HEX ? parse_hex(q->value, ret) :
		type == VI_UDEC ? parse_udec(q->value, ret) :
				  parse_sdec(q->value, ret);
	return r < 0 ? VI_MALFORMED : VI_OK;
}

static struct kd_error *lookup_error(const struct kd_vmcoreinfo *vi,
				     const char *kind, const char *name,
				     enum vi_type type, void *ret)
{
	struct vi_query q;
	int st = lookup(vi, kind, name, type, &q, ret);
	if (st == VI_OK)
		return NULL;
	const char *origin = vi ? vi->origin : "dump";
	if (st == VI_ABSENT)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "%s: VMCOREINFO has no %s", origin,
				       q.key);
	return kd_error_create(KD_ERR_CORRUPT,
			       "%s: VMCOREINFO %s=%s is not a %s number",
			       origin, q.key, q.value,
			       type == VI_HEX ? "hexadecimal" : "decimal");
}

struct kd_error *kd_vmcoreinfo_hex(const struct kd_vmcoreinfo *vi,
				   const char *key, uint64_t *ret)
{
	return lookup_error(vi, NULL, key, VI_HEX, ret);
}

struct kd_error *kd_vmcoreinfo_dec(const struct kd_vmcoreinfo *vi,
				   const char *key, int64_t *ret)
{
	return lookup_error(vi, NULL, key, VI_SDEC, ret);
}

struct kd_error *kd_vmcoreinfo_symbol(const struct kd_vmcoreinfo *vi,
				      const char *name, uint64_t *ret)
{
	return lookup_error(vi, "SYMBOL", name, VI_HEX, ret);
}

struct kd_error *kd_vmcoreinfo_number(const struct kd_vmcoreinfo *vi,
				      const char *name, int64_t *ret)
{
	return lookup_error(vi, "NUMBER", name, VI_SDEC, ret);
}

struct kd_error *kd_vmcoreinfo_offset(const struct kd_vmcoreinfo *vi,
				      const char *member, uint64_t *ret)
{
	return lookup_error(vi, "OFFSET", member, VI_UDEC, ret);
}

struct kd_error *kd_vmcoreinfo_size(const struct kd_vmcoreinfo *vi,
				    const char *name, uint64_t *ret)
{
	return lookup_error(vi, "SIZE", name, VI_UDEC, ret);
}

struct kd_error *kd_vmcoreinfo_length(const struct kd_vmcoreinfo *vi,
				      const char *name, uint64_t *ret)
{
	return lookup_error(vi, "LENGTH", name, VI_UDEC, ret);
}

struct kd_error *kd_vmcoreinfo_kerneloffset(const struct kd_vmcoreinfo *vi,
					    uint64_t *ret)
{
	return lookup_error(vi, NULL, "KERNELOFFSET", VI_HEX, ret);
}

struct kd_error *kd_vmcoreinfo_pagesize(const struct kd_vmcoreinfo *vi,
					uint64_t *ret)
{
	int64_t v;
	struct kd_error *err = lookup_error(vi, NULL, "PAGESIZE", VI_SDEC, &v);
	if (err)
		return err;
	if (v <= 0 || (v & (v - 1)))
		return kd_error_create(KD_ERR_CORRUPT,
				       "%s: VMCOREINFO PAGESIZE=%lld is not a "
				       "power of two", vi->origin,
				       (long long)v);
	*ret = (uint64_t)v;
	return NULL;
}

struct kd_error *kd_vmcoreinfo_crashtime(const struct kd_vmcoreinfo *vi,
					 int64_t *ret)
{
	return lookup_error(vi, NULL, "CRASHTIME", VI_SDEC, ret);
}

static int try(const struct kd_vmcoreinfo *vi, const char *kind,
	       const char *name, enum vi_type type, void *ret)
{
	struct vi_query q;
	return lookup(vi, kind, name, type, &q, ret) == VI_OK;
}

int kd_vmcoreinfo_try_symbol(const struct kd_vmcoreinfo *vi, const char *name,
			     uint64_t *ret)
{
	return try(vi, "SYMBOL", name, VI_HEX, ret);
}

int kd_vmcoreinfo_try_number(const struct kd_vmcoreinfo *vi, const char *name,
			     int64_t *ret)
{
	return try(vi, "NUMBER", name, VI_SDEC, ret);
}

int kd_vmcoreinfo_try_offset(const struct kd_vmcoreinfo *vi,
			     const char *member, uint64_t *ret)
{
	return try(vi, "OFFSET", member, VI_UDEC, ret);
}

int kd_vmcoreinfo_try_size(const struct kd_vmcoreinfo *vi, const char *name,
			   uint64_t *ret)
{
	return try(vi, "SIZE", name, VI_UDEC, ret);
}

int kd_vmcoreinfo_try_length(const struct kd_vmcoreinfo *vi, const char *name,
			     uint64_t *ret)
{
	return try(vi, "LENGTH", name, VI_UDEC, ret);
}
