// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipcs [-smMq] [-n pid | task] [id | addr ...]   (crash's ipcs)
 *
 * The System V IPC objects of the initial IPC namespace (or of the
 * task -n names): shared memory segments ("SHMID_KERNEL KEY SHMID UID
 * PERMS BYTES NATTCH STATUS"), semaphore arrays ("SEM_ARRAY KEY SEMID
 * UID PERMS NSEMS") and message queues ("MSG_QUEUE KEY MSQID UID PERMS
 * USED-BYTES MESSAGES"), "(none allocated)" for a kind with none.  -M
 * adds each segment's pages (allocated/resident/swapped) and inode.  An
 * id or an object address shows that object, each with its header.
 * Objects come from lib/kernel (ipc.h); deleted ones are not shown.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/ipc.h>
#include <pykdump/mm.h>
#include <pykdump/tasks.h>

#include "cmd_util.h"

#define SHM_DEST	01000
#define SHM_LOCKED	02000

static const char *const headers[] = {
	[KD_IPC_SHM] = "SHMID_KERNEL     KEY      SHMID      UID   PERMS BYTES"
		       "      NATTCH STATUS",
	[KD_IPC_SEM] = "SEM_ARRAY        KEY      SEMID      UID   PERMS NSEMS"
		       "     ",
	[KD_IPC_MSG] = "MSG_QUEUE        KEY      MSQID      UID   PERMS "
		       "USED-BYTES   MESSAGES    ",
};

struct ipcs {
	struct kd_cmd_ctx *ctx;
	uint64_t ns;
	int verbose;		/* -M */
};

static void line(struct ipcs *ic, const struct kd_ipc_object *o)
{
	FILE *out = ic->ctx->out;
	fprintf(out, "%-16" PRIx64 " %08x %-10d %-5u %-5o ", o->addr,
		(uint32_t)o->key, o->id, o->uid, o->mode & 0777);
	switch (o->kind) {
	case KD_IPC_SHM:
		fprintf(out, "%-10" PRIu64 " %-6" PRIu64 " %s %s\n", o->segsz,
			o->nattch, o->mode & SHM_DEST ? "dest" : "",
			o->mode & SHM_LOCKED ? "locked" : "");
		if (ic->verbose) {
			uint64_t page = kd_page_size(ic->ctx->s);
			fprintf(out, "PAGES ALLOCATED/RESIDENT/SWAPPED: "
				"%" PRIu64 "/%" PRIu64 "/%" PRIu64 "\n",
				(o->segsz + page - 1) / page, o->rss, o->swap);
			fprintf(out, "INODE: %" PRIx64 "\n", o->inode);
		}
		break;
	case KD_IPC_SEM:
		fprintf(out, "%-10" PRIu64 "\n", o->nsems);
		break;
	case KD_IPC_MSG:
		fprintf(out, "%-12" PRIu64 " %-12" PRIu64 "\n", o->cbytes,
			o->qnum);
		break;
	}
}

static int objects(struct ipcs *ic, enum kd_ipc_kind kind,
		   struct kd_ipc_object **v, size_t *n)
{
	struct kd_error *err = kd_ipc_objects(ic->ctx->s, ic->ns, kind, v, n);
	if (err)
		return kd_cmd_fail(ic->ctx, err);
	return 0;
}

/* Every object of a kind, as crash lists them. */
static int list_kind(struct ipcs *ic, enum kd_ipc_kind kind)
{
	struct kd_ipc_object *v;
	size_t n, shown = 0;
	FILE *out = ic->ctx->out;
	int verbose = kind == KD_IPC_SHM && ic->verbose;
	if (!verbose)
		fprintf(out, "%s\n", headers[kind]);
	int rc = objects(ic, kind, &v, &n);
	for (size_t i = 0; i < n; i++) {
		if (v[i].deleted)
			continue;
		if (verbose)
			fprintf(out, "%s\n", headers[kind]);
		line(ic, &v[i]);
		if (verbose)
			fputc('\n', out);
		shown++;
	}
	if (!n && verbose)
		fprintf(out, "%s\n", headers[kind]);
	if (!n)
		fprintf(out, "(none allocated)\n");
	if (!verbose || !n)
		fputc('\n', out);
	free(v);
	(void)shown;
	return rc;
}

/* The objects of a kind with that id or address: 1 when found. */
static int show_one(struct ipcs *ic, enum kd_ipc_kind kind, uint64_t value,
		    int *rc)
{
	struct kd_ipc_object *v;
	size_t n;
	int found = 0;
	*rc |= objects(ic, kind, &v, &n);
	for (size_t i = 0; i < n && !found; i++) {
		if (v[i].deleted || ((uint64_t)(uint32_t)v[i].id != value &&
				     v[i].addr != value))
			continue;
		fprintf(ic->ctx->out, "%s\n", headers[kind]);
		line(ic, &v[i]);
		fputc('\n', ic->ctx->out);
		found = 1;
	}
	free(v);
	return found;
}

/* crash's stol(): hexadecimal with 0x or a-f digits, else decimal. */
static int parse_value(const char *arg, uint64_t *ret)
{
	const char *p = arg;
	int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	if (hex)
		p += 2;
	if (!*p || strlen(p) > 16)
		return 0;
	for (const char *q = p; *q; q++) {
		if (!isxdigit((unsigned char)*q))
			return 0;
		hex |= !isdigit((unsigned char)*q);
	}
	*ret = strtoull(p, NULL, hex ? 16 : 10);
	return 1;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct ipcs ic = { .ctx = ctx };
	int c, want[3] = { 0, 0, 0 }, rc = 0;
	const char *who = NULL;
	uint64_t task = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "smMqn:")) != -1) {
		switch (c) {
		case 's': want[KD_IPC_SEM] = 1; break;
		case 'm': want[KD_IPC_SHM] = 1; break;
		case 'M': want[KD_IPC_SHM] = 1; ic.verbose = 1; break;
		case 'q': want[KD_IPC_MSG] = 1; break;
		case 'n': who = optarg; break;
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
	}
	if (!want[0] && !want[1] && !want[2])
		want[0] = want[1] = want[2] = 1;
	for (int i = optind; i < argc; i++) {
		uint64_t v;
		if (!parse_value(argv[i], &v))
			return kd_cmd_error(ctx, "invalid id or address: %s",
					    argv[i]);
	}
	if (who) {
		struct kd_task_ref *tasks;
		size_t n;
		if (kd_cmd_find_tasks(ctx, who, &tasks, &n) < 0)
			return 1;
		task = tasks[0].task;
		free(tasks);
	}
	struct kd_error *err = kd_ipc_namespace(ctx->s, task, &ic.ns);
	if (err)
		return kd_cmd_fail(ctx, err);
	static const enum kd_ipc_kind order[] = { KD_IPC_SHM, KD_IPC_SEM,
						  KD_IPC_MSG };
	if (optind >= argc) {
		for (size_t k = 0; k < 3; k++)
			if (want[order[k]])
				rc |= list_kind(&ic, order[k]);
		return rc;
	}
	for (int i = optind; i < argc; i++) {
		uint64_t v;
		int found = 0;
		parse_value(argv[i], &v);
		for (size_t k = 0; k < 3; k++)
			if (want[order[k]])
				found += show_one(&ic, order[k], v, &rc);
		if (!found) {
			rc = kd_cmd_error_bare(ctx, "invalid id or address: "
					       "%s", argv[i]);
		}
	}
	return rc;
}

const struct kd_command kd_cmd_ipcs = {
	.name = "ipcs",
	.summary = "System V IPC facilities",
	.usage =
	"SYNOPSIS\n"
	"  ipcs [-smMq] [-n pid | task] [id | addr ...]\n\n"
	"  The shared memory segments, semaphore arrays and message queues of\n"
	"  the initial IPC namespace, \"(none allocated)\" for a kind that has\n"
	"  none.\n"
	"    -s, -m, -q  only semaphore arrays, shared memory, message queues\n"
	"    -M          shared memory with each segment's pages (allocated,\n"
	"                resident, swapped) and inode\n"
	"    -n pid|task the IPC namespace of that task\n"
	"    id | addr   the object with that id, or at that address (of a\n"
	"                shmid_kernel, sem_array or msg_queue)\n",
	.run = run,
	.needs_vmlinux = 1,
};
