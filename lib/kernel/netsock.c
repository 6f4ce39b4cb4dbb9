// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sockets and the ARP cache: see include/pykdump/netsock.h.  The hash
 * table and the chains are bounded (MAX_BUCKETS, MAX_NEIGH).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/netsock.h>
#include <pykdump/offsets.h>
#include <pykdump/vector.h>
#include <pykdump/vfs.h>

#define S_IFMT		0170000
#define S_IFSOCK	0140000
#define AF_INET		2
#define AF_INET6	10
#define MAX_BUCKETS	(1u << 20)
#define MAX_NEIGH	65536

struct sock_layout {
	uint64_t sa_inode, sock_sk, skc_family, sk_type, skc_rcv, skc_daddr;
	uint64_t skc_dport, skc_num, inet_sport, skc_v6_rcv, skc_v6_daddr;
	uint64_t sk_type_size;
};

#define L struct sock_layout
static const struct kd_layout_field sock_fields[] = {
	KD_LF(L, sa_inode, "struct socket_alloc", "vfs_inode", KD_LF_REQUIRED),
	KD_LF(L, sock_sk, "struct socket", "sk", KD_LF_REQUIRED),
	KD_LF(L, skc_family, "struct sock", "__sk_common.skc_family",
	      KD_LF_REQUIRED),
	KD_LF(L, sk_type, "struct sock", "sk_type", KD_LF_REQUIRED),
	KD_LF(L, sk_type_size, "struct sock", "sk_type", KD_LF_WIDTH),
	KD_LF(L, skc_rcv, "struct sock", "__sk_common.skc_rcv_saddr", 0),
	KD_LF(L, skc_daddr, "struct sock", "__sk_common.skc_daddr", 0),
	KD_LF(L, skc_dport, "struct sock", "__sk_common.skc_dport", 0),
	KD_LF(L, skc_num, "struct sock", "__sk_common.skc_num", 0),
	KD_LF(L, inet_sport, "struct inet_sock", "inet_sport", 0),
	KD_LF(L, skc_v6_rcv, "struct sock", "__sk_common.skc_v6_rcv_saddr", 0),
	KD_LF(L, skc_v6_daddr, "struct sock", "__sk_common.skc_v6_daddr", 0),
};
#undef L

static uint16_t be16(uint16_t v)
{
	return (uint16_t)((v >> 8) | (v << 8));
}

static void read_bytes(struct kd_session *s, uint64_t base, uint64_t off,
		       void *buf, size_t len)
{
	struct kd_error *err = kd_field_read(s, base, off, buf, len);
	if (err)
		memset(buf, 0, len);
	kd_error_destroy(err);
}

static void sock_facts(struct kd_session *s, const struct sock_layout *l,
		       struct kd_socket *k)
{
	uint64_t v = 0;
	uint16_t port = 0;
	struct kd_error *err = kd_field_uint(s, k->sock, l->skc_family, 2, &v);
	k->family = (uint16_t)v;
	kd_error_destroy(err);
	/* sk_type is a 16-bit bitfield on some kernels: read its word */
	err = kd_field_uint(s, k->sock, l->sk_type, 2, &v);
	k->type = (uint16_t)v;
	kd_error_destroy(err);
	if (k->family == AF_INET) {
		read_bytes(s, k->sock, l->skc_rcv, k->saddr, 4);
		read_bytes(s, k->sock, l->skc_daddr, k->daddr, 4);
	} else if (k->family == AF_INET6) {
		read_bytes(s, k->sock, l->skc_v6_rcv, k->saddr, 16);
		read_bytes(s, k->sock, l->skc_v6_daddr, k->daddr, 16);
	}
	if (k->family == AF_INET || k->family == AF_INET6) {
		if (kd_present(l->inet_sport)) {
			read_bytes(s, k->sock, l->inet_sport, &port, 2);
			k->sport = be16(port);
		} else {
			read_bytes(s, k->sock, l->skc_num, &port, 2);
			k->sport = port;
		}
		read_bytes(s, k->sock, l->skc_dport, &port, 2);
		k->dport = be16(port);
	}
}

struct kd_error *kd_task_sockets(struct kd_session *s, uint64_t task,
				 struct kd_socket **ret, size_t *n)
{
	struct sock_layout l;
	struct kd_vfs_layout vl;
	struct kd_addr_list files = { 0 };
	*ret = NULL;
	*n = 0;
	struct kd_error *err = kd_layout_fill(s, sock_fields,
					      KD_ARRAY_SIZE(sock_fields), &l);
	if (!err)
		err = kd_vfs_layout_get(s, &vl);
	if (err)
		return err;
	struct kd_error *broken = kd_task_files(s, task, &files);
	struct kd_socket *v = calloc(files.n ? files.n : 1, sizeof(*v));
	if (!v) {
		kd_addr_list_free(&files);
		kd_error_destroy(broken);
		return &kd_error_nomem;
	}
	size_t cnt = 0;
	for (size_t i = 0; i < files.n; i++) {
		struct kd_file_info fi;
		kd_file_info(s, &vl, files.addrs[i], &fi);
		if (!fi.inode || (fi.mode & S_IFMT) != S_IFSOCK)
			continue;
		struct kd_socket *k = &v[cnt];
		k->fd = files.index ? (int)files.index[i] : (int)i;
		k->socket = fi.inode - l.sa_inode;
		err = kd_field_u64(s, k->socket, l.sock_sk, &k->sock);
		if (err)
			break;
		if (k->sock)
			sock_facts(s, &l, k);
		cnt++;
	}
	kd_addr_list_free(&files);
	if (!err)
		err = broken;
	else
		kd_error_destroy(broken);
	*ret = v;
	*n = cnt;
	return err;
}

/* ---- ARP ---- */

struct neigh_layout {
	uint64_t tbl_nht, nht_buckets, nht_heads, nht_shift, nht_mask;
	uint64_t n_next, n_hash, n_key, n_ha, n_ha_len, n_dev, n_state;
	uint64_t dev_type, dev_addr_len;
};

#define L struct neigh_layout
static const struct kd_layout_field neigh_fields[] = {
	KD_LF(L, tbl_nht, "struct neigh_table", "nht", KD_LF_REQUIRED),
	KD_LF(L, nht_buckets, "struct neigh_hash_table", "hash_buckets", 0),
	KD_LF(L, nht_heads, "struct neigh_hash_table", "hash_heads", 0),
	KD_LF(L, nht_shift, "struct neigh_hash_table", "hash_shift", 0),
	KD_LF(L, nht_mask, "struct neigh_hash_table", "hash_mask", 0),
	KD_LF(L, n_next, "struct neighbour", "next", 0),
	KD_LF(L, n_hash, "struct neighbour", "hash", 0),
	KD_LF(L, n_key, "struct neighbour", "primary_key", KD_LF_REQUIRED),
	KD_LF(L, n_ha, "struct neighbour", "ha", KD_LF_REQUIRED),
	KD_LF(L, n_ha_len, "struct neighbour", "ha", KD_LF_SIZE),
	KD_LF(L, n_dev, "struct neighbour", "dev", KD_LF_REQUIRED),
	KD_LF(L, n_state, "struct neighbour", "nud_state", KD_LF_REQUIRED),
	KD_LF(L, dev_type, "struct net_device", "type", KD_LF_REQUIRED),
	KD_LF(L, dev_addr_len, "struct net_device", "addr_len", KD_LF_REQUIRED),
};
#undef L

static struct kd_error *neigh_facts(struct kd_session *s,
				    const struct neigh_layout *l,
				    struct kd_neigh *e)
{
	uint64_t v;
	struct kd_error *err;
	size_t ha = l->n_ha_len < sizeof(e->ha) ? l->n_ha_len : sizeof(e->ha);
	if ((err = kd_field_read(s, e->addr, l->n_key, e->ip, 4)) ||
	    (err = kd_field_read(s, e->addr, l->n_ha, e->ha, ha)) ||
	    (err = kd_field_u64(s, e->addr, l->n_dev, &e->dev)) ||
	    (err = kd_field_uint(s, e->addr, l->n_state, 1, &v)))
		return err;
	e->state = (uint8_t)v;
	if (!e->dev)
		return NULL;
	if ((err = kd_field_uint(s, e->dev, l->dev_type, 2, &v)))
		return err;
	e->dev_type = (unsigned)v;
	if ((err = kd_field_uint(s, e->dev, l->dev_addr_len, 1, &v)))
		return err;
	e->ha_len = (unsigned)v < sizeof(e->ha) ? (unsigned)v : sizeof(e->ha);
	return NULL;
}

static struct kd_error *push_chain(struct kd_session *s,
				   const struct neigh_layout *l,
				   const struct kd_addr_list *chain,
				   struct kd_neigh **v, size_t *n, size_t *cap)
{
	for (size_t i = 0; i < chain->n; i++) {
		if (*n == MAX_NEIGH)
			return kd_error_create(KD_ERR_LIMIT, "more than %u "
					       "ARP entries", MAX_NEIGH);
		struct kd_error *err = kd_array_reserve(v, cap, *n + 1);
		if (err)
			return err;
		struct kd_neigh *e = &(*v)[(*n)++];
		memset(e, 0, sizeof(*e));
		e->addr = chain->addrs[i];
		if ((err = neigh_facts(s, l, e)))
			return err;
	}
	return NULL;
}

struct kd_error *kd_arp_entries(struct kd_session *s, struct kd_neigh **ret,
				size_t *n)
{
	struct neigh_layout l;
	uint64_t tbl, nht, table = 0;
	uint32_t shift = 0;
	size_t cap = 0;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = kd_layout_fill(s, neigh_fields,
					      KD_ARRAY_SIZE(neigh_fields), &l);
	if (err)
		return err;
	if (!kd_symbol_try_addr(s, "arp_tbl", &tbl))
		return kd_error_create(KD_ERR_NOT_FOUND, "arp_tbl does not exist "
				       "in this kernel");
	int hlist = kd_present(l.nht_heads) && kd_present(l.n_hash);
	if (!hlist && (!kd_present(l.nht_buckets) || !kd_present(l.n_next)))
		return kd_error_create(KD_ERR_UNSUPPORTED, "unknown layout of "
				       "the neighbour hash table");
	if ((err = kd_field_u64(s, tbl, l.tbl_nht, &nht)) || !nht)
		return err;
	if (kd_present(l.nht_shift))
		err = kd_field_u32(s, nht, l.nht_shift, &shift);
	else if (kd_present(l.nht_mask)) {
		uint32_t mask = 0;
		err = kd_field_u32(s, nht, l.nht_mask, &mask);
		while (!err && shift < 32 && (1u << shift) <= mask)
			shift++;
	} else
		err = kd_error_create(KD_ERR_UNSUPPORTED, "neigh_hash_table "
				      "has no hash_shift or hash_mask");
	if (!err && shift > 20)
		err = kd_error_create(KD_ERR_CORRUPT, "neigh_hash_table at %"
				      PRIx64 ": hash_shift %u", nht, shift);
	if (!err)
		err = kd_field_u64(s, nht, hlist ? l.nht_heads : l.nht_buckets,
				   &table);
	for (uint64_t b = 0; !err && table && b < (1ULL << shift); b++) {
		struct kd_addr_list chain = { 0 };
		uint64_t first = 0;
		if (hlist)
			err = kd_hlist_walk(s, table + 8 * b, l.n_hash,
					    KD_WALK_NOLOG, MAX_NEIGH, &chain);
		else if (!(err = kd_field_u64(s, table, 8 * b, &first)) && first)
			err = kd_chain_walk(s, first, l.n_next, 0,
					    KD_WALK_NOLOG | KD_WALK_INCHEAD,
					    MAX_NEIGH, &chain);
		if (!err)
			err = push_chain(s, &l, &chain, ret, n, &cap);
		kd_addr_list_free(&chain);
	}
	return err;
}
