/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The problem log (the seed's PyLog in logging.py).
 *
 * Programs report what they found wrong while they run; the log prints
 * warnings and errors as they happen and remembers them, so that a
 * program's exit can print one summary of every problem:
 *
 *   kind      printed when added      kept for the summary under
 *   warning   "+++WARNING+++ <msg>"   "A list of all +++WARNING+++ messages"
 *   onexit    nothing                 the same warning list
 *   error     "+++ERROR+++ <msg>"     "A list of all +++ERROR+++ messages"
 *   timeout   "+++WARNING+++ <msg>"   the timeouts section, with a
 *                                     --timeout=NNN hint
 *   info      nothing                 "Additional Info"
 *
 * A message already kept under the same list is not kept twice (it is
 * still printed each time, as the original does).  A "silent" message is
 * held aside, unprinted and unkept, until kd_log_silenterror() turns it
 * into an error or kd_log_getsilent() takes it.
 *
 * The library never prints on its own: messages go to the sink the caller
 * sets (kd_log_set_sink / kd_log_set_stream); with no sink they are only
 * kept.  One store per process is enough (PyLog is a singleton):
 * kd_log_default() is that store, but any number can be created.  Not
 * thread-safe: one thread logs at a time.
 *
 * Adding never fails visibly: the only error the adders return is the
 * static kd_error_nomem, which needs no freeing, so ignoring it is safe.
 */
#ifndef PYKDUMP_LOG_H
#define PYKDUMP_LOG_H

#include <stddef.h>
#include <stdio.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

enum kd_log_kind {
	KD_LOG_WARNING,		/* printed now and kept (also warning_onexit) */
	KD_LOG_ERROR,		/* printed now and kept */
	KD_LOG_INFO,		/* kept for "Additional Info" */
	KD_LOG_TIMEOUT,		/* a command that ran out of time */
	KD_LOG_NKINDS
};

/* The prefixes the original prints (and its programs grep for). */
#define KD_LOG_WARNING_TAG "+++WARNING+++"
#define KD_LOG_ERROR_TAG "+++ERROR+++"
#define KD_LOG_INFO_TAG "...INFO..."

/* Messages kept per kind; past this they are counted, not kept, so a
 * walk over a corrupt list cannot grow the log without bound. */
#define KD_LOG_MAX_ENTRIES 10000

struct kd_log;

/* Receives text to show: whole lines, each ending in '\n'. */
typedef void kd_log_sink_fn(void *arg, const char *text);

KD_PUBLIC struct kd_error *kd_log_create(struct kd_log **ret);
KD_PUBLIC void kd_log_destroy(struct kd_log *log);
/* The process-wide store; never NULL, never to be destroyed. */
KD_PUBLIC struct kd_log *kd_log_default(void);

/* Where messages are printed as they happen; NULL fn = nowhere. */
KD_PUBLIC void kd_log_set_sink(struct kd_log *log, kd_log_sink_fn *fn,
			       void *arg);
/* Convenience sink writing to a stdio stream (NULL = nowhere). */
KD_PUBLIC void kd_log_set_stream(struct kd_log *log, FILE *out);

/* Add a message of a kind, as text (what the Python layer calls). */
KD_PUBLIC struct kd_error *kd_log_add(struct kd_log *log,
				      enum kd_log_kind kind, const char *msg);
/* Keep a warning for the summary without printing it now. */
KD_PUBLIC struct kd_error *kd_log_add_onexit(struct kd_log *log,
					     const char *msg);

/* printf-style forms for C callers. */
KD_PUBLIC struct kd_error *kd_log_warning(struct kd_log *log,
					  const char *fmt, ...) KD_PRINTF(2, 3);
KD_PUBLIC struct kd_error *kd_log_warning_onexit(struct kd_log *log,
						 const char *fmt, ...)
	KD_PRINTF(2, 3);
KD_PUBLIC struct kd_error *kd_log_error(struct kd_log *log, const char *fmt,
					...) KD_PRINTF(2, 3);
KD_PUBLIC struct kd_error *kd_log_info(struct kd_log *log, const char *fmt,
				       ...) KD_PRINTF(2, 3);
KD_PUBLIC struct kd_error *kd_log_timeout(struct kd_log *log, const char *fmt,
					  ...) KD_PRINTF(2, 3);

/* Hold one message aside (replacing any held one); not printed. */
KD_PUBLIC struct kd_error *kd_log_silent(struct kd_log *log, const char *msg);
/* Take the held message (caller frees; NULL when none) and clear it. */
KD_PUBLIC char *kd_log_getsilent(struct kd_log *log);
/* If a message is held, keep "<extra> <msg>" as an error without printing
 * it, and clear it. */
KD_PUBLIC struct kd_error *kd_log_silenterror(struct kd_log *log,
					      const char *extra);

/* Messages kept of a kind, in the order first added. */
KD_PUBLIC size_t kd_log_count(const struct kd_log *log, enum kd_log_kind kind);
KD_PUBLIC const char *kd_log_entry(const struct kd_log *log,
				   enum kd_log_kind kind, size_t i);
/* Messages of a kind dropped because KD_LOG_MAX_ENTRIES was reached. */
KD_PUBLIC size_t kd_log_dropped(const struct kd_log *log,
				enum kd_log_kind kind);

/* Forget everything (done before each program run). */
KD_PUBLIC void kd_log_cleanup(struct kd_log *log);

/* The exit summary, in the original's format: nothing when the log is
 * empty; the "A Summary Of Problems Found" block when there are
 * timeouts, warnings or errors; then "Additional Info" when there is
 * info.  Written to out. */
KD_PUBLIC void kd_log_summary(const struct kd_log *log, FILE *out);
/* The same text as a string (caller frees). */
KD_PUBLIC struct kd_error *kd_log_summary_str(const struct kd_log *log,
					      char **ret);

/* Run-time accounting for the "** Execution took" line. */
struct kd_exec_times {
	double real;		/* seconds, monotonic clock */
	double cpu;		/* user + system of this process */
	double child_cpu;	/* user + system of waited-for children */
};

KD_PUBLIC void kd_exec_times_now(struct kd_exec_times *t);
/* Format "\n ** Execution took %6.2fs (real) %6.2fs (CPU)\n" for the
 * interval start..end, with ", Child processes: %6.2fs" before the
 * newline when children used CPU.  Returns what snprintf returns. */
KD_PUBLIC int kd_exec_times_format(const struct kd_exec_times *start,
				   const struct kd_exec_times *end,
				   char *buf, size_t size);
/* The same line for start..now, written to out. */
KD_PUBLIC void kd_exec_times_print(const struct kd_exec_times *start,
				   FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_LOG_H */
