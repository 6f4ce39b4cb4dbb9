// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guarded mappings (include/pykdump/mapguard.h): the slot table and the
 * SIGBUS handler.
 *
 * The handler may run on any thread at any moment, so it reads only the
 * slot table (static, never freed; its fields read atomically), and makes
 * one system call: mmap, through syscall() so that no sanitizer's
 * interceptor runs inside the handler.  A slot is published by storing
 * its base last, and retired by clearing its base first, both under
 * `lock` (which the handler never takes).
 *
 * Kernel facts relied upon (mm/memory.c, mm/filemap.c): an access to a
 * page of a shared or not-yet-copied private file mapping that lies
 * wholly past the end of the file raises SIGBUS with si_code BUS_ADRERR
 * and si_addr the faulting address; a truncation unmaps the pages past
 * the new end (truncate_pagecache), so a page read before is no
 * protection.  Mapping anonymous memory over the range with MAP_FIXED
 * replaces it atomically, and the faulting instruction is restarted when
 * the handler returns.
 *
 * Outside the handler, fstat on the guard's duplicate of the file's
 * descriptor learns where the file now ends (the page holding the new
 * end does not fault; past the end it reads zeros).
 *
 * Faults not ours: the handler puts back the action that was there when
 * it was installed and returns; a fault then repeats and reaches that
 * action (the default core dump, ASan's report), a signal sent by kill is
 * sent again.  kd_mapguard_rearm() (and every kd_mapguard_add()) puts our
 * handler back on top of one installed over it later.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <pykdump/mapguard.h>

/* Guards in use at once: a dump's files, each debuginfo file and its
 * DWARF index cache (a session with every module's debuginfo loaded has
 * a few hundred). */
#define MAX_GUARDS 4096

static struct kd_mapguard slots[MAX_GUARDS];
static size_t high_water;		/* slots beyond are free (atomic) */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction previous;	/* for faults not ours */
static int installed;
static uintptr_t page_mask;
static unsigned long rescues;
static uint64_t generation;		/* losses found (atomic) */

/* Async-signal-safe: atomics only. */
static void lower_lost(struct kd_mapguard *g, uint64_t off)
{
	uint64_t cur = __atomic_load_n(&g->lost, __ATOMIC_ACQUIRE);
	while (off < cur) {
		if (__atomic_compare_exchange_n(&g->lost, &cur, off, 0,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			uint64_t gen = __atomic_add_fetch(&generation, 1,
							  __ATOMIC_ACQ_REL);
			__atomic_store_n(&g->lost_gen, gen, __ATOMIC_RELEASE);
			return;
		}
	}
}

/* Replaces the guarded mapping holding addr by zeros from addr's page
 * on; 0 when addr is in no guarded mapping (or the mmap failed). */
static int rescue(uintptr_t addr)
{
	size_t n = __atomic_load_n(&high_water, __ATOMIC_ACQUIRE);
	for (size_t i = 0; i < n; i++) {
		struct kd_mapguard *g = &slots[i];
		uintptr_t base = __atomic_load_n(&g->base, __ATOMIC_ACQUIRE);
		size_t len = __atomic_load_n(&g->len, __ATOMIC_RELAXED);
		if (!base || addr < base || addr - base >= len)
			continue;
		uintptr_t page = addr & ~page_mask;
		int prot = __atomic_load_n(&g->prot, __ATOMIC_RELAXED);
		/* recorded first: a thread that reads the zeros finds it */
		lower_lost(g, page - base);
		long r = syscall(SYS_mmap, page, base + len - page, prot,
				 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r == -1)
			return 0;
		__atomic_fetch_add(&rescues, 1, __ATOMIC_RELAXED);
		return 1;
	}
	return 0;
}

static void on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	int saved_errno = errno;
	if (si && si->si_code > 0 && rescue((uintptr_t)si->si_addr)) {
		errno = saved_errno;
		return;
	}
	/* not ours: step aside (see the top of the file) */
	sigaction(sig, &previous, NULL);
	if (!si || si->si_code <= 0)
		raise(sig);
	errno = saved_errno;
}

static int is_ours(const struct sigaction *sa)
{
	return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == on_sigbus;
}

/* lock held */
static struct kd_error *install(struct sigaction *prev)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, prev) < 0)
		return kd_error_os(errno, "SIGBUS",
				   "cannot install a handler for");
	return NULL;
}

/* lock held */
static struct kd_error *install_once(void)
{
	if (installed)
		return NULL;
	long page = sysconf(_SC_PAGESIZE);
	page_mask = (uintptr_t)(page > 0 ? page : 4096) - 1;
	struct sigaction prev;
	struct kd_error *err = install(&prev);
	if (err)
		return err;
	if (!is_ours(&prev))
		previous = prev;
	else
		previous.sa_handler = SIG_DFL;
	installed = 1;
	return NULL;
}

/*
 * lock held.  A handler installed over ours does not become the previous
 * one: Python's faulthandler, for one, hands the signal back to the one
 * it replaced (ours), which would hand it back to faulthandler, forever.
 * The default action put back over ours does: someone wants it.
 */
static void rearm(void)
{
	struct sigaction cur;
	if (!installed || sigaction(SIGBUS, NULL, &cur) < 0 || is_ours(&cur))
		return;
	if (!(cur.sa_flags & SA_SIGINFO) &&
	    (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN)) {
		memset(&previous, 0, sizeof(previous));
		previous.sa_handler = SIG_DFL;
	}
	kd_error_destroy(install(NULL));
}

void kd_mapguard_rearm(void)
{
	pthread_mutex_lock(&lock);
	rearm();
	pthread_mutex_unlock(&lock);
}

struct kd_error *kd_mapguard_add(const void *base, size_t len, int prot,
				 const char *name, int fd,
				 struct kd_mapguard **ret)
{
	*ret = NULL;
	char *copy = strdup(name ? name : "?");
	if (!copy)
		return &kd_error_nomem;
	int own_fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	pthread_mutex_lock(&lock);
	struct kd_error *err = install_once();
	rearm();	/* a mapping added is a mapping guarded */
	size_t i = 0;
	while (!err && i < MAX_GUARDS && slots[i].name)
		i++;
	if (err || i == MAX_GUARDS) {
		pthread_mutex_unlock(&lock);
		free(copy);
		if (own_fd >= 0)
			close(own_fd);
		return err;	/* no slot: unguarded, not an error */
	}
	struct kd_mapguard *g = &slots[i];
	g->name = copy;
	g->fd = own_fd;
	g->size = len;
	__atomic_store_n(&g->len, (len + page_mask) & ~page_mask,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&g->prot, prot, __ATOMIC_RELAXED);
	__atomic_store_n(&g->lost, KD_MAPGUARD_INTACT, __ATOMIC_RELAXED);
	__atomic_store_n(&g->stat_lost, KD_MAPGUARD_INTACT, __ATOMIC_RELAXED);
	__atomic_store_n(&g->lost_gen, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g->base, (uintptr_t)base, __ATOMIC_RELEASE);
	if (i >= high_water)
		__atomic_store_n(&high_water, i + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
	*ret = g;
	return NULL;
}

void kd_mapguard_remove(struct kd_mapguard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&lock);
	__atomic_store_n(&g->base, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&g->len, 0, __ATOMIC_RELAXED);
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	free(g->name);
	g->name = NULL;
	pthread_mutex_unlock(&lock);
}

/* Lowers lost to the file's size when that is below the mapping's end:
 * the page holding the new end reads zeros past it without a fault. */
static void look_at_size(struct kd_mapguard *g)
{
	struct stat st;
	if (g->fd < 0 || fstat(g->fd, &st) < 0)
		return;
	if ((uint64_t)st.st_size < g->size)
		lower_lost(g, (uint64_t)st.st_size);
	__atomic_store_n(&g->stat_lost, __atomic_load_n(&g->lost,
							__ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
}

uint64_t kd_mapguard_settle(struct kd_mapguard *g)
{
	uint64_t lost = __atomic_load_n(&g->lost, __ATOMIC_ACQUIRE);
	if (lost != __atomic_load_n(&g->stat_lost, __ATOMIC_ACQUIRE))
		look_at_size(g);
	return __atomic_load_n(&g->lost, __ATOMIC_ACQUIRE);
}

void kd_mapguard_check(struct kd_mapguard *g)
{
	if (g)
		look_at_size(g);
}

uint64_t kd_mapguard_check_all(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < high_water; i++)
		if (slots[i].name)
			look_at_size(&slots[i]);
	pthread_mutex_unlock(&lock);
	return kd_mapguard_generation();
}

uint64_t kd_mapguard_generation(void)
{
	return __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
}

struct kd_error *kd_mapguard_shrunk_since(uint64_t gen, const char *what)
{
	struct kd_error *err = NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; !err && i < high_water; i++) {
		struct kd_mapguard *g = &slots[i];
		if (!g->name ||
		    __atomic_load_n(&g->lost_gen, __ATOMIC_ACQUIRE) <= gen)
			continue;
		err = kd_error_create(KD_ERR_TRUNCATED,
				      "%s: the file shrank %s (it now ends at "
				      "or before offset 0x%llx): what was read "
				      "past there read as zeros", g->name,
				      what, (unsigned long long)
				      __atomic_load_n(&g->lost,
						      __ATOMIC_ACQUIRE));
	}
	pthread_mutex_unlock(&lock);
	return err;
}

struct kd_error *kd_mapguard_error(struct kd_mapguard *g, uint64_t off,
				   uint64_t len, const char *what)
{
	return kd_error_create(KD_ERR_TRUNCATED,
			       "%s: %s (%llu bytes at offset 0x%llx) is gone: "
			       "the file shrank while open (it now ends at or "
			       "before offset 0x%llx)",
			       g && g->name ? g->name : "?", what,
			       (unsigned long long)len,
			       (unsigned long long)off,
			       (unsigned long long)kd_mapguard_lost(g));
}

unsigned long kd_mapguard_rescues(void)
{
	return __atomic_load_n(&rescues, __ATOMIC_RELAXED);
}
