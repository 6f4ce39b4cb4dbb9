// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cooperative cancellation: see include/pykdump/cancel.h.
 *
 * Budgets nest: each kd_cancel_begin() opens a level whose deadline is
 * the earlier of its own budget and the enclosing level's, and
 * kd_cancel_end() goes back to the enclosing one.  kd_cancel_stop() ends
 * the current level (and those it opens), not the enclosing ones.
 * Checks compare the clock with the innermost level's deadline
 * (`deadline`, read by any thread).
 *
 * Code that never calls kd_cancel_check() (a Python program's own loops)
 * is reached through the hook: kd_cancel_request() calls it (Ctrl-C), and
 * so does a watchdog thread when the deadline passes.  The watchdog is
 * started the first time a deadline is set while a hook is installed; it
 * sleeps until the armed deadline and calls the hook if that deadline is
 * still the current one.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include <pykdump/cancel.h>

#define MAX_LEVELS 64	/* deeper levels share the 64th's budget */

struct level {
	double deadline;	/* CLOCK_MONOTONIC seconds; 0 = none */
	double budget;		/* the seconds that deadline stands for */
	int stopped;		/* kd_cancel_stop() */
};

static volatile sig_atomic_t cancel_requested;
static struct level levels[MAX_LEVELS];
static double deadline;		/* the innermost level's */
static double budget;
static volatile sig_atomic_t stopped;
static int depth;
static atomic_int timed_out;
static kd_cancel_hook_fn *_Atomic hook;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the watchdog ---- */

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond;
static double wd_deadline;	/* armed; 0 = none */
static double wd_fired;		/* the deadline it last fired for */
static int wd_started;

static void *watchdog(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&wd_lock);
	for (;;) {
		if (wd_deadline <= 0) {
			pthread_cond_wait(&wd_cond, &wd_lock);
			continue;
		}
		double d = wd_deadline;
		struct timespec ts = { (time_t)d,
				       (long)((d - (double)(time_t)d) * 1e9) };
		int rc = pthread_cond_timedwait(&wd_cond, &wd_lock, &ts);
		if (rc != ETIMEDOUT || wd_deadline != d || now() < d)
			continue;	/* re-armed, disarmed or early */
		wd_deadline = 0;	/* fires once per deadline */
		wd_fired = d;
		kd_cancel_hook_fn *fn = atomic_load(&hook);
		pthread_mutex_unlock(&wd_lock);
		if (fn)
			fn(KD_CANCEL_DEADLINE);
		pthread_mutex_lock(&wd_lock);
	}
	return NULL;
}

static int watchdog_start(void)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	int rc = pthread_cond_init(&wd_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc)
		return 0;
	/* no signal may land on it: the shell's handlers run elsewhere */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_t t;
	rc = pthread_create(&t, NULL, watchdog, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		pthread_cond_destroy(&wd_cond);
		return 0;
	}
	pthread_detach(t);
	return 1;
}

/* Arm the watchdog for the current deadline (or disarm it).  Without a
 * hook nothing needs waking: the checks see the deadline themselves. */
static void watchdog_arm(void)
{
	double d = atomic_load(&hook) ? deadline : 0;
	pthread_mutex_lock(&wd_lock);
	if (d == wd_fired)
		d = 0;	/* the hook was told already */
	if (d > 0 && !wd_started)
		wd_started = watchdog_start();
	if (wd_started && wd_deadline != d) {
		wd_deadline = d;
		pthread_cond_signal(&wd_cond);
	}
	pthread_mutex_unlock(&wd_lock);
}

/* ---- levels ---- */

void kd_cancel_set_hook(kd_cancel_hook_fn *fn)
{
	atomic_store(&hook, fn);
	watchdog_arm();
}

void kd_cancel_request(void)
{
	cancel_requested = 1;
	kd_cancel_hook_fn *fn = atomic_load(&hook);
	if (fn)
		fn(KD_CANCEL_REQUESTED);
}

static void set_current(double d, double b, int stop)
{
	if (depth > 0 && depth <= MAX_LEVELS)
		levels[depth - 1] = (struct level){ d, b, stop };
	deadline = d;
	budget = b;
	stopped = stop;
	atomic_store(&timed_out, 0);	/* checks compare with the clock */
	watchdog_arm();
}

void kd_cancel_begin(double timeout_s)
{
	if (depth == 0)
		cancel_requested = 0;
	double d = depth ? deadline : 0, b = depth ? budget : 0;
	if (timeout_s > 0 && (d <= 0 || now() + timeout_s < d)) {
		d = now() + timeout_s;
		b = timeout_s;
	}
	depth++;
	set_current(d, b, stopped);	/* inside a stopped one: stopped */
}

void kd_cancel_limit(double timeout_s)
{
	if (depth == 0 || timeout_s <= 0)
		return;
	double d = now() + timeout_s;
	if (deadline <= 0 || d < deadline)
		set_current(d, timeout_s, stopped);
}

void kd_cancel_stop(void)
{
	if (depth > 0 && depth <= MAX_LEVELS)
		levels[depth - 1].stopped = 1;
	stopped = depth > 0;
}

void kd_cancel_end(void)
{
	if (depth == 0)
		return;
	if (--depth == 0) {
		cancel_requested = 0;
		set_current(0, 0, 0);
		return;
	}
	struct level l = levels[(depth < MAX_LEVELS ? depth : MAX_LEVELS) - 1];
	set_current(l.deadline, l.budget, l.stopped);
}

double kd_cancel_budget(void)
{
	return budget;
}

int kd_cancel_pending(void)
{
	if (cancel_requested)
		return KD_ERR_INTERRUPTED;
	if (stopped)
		return KD_ERR_INTERRUPTED;	/* what every walk gives up on */
	if (atomic_load(&timed_out))
		return KD_ERR_TIMEOUT;
	if (deadline > 0 && now() >= deadline) {
		atomic_store(&timed_out, 1);
		return KD_ERR_TIMEOUT;
	}
	return 0;
}

struct kd_error *kd_cancel_check(void)
{
	switch (kd_cancel_pending()) {
	case KD_ERR_INTERRUPTED:
		return kd_error_create(KD_ERR_INTERRUPTED, cancel_requested ?
				       "interrupted" : "stopped");
	case KD_ERR_TIMEOUT:
		return kd_error_create(KD_ERR_TIMEOUT, "timed out");
	default:
		return NULL;
	}
}
