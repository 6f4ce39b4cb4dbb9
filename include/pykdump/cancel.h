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

/* Ask the running operation to stop.  Async-signal-safe (Ctrl-C's
 * handler calls it); calls the hook. */
KD_PUBLIC void kd_cancel_request(void);
/* Start a budgeted operation; timeout_s <= 0 means no budget of its own.
 * Calls nest: an inner operation ends at its own deadline or its
 * enclosing one's, whichever comes first.  The outermost call clears a
 * pending request. */
KD_PUBLIC void kd_cancel_begin(double timeout_s);
KD_PUBLIC void kd_cancel_end(void);
/* The current operation may take at most timeout_s more seconds (a
 * budget set once it runs: epython --timeout=N).  No effect outside
 * kd_cancel_begin/end. */
KD_PUBLIC void kd_cancel_limit(double timeout_s);
/* Stop the current operation, not the ones enclosing it: its checks
 * fail with KD_ERR_INTERRUPTED ("stopped") until its kd_cancel_end()
 * (what it writes to has no room left: exec_crash_command's output
 * limit). */
KD_PUBLIC void kd_cancel_stop(void);
/* The budget in seconds behind the current deadline (0: none), for
 * messages ("timed out after N s"). */
KD_PUBLIC double kd_cancel_budget(void);
/* NULL, or an INTERRUPTED / TIMEOUT error. */
KD_PUBLIC struct kd_error *kd_cancel_check(void) KD_WARN_UNUSED;
/* Non-allocating form: 0, KD_ERR_INTERRUPTED or KD_ERR_TIMEOUT. */
KD_PUBLIC int kd_cancel_pending(void);

/* Code that does not call kd_cancel_check (an embedded Python program's
 * own loops) is told through a hook, called with
 *   KD_CANCEL_REQUESTED by kd_cancel_request(), maybe in a signal
 *     handler: only async-signal-safe calls then;
 *   KD_CANCEL_DEADLINE from a watchdog thread of ours when the current
 *     deadline passes (once per deadline).
 * NULL: none. */
enum kd_cancel_reason { KD_CANCEL_REQUESTED, KD_CANCEL_DEADLINE };
typedef void kd_cancel_hook_fn(enum kd_cancel_reason why);
KD_PUBLIC void kd_cancel_set_hook(kd_cancel_hook_fn *fn);

#endif /* PYKDUMP_CANCEL_H */
