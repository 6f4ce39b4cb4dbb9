// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * readers_bench: list walks and field reads on a real dump.
 *
 *   readers_bench [--rounds N] DUMP|SAMPLE_DIR [VMLINUX]
 *
 * A directory means its vmcore.kdump (bench/run passes the sample dir).
 *
 * Prints, best of N rounds (default 20):
 *   - list entries/s: the task list (init_task.tasks) walked with
 *     kd_list_walk (one pointer read per entry, Brent's check);
 *   - field reads/s, direct: kd_member_read_u64 of task_struct.pid and
 *     se.cfs_rq.nr_running... for every task (one lookup + one read; the
 *     chain goes through a pointer);
 *   - field reads/s, from a buffer: each task_struct read once, then pid,
 *     tgid, prio, flags and comm decoded from the bytes.
 * The reader tables are built before timing (they are cached per session).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/readers.h>
#include <pykdump/session.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, struct kd_error *err)
{
	if (!err)
		return;
	fprintf(stderr, "readers_bench: %s: %s\n", what, err->message);
	exit(1);
}

struct fields {
	struct kd_reader *task;
	const struct kd_rmember *tasks, *pid, *tgid, *prio, *flags, *comm,
		*chain;
};

static void get_fields(struct kd_session *s, struct fields *f)
{
	die("task_struct", kd_reader_get(s, "struct task_struct", &f->task));
	die("tasks", kd_reader_member(f->task, "tasks", &f->tasks));
	die("pid", kd_reader_member(f->task, "pid", &f->pid));
	die("tgid", kd_reader_member(f->task, "tgid", &f->tgid));
	die("prio", kd_reader_member(f->task, "prio", &f->prio));
	die("flags", kd_reader_member(f->task, "flags", &f->flags));
	die("comm", kd_reader_member(f->task, "comm", &f->comm));
	die("chain", kd_reader_member(f->task, "mm.map_count", &f->chain));
}

static double bench_walk(struct kd_session *s, uint64_t head,
			 const struct fields *f, size_t *n)
{
	struct kd_addr_list l;
	double t0 = now();
	die("walk", kd_list_walk(s, head, f->tasks->offset, KD_WALK_INCHEAD,
				 0, &l));
	double dt = now() - t0;
	*n = l.n;
	kd_addr_list_free(&l);
	return dt;
}

static double bench_direct(struct kd_session *s, const struct kd_addr_list *l,
			   const struct fields *f, size_t *reads)
{
	uint64_t v, sum = 0;
	double t0 = now();
	*reads = 0;
	for (size_t i = 0; i < l->n; i++) {
		die("pid", kd_member_read_u64(s, f->pid, l->addrs[i], &v));
		sum += v;
		die("prio", kd_member_read_u64(s, f->prio, l->addrs[i], &v));
		sum += v;
		*reads += 2;
		/* kernel threads have no mm: the chain stops at NULL */
		struct kd_error *err = kd_member_read_u64(s, f->chain,
							   l->addrs[i], &v);
		kd_error_destroy(err);
		sum += err ? 0 : v;
		*reads += 1;
	}
	double dt = now() - t0;
	if (sum == 42)
		fputc(' ', stderr);	/* keep the reads */
	return dt;
}

static double bench_buf(struct kd_session *s, const struct kd_addr_list *l,
			const struct fields *f, size_t *reads)
{
	size_t size = kd_reader_size(f->task);
	char *buf = malloc(size), comm[32];
	const struct kd_rmember *ints[] = { f->pid, f->tgid, f->prio, f->flags };
	struct kd_value v;
	uint64_t sum = 0;
	double t0 = now();
	*reads = 0;
	for (size_t i = 0; i < l->n; i++) {
		die("task", kd_read_kvaddr(s, l->addrs[i], buf, size));
		for (size_t k = 0; k < 4; k++) {
			die("field", kd_member_value_from_buf(ints[k], buf, &v));
			sum += v.u;
		}
		die("comm", kd_member_string_from_buf(f->comm, buf, comm,
						      sizeof(comm), NULL));
		sum += (unsigned char)comm[0];
		*reads += 5;
	}
	double dt = now() - t0;
	free(buf);
	if (sum == 42)
		fputc(' ', stderr);
	return dt;
}

int main(int argc, char **argv)
{
	int rounds = 20, a = 1;
	if (argc > 2 && !strcmp(argv[1], "--rounds")) {
		rounds = atoi(argv[2]);
		a = 3;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: readers_bench [--rounds N] DUMP "
				"[VMLINUX]\n");
		return 2;
	}
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s", argv[a]);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(path, sizeof(path), "%s/vmcore.kdump", argv[a]);
	const char *files[] = { path };
	struct kd_session_options o = { .files = files, .nfiles = 1,
					.vmlinux = a + 1 < argc ? argv[a + 1]
								: NULL };
	struct kd_session *s;
	struct fields f;
	uint64_t init_task;
	die("open", kd_session_open(&o, &s));
	get_fields(s, &f);
	die("init_task", kd_symbol_addr(s, "init_task", &init_task));
	uint64_t head = init_task + f.tasks->offset;

	struct kd_addr_list l;
	die("walk", kd_list_walk(s, head, f.tasks->offset, KD_WALK_INCHEAD, 0,
				 &l));
	double best_walk = 1e9, best_direct = 1e9, best_buf = 1e9;
	size_t n = 0, nd = 0, nb = 0;
	for (int r = 0; r < rounds; r++) {
		double t = bench_walk(s, head, &f, &n);
		best_walk = t < best_walk ? t : best_walk;
		t = bench_direct(s, &l, &f, &nd);
		best_direct = t < best_direct ? t : best_direct;
		t = bench_buf(s, &l, &f, &nb);
		best_buf = t < best_buf ? t : best_buf;
	}
	printf("tasks in list:          %zu\n", n);
	printf("list walk:              %.0f entries/s (%.1f us per walk)\n",
	       n / best_walk, best_walk * 1e6);
	printf("field reads, direct:    %.0f reads/s (%zu reads in %.1f us)\n",
	       nd / best_direct, nd, best_direct * 1e6);
	printf("field reads, from buf:  %.0f reads/s (%zu fields, %zu struct "
	       "reads of %" PRIu64 " bytes, %.1f us)\n",
	       nb / best_buf, nb, l.n, kd_reader_size(f.task), best_buf * 1e6);
	kd_addr_list_free(&l);
	kd_session_close(s);
	return 0;
}
