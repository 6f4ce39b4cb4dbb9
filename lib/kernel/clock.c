// SPDX-License-Identifier: GPL-2.0-or-later
/* The crash date, uptime and HZ: see include/pykdump/clock.h. */
#include <pykdump/clock.h>
#include <pykdump/dump.h>
#include <pykdump/highlevel.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/vmcoreinfo.h>

static int64_t read_s64(struct kd_session *s, uint64_t addr)
{
	uint64_t v = 0;
	struct kd_error *err = kd_read_u64(s, addr, &v);
	kd_error_destroy(err);
	return err ? 0 : (int64_t)v;
}

/* tk_core is an anonymous struct { seqcount; struct timekeeper; }: its
 * type is found through the variable, so the member path is taken from
 * struct timekeeper and tk_core's member offset separately.  6.13+ keep
 * it as timekeeper_data[TIMEKEEPER_CORE], a struct tk_data { seq;
 * struct timekeeper timekeeper; ... } (the enumerator 6.17+, index 0
 * before). */
static int64_t timekeeper_sec(struct kd_session *s)
{
	uint64_t addr, v;
	uint64_t off = kd_offsetof(s, "timekeeper", "xtime_sec");
	if (kd_present(off) && kd_symbol_try_addr(s, "timekeeper_data",
						  &addr)) {
		int64_t core = 0;
		kd_error_destroy(kd_enum_value(s, "TIMEKEEPER_CORE", &core));
		uint64_t tk = kd_offsetof(s, "struct tk_data", "timekeeper");
		uint64_t size = kd_sizeof(s, "struct tk_data");
		if (kd_present(tk) && size && core >= 0 && core < 64)
			return read_s64(s, addr + (uint64_t)core * size + tk +
					   off);
	}
	if (kd_present(off) && kd_symbol_try_addr(s, "tk_core", &addr)) {
		uint64_t tk = kd_var_offsetof(s, "tk_core", "timekeeper");
		if (kd_present(tk))
			return read_s64(s, addr + tk + off);
	}
	if (kd_present(off) && kd_symbol_try_addr(s, "timekeeper", &addr))
		return read_s64(s, addr + off);
	if (kd_global_uint(s, "xtime", 8, &v))
		return (int64_t)v;
	return 0;
}

int64_t kd_crash_date(struct kd_session *s)
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

int kd_hz(struct kd_session *s)
{
	const struct kd_machine *m;
	struct kd_error *err = kd_session_machine(s, &m);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return m->hz;
}

int kd_uptime_jiffies(struct kd_session *s, uint64_t *ret)
{
	uint64_t j;
	int hz = kd_hz(s);
	if (!kd_global_uint(s, "jiffies_64", 8, &j) &&
	    !kd_global_uint(s, "jiffies", 8, &j))
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

int64_t kd_boot_date(struct kd_session *s)
{
	uint64_t j;
	int hz = kd_hz(s);
	int64_t date = kd_crash_date(s);
	if (!hz || !kd_uptime_jiffies(s, &j))
		return date;
	return date - (int64_t)(j / (uint64_t)hz);
}

