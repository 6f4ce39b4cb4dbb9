// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source file and line of a kernel text address, from the vmlinux's
 * DWARF line tables (libdw): the unit containing the link-time address
 * (running address minus the KASLR offset), then its line table.  The
 * file name is the one the line table records, as crash (gdb) prints it.
 */
#include <elfutils/libdw.h>

#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/unwind.h>

#include "../debuginfo/debuginfo_internal.h"

int kd_unwind_srcline(struct kd_session *s, uint64_t addr, const char **file,
		      int *line)
{
	struct kd_debuginfo *di = kd_session_debuginfo(s);
	struct kd_symtab *st = kd_session_symtab(s);
	if (!di || !st || !di->nsources || !di->sources[0]->dwarf)
		return 0;
	Dwarf_Addr link = addr - kd_symtab_relocation(st);
	Dwarf_Die cu;
	if (!dwarf_addrdie(di->sources[0]->dwarf, link, &cu))
		return 0;
	Dwarf_Line *l = dwarf_getsrc_die(&cu, link);
	if (!l)
		return 0;
	const char *f = dwarf_linesrc(l, NULL, NULL);
	if (!f || dwarf_lineno(l, line) != 0)
		return 0;
	*file = f;
	return 1;
}
