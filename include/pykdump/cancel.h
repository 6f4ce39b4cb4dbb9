/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cooperative cancellation.  Long operations (list walks, page scans,
 * whole commands) call kd_cancel_check() in their loops; it fails with
 * KD_ERR_INTERRUPTED after Ctrl-C and KD_ERR_TIMEOUT once the current
 * command's time budget is spent.  The state is process-wide because
 * signals are.
 */
#ifndef PYKDUMP_CANCEL_H
#define PYKDUMP_CANCEL_H

#include <pykdump/error.h>

/* Ask the running operation to stop.  Async-signal-safe. */
KD_PUBLIC void kd_cancel_request(void);
/* Start a budgeted operation: clears a pending request; timeout_s <= 0
 * means no time limit.  Calls nest: only the outermost sets the budget. */
KD_PUBLIC void kd_cancel_begin(double timeout_s);
KD_PUBLIC void kd_cancel_end(void);
/* NULL, or an INTERRUPTED / TIMEOUT error. */
KD_PUBLIC struct kd_error *kd_cancel_check(void) KD_WARN_UNUSED;
/* Non-allocating form: 0, KD_ERR_INTERRUPTED or KD_ERR_TIMEOUT. */
KD_PUBLIC int kd_cancel_pending(void);

#endif /* PYKDUMP_CANCEL_H */
