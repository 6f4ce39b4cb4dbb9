/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System V IPC: the shared memory segments, semaphore arrays and message
 * queues of an IPC namespace.
 *
 * Kernel facts relied on (2.6.19+):
 *   - a task's namespace is task->nsproxy->ipc_ns (init_ipc_ns for the
 *     idle tasks); struct ipc_namespace.ids[3] holds struct ipc_ids for
 *     semaphores (0), message queues (1) and shared memory (2);
 *   - ipc_ids.in_use counts the objects, ipc_ids.ipcs_idr (an IDR) maps
 *     ids to struct kern_ipc_perm, embedded as shmid_kernel.shm_perm,
 *     sem_array.sem_perm, msg_queue.q_perm;
 *   - kern_ipc_perm: key, id, uid (kuid_t), mode, deleted;
 *   - shmid_kernel: shm_segsz, shm_nattch, shm_file (its inode's
 *     mapping->nrpages are the resident pages; a shmem inode's
 *     shmem_inode_info.swapped the swapped ones; hugetlbfs pages count
 *     as 2 MB or 1 << hstate.order pages each); sem_array.sem_nsems;
 *     msg_queue.q_cbytes, q_qnum.
 */
#ifndef PYKDUMP_IPC_H
#define PYKDUMP_IPC_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

enum kd_ipc_kind { KD_IPC_SEM = 0, KD_IPC_MSG = 1, KD_IPC_SHM = 2 };

#define KD_IPC_MAX_OBJECTS	(1u << 20)	/* IPCMNI is 32768 (16M max) */

struct kd_ipc_object {
	enum kd_ipc_kind kind;
	uint64_t addr;		/* shmid_kernel, sem_array or msg_queue */
	int32_t key;
	int32_t id;
	uint32_t uid;
	uint32_t mode;		/* permissions and SHM_DEST / SHM_LOCKED */
	int deleted;
	/* shared memory */
	uint64_t segsz, nattch;
	uint64_t inode;		/* the segment's inode */
	uint64_t rss, swap;	/* pages resident, swapped */
	/* semaphores */
	uint64_t nsems;
	/* message queues */
	uint64_t cbytes, qnum;
};

/* The IPC namespace of task (0: the initial namespace, init_ipc_ns). */
KD_PUBLIC struct kd_error *kd_ipc_namespace(struct kd_session *s,
					    uint64_t task,
					    uint64_t *ret) KD_WARN_UNUSED;

/* The objects of one kind in namespace ns, in id order; *ret malloc'd.
 * Objects marked deleted are included (deleted set).  A tree broken
 * part-way gives the objects before the break and the error. */
KD_PUBLIC struct kd_error *kd_ipc_objects(struct kd_session *s, uint64_t ns,
					  enum kd_ipc_kind kind,
					  struct kd_ipc_object **ret,
					  size_t *n) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_IPC_H */
