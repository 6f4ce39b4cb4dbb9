/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The session's parts, for the layers inside libpykdump. */
#ifndef PYKDUMP_SESSION_INTERNAL_H
#define PYKDUMP_SESSION_INTERNAL_H

#include <pykdump/session.h>

struct kd_session {
	struct kd_session_options opts;	/* pointers owned by the caller */
	char *dump_path;
	char *vmlinux_path;
	struct kd_dump *dump;
};

#endif
