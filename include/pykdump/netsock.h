/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sockets of a task and the ARP cache (crash's net -s and net -a).
 *
 * Kernel facts relied on: a socket file's inode has S_IFSOCK in i_mode
 * and is the vfs_inode of a struct socket_alloc {socket, vfs_inode};
 * socket->sk is the struct sock; sock.__sk_common holds the family
 * (skc_family), the IPv4 addresses (skc_rcv_saddr, skc_daddr, network
 * order), the destination port (skc_dport, network order) and, since
 * 3.13, the IPv6 ones (skc_v6_rcv_saddr, skc_v6_daddr); the source port
 * is inet_sock.inet_sport (network order); sk_type the socket type.
 * The ARP cache is arp_tbl.nht (struct neigh_hash_table): before 6.13
 * hash_buckets[1 << hash_shift] chains neighbours by .next, since then
 * hash_heads[] are hlist_heads of neighbour.hash; each neighbour has
 * primary_key (the IPv4 address), ha (hardware address), dev and
 * nud_state.
 */
#ifndef PYKDUMP_NETSOCK_H
#define PYKDUMP_NETSOCK_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

struct kd_socket {
	int fd;
	uint64_t socket;	/* struct socket */
	uint64_t sock;		/* struct sock */
	uint16_t family, type;
	uint8_t saddr[16], daddr[16];	/* network order: 4 or 16 bytes */
	uint16_t sport, dport;		/* host order */
};

/* The sockets among a task's open files, by descriptor; *ret malloc'd. */
KD_PUBLIC struct kd_error *kd_task_sockets(struct kd_session *s, uint64_t task,
					   struct kd_socket **ret, size_t *n)
	KD_WARN_UNUSED;

struct kd_neigh {
	uint64_t addr;		/* struct neighbour */
	uint8_t ip[4];		/* network order */
	uint8_t ha[32];
	unsigned ha_len;	/* the device's addr_len */
	uint64_t dev;
	unsigned dev_type;	/* net_device.type (ARPHRD_*) */
	uint8_t state;		/* NUD_* */
};

/* The ARP cache, bucket by bucket, each chain in order; *ret malloc'd. */
KD_PUBLIC struct kd_error *kd_arp_entries(struct kd_session *s,
					  struct kd_neigh **ret, size_t *n)
	KD_WARN_UNUSED;

#endif /* PYKDUMP_NETSOCK_H */
