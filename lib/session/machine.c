// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Machine facts (the seed's vmcorearch), computed once per session.
 * Where each fact comes from, first source that answers wins:
 *
 *   sizes        DWARF base types "int", "long", "void *"; else 4/8/8
 *                (the x86_64 LP64 ABI)
 *   page size    VMCOREINFO PAGESIZE; else the translation's page size
 *   HZ           CONFIG_HZ from the embedded .config (ikconfig: the gzip
 *                blob at kernel_config_data, IKCONFIG=y kernels); else
 *                derived from tick_nsec, which the kernel sets to
 *                TICK_NSEC = (NSEC_PER_SEC + HZ/2) / HZ and NTP moves by
 *                a few ppm at most: HZ is the nearest kernel HZ choice
 *                to 1e9 / tick_nsec; kernels without tick_nsec (7.x):
 *                the same TICK_NSEC from the jiffies clocksource
 *                (kernel/time/jiffies.c: clocksource_jiffies.mult =
 *                TICK_NSEC << JIFFIES_SHIFT, .shift = JIFFIES_SHIFT;
 *                rating 1, never selected where another exists, so
 *                never adjusted); else 0 (unknown)
 *   CPUs         popcount of __cpu_{possible,present,online}_mask (4.5+;
 *                cpu_*_bits before) over nr_cpu_ids bits; else the
 *                dump's CPU count
 *   utsname      init_uts_ns.name in memory (offset from DWARF; the six
 *                65-byte fields are the user ABI struct new_utsname);
 *                else the kdump header's copy, VMCOREINFO OSRELEASE
 *   banner       linux_banner in memory
 *   KASLR etc.   what the session's translation was built from;
 *                vmalloc_base/vmemmap_base variables (4.8+), else the
 *                fixed bases of the paging mode
 *   panic CPU    the dump header when it records one; else the kernel's
 *                panic_cpu (atomic_t, -1 when no panic), crashing_cpu
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <pykdump/arch.h>
#include <pykdump/dump.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>
#include <pykdump/vmcoreinfo.h>

#include "machine_internal.h"
#include "session_internal.h"

#define UTS_FIELD_LEN	65		/* __NEW_UTS_LEN + 1 */
#define BANNER_MAX	1024
#define IKCONFIG_MAX	(4u << 20)	/* a compressed .config is ~40 KB */
#define CPUMASK_MAX	8192		/* NR_CPUS upper bound (x86_64) */

struct kd_machine_state {
	struct kd_machine m;
	char uts[6][UTS_FIELD_LEN];
	char banner[BANNER_MAX];
};

void kd_machine_state_destroy(struct kd_machine_state *m)
{
	free(m);
}

/* ---------------------------------------------------------------- pure */

int kd_machine_hz_from_tick_nsec(uint64_t tick_nsec)
{
	/* Every HZ Kconfig offers on any architecture, and common others. */
	static const int choices[] = { 24, 32, 48, 64, 100, 128, 200, 250,
				       256, 300, 500, 512, 1000, 1024, 1200 };
	if (tick_nsec < 100000 || tick_nsec > 100000000)
		return 0;
	double hz = 1e9 / (double)tick_nsec;
	int best = 0;
	double best_err = 0;
	for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		double e = hz > choices[i] ? hz - choices[i] : choices[i] - hz;
		if (!best || e < best_err) {
			best = choices[i];
			best_err = e;
		}
	}
	/* Not one of them: the rounded value itself. */
	return best_err / best < 0.01 ? best : (int)(hz + 0.5);
}

long kd_machine_config_number(const char *config, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = config, *end = config + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;
		if ((size_t)(eol - p) > nlen + 1 && memcmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			char num[32];
			size_t n = eol - p - nlen - 1;
			if (n >= sizeof(num))
				return 0;
			memcpy(num, p + nlen + 1, n);
			num[n] = '\0';
			return strtol(num, NULL, 0);
		}
		p = eol + 1;
	}
	return 0;
}

unsigned kd_machine_cpumask_weight(const uint64_t *words, unsigned nbits)
{
	unsigned n = 0;
	for (unsigned i = 0; i < nbits; i++)
		n += (words[i / 64] >> (i % 64)) & 1;
	return n;
}

/* ---------------------------------------------------------------- memory */

static int read_sym(struct kd_session *s, const char *name, void *buf,
		    size_t len)
{
	struct kd_error *err = kd_read_symbol(s, name, buf, len);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return 1;
}

static uint64_t type_size(struct kd_types *types, const char *name,
			  uint64_t dflt)
{
	struct kd_type *t;
	if (!types)
		return dflt;
	struct kd_error *err = kd_types_find(types, name, &t);
	if (err) {
		kd_error_destroy(err);
		return dflt;
	}
	uint64_t n = kd_type_size(t);
	return n ? n : dflt;
}

/* The ikconfig blob: gzip data between "IKCFG_ST" and "IKCFG_ED". */
static int hz_from_ikconfig(struct kd_session *s)
{
	struct kd_symbol sym;
	struct kd_error *err = kd_symtab_lookup(s->symtab, "kernel_config_data",
						&sym);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	if (sym.size < 16 || sym.size > IKCONFIG_MAX)
		return 0;
	unsigned char *gz = malloc(sym.size);
	size_t outcap = 16 * sym.size;
	char *text = malloc(outcap);
	long hz = 0;
	if (!gz || !text || !read_sym(s, "kernel_config_data", gz, sym.size))
		goto out_free;
	size_t skip = memcmp(gz, "IKCFG_ST", 8) == 0 ? 8 : 0;
	z_stream z = { .next_in = gz + skip,
		       .avail_in = (uInt)(sym.size - skip),
		       .next_out = (Bytef *)text, .avail_out = (uInt)outcap };
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		goto out_free;
	int rc = inflate(&z, Z_FINISH);
	size_t n = outcap - z.avail_out;
	inflateEnd(&z);
	if (rc == Z_STREAM_END || rc == Z_BUF_ERROR)
		hz = kd_machine_config_number(text, n, "CONFIG_HZ");
out_free:
	free(gz);
	free(text);
	return hz > 0 && hz < 100000 ? (int)hz : 0;
}

/* TICK_NSEC from clocksource_jiffies (see the top of this file). */
static uint64_t jiffies_clocksource_tick(struct kd_session *s,
					 struct kd_types *types)
{
	uint64_t addr;
	struct kd_type *t;
	struct kd_member_path mult, shift;
	if (!types || !kd_symbol_try_addr(s, "clocksource_jiffies", &addr) ||
	    kd_types_find(types, "struct clocksource", &t))
		return 0;
	struct kd_error *err = kd_type_member_path(t, "mult", &mult);
	if (!err)
		err = kd_type_member_path(t, "shift", &shift);
	uint32_t m = 0, sh = 0;
	if (!err)
		err = kd_read_kvaddr(s, addr + mult.bit_offset / 8, &m, 4);
	if (!err)
		err = kd_read_kvaddr(s, addr + shift.bit_offset / 8, &sh, 4);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return sh < 32 ? (uint64_t)(m >> sh) : 0;
}

static int find_hz(struct kd_session *s, struct kd_types *types)
{
	int hz = hz_from_ikconfig(s);
	uint64_t tick_nsec;
	if (!hz && read_sym(s, "tick_nsec", &tick_nsec, sizeof(tick_nsec)))
		hz = kd_machine_hz_from_tick_nsec(tick_nsec);
	if (!hz)
		hz = kd_machine_hz_from_tick_nsec(
			jiffies_clocksource_tick(s, types));
	return hz;
}

/* Popcount of a cpumask variable, NULL-safe for absent ones. */
static unsigned cpumask_weight(struct kd_session *s, const char *name,
			       const char *old_name, unsigned nbits)
{
	uint64_t words[CPUMASK_MAX / 64] = { 0 };
	size_t len = (nbits + 63) / 64 * 8;
	if (!read_sym(s, name, words, len) &&
	    !read_sym(s, old_name, words, len))
		return 0;
	return kd_machine_cpumask_weight(words, nbits);
}

unsigned kd_machine_nr_cpu_ids(struct kd_session *s)
{
	uint32_t ids = 0;
	if (!read_sym(s, "nr_cpu_ids", &ids, sizeof(ids)) || !ids ||
	    ids > CPUMASK_MAX)
		ids = kd_dump_nr_cpus(s->dump);
	return ids;
}

static void find_cpus(struct kd_session *s, struct kd_machine *m)
{
	unsigned dump_cpus = kd_dump_nr_cpus(s->dump);
	unsigned ids = kd_machine_nr_cpu_ids(s);
	m->nr_cpu_ids = ids;
	m->cpus_possible = cpumask_weight(s, "__cpu_possible_mask",
					  "cpu_possible_bits", ids);
	m->cpus_present = cpumask_weight(s, "__cpu_present_mask",
					 "cpu_present_bits", ids);
	m->cpus_online = cpumask_weight(s, "__cpu_online_mask",
					"cpu_online_bits", ids);
	if (!m->cpus_possible)
		m->cpus_possible = dump_cpus;
	if (!m->cpus_present)
		m->cpus_present = m->cpus_possible;
	if (!m->cpus_online)
		m->cpus_online = dump_cpus;
}

/* init_uts_ns.name: its offset from DWARF; without DWARF 0 (name is the
 * first member of struct uts_namespace in current kernels). */
static int read_utsname(struct kd_session *s, struct kd_types *types,
			struct kd_machine_state *st)
{
	uint64_t addr, off = 0;
	if (!kd_symbol_try_addr(s, "init_uts_ns", &addr))
		return 0;
	struct kd_type *t;
	struct kd_member_path mp;
	if (types && !kd_types_find(types, "struct uts_namespace", &t) &&
	    !kd_type_member_path(t, "name", &mp))
		off = mp.bit_offset / 8;
	struct kd_error *err = kd_read_kvaddr(s, addr + off, st->uts,
					      sizeof(st->uts));
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	for (int i = 0; i < 6; i++)
		st->uts[i][UTS_FIELD_LEN - 1] = '\0';
	return 1;
}

static void utsname_fallback(struct kd_session *s, struct kd_machine_state *st)
{
	const struct kd_utsname *u = kd_dump_utsname(s->dump);
	const char *rel = kd_dump_release(s->dump);
	if (u) {
		memcpy(st->uts, u, sizeof(st->uts));
	} else if (rel) {
		snprintf(st->uts[0], UTS_FIELD_LEN, "Linux");
		snprintf(st->uts[2], UTS_FIELD_LEN, "%s", rel);
		snprintf(st->uts[4], UTS_FIELD_LEN, "%s", kd_dump_arch_name(s->dump));
	}
	for (int i = 0; i < 6; i++)
		st->uts[i][UTS_FIELD_LEN - 1] = '\0';
}

int kd_machine_panic_cpu(struct kd_session *s)
{
	int32_t cpu = kd_dump_panic_cpu(s->dump);
	if (cpu >= 0)
		return cpu;
	if (read_sym(s, "panic_cpu", &cpu, sizeof(cpu)) && cpu >= 0)
		return cpu;
	if (read_sym(s, "crashing_cpu", &cpu, sizeof(cpu)) && cpu >= 0)
		return cpu;
	return -1;
}

static uint64_t read_base(struct kd_session *s, const char *name,
			  uint64_t dflt)
{
	uint64_t v;
	return read_sym(s, name, &v, sizeof(v)) && v ? v : dflt;
}

static void fill_layout(struct kd_session *s, struct kd_machine *m)
{
	const struct kd_vmcoreinfo *vi = kd_dump_vmcoreinfo_table(s->dump);
	uint64_t ps = 0;
	if (vi) {
		struct kd_error *err = kd_vmcoreinfo_pagesize(vi, &ps);
		kd_error_destroy(err);
	}
	if (!ps)
		ps = s->arch ? kd_arch_page_size(s->arch) : 4096;
	m->page_size = ps;
	while ((1ULL << m->page_shift) < ps)
		m->page_shift++;
	m->kaslr_offset = s->kaslr_offset;
	m->phys_base = s->phys_base;
	m->page_offset_base = s->page_offset_base;
	m->pgtable_l5 = s->l5;
	/* The fixed bases of kernels without KASLR of memory regions. */
	m->vmalloc_base = read_base(s, "vmalloc_base", s->l5 ?
				    0xffa0000000000000ULL : 0xffffc90000000000ULL);
	m->vmemmap_base = read_base(s, "vmemmap_base", s->l5 ?
				    0xffd4000000000000ULL : 0xffffea0000000000ULL);
}

static struct kd_error *compute(struct kd_session *s,
				struct kd_machine_state *st)
{
	struct kd_machine *m = &st->m;
	struct kd_types *types = NULL;
	struct kd_error *err = kd_session_types(s, &types);
	if (err) {	/* sizes and offsets fall back to the ABI's */
		kd_error_destroy(err);
		types = NULL;
	}
	m->arch = kd_dump_arch_name(s->dump);
	m->int_size = (int)type_size(types, "int", 4);
	m->long_size = (int)type_size(types, "long", 8);
	m->ptr_size = (int)type_size(types, "void *", 8);
	fill_layout(s, m);
	m->hz = find_hz(s, types);
	find_cpus(s, m);
	if (!read_utsname(s, types, st))
		utsname_fallback(s, st);
	const char **f[6] = { &m->sysname, &m->nodename, &m->release,
			      &m->version, &m->machine, &m->domainname };
	for (int i = 0; i < 6; i++)
		*f[i] = st->uts[i];
	uint64_t banner;
	if (kd_symbol_try_addr(s, "linux_banner", &banner)) {
		err = kd_read_cstring(s, banner, st->banner, sizeof(st->banner),
				      NULL);
		kd_error_destroy(err);
	}
	m->banner = st->banner;
	m->live = 0;
	m->dump_path = kd_session_dump_path(s);
	m->vmlinux_path = kd_session_vmlinux_path(s);
	m->panic_cpu = kd_machine_panic_cpu(s);
	return NULL;
}

struct kd_error *kd_session_machine(struct kd_session *s,
				    const struct kd_machine **ret)
{
	if (s->machine) {
		*ret = &s->machine->m;
		return NULL;
	}
	if (!s->symtab)
		return kd_error_create(KD_ERR_INVALID,
				       "%s: opened without a vmlinux: no machine "
				       "facts", s->dump_path);
	struct kd_machine_state *st = calloc(1, sizeof(*st));
	if (!st)
		return &kd_error_nomem;
	struct kd_error *err = compute(s, st);
	if (err) {
		free(st);
		return err;
	}
	s->machine = st;
	*ret = &st->m;
	return NULL;
}
