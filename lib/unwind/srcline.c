// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source file and line of a kernel text address, from the vmlinux's
 * DWARF line tables (libdw): the unit containing the link-time address
 * (running address minus the KASLR offset), then its line table.  The
 * file name is the one the line table records, as crash (gdb) prints it.
 *
 * The line is gdb's (crash asks gdb), so the unit's rows are first made
 * into the table gdb builds from them (gdb/dwarf2/read.c, buildsym.c):
 *   - rows are taken in program order, sequence by sequence;
 *   - a row for the same line and file as the last one recorded is
 *     dropped when that line has had a non-zero discriminator (gdb
 *     coalesces them, PR 17276);
 *   - a row of another file at the address of an is_stmt row is dropped
 *     when it is not is_stmt; a row with line 0 is dropped;
 *   - switching files, and the end of a sequence, end the old file's
 *     range: its rows at that address are removed and a line-0 marker
 *     takes their place;
 * and the lookup is gdb's find_pc_line: the entries at the greatest
 * address <= addr; of those, the newest file's last entry (a line-0
 * marker only when no file has a line there), and when that entry is
 * not is_stmt, an is_stmt entry of the same file at the same address
 * before it.  The unit last asked for keeps its table (KD_SLOT_SRCLINE):
 * `dis -l` asks for every instruction of a function.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/dwarf.h>
#include <pykdump/memocache.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/unwind.h>
#include <pykdump/vector.h>

#define MAX_UNIT_ROWS	(16u << 20)

struct gdb_row {
	Dwarf_Addr addr;
	Dwarf_Line *src;	/* the row (file name, stmt) */
	const char *file;	/* the subfile */
	int line;		/* 0: the end of a range */
	bool stmt;
	size_t order;		/* when it was recorded */
};

#define MAX_FILE_NAMES	4096

struct line_table {
	/* gdb's subfiles are by name: several file entries of one name
	 * (DWARF 5 lists the primary file twice) are one file */
	const char *names[MAX_FILE_NAMES];	/* libdw's pointers ... */
	const char *canon[MAX_FILE_NAMES];	/* ... and the first of each name */
	size_t nnames;
	Dwarf *dw;
	Dwarf_Off cu_off;
	uint64_t generation;
	struct gdb_row *rows;
	size_t n, cap;
};

static void table_free(void *data)
{
	struct line_table *t = data;
	if (t)
		free(t->rows);
	free(t);
}

static int push(struct line_table *t, Dwarf_Addr addr, Dwarf_Line *src,
		const char *file, int line, bool stmt)
{
	if (t->n >= MAX_UNIT_ROWS ||
	    kd_array_reserve(&t->rows, &t->cap, t->n + 1))
		return -1;
	t->rows[t->n] = (struct gdb_row){ addr, src, file, line, stmt, t->n };
	t->n++;
	return 0;
}

/* buildsym's record_line of a line-0 marker: the file's entries at that
 * address go (they are the newest rows: addresses only grow within a
 * sequence), then the marker is added. */
static int end_range(struct line_table *t, const char *file, Dwarf_Addr addr)
{
	size_t w = t->n;
	for (size_t i = t->n; i-- > 0 && t->rows[i].addr == addr;)
		if (t->rows[i].file == file)
			t->rows[i].file = NULL;	/* removed below */
	w = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].file)
			t->rows[w++] = t->rows[i];
	t->n = w;
	return push(t, addr, NULL, file, 0, true);
}

static const char *canon_file(struct line_table *t, const char *f)
{
	if (!f)
		return NULL;
	for (size_t i = 0; i < t->nnames; i++)
		if (t->names[i] == f)
			return t->canon[i];
	const char *c = f;
	for (size_t i = 0; i < t->nnames; i++)
		if (!strcmp(t->names[i], f)) {
			c = t->canon[i];
			break;
		}
	if (t->nnames < MAX_FILE_NAMES) {
		t->names[t->nnames] = f;
		t->canon[t->nnames++] = c;
	}
	return c;
}

/* gdb's line state machine over one sequence of rows [i, end]. */
struct machine {
	const char *last_file;	/* m_last_subfile */
	int last_line;
	bool disc;		/* the line has had a non-zero discriminator */
	Dwarf_Addr last_addr;
	bool stmt_at_addr;
	const char *prev_file;	/* the registers of the row before */
	int prev_line;
};

static int take_row(struct line_table *t, struct machine *m, Dwarf_Line *l)
{
	Dwarf_Addr addr;
	int line = 0;
	bool stmt = false, end = false;
	unsigned disc = 0;
	const char *file = canon_file(t, dwarf_linesrc(l, NULL, NULL));
	if (dwarf_lineaddr(l, &addr) || dwarf_lineno(l, &line))
		return 0;
	dwarf_lineendsequence(l, &end);
	dwarf_linebeginstatement(l, &stmt);
	dwarf_linediscriminator(l, &disc);
	if (end) {
		int rc = m->last_file ? end_range(t, m->last_file, addr) : 0;
		memset(m, 0, sizeof(*m));
		m->prev_line = 1;
		return rc;
	}
	/* advance_line / set_file reset the flag, set_discriminator sets it */
	if (line != m->prev_line || file != m->prev_file)
		m->disc = disc != 0;
	else
		m->disc |= disc != 0;
	m->prev_line = line;
	m->prev_file = file;
	bool changed = file != m->last_file;
	bool ignore = (changed && m->last_addr == addr && !stmt &&
		       m->stmt_at_addr) || line == 0;
	int rc = 0;
	if (changed && !ignore && m->last_file)
		rc = end_range(t, m->last_file, addr);
	if (!rc && !ignore && (changed || line != m->last_line || !m->disc)) {
		m->last_file = file;
		m->last_line = line;
		rc = push(t, addr, l, file, line, stmt);
	}
	if (m->last_addr != addr) {
		m->stmt_at_addr = false;
		m->last_addr = addr;
	}
	m->stmt_at_addr |= stmt;
	return rc;
}

/* buildsym sorts each file's table by address, a line-0 marker first
 * among entries of one address, otherwise in the order recorded. */
static int by_addr(const void *a, const void *b)
{
	const struct gdb_row *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if ((x->line == 0) != (y->line == 0))
		return x->line == 0 ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static struct line_table *build(Dwarf_Lines *lines, size_t n)
{
	struct line_table *t = calloc(1, sizeof(*t));
	struct machine m;
	if (!t)
		return NULL;
	memset(&m, 0, sizeof(m));
	m.prev_line = 1;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		if (l && take_row(t, &m, l) < 0) {
			table_free(t);
			return NULL;
		}
	}
	kd_qsort(t->rows, t->n, sizeof(*t->rows), by_addr);
	return t;
}

/* The table of the unit cu, built once and kept for the next call. */
static struct line_table *unit_table(struct kd_session *s, Dwarf_Die *cu)
{
	struct line_table *t = kd_session_slot(s, KD_SLOT_SRCLINE);
	Dwarf *dw = dwarf_cu_getdwarf(cu->cu);
	Dwarf_Off off = dwarf_dieoffset(cu);
	uint64_t gen = kd_memocache_generation(kd_session_memocache(s));
	if (t && t->dw == dw && t->cu_off == off && t->generation == gen)
		return t;
	Dwarf_Lines *lines;
	size_t n;
	if (dwarf_getsrclines(cu, &lines, &n) != 0)
		return NULL;
	t = build(lines, n);
	if (t) {
		t->dw = dw;
		t->cu_off = off;
		t->generation = gen;
	}
	kd_session_set_slot(s, KD_SLOT_SRCLINE, t, table_free);
	return t;
}

/* gdb's find_pc_line over the table: see the top of the file. */
static const struct gdb_row *best_row(const struct line_table *t,
				      Dwarf_Addr addr)
{
	size_t lo = 0, hi = t->n;	/* first entry above addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->rows[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	size_t first = lo - 1;
	while (first > 0 && t->rows[first - 1].addr == t->rows[lo - 1].addr)
		first--;
	/* each file's last entry there; a line wins over a marker, the
	 * newest file over older ones */
	const struct gdb_row *best = NULL;
	for (size_t i = first; i < lo; i++) {
		const struct gdb_row *r = &t->rows[i];
		const struct gdb_row *last = r;
		for (size_t j = i + 1; j < lo; j++)
			if (t->rows[j].file == r->file)
				last = &t->rows[j];
		if (last != r)
			continue;	/* not its file's last entry */
		if (!best || (best->line == 0 && r->line != 0) ||
		    ((best->line == 0) == (r->line == 0) &&
		     r->order > best->order))
			best = r;
	}
	if (best && best->line && !best->stmt) {
		const struct gdb_row *tmp = best;
		for (const struct gdb_row *p = best; p-- > t->rows + first;) {
			if (p->file != best->file)
				continue;
			if (p->line == 0 || tmp->stmt)
				break;
			tmp = p;
		}
		if (tmp->stmt)
			best = tmp;
	}
	return best && best->line ? best : NULL;
}

/* The unit holding link: the vmlinux's, else a loaded module's (their
 * DWARF addresses are in the same space: lib/dlkm/load.c). */
static int unit_at(struct kd_debuginfo *di, Dwarf_Addr link, Dwarf_Die *cu)
{
	for (size_t i = 0; i < kd_debuginfo_nsources(di); i++) {
		Dwarf *dw = kd_debuginfo_source_dwarf(di, i);
		if (kd_debuginfo_source_hidden(di, i) || !dw)
			continue;
		if (dwarf_addrdie(dw, link, cu))
			return 1;
	}
	return 0;
}

int kd_unwind_srcline(struct kd_session *s, uint64_t addr, char *file,
		      size_t size, int *line)
{
	struct kd_debuginfo *di = kd_session_debuginfo(s);
	struct kd_symtab *st = kd_session_symtab(s);
	if (!di || !st || !kd_debuginfo_nsources(di) || !size)
		return 0;
	Dwarf_Addr link = addr - kd_symtab_relocation(st);
	Dwarf_Die cu;
	struct line_table *t;
	if (!unit_at(di, link, &cu) || !(t = unit_table(s, &cu)))
		return 0;
	const struct gdb_row *r = best_row(t, link);
	const char *f = r ? r->file : NULL;
	if (!f)
		return 0;
	*line = r->line;
	/* A relative name is relative to the unit's compilation directory
	 * (itself relative in reproducible builds), as gdb shows it. */
	Dwarf_Attribute at;
	const char *dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &at));
	if (f[0] != '/' && dir && dir[0])
		snprintf(file, size, "%s/%s", dir, f);
	else
		snprintf(file, size, "%s", f);
	return 1;
}

int kd_unwind_comp_dir(struct kd_session *s, uint64_t addr, char *buf,
		       size_t size)
{
	struct kd_debuginfo *di = kd_session_debuginfo(s);
	struct kd_symtab *st = kd_session_symtab(s);
	Dwarf_Die cu;
	Dwarf_Attribute at;
	if (!di || !st || !size ||
	    !unit_at(di, addr - kd_symtab_relocation(st), &cu))
		return 0;
	const char *dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &at));
	if (!dir)
		return 0;
	snprintf(buf, size, "%s", dir);
	return 1;
}
