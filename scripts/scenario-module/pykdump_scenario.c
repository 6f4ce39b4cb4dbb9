// SPDX-License-Identifier: GPL-2.0
/*
 * pykdump_scenario: make a test guest die in a chosen, known way, so that
 * pykdump's crash analysis can be tested on dumps of real failures.
 *
 * Built by scripts/make-sample-dump against Debian's linux-headers package
 * of the guest kernel and loaded by the scenario's init script:
 *
 *   insmod pykdump_scenario.ko scenario=NAME
 *   ... the init script prints ps, mounts, lsmod to the console ...
 *   echo 1 > /sys/module/pykdump_scenario/parameters/trigger
 *
 * scenario=hung    at load time: two kthreads take pkd_mutex_a and
 *                  pkd_mutex_b in opposite orders (ABBA deadlock), a third
 *                  takes pkd_rwsem for writing and sleeps interruptibly, a
 *                  fourth blocks in down_read() on it.  The init script then
 *                  shortens hung_task_timeout_secs and the hung-task
 *                  detector (hung_task_panic=1) panics the machine.
 * scenario=oops    on trigger: a kthread dereferences a NULL pointer in
 *                  pkd_oops_deref(); panic_on_oops=1 turns the oops into a
 *                  panic with the exception frame in this module.
 * scenario=lockup  on trigger: a kthread bound to CPU lockup_cpu spins with
 *                  preemption disabled in pkd_lockup_spin(); the soft-lockup
 *                  watchdog (softlockup_panic=1) panics on that CPU.
 *
 * What was planted is printed as "PYKDUMP-SCENARIO: key=value" lines (to
 * the console and the kernel log); make-sample-dump copies them into the
 * dump's MANIFEST, so tests know what a report must find.  Addresses are
 * printed with %px on purpose: the tests compare them with the dump.
 *
 * The module cannot be unloaded (no exit function): its threads never end.
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/string.h>

#define FACT(fmt, ...) pr_info("PYKDUMP-SCENARIO: " fmt "\n", ##__VA_ARGS__)

static char *scenario = "";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario, "hung, oops or lockup");

static int lockup_cpu = 1;
module_param(lockup_cpu, int, 0444);
MODULE_PARM_DESC(lockup_cpu, "CPU the lockup scenario spins on");

/* The go signal: writing 1 to parameters/trigger completes it. */
static DECLARE_COMPLETION(pkd_go);

/* ------------------------------------------------------------ hung */

static DEFINE_MUTEX(pkd_mutex_a);
static DEFINE_MUTEX(pkd_mutex_b);
static DECLARE_RWSEM(pkd_rwsem);

/* Each ABBA thread holds its first mutex before either asks for its second,
 * so the deadlock is certain, not a race. */
static DECLARE_COMPLETION(pkd_a_holds);
static DECLARE_COMPLETION(pkd_b_holds);
static DECLARE_COMPLETION(pkd_rwsem_taken);

struct pkd_abba {
	const char *name;
	struct mutex *first, *second;
	const char *first_name, *second_name;
	struct completion *mine, *other;
};

static struct pkd_abba pkd_abba_a = {
	"pkd_abba_a", &pkd_mutex_a, &pkd_mutex_b, "pkd_mutex_a", "pkd_mutex_b",
	&pkd_a_holds, &pkd_b_holds,
};
static struct pkd_abba pkd_abba_b = {
	"pkd_abba_b", &pkd_mutex_b, &pkd_mutex_a, "pkd_mutex_b", "pkd_mutex_a",
	&pkd_b_holds, &pkd_a_holds,
};

static int pkd_abba_thread(void *arg)
{
	struct pkd_abba *t = arg;

	mutex_lock(t->first);
	complete(t->mine);
	wait_for_completion(t->other);
	FACT("%s.waits=%s", t->name, t->second_name);
	mutex_lock(t->second);		/* never returns */
	pr_err("PYKDUMP-SCENARIO: %s got %s: no deadlock?!\n", t->name,
	       t->second_name);
	return 0;
}

/* Sleeps interruptibly (state S, so not itself a hung task) while holding
 * pkd_rwsem for writing. */
static int pkd_rwsem_owner_thread(void *unused)
{
	down_write(&pkd_rwsem);
	complete(&pkd_rwsem_taken);
	for (;;)
		schedule_timeout_interruptible(MAX_SCHEDULE_TIMEOUT);
	return 0;
}

static int pkd_rwsem_waiter_thread(void *unused)
{
	wait_for_completion(&pkd_rwsem_taken);
	down_read(&pkd_rwsem);		/* never returns */
	pr_err("PYKDUMP-SCENARIO: got pkd_rwsem: no owner?!\n");
	return 0;
}

static struct task_struct *pkd_start(int (*fn)(void *), void *arg,
				     const char *name, const char *role)
{
	struct task_struct *t = kthread_create(fn, arg, "%s", name);

	if (IS_ERR(t))
		return t;
	FACT("%s.comm=%s", role, name);
	FACT("%s.pid=%d", role, task_pid_nr(t));
	FACT("%s.task=0x%px", role, t);
	wake_up_process(t);
	return t;
}

static int pkd_hung(void)
{
	struct task_struct *t;

	FACT("lock.pkd_mutex_a=0x%px", &pkd_mutex_a);
	FACT("lock.pkd_mutex_b=0x%px", &pkd_mutex_b);
	FACT("lock.pkd_rwsem=0x%px", &pkd_rwsem);
	FACT("pkd_abba_a.holds=pkd_mutex_a");
	FACT("pkd_abba_b.holds=pkd_mutex_b");
	FACT("pkd_rwsem_own.holds=pkd_rwsem");
	FACT("pkd_rwsem_wait.waits=pkd_rwsem");
	t = pkd_start(pkd_abba_thread, &pkd_abba_a, "pkd_abba_a", "pkd_abba_a");
	if (IS_ERR(t))
		return PTR_ERR(t);
	t = pkd_start(pkd_abba_thread, &pkd_abba_b, "pkd_abba_b", "pkd_abba_b");
	if (IS_ERR(t))
		return PTR_ERR(t);
	t = pkd_start(pkd_rwsem_owner_thread, NULL, "pkd_rwsem_own",
		      "pkd_rwsem_own");
	if (IS_ERR(t))
		return PTR_ERR(t);
	t = pkd_start(pkd_rwsem_waiter_thread, NULL, "pkd_rwsem_wait",
		      "pkd_rwsem_wait");
	return PTR_ERR_OR_ZERO(t);
}

/* ------------------------------------------------------------ oops */

struct pkd_victim {
	unsigned long pad[2];
	unsigned long count;		/* offset 16: the faulting address */
};

/* NULL, but the compiler cannot know it: a constant NULL dereference could
 * be compiled into a trap (ud2) instead of a load. */
static struct pkd_victim *pkd_victim_ptr;

static noinline void pkd_oops_deref(void)
{
	struct pkd_victim *v = READ_ONCE(pkd_victim_ptr);

	WRITE_ONCE(v->count, v->count + 1);
}

static int pkd_oops_thread(void *unused)
{
	wait_for_completion_interruptible(&pkd_go);
	FACT("oops.function=pkd_oops_deref");
	pkd_oops_deref();
	pr_err("PYKDUMP-SCENARIO: survived a NULL dereference?!\n");
	return 0;
}

static int pkd_oops(void)
{
	struct task_struct *t;

	FACT("oops.module=%s", KBUILD_MODNAME);
	FACT("oops.address=0x%lx", (unsigned long)offsetof(struct pkd_victim,
							   count));
	t = pkd_start(pkd_oops_thread, NULL, "pkd_oops", "oops");
	return PTR_ERR_OR_ZERO(t);
}

/* ---------------------------------------------------------- lockup */

static int pkd_stop_spinning;

static noinline void pkd_lockup_spin(void)
{
	while (!READ_ONCE(pkd_stop_spinning))
		cpu_relax();
}

static int pkd_lockup_thread(void *unused)
{
	wait_for_completion_interruptible(&pkd_go);
	FACT("lockup.function=pkd_lockup_spin");
	preempt_disable();
	pkd_lockup_spin();
	preempt_enable();
	return 0;
}

static int pkd_lockup(void)
{
	struct task_struct *t;

	if (lockup_cpu < 0 || lockup_cpu >= nr_cpu_ids ||
	    !cpu_online(lockup_cpu)) {
		pr_err("PYKDUMP-SCENARIO: CPU %d is not online\n", lockup_cpu);
		return -EINVAL;
	}
	t = kthread_create(pkd_lockup_thread, NULL, "pkd_spin");
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, lockup_cpu);
	FACT("lockup.cpu=%d", lockup_cpu);
	FACT("lockup.comm=pkd_spin");
	FACT("lockup.pid=%d", task_pid_nr(t));
	FACT("lockup.task=0x%px", t);
	wake_up_process(t);
	return 0;
}

/* ---------------------------------------------------------- trigger */

static int pkd_trigger_set(const char *val, const struct kernel_param *kp)
{
	if (!sysfs_streq(val, "1"))
		return -EINVAL;
	FACT("triggered=%s", scenario);
	complete_all(&pkd_go);
	return 0;
}

static const struct kernel_param_ops pkd_trigger_ops = {
	.set = pkd_trigger_set,
};
module_param_cb(trigger, &pkd_trigger_ops, NULL, 0200);
MODULE_PARM_DESC(trigger, "write 1 to start the failure");

static int __init pkd_init(void)
{
	FACT("scenario=%s", scenario);
	if (!strcmp(scenario, "hung"))
		return pkd_hung();
	if (!strcmp(scenario, "oops"))
		return pkd_oops();
	if (!strcmp(scenario, "lockup"))
		return pkd_lockup();
	pr_err("PYKDUMP-SCENARIO: unknown scenario '%s'\n", scenario);
	return -EINVAL;
}
module_init(pkd_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pykdump test scenarios: deadlock, oops, soft lockup");
