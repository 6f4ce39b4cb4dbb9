// SPDX-License-Identifier: GPL-2.0-or-later
/* The size of the system call table: include/pykdump/syscalls.h. */
#include <pykdump/machine.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/syscalls.h>

int kd_nr_syscalls(struct kd_session *s)
{
	const int fallback = 256;	/* crash's answer without a table */
	struct kd_symtab *st = kd_session_symtab(s);
	struct kd_symbol table, next;
	if (!st)
		return fallback;
	struct kd_error *err = kd_symtab_lookup(st, "sys_call_table", &table);
	if (err) {
		kd_error_destroy(err);
		return fallback;
	}
	const struct kd_machine *m;
	unsigned ptr_size = 8;
	if (!(err = kd_session_machine(s, &m)) && m->ptr_size)
		ptr_size = (unsigned)m->ptr_size;
	kd_error_destroy(err);
	/* symbols at the same address come first: skip them */
	for (size_t i = (size_t)table.index + 1; kd_symtab_get(st, i, &next);
	     i++)
		if (next.value > table.value)
			return (int)((next.value - table.value) / ptr_size);
	return fallback;
}
