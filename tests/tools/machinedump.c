// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * machinedump [VMLINUX] DUMP: the session's machine facts
 * (kd_session_machine) as "key: value" lines, for tests/kernel to compare
 * with crash's sys, help -m and help -k.
 */
#include <inttypes.h>
#include <stdio.h>

#include <pykdump/machine.h>
#include <pykdump/session.h>

int main(int argc, char **argv)
{
	struct kd_session_options o = { .files = (const char *const *)argv + 1,
					.nfiles = argc - 1 };
	struct kd_session *s;
	const struct kd_machine *m;
	struct kd_error *err = kd_session_open(&o, &s);
	if (!err)
		err = kd_session_machine(s, &m);
	if (err) {
		fprintf(stderr, "machinedump: %s\n", err->message);
		return 1;
	}
	printf("arch: %s\nptr_size: %d\nint_size: %d\nlong_size: %d\n"
	       "page_size: %" PRIu64 "\npage_shift: %d\nhz: %d\n",
	       m->arch, m->ptr_size, m->int_size, m->long_size, m->page_size,
	       m->page_shift, m->hz);
	printf("cpus_possible: %u\ncpus_present: %u\ncpus_online: %u\n"
	       "nr_cpu_ids: %u\n", m->cpus_possible, m->cpus_present,
	       m->cpus_online, m->nr_cpu_ids);
	printf("sysname: %s\nnodename: %s\nrelease: %s\nversion: %s\n"
	       "machine: %s\ndomainname: %s\nbanner: %s", m->sysname,
	       m->nodename, m->release, m->version, m->machine, m->domainname,
	       m->banner);
	printf("live: %d\ndump_path: %s\nvmlinux_path: %s\n", m->live,
	       m->dump_path, m->vmlinux_path);
	printf("kaslr_offset: %" PRIx64 "\nphys_base: %" PRIx64 "\n"
	       "page_offset_base: %" PRIx64 "\nvmalloc_base: %" PRIx64 "\n"
	       "vmemmap_base: %" PRIx64 "\npgtable_l5: %d\npanic_cpu: %d\n",
	       m->kaslr_offset, m->phys_base, m->page_offset_base,
	       m->vmalloc_base, m->vmemmap_base, m->pgtable_l5, m->panic_cpu);
	kd_session_close(s);
	return 0;
}
