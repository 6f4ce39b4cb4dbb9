/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening the files we read: dumps, vmlinux and module files, cache
 * files.  Each must be a regular file (or a block device holding a dump):
 * a FIFO, a socket, a terminal or a directory given by mistake is refused
 * before anything reads it, since open() or read() on a FIFO without a
 * writer blocks forever.
 */
#ifndef PYKDUMP_INPUTFILE_H
#define PYKDUMP_INPUTFILE_H

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opens path read-only (close-on-exec) into *fd, after checking what it
 * is without blocking.  what names the role in the error message ("dump",
 * "vmlinux", "module", "cache file"). */
KD_PUBLIC struct kd_error *kd_open_input(const char *path, const char *what,
					 int *fd);

#ifdef __cplusplus
}
#endif

#endif /* PYKDUMP_INPUTFILE_H */
