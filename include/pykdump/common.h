/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Macros shared by every public header. */
#ifndef PYKDUMP_COMMON_H
#define PYKDUMP_COMMON_H

/* The library is built with -fvisibility=hidden; the API is exported here. */
#define KD_PUBLIC __attribute__((visibility("default")))
#define KD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define KD_WARN_UNUSED __attribute__((warn_unused_result))

#define KD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* PYKDUMP_COMMON_H */
