// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Selecting tasks as crash's ps and foreach do (include/pykdump/tasks.h):
 * by pid, task_struct address, command name or a POSIX extended regular
 * expression on the command name, narrowed by kind (kernel threads, user
 * tasks, thread group leaders, the tasks active on a CPU), by state
 * (crash's two-letter names) and by scheduling policy.
 *
 * Kernel facts: a kernel thread has PF_KTHREAD (idle tasks are pid 0);
 * a thread group leader's pid is its tgid; a task's command name is
 * task->comm, TASK_COMM_LEN (16) bytes with the NUL, so a longer name
 * given to match is cut to 15 characters, as crash does.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/tasks.h>
#include <pykdump/vector.h>

#define TASK_COMM_LEN 16

struct kd_task_match {
	unsigned kinds;
	char state[4];		/* "" or a kd_task_state_name() */
	uint64_t policies;	/* 0: any */
	int *pids;
	size_t npids, pids_cap;
	uint64_t *tasks;
	size_t ntasks, tasks_cap;
	char (*names)[TASK_COMM_LEN];
	size_t nnames, names_cap;
	regex_t *regexes;
	size_t nregexes, regexes_cap;
};

struct kd_error *kd_task_match_new(struct kd_task_match **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? NULL : &kd_error_nomem;
}

void kd_task_match_free(struct kd_task_match *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nregexes; i++)
		regfree(&m->regexes[i]);
	free(m->regexes);
	free(m->pids);
	free(m->tasks);
	free(m->names);
	free(m);
}

struct kd_error *kd_task_match_pid(struct kd_task_match *m, int pid)
{
	if (kd_array_reserve(&m->pids, &m->pids_cap, m->npids + 1))
		return &kd_error_nomem;
	m->pids[m->npids++] = pid;
	return NULL;
}

struct kd_error *kd_task_match_task(struct kd_task_match *m, uint64_t task)
{
	if (kd_array_reserve(&m->tasks, &m->tasks_cap, m->ntasks + 1))
		return &kd_error_nomem;
	m->tasks[m->ntasks++] = task;
	return NULL;
}

struct kd_error *kd_task_match_name(struct kd_task_match *m,
				    const char *comm)
{
	if (kd_array_reserve(&m->names, &m->names_cap, m->nnames + 1))
		return &kd_error_nomem;
	snprintf(m->names[m->nnames++], TASK_COMM_LEN, "%s", comm);
	return NULL;
}

struct kd_error *kd_task_match_regex(struct kd_task_match *m,
				     const char *pattern)
{
	if (kd_array_reserve(&m->regexes, &m->regexes_cap,
			     m->nregexes + 1))
		return &kd_error_nomem;
	if (regcomp(&m->regexes[m->nregexes], pattern,
		    REG_EXTENDED | REG_NOSUB) != 0)
		return kd_error_create(KD_ERR_INVALID,
				       "invalid regular expression: %s",
				       pattern);
	m->nregexes++;
	return NULL;
}

struct kd_error *kd_task_match_state(struct kd_task_match *m,
				     const char *state)
{
	if (m->state[0])
		return kd_error_create(KD_ERR_INVALID,
				       "only one task state allowed");
	if (!kd_task_state_known(state))
		return kd_error_create(KD_ERR_INVALID,
				       "invalid task state: %s", state);
	snprintf(m->state, sizeof(m->state), "%s", state);
	return NULL;
}

struct kd_error *kd_task_match_kind(struct kd_task_match *m, unsigned kinds)
{
	unsigned k = m->kinds | kinds;
	if ((k & KD_TM_KERNEL) && (k & KD_TM_USER))
		return kd_error_create(KD_ERR_INVALID, "%s and kernel are "
				       "mutually exclusive!",
				       (k & KD_TM_GLEADER) ? "gleader" : "user");
	m->kinds = k;
	return NULL;
}

void kd_task_match_policies(struct kd_task_match *m, uint64_t mask)
{
	m->policies = mask;
}

int kd_task_match_specified(const struct kd_task_match *m)
{
	return m->npids || m->ntasks || m->nnames || m->nregexes;
}

static int named(const struct kd_task_match *m, const struct kd_task_info *t)
{
	for (size_t i = 0; i < m->npids; i++)
		if (m->pids[i] == t->pid)
			return 1;
	for (size_t i = 0; i < m->ntasks; i++)
		if (m->tasks[i] == t->task)
			return 1;
	for (size_t i = 0; i < m->nnames; i++)
		if (!strncmp(m->names[i], t->comm, TASK_COMM_LEN - 1))
			return 1;
	for (size_t i = 0; i < m->nregexes; i++)
		if (regexec(&m->regexes[i], t->comm, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

int kd_task_match_test(const struct kd_task_match *m,
		       const struct kd_task_info *t)
{
	if ((m->kinds & KD_TM_KERNEL) && !t->kthread)
		return 0;
	if ((m->kinds & KD_TM_USER) && t->kthread)
		return 0;
	if ((m->kinds & KD_TM_GLEADER) && t->pid != t->tgid)
		return 0;
	if ((m->kinds & KD_TM_ACTIVE) && !t->active)
		return 0;
	if (m->state[0] && strcmp(m->state, kd_task_state_name(t->state)))
		return 0;
	if (m->policies && (t->policy >= 64 ||
			    !(m->policies & (1ULL << t->policy))))
		return 0;
	return !kd_task_match_specified(m) || named(m, t);
}
