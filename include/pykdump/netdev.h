/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network devices of a network namespace (the initial one by default)
 * and their addresses.
 *
 * Kernel facts relied on: init_net.dev_base_head lists every net_device
 * through dev_list (2.6.24+); IPv4 addresses hang off ip_ptr (struct
 * in_device) as the ifa_list chain of in_ifaddr (ifa_next, ifa_address
 * in network order); IPv6 ones off ip6_ptr (struct inet6_dev) on
 * addr_list, linked through inet6_ifaddr.if_list.
 */
#ifndef PYKDUMP_NETDEV_H
#define PYKDUMP_NETDEV_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;
struct kd_addr_list;

/* The struct net_device addresses, in list order (the free and
 * partial-result rules of highlevel.h). */
KD_PUBLIC struct kd_error *kd_netdev_list(struct kd_session *s,
					  unsigned flags,
					  struct kd_addr_list *ret)
	KD_WARN_UNUSED;
/* The same for the network namespace (struct net) at net. */
KD_PUBLIC struct kd_error *kd_netdev_list_ns(struct kd_session *s, uint64_t net,
					     unsigned flags,
					     struct kd_addr_list *ret)
	KD_WARN_UNUSED;
/* A task's network namespace: task->nsproxy->net_ns (init_net on a
 * kernel without namespaces). */
KD_PUBLIC struct kd_error *kd_task_net_ns(struct kd_session *s, uint64_t task,
					  uint64_t *ret) KD_WARN_UNUSED;
/* The device's name ("" when unreadable). */
KD_PUBLIC void kd_netdev_name(struct kd_session *s, uint64_t dev, char *buf,
			      size_t size);

struct kd_netdev_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t bytes[16];	/* network order: 4 or 16 of them */
};
/* Its IPv4 then IPv6 addresses, at most max; what cannot be read is left
 * out.  Returns how many were stored.  When cut is not NULL, *cut is what
 * ended a list of them early (a link or an address that cannot be read,
 * a cycle, more than max: the caller says the answer is partial), NULL
 * when none did; the caller destroys it. */
KD_PUBLIC size_t kd_netdev_addrs(struct kd_session *s, uint64_t dev,
				 struct kd_netdev_addr *v, size_t max,
				 struct kd_error **cut);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_NETDEV_H */
