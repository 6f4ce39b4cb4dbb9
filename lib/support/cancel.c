// SPDX-License-Identifier: GPL-2.0-or-later
/* Cooperative cancellation: see include/pykdump/cancel.h. */
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include <pykdump/cancel.h>

static volatile sig_atomic_t cancel_requested;
static double deadline;		/* CLOCK_MONOTONIC seconds; 0 = none */
static int depth;
static atomic_int timed_out;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void kd_cancel_request(void)
{
	cancel_requested = 1;
}

void kd_cancel_begin(double timeout_s)
{
	if (depth++ > 0)
		return;
	cancel_requested = 0;
	atomic_store(&timed_out, 0);
	deadline = timeout_s > 0 ? now() + timeout_s : 0;
}

void kd_cancel_end(void)
{
	if (depth > 0 && --depth == 0) {
		deadline = 0;
		cancel_requested = 0;
		atomic_store(&timed_out, 0);
	}
}

int kd_cancel_pending(void)
{
	if (cancel_requested)
		return KD_ERR_INTERRUPTED;
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
		return kd_error_create(KD_ERR_INTERRUPTED, "interrupted");
	case KD_ERR_TIMEOUT:
		return kd_error_create(KD_ERR_TIMEOUT, "timed out");
	default:
		return NULL;
	}
}
