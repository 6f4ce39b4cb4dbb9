// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory of the dumped machine, read through a session: kernel virtual
 * addresses go through the translation (lib/arch), physical ones straight
 * to the dump, symbols through the relocated symbol table.
 */
#include <string.h>

#include <pykdump/arch.h>
#include <pykdump/dump.h>
#include <pykdump/memory.h>
#include <pykdump/symbols.h>

#include "session_internal.h"

static struct kd_error *no_kernel(const struct kd_session *s)
{
	return kd_error_create(KD_ERR_INVALID,
			       "%s: opened without a vmlinux: kernel virtual "
			       "addresses cannot be read", s->dump_path);
}

struct kd_error *kd_read_kvaddr(struct kd_session *s, uint64_t addr, void *buf,
				size_t len)
{
	if (!s->arch)
		return no_kernel(s);
	return kd_arch_read_kvirt(s->arch, addr, buf, len);
}

struct kd_error *kd_read_paddr(struct kd_session *s, uint64_t paddr, void *buf,
			       size_t len)
{
	return kd_dump_read_phys(s->dump, paddr, buf, len, 0);
}

struct kd_error *kd_read_uvaddr(struct kd_session *s, uint64_t pgd,
				uint64_t addr, void *buf, size_t len)
{
	if (!s->arch)
		return no_kernel(s);
	uint64_t root;
	struct kd_error *err = kd_arch_kvtop(s->arch, pgd, &root);
	if (err)
		return kd_error_prefix(err, "page table root %#llx",
				       (unsigned long long)pgd);
	return kd_arch_read_uvirt(s->arch, root, addr, buf, len);
}

struct kd_error *kd_kvtop(struct kd_session *s, uint64_t vaddr, uint64_t *paddr)
{
	if (!s->arch)
		return no_kernel(s);
	return kd_arch_kvtop(s->arch, vaddr, paddr);
}

uint64_t kd_ptov(struct kd_session *s, uint64_t paddr)
{
	return s->arch ? kd_arch_ptov(s->arch, paddr) : 0;
}

struct kd_error *kd_read_u8(struct kd_session *s, uint64_t addr, uint8_t *ret)
{
	return kd_read_kvaddr(s, addr, ret, sizeof(*ret));
}

struct kd_error *kd_read_u16(struct kd_session *s, uint64_t addr, uint16_t *ret)
{
	return kd_read_kvaddr(s, addr, ret, sizeof(*ret));
}

struct kd_error *kd_read_u32(struct kd_session *s, uint64_t addr, uint32_t *ret)
{
	return kd_read_kvaddr(s, addr, ret, sizeof(*ret));
}

struct kd_error *kd_read_u64(struct kd_session *s, uint64_t addr, uint64_t *ret)
{
	return kd_read_kvaddr(s, addr, ret, sizeof(*ret));
}

struct kd_error *kd_read_ptr(struct kd_session *s, uint64_t addr, uint64_t *ret)
{
	if (kd_dump_ptr_size(s->dump) == 4) {
		uint32_t v;
		struct kd_error *err = kd_read_u32(s, addr, &v);
		*ret = v;
		return err;
	}
	return kd_read_u64(s, addr, ret);
}

struct kd_error *kd_read_cstring(struct kd_session *s, uint64_t addr,
				 char *buf, size_t size, size_t *len)
{
	if (!size)
		return kd_error_create(KD_ERR_INVALID, "kd_read_cstring: empty buffer");
	size_t n = 0;
	buf[0] = '\0';
	/* Page by page, so a string ending just before an unreadable page
	 * is still read whole. */
	while (n < size - 1) {
		size_t chunk = 4096 - ((addr + n) & 4095);
		if (chunk > size - 1 - n)
			chunk = size - 1 - n;
		struct kd_error *err = kd_read_kvaddr(s, addr + n, buf + n, chunk);
		if (err) {
			buf[n] = '\0';
			if (n == 0)
				return err;
			kd_error_destroy(err);
			break;
		}
		char *nul = memchr(buf + n, '\0', chunk);
		if (nul) {
			n = (size_t)(nul - buf);
			break;
		}
		n += chunk;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return NULL;
}

struct kd_error *kd_symbol_addr(struct kd_session *s, const char *name,
				uint64_t *ret)
{
	if (!s->symtab)
		return no_kernel(s);
	struct kd_symbol sym;
	struct kd_error *err = kd_symtab_lookup(s->symtab, name, &sym);
	if (err)
		return err;
	*ret = sym.value;
	return NULL;
}

int kd_symbol_try_addr(struct kd_session *s, const char *name, uint64_t *ret)
{
	struct kd_error *err = kd_symbol_addr(s, name, ret);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return 1;
}

struct kd_error *kd_read_symbol(struct kd_session *s, const char *name,
				void *buf, size_t len)
{
	uint64_t addr;
	struct kd_error *err = kd_symbol_addr(s, name, &addr);
	if (err)
		return err;
	err = kd_read_kvaddr(s, addr, buf, len);
	return err ? kd_error_prefix(err, "reading %s", name) : NULL;
}
