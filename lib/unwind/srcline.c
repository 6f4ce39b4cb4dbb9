// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source file and line of a kernel text address, from the vmlinux's
 * DWARF line tables (libdw): the unit containing the link-time address
 * (running address minus the KASLR offset), then its line table.  The
 * file name is the one the line table records, as crash (gdb) prints it.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stdio.h>

#include <pykdump/dwarf.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/unwind.h>

/* gdb's choice, which crash prints: the rows at the greatest address
 * <= addr (within one sequence), and of those the last that begins a
 * statement (else the last). */
static Dwarf_Line *best_row(Dwarf_Lines *lines, size_t n, Dwarf_Addr addr)
{
	Dwarf_Line *best = NULL;
	Dwarf_Addr best_addr = 0;
	int best_stmt = 0;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a;
		bool stmt = false, end = false;
		if (!l || dwarf_lineaddr(l, &a) || a > addr)
			continue;
		dwarf_lineendsequence(l, &end);
		dwarf_linebeginstatement(l, &stmt);
		if (end || a < best_addr || (best && a == best_addr &&
					     best_stmt && !stmt))
			continue;
		best = l;
		best_addr = a;
		best_stmt = stmt;
	}
	return best;
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
	Dwarf_Lines *lines;
	size_t n;
	if (!unit_at(di, link, &cu) || dwarf_getsrclines(&cu, &lines, &n) != 0)
		return 0;
	Dwarf_Line *l = best_row(lines, n, link);
	const char *f = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
	if (!f || dwarf_lineno(l, line) != 0)
		return 0;
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
