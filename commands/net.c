// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net: the network devices of the initial network namespace and their
 * addresses, as crash 8.0.6 prints them:
 *
 *      NET_DEVICE     NAME       IP ADDRESS(ES)
 *   ffff897402244000  fixture-dummy0 10.99.0.1, fe80::80e5:57ff:fe76:6a60
 *
 * Kernel facts: init_net.dev_base_head lists every net_device through
 * dev_list (2.6.24+); IPv4 addresses hang off ip_ptr (struct in_device)
 * as the ifa_list chain of in_ifaddr (ifa_next, ifa_address in network
 * order); IPv6 ones off ip6_ptr (struct inet6_dev) on addr_list, linked
 * through inet6_ifaddr.if_list.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/memory.h>

#include "sysutil.h"

#define MAX_ADDRS 256

struct net_walk {
	struct kd_cmd_ctx *ctx;
	uint64_t dev_list, name, ip_ptr, ip6_ptr;
	uint64_t ifa_list, ifa_next, ifa_address;
	uint64_t addr_list, if_list, in6_addr;
};

static void print_ipv4(struct net_walk *w, uint64_t dev, int *n)
{
	struct kd_session *s = w->ctx->s;
	uint64_t indev = 0, ifa = 0;
	if (w->ip_ptr == SU_NONE || su_ptr(s, dev + w->ip_ptr, &indev) < 0 ||
	    !indev || su_ptr(s, indev + w->ifa_list, &ifa) < 0)
		return;
	for (int i = 0; ifa && i < MAX_ADDRS; i++) {
		uint32_t a;
		char buf[INET_ADDRSTRLEN];
		if (su_u32(s, ifa + w->ifa_address, &a) < 0)
			return;
		inet_ntop(AF_INET, &a, buf, sizeof(buf));
		fprintf(w->ctx->out, "%s%s", (*n)++ ? ", " : "", buf);
		if (su_ptr(s, ifa + w->ifa_next, &ifa) < 0)
			return;
	}
}

struct v6_walk {
	struct net_walk *w;
	int *n;
};

static int print_v6_node(void *arg, uint64_t node)
{
	struct v6_walk *v = arg;
	struct net_walk *w = v->w;
	unsigned char a[16];
	char buf[INET6_ADDRSTRLEN];
	struct kd_error *err = kd_read_kvaddr(w->ctx->s, node - w->if_list +
					      w->in6_addr, a, sizeof(a));
	if (err) {
		kd_error_destroy(err);
		return 1;
	}
	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	fprintf(w->ctx->out, "%s%s", (*v->n)++ ? ", " : "", buf);
	return *v->n >= MAX_ADDRS;
}

static void print_ipv6(struct net_walk *w, uint64_t dev, int *n)
{
	uint64_t in6 = 0;
	if (w->ip6_ptr == SU_NONE || w->addr_list == SU_NONE ||
	    su_ptr(w->ctx->s, dev + w->ip6_ptr, &in6) < 0 || !in6)
		return;
	struct v6_walk v = { w, n };
	kd_error_destroy(su_list_walk(w->ctx->s, in6 + w->addr_list,
				      print_v6_node, &v));
}

static int print_dev(void *arg, uint64_t node)
{
	struct net_walk *w = arg;
	uint64_t dev = node - w->dev_list;
	char name[32];
	int n = 0;
	su_str(w->ctx->s, dev + w->name, name, sizeof(name));
	fprintf(w->ctx->out, "%016" PRIx64 "  %-10s ", dev, name);
	print_ipv4(w, dev, &n);
	print_ipv6(w, dev, &n);
	fputc('\n', w->ctx->out);
	return 0;
}

static void layout_get(struct kd_session *s, struct net_walk *w)
{
	const char *nd = "struct net_device";
	w->dev_list = su_off(s, nd, "dev_list");
	w->name = su_off(s, nd, "name");
	w->ip_ptr = su_off(s, nd, "ip_ptr");
	w->ip6_ptr = su_off(s, nd, "ip6_ptr");
	w->ifa_list = su_off(s, "struct in_device", "ifa_list");
	w->ifa_next = su_off(s, "struct in_ifaddr", "ifa_next");
	w->ifa_address = su_off(s, "struct in_ifaddr", "ifa_address");
	w->addr_list = su_off(s, "struct inet6_dev", "addr_list");
	w->if_list = su_off(s, "struct inet6_ifaddr", "if_list");
	w->in6_addr = su_off(s, "struct inet6_ifaddr", "addr");
	if (w->ifa_list == SU_NONE || w->ifa_address == SU_NONE)
		w->ip_ptr = SU_NONE;
	if (w->if_list == SU_NONE || w->in6_addr == SU_NONE)
		w->ip6_ptr = SU_NONE;
}

static int net_list(struct kd_cmd_ctx *ctx)
{
	struct net_walk w = { .ctx = ctx };
	uint64_t init_net, head;
	layout_get(ctx->s, &w);
	head = su_off(ctx->s, "struct net", "dev_base_head");
	if (!kd_symbol_try_addr(ctx->s, "init_net", &init_net) ||
	    head == SU_NONE || w.dev_list == SU_NONE || w.name == SU_NONE)
		return su_error(ctx, "cannot find the network device list "
				"(init_net.dev_base_head)");
	fprintf(ctx->out, "   NET_DEVICE     NAME       IP ADDRESS(ES)\n");
	struct kd_error *err = su_list_walk(ctx->s, init_net + head,
					    print_dev, &w);
	if (err)
		return su_error_value(ctx, "network device list", err);
	return 0;
}

static int net_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (su_no_options(ctx, argc, argv, 1))
		return 1;
	return net_list(ctx);
}

const struct kd_command kd_cmd_net = {
	.name = "net",
	.summary = "network device list",
	.usage =
		"SYNOPSIS\n"
		"  net\n"
		"\n"
		"DESCRIPTION\n"
		"  Lists the network devices of the initial network namespace:\n"
		"  the struct net_device address, the interface name and its\n"
		"  IPv4 then IPv6 addresses.\n",
	.run = net_run,
	.needs_vmlinux = 1,
};
