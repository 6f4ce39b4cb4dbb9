// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel layer's per-session state: see kernel_internal.h. */
#include <stdlib.h>

#include <pykdump/session.h>

#include "kernel_internal.h"

static void state_destroy(void *data)
{
	struct kd_kernel_state *k = data;
	free(k->percpu);
	free(k->modules);
	kd_error_destroy(k->task_problem);
	free(k);
}

struct kd_kernel_state *kd_kernel_state(struct kd_session *s)
{
	struct kd_kernel_state *k = kd_session_slot(s, KD_SLOT_KERNEL);
	if (k)
		return k;
	if (!(k = calloc(1, sizeof(*k))))
		return NULL;
	kd_session_set_slot(s, KD_SLOT_KERNEL, k, state_destroy);
	return k;
}
