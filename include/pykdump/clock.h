/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Time facts: the crash date, the uptime, HZ, the boot date.  Sources,
 * first that answers wins:
 *   date    VMCOREINFO CRASHTIME (written at the crash); the timekeeper's
 *           xtime_sec (tk_core.timekeeper 3.17+, timekeeper 3.6+, xtime
 *           before); the dump header's timestamp;
 *   uptime  jiffies_64 less INITIAL_JIFFIES, which the kernel sets to
 *           (unsigned int)(-300 * HZ) so that the low 32 bits wrap five
 *           minutes after boot (crash's get_uptime arithmetic).
 */
#ifndef PYKDUMP_CLOCK_H
#define PYKDUMP_CLOCK_H

#include <stdint.h>

#include <pykdump/common.h>

struct kd_session;

/* Seconds since the epoch at the crash; 0 when unknown. */
KD_PUBLIC int64_t kd_crash_date(struct kd_session *s);
/* Jiffies since boot (crash's get_uptime); 1 on success. */
KD_PUBLIC int kd_uptime_jiffies(struct kd_session *s, uint64_t *ret);
/* CONFIG_HZ, 0 when unknown. */
KD_PUBLIC int kd_hz(struct kd_session *s);
/* The boot date crash uses for log -T: date - whole uptime seconds. */
KD_PUBLIC int64_t kd_boot_date(struct kd_session *s);

#endif /* PYKDUMP_CLOCK_H */
