// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * index_bench: cold DWARF index build, warm load, lookups and memory on
 * a vmlinux.
 *
 *   index_bench VMLINUX [THREADS]
 *
 * Prints one "name value unit" line per measurement.  Cold = build from
 * the DWARF (the file itself is in the page cache after the first run);
 * warm = map a saved index file and validate it; first type = warm load
 * plus the first "struct task_struct" layout; RSS from /proc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pykdump/debuginfo.h>
#include <pykdump/dwarf.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long status_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key) + 1);
	}
	if (f)
		fclose(f);
	return v;
}

static void check(struct kd_error *err)
{
	if (err) {
		fprintf(stderr, "index_bench: %s\n", err->message);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: index_bench VMLINUX [THREADS]\n");
		return 2;
	}
	char dir[] = "/tmp/pykdump-bench-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	struct kd_debuginfo_options opts = { .cache_dir = dir };
	opts.nthreads = argc > 2 ? (unsigned)atoi(argv[2]) : 0;
	struct kd_debuginfo *di;
	struct kd_index_info info;

	double t0 = now();
	check(kd_debuginfo_open(argv[1], &opts, &di));
	double t_open = now() - t0;
	t0 = now();
	struct kd_symtab *st;
	check(kd_debuginfo_symtab(di, &st));
	double t_sym = now() - t0;
	check(kd_debuginfo_load_index(di, &info));
	printf("open %.4f s\nsymtab %.4f s (%zu symbols)\n", t_open, t_sym,
	       kd_symtab_count(st));
	printf("cold_build %.4f s (%llu units, %llu names, %llu bytes)\n",
	       info.seconds, (unsigned long long)info.nunits,
	       (unsigned long long)info.nentries, (unsigned long long)info.size);
	printf("cold_rss_peak %ld KB\n", status_kb("VmHWM:"));
	kd_debuginfo_close(di);

	t0 = now();
	check(kd_debuginfo_open(argv[1], &opts, &di));
	check(kd_debuginfo_load_index(di, &info));
	double t_warm = now() - t0;
	struct kd_types *types;
	struct kd_type *t;
	check(kd_debuginfo_types(di, &types));
	check(kd_types_find(types, "struct task_struct", &t));
	const struct kd_member *m;
	size_t n;
	check(kd_type_members(t, &m, &n));
	double t_first = now() - t0;
	printf("warm_load %.4f s (index %.4f s)\nwarm_first_type %.4f s\n",
	       t_warm, info.seconds, t_first);

	struct kd_dwarf_index *idx;
	check(kd_debuginfo_source_index(di, 0, &idx));
	uint64_t count = kd_dwarf_index_count(idx), found = 0;
	t0 = now();
	for (uint64_t i = 0; i < count; i++) {
		struct kd_index_hit hit, h2;
		struct kd_index_iter it;
		if (!kd_dwarf_index_entry(idx, i, &hit))
			continue;
		kd_dwarf_index_find(idx, hit.name, ~0u, &it);
		found += kd_dwarf_index_next(&it, &h2);
	}
	double t_look = now() - t0;
	printf("index_lookups %.0f /s (%llu of %llu found)\n", count / t_look,
	       (unsigned long long)found, (unsigned long long)count);
	struct kd_symbol sym;
	check(kd_debuginfo_symtab(di, &st));
	t0 = now();
	for (size_t i = 0; i < kd_symtab_count(st); i++) {
		kd_symtab_get(st, i, &sym);
		struct kd_symbol s2;
		found += kd_symtab_lookup_all(st, sym.name, &s2, 1);
		kd_symtab_by_addr(st, sym.value + 1, &s2, NULL);
	}
	t_look = now() - t0;
	printf("symbol_lookups %.0f /s (name + address)\n",
	       kd_symtab_count(st) / t_look);
	printf("warm_rss %ld KB\n", status_kb("VmRSS:"));
	kd_debuginfo_close(di);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) != 0;
}
