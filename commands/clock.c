// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crash date and uptime.  Sources, first that answers wins:
 *   date    VMCOREINFO CRASHTIME (written at the crash); the timekeeper's
 *           xtime_sec (tk_core.timekeeper 3.17+, timekeeper 3.6+, xtime
 *           before); the dump header's timestamp;
 *   uptime  jiffies_64 less INITIAL_JIFFIES, which the kernel sets to
 *           (unsigned int)(-300 * HZ) so that the low 32 bits wrap five
 *           minutes after boot (crash's get_uptime arithmetic).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pykdump/dump.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/vmcoreinfo.h>

#include "clock.h"
#include "kread.h"

static int64_t read_s64(struct kd_session *s, uint64_t addr)
{
	uint64_t v = 0;
	struct kd_error *err = kd_read_u64(s, addr, &v);
	kd_error_destroy(err);
	return err ? 0 : (int64_t)v;
}

/* tk_core is an anonymous struct { seqcount; struct timekeeper; }: its
 * type is found through the variable, so the member path is taken from
 * struct timekeeper and tk_core's member offset separately. */
static int64_t timekeeper_sec(struct kd_session *s)
{
	uint64_t addr, v;
	uint64_t off = kr_offset(s, "timekeeper", "xtime_sec");
	if (off != KR_NONE && kd_symbol_try_addr(s, "tk_core", &addr)) {
		uint64_t tk = kr_variable_member_offset(s, "tk_core",
							"timekeeper");
		if (tk != KR_NONE)
			return read_s64(s, addr + tk + off);
	}
	if (off != KR_NONE && kd_symbol_try_addr(s, "timekeeper", &addr))
		return read_s64(s, addr + off);
	if (kr_symbol_uint(s, "xtime", 8, &v))
		return (int64_t)v;
	return 0;
}

int64_t cmd_crash_date(struct kd_session *s)
{
	const struct kd_dump *d = kd_session_dump(s);
	int64_t t = 0;
	struct kd_error *err =
		kd_vmcoreinfo_crashtime(kd_dump_vmcoreinfo_table(d), &t);
	kd_error_destroy(err);
	if (!err && t > 0)
		return t;
	t = timekeeper_sec(s);
	if (t > 0)
		return t;
	return kd_dump_crash_time(d);
}

int cmd_hz(struct kd_session *s)
{
	const struct kd_machine *m;
	struct kd_error *err = kd_session_machine(s, &m);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return m->hz;
}

int cmd_uptime_jiffies(struct kd_session *s, uint64_t *ret)
{
	uint64_t j;
	int hz = cmd_hz(s);
	if (!kr_symbol_uint(s, "jiffies_64", 8, &j) &&
	    !kr_symbol_uint(s, "jiffies", 8, &j))
		return 0;
	uint64_t wrapped = j & 0xffffffff00000000ULL;
	if (wrapped) {
		wrapped -= 0x100000000ULL;
		j = (j & 0xffffffffULL) | wrapped;
		j += 300ULL * (uint64_t)hz;
	} else {
		uint64_t initial = (uint32_t)(-300 * hz);
		j -= initial;
	}
	*ret = j;
	return 1;
}

int64_t cmd_boot_date(struct kd_session *s)
{
	uint64_t j;
	int hz = cmd_hz(s);
	int64_t date = cmd_crash_date(s);
	if (!hz || !cmd_uptime_jiffies(s, &j))
		return date;
	return date - (int64_t)(j / (uint64_t)hz);
}

char *cmd_ctime_tz(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) ||
	    !strftime(buf, size, "%a %b %e %T %Z %Y", &tm))
		snprintf(buf, size, "%lld", (long long)t);
	return buf;
}

char *cmd_convert_time(uint64_t jiffies, int hz, char *buf, size_t size)
{
	if (!hz) {
		snprintf(buf, size, "(cannot calculate: unknown HZ value)");
		return buf;
	}
	uint64_t total = jiffies / (uint64_t)hz;
	uint64_t days = total / 86400;
	total %= 86400;
	size_t n = 0;
	buf[0] = '\0';
	if (days)
		n = (size_t)snprintf(buf, size, "%llu days, ",
				     (unsigned long long)days);
	if (n < size)
		snprintf(buf + n, size - n, "%02llu:%02llu:%02llu",
			 (unsigned long long)(total / 3600),
			 (unsigned long long)(total % 3600 / 60),
			 (unsigned long long)(total % 60));
	return buf;
}
