/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System facts crash's sys options show: the kernel's taint flags and the
 * DMI strings the firmware gave it.
 *
 * Kernel facts relied on:
 *   - tainted_mask (2.6.28+) is a bitmap of TAINT_* bits; taint_flags[]
 *     (4.10+: struct taint_flag { char c_true, c_false; bool module; })
 *     gives each bit's letter when set and when clear, indexed by bit;
 *     before, tnts[] of struct tnt { u8 bit; char true, false; }; the
 *     oldest kernels have only an int "tainted";
 *   - dmi_ident[] (drivers/firmware/dmi_scan.c) holds a char * per
 *     enum dmi_field value (DMI_BIOS_VENDOR ...), NULL when absent.
 */
#ifndef PYKDUMP_SYSINFO_H
#define PYKDUMP_SYSINFO_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

/* The taint mask, and in letters what crash prints after it: for each
 * flag its c_true letter when set, else its c_false letter unless that
 * is ' ', '-' or 'G'.  *old set (and letters "") for a kernel with only
 * "tainted". */
KD_PUBLIC struct kd_error *kd_kernel_taints(struct kd_session *s,
					    uint64_t *mask, char *letters,
					    size_t size, int *old)
	KD_WARN_UNUSED;

/* Each DMI string present, in enum dmi_field order (the enumerators
 * below dmi_ident[]'s bound): fn(arg, "DMI_BIOS_VENDOR", "SeaBIOS");
 * without the enum, names are "dmi_ident[N]".  KD_ERR_NOT_FOUND without
 * dmi_ident. */
typedef int kd_dmi_fn(void *arg, const char *field, const char *value);
KD_PUBLIC struct kd_error *kd_dmi_strings(struct kd_session *s,
					  kd_dmi_fn *fn, void *arg)
	KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_SYSINFO_H */
