/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Time facts for sys and log -T: the crash date, the uptime, and crash's
 * way of printing them.
 */
#ifndef PYKDUMP_COMMANDS_CLOCK_H
#define PYKDUMP_COMMANDS_CLOCK_H

#include <stddef.h>
#include <stdint.h>

struct kd_session;

/* Seconds since the epoch at the crash; 0 when unknown. */
int64_t cmd_crash_date(struct kd_session *s);
/* Jiffies since boot (crash's get_uptime); 1 on success. */
int cmd_uptime_jiffies(struct kd_session *s, uint64_t *ret);
/* CONFIG_HZ, 0 when unknown. */
int cmd_hz(struct kd_session *s);
/* The boot date crash uses for log -T: date - whole uptime seconds. */
int64_t cmd_boot_date(struct kd_session *s);
/* crash's ctime_tz(): "Thu Nov 26 16:37:33 UTC 2026", local time. */
char *cmd_ctime_tz(int64_t t, char *buf, size_t size);
/* crash's convert_time(): "[N days, ]HH:MM:SS" for jiffies at hz. */
char *cmd_convert_time(uint64_t jiffies, int hz, char *buf, size_t size);

#endif /* PYKDUMP_COMMANDS_CLOCK_H */
