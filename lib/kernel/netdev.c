// SPDX-License-Identifier: GPL-2.0-or-later
/* Network devices and their addresses: see include/pykdump/netdev.h. */
#include <sys/socket.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/netdev.h>
#include <pykdump/offsets.h>

struct net_layout {
	uint64_t head, dev_list, name;		/* required */
	uint64_t ip_ptr, ip6_ptr;
	uint64_t ifa_list, ifa_next, ifa_address;
	uint64_t addr_list, if_list, in6_addr;
};

#define L struct net_layout
#define ND "struct net_device"
static const struct kd_layout_field net_fields[] = {
	KD_LF(L, head, "struct net", "dev_base_head", KD_LF_REQUIRED),
	KD_LF(L, dev_list, ND, "dev_list", KD_LF_REQUIRED),
	KD_LF(L, name, ND, "name", KD_LF_REQUIRED),
	KD_LF(L, ip_ptr, ND, "ip_ptr", 0),
	KD_LF(L, ip6_ptr, ND, "ip6_ptr", 0),
	KD_LF(L, ifa_list, "struct in_device", "ifa_list", 0),
	KD_LF(L, ifa_next, "struct in_ifaddr", "ifa_next", 0),
	KD_LF(L, ifa_address, "struct in_ifaddr", "ifa_address", 0),
	KD_LF(L, addr_list, "struct inet6_dev", "addr_list", 0),
	KD_LF(L, if_list, "struct inet6_ifaddr", "if_list", 0),
	KD_LF(L, in6_addr, "struct inet6_ifaddr", "addr", 0),
};
#undef L

static struct kd_error *layout(struct kd_session *s, struct net_layout *l)
{
	struct kd_error *err = kd_layout_fill(s, net_fields,
					      KD_ARRAY_SIZE(net_fields), l);
	return err ? kd_error_prefix(err, "cannot find the network device "
				     "list (init_net.dev_base_head)") : NULL;
}

struct kd_error *kd_netdev_list(struct kd_session *s, unsigned flags,
				struct kd_addr_list *ret)
{
	uint64_t init_net;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = kd_symbol_addr(s, "init_net", &init_net);
	if (err)
		return err;
	return kd_netdev_list_ns(s, init_net, flags, ret);
}

struct kd_error *kd_netdev_list_ns(struct kd_session *s, uint64_t net,
				   unsigned flags, struct kd_addr_list *ret)
{
	struct net_layout l;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	return kd_list_walk(s, net + l.head, l.dev_list, flags, 0, ret);
}

struct kd_error *kd_task_net_ns(struct kd_session *s, uint64_t task,
				uint64_t *ret)
{
	uint64_t nsproxy = 0;
	uint64_t off_ns = kd_offsetof(s, "struct task_struct", "nsproxy");
	uint64_t off_net = kd_offsetof(s, "struct nsproxy", "net_ns");
	if (!kd_present(off_ns) || !kd_present(off_net))
		/* no network namespaces: everything is init_net's */
		return kd_symbol_addr(s, "init_net", ret);
	struct kd_error *err = kd_field_u64(s, task, off_ns, &nsproxy);
	if (!err && !nsproxy)
		err = kd_error_create(KD_ERR_NOT_FOUND, "task %" PRIx64 " has no "
				      "namespaces (it has exited)", task);
	if (!err)
		err = kd_field_u64(s, nsproxy, off_net, ret);
	return err;
}

void kd_netdev_name(struct kd_session *s, uint64_t dev, char *buf,
		    size_t size)
{
	struct net_layout l;
	struct kd_error *err = layout(s, &l);
	if (!err)
		err = kd_field_string(s, dev, l.name, buf, size);
	if (err && size)
		buf[0] = 0;
	kd_error_destroy(err);
}

/* 1 when the read failed (the error dropped). */
static int fails(struct kd_error *err)
{
	kd_error_destroy(err);
	return err != NULL;
}

/* Keep the first thing that cut the addresses short in *cut (when the
 * caller wants it), drop the others. */
static void keep(struct kd_error **cut, struct kd_error *err)
{
	if (cut && !*cut)
		*cut = err;
	else
		kd_error_destroy(err);
}

/* The address at off in each entry of l (len bytes of family), up to the
 * first that cannot be read (kept in *cut). */
static size_t read_addrs(struct kd_session *s, const struct kd_addr_list *l,
			 uint64_t off, int family, size_t len,
			 struct kd_netdev_addr *v, size_t max,
			 struct kd_error **cut)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n && n < max; i++) {
		struct kd_error *err = kd_field_read(s, l->addrs[i], off,
						     v[n].bytes, len);
		if (err) {
			keep(cut, err);
			break;
		}
		v[n++].family = family;
	}
	return n;
}

/* The in_ifaddr chain of the device's in_device. */
static size_t ipv4(struct kd_session *s, const struct net_layout *l,
		   uint64_t dev, struct kd_netdev_addr *v, size_t max,
		   struct kd_error **cut)
{
	uint64_t indev = 0, ifa = 0;
	struct kd_addr_list chain;
	if (!kd_present(l->ifa_address) || !kd_present(l->ifa_next) ||
	    fails(kd_field_ptr(s, dev, l->ip_ptr, &indev)) || !indev ||
	    fails(kd_field_ptr(s, indev, l->ifa_list, &ifa)) || !ifa)
		return 0;
	keep(cut, kd_chain_walk(s, ifa, l->ifa_next, 0,
				KD_WALK_NOLOG | KD_WALK_INCHEAD, max, &chain));
	size_t n = read_addrs(s, &chain, l->ifa_address, AF_INET, 4, v, max,
			      cut);
	kd_addr_list_free(&chain);
	return n;
}

/* The inet6_ifaddr list of the device's inet6_dev. */
static size_t ipv6(struct kd_session *s, const struct net_layout *l,
		   uint64_t dev, struct kd_netdev_addr *v, size_t max,
		   struct kd_error **cut)
{
	uint64_t in6 = 0;
	struct kd_addr_list list;
	if (!max || !kd_present(l->addr_list) || !kd_present(l->if_list) ||
	    !kd_present(l->in6_addr) ||
	    fails(kd_field_ptr(s, dev, l->ip6_ptr, &in6)) || !in6)
		return 0;
	keep(cut, kd_list_walk(s, in6 + l->addr_list, l->if_list,
			       KD_WALK_NOLOG, max, &list));
	size_t n = read_addrs(s, &list, l->in6_addr, AF_INET6, 16, v, max,
			      cut);
	kd_addr_list_free(&list);
	return n;
}

size_t kd_netdev_addrs(struct kd_session *s, uint64_t dev,
		       struct kd_netdev_addr *v, size_t max,
		       struct kd_error **cut)
{
	if (cut)
		*cut = NULL;
	struct net_layout l;
	struct kd_error *err = layout(s, &l);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	size_t n = ipv4(s, &l, dev, v, max, cut);
	return n + ipv6(s, &l, dev, v + n, max - n, cut);
}
