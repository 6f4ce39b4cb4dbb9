// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * walkdump DUMP: the highlevel C API on a real dump, one fact per line,
 * for tests/kernel/test_list.py to compare with crash:
 *   idr ID ADDR          every pid of init_pid_ns.idr (kd_idr_walk)
 *   percpu CPU OFFSET    __per_cpu_offset[cpu] (kd_percpu_offsets)
 *   runqueues CPU ADDR   per-CPU runqueues (kd_percpu_symbol)
 *   task PID COMM        the task list (kd_list_walk + readers)
 *   hlist N              entries of init_task's pid hlist (kd_hlist_walk)
 *   enum VALUE NAME      enum pid_type values (kd_enum_name)
 *   global NAME VALUE    kd_global_read_u64 of a few integers
 *   vma PID ADDR         each user task's VMAs (kd_task_list, kd_mm_vmas)
 *   member ADDR PATH V   members of each struct module (kd_kmodules_get,
 *                        kd_read_member_u64: bitfields, signed ints)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <pykdump/highlevel.h>
#include <pykdump/kmodules.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/readers.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>

static void die(const char *what, struct kd_error *err)
{
	if (!err)
		return;
	fprintf(stderr, "walkdump: %s: %s\n", what, err->message);
	exit(1);
}

static void idr(struct kd_session *s)
{
	struct kd_global g;
	uint64_t off;
	struct kd_addr_list l;
	die("init_pid_ns", kd_global_get(s, "init_pid_ns", &g));
	die("idr", kd_member_offset(s, "struct pid_namespace", "idr", &off));
	die("walk", kd_idr_walk(s, g.addr + off, 0, 0, &l));
	for (size_t i = 0; i < l.n; i++)
		printf("idr %" PRIu64 " %" PRIx64 "\n", l.index[i], l.addrs[i]);
	kd_addr_list_free(&l);
}

static void percpu(struct kd_session *s)
{
	const uint64_t *offs;
	unsigned n;
	die("percpu", kd_percpu_offsets(s, &offs, &n));
	for (unsigned c = 0; c < n; c++) {
		uint64_t rq;
		die("runqueues", kd_percpu_symbol(s, "runqueues", c, &rq));
		printf("percpu %u %" PRIx64 "\n", c, offs[c]);
		printf("runqueues %u %" PRIx64 "\n", c, rq);
	}
}

static void tasks(struct kd_session *s)
{
	struct kd_reader *r;
	const struct kd_rmember *tasks, *pid, *comm;
	uint64_t init_task, v;
	struct kd_addr_list l;
	char name[32];
	die("reader", kd_reader_get(s, "struct task_struct", &r));
	die("tasks", kd_reader_member(r, "tasks", &tasks));
	die("pid", kd_reader_member(r, "pid", &pid));
	die("comm", kd_reader_member(r, "comm", &comm));
	die("init_task", kd_symbol_addr(s, "init_task", &init_task));
	die("walk", kd_list_walk(s, init_task + tasks->offset, tasks->offset,
				 KD_WALK_INCHEAD, 0, &l));
	for (size_t i = 0; i < l.n; i++) {
		die("pid", kd_member_read_u64(s, pid, l.addrs[i], &v));
		die("comm", kd_member_read_string(s, comm, l.addrs[i], name,
						  sizeof(name), NULL));
		printf("task %" PRIu64 " %s\n", v, name);
	}
	kd_addr_list_free(&l);
}

static void enums(struct kd_session *s)
{
	for (int64_t v = 0; v < 8; v++) {
		const char *name;
		struct kd_error *err = kd_enum_name(s, "enum pid_type", v,
						    &name);
		if (err) {
			kd_error_destroy(err);
			break;
		}
		printf("enum %" PRId64 " %s\n", v, name);
	}
	int64_t val;
	die("enum value", kd_enum_value(s, "PIDTYPE_TGID", &val));
	printf("enumval PIDTYPE_TGID %" PRId64 "\n", val);
}

static void globals(struct kd_session *s)
{
	static const char *const names[] = { "nr_cpu_ids", "jiffies",
					     "max_pfn", "nr_threads" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t v;
		die(names[i], kd_global_read_u64(s, names[i], &v));
		printf("global %s %" PRId64 "\n", names[i], (int64_t)v);
	}
}

static void vmas(struct kd_session *s)
{
	struct kd_task_ref *t;
	size_t n;
	die("tasks", kd_task_list(s, &t, &n));
	for (size_t i = 0; i < n; i++) {
		uint64_t mm;
		struct kd_addr_list l;
		die("mm", kd_read_member_u64(s, t[i].task, "struct task_struct",
					     "mm", &mm));
		if (!mm)
			continue;
		die("vmas", kd_mm_vmas(s, mm, 0, 0, &l));
		for (size_t k = 0; k < l.n; k++)
			printf("vma %d %" PRIx64 "\n", t[i].pid, l.addrs[k]);
		kd_addr_list_free(&l);
	}
	free(t);
}

static void module_members(struct kd_session *s)
{
	static const char *const paths[] = {
		"mkobj.kobj.state_initialized", "mkobj.kobj.state_in_sysfs",
		"mkobj.kobj.state_add_uevent_sent", "refcnt.counter",
		"num_syms", "percpu_size",
	};
	const struct kd_kmodule *m;
	size_t n;
	die("modules", kd_kmodules_get(s, &m, &n, NULL));
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
			uint64_t v;
			die(paths[k], kd_read_member_u64(s, m[i].addr,
							 "struct module",
							 paths[k], &v));
			printf("member %" PRIx64 " %s %" PRId64 "\n",
			       m[i].addr, paths[k], (int64_t)v);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: walkdump DUMP [VMLINUX]\n");
		return 2;
	}
	const char *files[] = { argv[1] };
	struct kd_session_options o = { .files = files, .nfiles = 1,
					.vmlinux = argc > 2 ? argv[2] : NULL };
	struct kd_session *s;
	die("open", kd_session_open(&o, &s));
	idr(s);
	percpu(s);
	tasks(s);
	enums(s);
	globals(s);
	vmas(s);
	module_members(s);
	kd_session_close(s);
	return 0;
}
