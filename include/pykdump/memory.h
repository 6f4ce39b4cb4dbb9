/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the dumped machine's memory through a session: by kernel
 * virtual address (page tables, with fast paths for the kernel image and
 * the direct map), by physical address, in a user address space, and by
 * symbol.  Errors say what failed and where ("PMD entry not present for
 * ffffc90000123000", "page 0x1234 excluded from the dump").
 */
#ifndef PYKDUMP_MEMORY_H
#define PYKDUMP_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

KD_PUBLIC struct kd_error *kd_read_kvaddr(struct kd_session *s, uint64_t addr,
					  void *buf, size_t len) KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_read_paddr(struct kd_session *s, uint64_t paddr,
					 void *buf, size_t len) KD_WARN_UNUSED;
/* In the address space whose top-level table is at pgd (a kernel
 * virtual address, e.g. mm->pgd). */
KD_PUBLIC struct kd_error *kd_read_uvaddr(struct kd_session *s, uint64_t pgd,
					  uint64_t addr, void *buf,
					  size_t len) KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_kvtop(struct kd_session *s, uint64_t vaddr,
				    uint64_t *paddr) KD_WARN_UNUSED;
/* Kernel virtual address of a physical one in the direct map. */
KD_PUBLIC uint64_t kd_ptov(struct kd_session *s, uint64_t paddr);

/* Little helpers: native-endian integers at a kernel virtual address. */
KD_PUBLIC struct kd_error *kd_read_u8(struct kd_session *s, uint64_t addr,
				      uint8_t *ret) KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_read_u16(struct kd_session *s, uint64_t addr,
				       uint16_t *ret) KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_read_u32(struct kd_session *s, uint64_t addr,
				       uint32_t *ret) KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_read_u64(struct kd_session *s, uint64_t addr,
				       uint64_t *ret) KD_WARN_UNUSED;
/* A pointer of the dump's pointer size. */
KD_PUBLIC struct kd_error *kd_read_ptr(struct kd_session *s, uint64_t addr,
				       uint64_t *ret) KD_WARN_UNUSED;
/* A NUL-terminated string of at most size-1 bytes into buf (always
 * terminated); *len (may be NULL) gets its length.  Reading stops at the
 * first unreadable page with an error only if nothing was read. */
KD_PUBLIC struct kd_error *kd_read_cstring(struct kd_session *s, uint64_t addr,
					   char *buf, size_t size,
					   size_t *len) KD_WARN_UNUSED;

/* The running (relocated) address of a vmlinux symbol. */
KD_PUBLIC struct kd_error *kd_symbol_addr(struct kd_session *s, const char *name,
					  uint64_t *ret) KD_WARN_UNUSED;
/* 1 and the address if the symbol exists, 0 otherwise. */
KD_PUBLIC int kd_symbol_try_addr(struct kd_session *s, const char *name,
				 uint64_t *ret);
KD_PUBLIC struct kd_error *kd_read_symbol(struct kd_session *s, const char *name,
					  void *buf, size_t len) KD_WARN_UNUSED;

#endif /* PYKDUMP_MEMORY_H */
