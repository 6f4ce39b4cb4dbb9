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
 *
 *   net -n [pid | task]   the devices of that task's network namespace
 *                         (the current context's without one);
 *   net -s [pid | task]   the sockets among each task's open files:
 *                         "FD SOCKET SOCK FAMILY:TYPE SOURCE-PORT
 *                         DESTINATION-PORT" (include/pykdump/netsock.h),
 *                         "No open sockets." when there are none;
 *   net -S [pid | task]   the same with each struct socket and inet_sock;
 *   net -a                the ARP cache (nothing when it is empty);
 *   net -N addr           an IPv4 address given as a number, dotted.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/netdev.h>
#include <pykdump/netsock.h>
#include <pykdump/tasks.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "cmd_util.h"

#define MAX_ADDRS 256

/* 1 when the device's addresses are shown only in part (said on the
 * error stream and in the problem log). */
static int print_dev(struct kd_cmd_ctx *ctx, uint64_t dev)
{
	struct kd_netdev_addr a[MAX_ADDRS];
	char name[32];
	struct kd_error *cut;
	kd_netdev_name(ctx->s, dev, name, sizeof(name));
	fprintf(ctx->out, "%016" PRIx64 "  %-10s ", dev, name);
	size_t n = kd_netdev_addrs(ctx->s, dev, a, MAX_ADDRS, &cut);
	for (size_t i = 0; i < n; i++) {
		char buf[INET6_ADDRSTRLEN];
		inet_ntop(a[i].family, a[i].bytes, buf, sizeof(buf));
		fprintf(ctx->out, "%s%s", i ? ", " : "", buf);
	}
	fputc('\n', ctx->out);
	if (!cut)
		return 0;
	char what[64];
	snprintf(what, sizeof(what), "%s: addresses", name);
	return kd_cmd_fail_what(ctx, what, cut);
}

static int net_list(struct kd_cmd_ctx *ctx, uint64_t ns)
{
	struct kd_addr_list devs;
	struct kd_error *err = ns ? kd_netdev_list_ns(ctx->s, ns, KD_WALK_NOLOG,
						      &devs) :
				    kd_netdev_list(ctx->s, KD_WALK_NOLOG, &devs);
	if (err && err->code == KD_ERR_NOT_FOUND) {
		kd_addr_list_free(&devs);
		return kd_cmd_fail(ctx, err);
	}
	fprintf(ctx->out, "   NET_DEVICE     NAME       IP ADDRESS(ES)\n");
	int rc = 0;
	for (size_t i = 0; i < devs.n; i++)
		rc |= print_dev(ctx, devs.addrs[i]);
	kd_addr_list_free(&devs);
	if (err)
		return kd_cmd_fail_what(ctx, "network device list", err);
	return rc;
}

/* ---- -s / -S: sockets ---- */

static const char *family_name(unsigned f, char *buf, size_t size)
{
	static const char *const names[] = {
		[0] = "UNSPEC", [1] = "UNIX", [2] = "INET", [3] = "AX25",
		[4] = "IPX", [5] = "APPLETALK", [6] = "NETROM", [7] = "BRIDGE",
		[8] = "ATMPVC", [9] = "X25", [10] = "INET6", [11] = "ROSE",
		[12] = "DECnet", [13] = "NETBEUI", [14] = "SECURITY/KEY",
		[16] = "NETLINK/ROUTE", [17] = "PACKET", [18] = "ASH",
		[19] = "ECONET", [20] = "ATMSVC", [22] = "SNA", [23] = "IRDA",
		[24] = "PPPOX",
	};
	if (f < KD_ARRAY_SIZE(names) && names[f])
		return names[f];
	snprintf(buf, size, "%u", f);
	return buf;
}

static const char *type_name(unsigned t, char *buf, size_t size)
{
	static const char *const names[] = {
		[1] = "STREAM", [2] = "DGRAM ", [3] = "RAW", [4] = "RDM",
		[5] = "SEQPACKET", [10] = "PACKET",
	};
	if (t < KD_ARRAY_SIZE(names) && names[t])
		return names[t];
	snprintf(buf, size, "%u", t);
	return buf;
}

/* crash's get_sock_info on a 64-bit kernel. */
static void sock_info(FILE *out, const struct kd_socket *k)
{
	char fb[16], tb[16], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	fprintf(out, "%s:%s ", family_name(k->family, fb, sizeof(fb)),
		type_name(k->type, tb, sizeof(tb)));
	if (k->family == AF_INET) {
		inet_ntop(AF_INET, k->saddr, a, sizeof(a));
		inet_ntop(AF_INET, k->daddr, b, sizeof(b));
		fprintf(out, " %s-%u %s-%u", a, k->sport, b, k->dport);
	} else if (k->family == AF_INET6) {
		/* crash prints each 16-bit group in hex, no :: shortening */
		char src[64], dst[64];
		int n = 0;
		for (int i = 0; i < 8; i++)
			n += snprintf(src + n, sizeof(src) - (size_t)n, "%x%s",
				      k->saddr[2 * i] << 8 | k->saddr[2 * i + 1],
				      i < 7 ? ":" : "");
		snprintf(src + n, sizeof(src) - (size_t)n, "-%u", k->sport);
		n = 0;
		for (int i = 0; i < 8; i++)
			n += snprintf(dst + n, sizeof(dst) - (size_t)n, "%x%s",
				      k->daddr[2 * i] << 8 | k->daddr[2 * i + 1],
				      i < 7 ? ":" : "");
		snprintf(dst + n, sizeof(dst) - (size_t)n, "-%u", k->dport);
		int len = (int)strlen(src), extra = len - (int)strlen(dst);
		fprintf(out, "%12s %*s%s%*s", src, extra > 0 ? extra / 2 : 0, "",
			dst, extra > 0 ? extra - extra / 2 : 0, "");
	}
	(void)a;
	(void)b;
}

/* "struct NAME {...}" as the struct command prints it. */
static void print_struct(struct kd_cmd_ctx *ctx, const char *name,
			 uint64_t addr, unsigned vflags)
{
	struct kd_types *types = kd_cmd_types(ctx);
	struct kd_type *t;
	char full[64];
	if (!types)
		return;
	snprintf(full, sizeof(full), "struct %s", name);
	struct kd_error *err = kd_types_find(types, full, &t);
	if (!err) {
		fprintf(ctx->out, "struct %s ", name);
		err = kd_value_format(ctx->s, t, addr, NULL, vflags, 0, ctx->out);
		fputc('\n', ctx->out);
	}
	if (err)
		kd_cmd_fail_what(ctx, full, err);
}

static int task_sockets(struct kd_cmd_ctx *ctx, const struct kd_task_ref *t,
			int full, unsigned vflags, int subsequent)
{
	struct kd_socket *v;
	size_t n;
	if (subsequent)
		fputc('\n', ctx->out);
	kd_cmd_task_header(ctx->out, t);
	struct kd_error *err = kd_task_sockets(ctx->s, t->task, &v, &n);
	for (size_t i = 0; i < n; i++) {
		if (full) {
			fprintf(ctx->out, "%sFD      SOCKET            SOCK      "
				"\n%2d  %16" PRIx64 "  %16" PRIx64 "\n\n",
				i ? "\n" : "", v[i].fd, v[i].socket, v[i].sock);
			print_struct(ctx, "socket", v[i].socket, vflags);
			if (v[i].sock)
				print_struct(ctx, "inet_sock", v[i].sock, vflags);
			continue;
		}
		if (!i)
			fprintf(ctx->out, "FD      SOCKET            SOCK       "
				"FAMILY:TYPE SOURCE-PORT DESTINATION-PORT\n");
		fprintf(ctx->out, "%2d  %16" PRIx64 "  %16" PRIx64 "  ", v[i].fd,
			v[i].socket, v[i].sock);
		sock_info(ctx->out, &v[i]);
		fputc('\n', ctx->out);
	}
	if (!n)
		fprintf(ctx->out, "No open sockets.\n");
	free(v);
	return err ? kd_cmd_fail_what(ctx, "open files", err) : 0;
}

/* The tasks named by the arguments, else the current context's. */
static int sockets(struct kd_cmd_ctx *ctx, int argc, char **argv, int full,
		   unsigned vflags)
{
	int rc = 0, shown = 0;
	if (optind >= argc) {
		struct kd_task_ref t;
		struct kd_error *err = kd_task_get(ctx->s,
						   kd_current_task(ctx->s), &t);
		if (err)
			return kd_cmd_fail(ctx, err);
		return task_sockets(ctx, &t, full, vflags, 0);
	}
	for (int i = optind; i < argc; i++) {
		struct kd_task_ref *t;
		size_t n;
		if (kd_cmd_find_tasks(ctx, argv[i], &t, &n) < 0) {
			rc = 1;
			continue;
		}
		for (size_t k = 0; k < n; k++)
			rc |= task_sockets(ctx, &t[k], full, vflags, shown++);
		free(t);
	}
	return rc;
}

/* ---- -a: the ARP cache ---- */

static void arp_state(FILE *out, unsigned st)
{
	static const char *const names[] = {
		"INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE",
		"FAILED", "NOARP", "PERMANENT",
	};
	int any = 0;
	for (unsigned b = 0; b < 8; b++)
		if (st >> b & 1)
			fprintf(out, "%s%s", any++ ? "|" : "", names[b]);
	fputc('\n', out);
}

static int arp(struct kd_cmd_ctx *ctx)
{
	struct kd_neigh *v;
	size_t n;
	struct kd_error *err = kd_arp_entries(ctx->s, &v, &n);
	for (size_t i = 0; i < n; i++) {
		char ip[INET_ADDRSTRLEN], dev[32];
		if (!i)
			fprintf(ctx->out, "NEIGHBOUR        IP ADDRESS      HW TYPE "
				"   HW ADDRESS         DEVICE  STATE\n");
		inet_ntop(AF_INET, v[i].ip, ip, sizeof(ip));
		fprintf(ctx->out, "%-16" PRIx64 " %-16s", v[i].addr, ip);
		/* ARPHRD_ETHER (1): colon-separated; others spaced bytes */
		fprintf(ctx->out, "%-10s ", v[i].dev_type == 1 ? "ETHER" :
			"UNKNOWN");
		for (unsigned b = 0; b < v[i].ha_len; b++)
			fprintf(ctx->out, v[i].dev_type == 1 ? "%02x%c" : "%02x ",
				v[i].ha[b], b + 1 == v[i].ha_len ? ' ' : ':');
		kd_netdev_name(ctx->s, v[i].dev, dev, sizeof(dev));
		fprintf(ctx->out, " %-6s  ", dev);
		arp_state(ctx->out, v[i].state);
	}
	free(v);
	return err ? kd_cmd_fail_what(ctx, "ARP cache", err) : 0;
}

static int net_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int c, sflag = 0, nflag = 0, aflag = 0, hex = 0, dec = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "N:asSR:xdn")) != -1) {
		switch (c) {
		case 'a': aflag = 1; break;
		case 's': case 'S':
			if (sflag && sflag != c)
				return kd_cmd_error(ctx, "only one -s or -S option "
						    "allowed");
			sflag = c;
			break;
		case 'x': hex = 1; break;
		case 'd': dec = 1; break;
		case 'n': nflag = 1; break;
		case 'N': {
			char *end;
			int decimal = 1;
			for (const char *p = optarg; *p; p++)
				decimal &= *p >= '0' && *p <= '9';
			unsigned long v = strtoul(optarg, &end, decimal ? 10 : 16);
			if (end == optarg || *end)
				return kd_cmd_error(ctx, "invalid address: %s",
						    optarg);
			uint32_t a = (uint32_t)v;	/* in_addr.s_addr */
			char ip[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &a, ip, sizeof(ip));
			fprintf(ctx->out, "%s\n", ip);
			return 0;
		}
		case 'R':
			return kd_cmd_error(ctx, "-R is not supported (socket "
					    "references)");
		default:
			if (optopt == 'N' || optopt == 'R')
				return kd_cmd_error(ctx, "option -%c needs an "
						    "argument", optopt);
			return kd_cmd_bad_option(ctx, optopt);
		}
	}
	if (hex && dec)
		return kd_cmd_error(ctx, "-d and -x are mutually exclusive");
	if ((hex || dec) && !sflag)
		return kd_cmd_error(ctx, "-x and -d go with -s or -S");
	int rc = aflag ? arp(ctx) : 0;
	if (sflag)
		return rc | sockets(ctx, argc, argv, sflag == 'S',
				    hex ? KD_VF_HEX : 0);
	if (nflag) {
		uint64_t task = kd_current_task(ctx->s), ns;
		if (optind < argc) {
			struct kd_task_ref *t;
			size_t n;
			if (kd_cmd_find_tasks(ctx, argv[optind], &t, &n) < 0)
				return 1;
			task = t[0].task;
			free(t);
		}
		struct kd_error *err = kd_task_net_ns(ctx->s, task, &ns);
		if (err)
			return kd_cmd_fail_what(ctx, "network namespace", err);
		return rc | net_list(ctx, ns);
	}
	if (optind < argc)
		return kd_cmd_error(ctx, "unexpected argument: %s", argv[optind]);
	return aflag ? rc : net_list(ctx, 0);
}

const struct kd_command kd_cmd_net = {
	.name = "net",
	.summary = "network device list",
	.usage =
		"SYNOPSIS\n"
		"  net [-n [pid|task]] [-s|-S [-x|-d] [pid|task ...]] [-a] [-N addr]\n"
		"\n"
		"DESCRIPTION\n"
		"  Lists the network devices of the initial network namespace:\n"
		"  the struct net_device address, the interface name and its\n"
		"  IPv4 then IPv6 addresses.\n"
		"    -n [pid | task]  the devices of that task's namespace\n"
		"    -s [pid | task]  the task's open sockets (the current\n"
		"                     context's without one); -S with each\n"
		"                     struct socket and inet_sock\n"
		"    -a               the ARP cache\n"
		"    -N addr          an IPv4 address given as a number\n",
	.run = net_run,
	.needs_vmlinux = 1,
};
