// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net: the network devices of the initial network namespace and their
 * addresses, as crash 8.0.6 prints them:
 *
 *      NET_DEVICE     NAME       IP ADDRESS(ES)
 *   ffff897402244000  fixture-dummy0 10.99.0.1, fe80::80e5:57ff:fe76:6a60
 *
 * The devices and their addresses come from the kernel layer
 * (include/pykdump/netdev.h).
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/netdev.h>

#include "cmd_util.h"

#define MAX_ADDRS 256

static void print_dev(struct kd_cmd_ctx *ctx, uint64_t dev)
{
	struct kd_netdev_addr a[MAX_ADDRS];
	char name[32];
	kd_netdev_name(ctx->s, dev, name, sizeof(name));
	fprintf(ctx->out, "%016" PRIx64 "  %-10s ", dev, name);
	size_t n = kd_netdev_addrs(ctx->s, dev, a, MAX_ADDRS);
	for (size_t i = 0; i < n; i++) {
		char buf[INET6_ADDRSTRLEN];
		inet_ntop(a[i].family, a[i].bytes, buf, sizeof(buf));
		fprintf(ctx->out, "%s%s", i ? ", " : "", buf);
	}
	fputc('\n', ctx->out);
}

static int net_list(struct kd_cmd_ctx *ctx)
{
	struct kd_addr_list devs;
	struct kd_error *err = kd_netdev_list(ctx->s, KD_WALK_NOLOG, &devs);
	if (err && err->code == KD_ERR_NOT_FOUND) {
		kd_addr_list_free(&devs);
		return kd_cmd_fail(ctx, err);
	}
	fprintf(ctx->out, "   NET_DEVICE     NAME       IP ADDRESS(ES)\n");
	for (size_t i = 0; i < devs.n; i++)
		print_dev(ctx, devs.addrs[i]);
	kd_addr_list_free(&devs);
	if (err)
		return kd_cmd_fail_what(ctx, "network device list", err);
	return 0;
}

static int net_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (kd_cmd_no_options(ctx, argc, argv, 1))
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
