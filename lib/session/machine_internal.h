/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Machine facts: the parts unit tests reach without a dump. */
#ifndef PYKDUMP_MACHINE_INTERNAL_H
#define PYKDUMP_MACHINE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct kd_machine_state;

/* Frees what kd_session_machine() built (session close). */
void kd_machine_state_destroy(struct kd_machine_state *m);

/* HZ from the kernel's tick_nsec (TICK_NSEC = (NSEC_PER_SEC + HZ/2) / HZ,
 * adjusted slightly by NTP): the nearest HZ value a kernel can be built
 * with; 0 when tick_nsec is implausible. */
int kd_machine_hz_from_tick_nsec(uint64_t tick_nsec);

/* The value of "NAME=value" in a .config text (ikconfig), as a number;
 * 0 when absent. */
long kd_machine_config_number(const char *config, size_t len,
			      const char *name);

/* Set bits among the first nbits of a cpumask. */
unsigned kd_machine_cpumask_weight(const uint64_t *words, unsigned nbits);

#endif
