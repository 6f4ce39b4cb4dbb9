/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Values printed as gdb prints them inside crash (`p`, `struct T ADDR`):
 * "print pretty on", integers in decimal (or hex), chars as 65 'A',
 * char arrays as "strings" with \ooo escapes (the last NUL dropped),
 * pointers as 0x... with <symbol+off> when they point into the kernel
 * image (gdb's rule: not for zero-sized data symbols nor past the end of
 * a sized one), char * followed by the string, enums by name, bool as
 * true/false, arrays as {a, b} (at most 256 elements, then "..."),
 * structs and unions as {\n  name = value,\n ...}.
 */
#ifndef PYKDUMP_VALUE_FORMAT_H
#define PYKDUMP_VALUE_FORMAT_H

#include <stdint.h>
#include <stdio.h>

#include <pykdump/error.h>

struct kd_session;
struct kd_type;

#define KD_VF_HEX	0x1	/* integers in hex (crash -x, output-radix 16) */
#define KD_VF_TOPLEVEL	0x2	/* pointers with their type: "(int *) 0x..." and
				   functions as "{void (void)} 0x... <f>" (gdb's
				   top-level print) */
/* gdb's print format letter (p/x): x d u o t z c a, applied to every
 * scalar of the value; a char array is then printed element by element,
 * a pointer as a plain number (a: with <symbol+offset>), without its
 * type; s is the default format.  KD_VF_HEX is the output radix, not a
 * format: chars and pointers are printed as usual with it. */
#define KD_VF_FORMAT(c)		((unsigned)(unsigned char)(c) << 8)
#define KD_VF_FORMAT_OF(flags)	(((flags) >> 8) & 0xff)

/*
 * Print the value of type at addr (kernel virtual), or, when buf is not
 * NULL, the bytes in buf (kd_type_size(type) of them).  depth is gdb's
 * recursion level: 0 for a top-level value, 1 for a member printed as
 * "  name = value" (nested lines are indented 2 * (depth + 1)).  Memory
 * that cannot be read is printed as gdb does (<error: Cannot access
 * memory at address 0x...>); the error returned is for a failure to read
 * the top-level value itself.
 */
KD_PUBLIC struct kd_error *kd_value_format(struct kd_session *s,
					   struct kd_type *type, uint64_t addr,
					   const void *buf, unsigned flags,
					   int depth, FILE *out) KD_WARN_UNUSED;

/* gdb's <symbol+offset> for an address ("init_mm+136"), into buf; 0 when
 * gdb would print none. */
KD_PUBLIC int kd_value_symbolic(struct kd_session *s, uint64_t addr,
				char *buf, size_t size);

#endif /* PYKDUMP_VALUE_FORMAT_H */
