/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's resource trees (ioport_resource, iomem_resource: what
 * /proc/ioports and /proc/iomem show).  Kernel facts: struct resource
 * {start, end, name, flags, parent, sibling, child}; children are a
 * sibling chain from ->child.
 */
#ifndef PYKDUMP_RESOURCE_H
#define PYKDUMP_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

struct kd_resource {
	uint64_t addr;		/* the struct resource */
	uint64_t start, end;
	char name[128];		/* "(unknown)" when unreadable */
	int depth;		/* 0 for the root */
};

/* The tree at root (its own entry first), depth first: each entry, then
 * its children, then its next sibling.  *ret malloc'd (free()); a broken
 * or cyclic tree gives the entries before the break and an error. */
KD_PUBLIC struct kd_error *kd_resource_tree(struct kd_session *s, uint64_t root,
					    struct kd_resource **ret,
					    size_t *n) KD_WARN_UNUSED;

#endif /* PYKDUMP_RESOURCE_H */
