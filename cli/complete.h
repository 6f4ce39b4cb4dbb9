/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tab completion for the interactive shell (readline). */
#ifndef PYKDUMP_CLI_COMPLETE_H
#define PYKDUMP_CLI_COMPLETE_H

struct kd_session;

/* Install the completer for session s (NULL: command names only). */
void kd_complete_init(struct kd_session *s);
void kd_complete_fini(void);

#endif
