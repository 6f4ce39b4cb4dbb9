/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupts: the IRQ descriptors, their actions, per-CPU counts and
 * affinity, and the softirq vector.
 *
 * Kernel facts relied on:
 *   - nr_irqs is the number of IRQs the kernel can describe; the
 *     descriptors are an array irq_desc[NR_IRQS] without
 *     CONFIG_SPARSE_IRQ, else the radix tree (xarray) irq_desc_tree
 *     indexed by IRQ (2.6.37 .. 6.4) or the maple tree sparse_irqs
 *     (6.5+);
 *   - struct irq_desc: irq_data (irq, chip), action (the first struct
 *     irqaction: handler, dev_id, name, flags, next), kstat_irqs (a
 *     per-CPU unsigned int, or struct irqstat whose first member is the
 *     count, 6.10+), name (the flow handler's name: "edge",
 *     "fasteoi"), irq_common_data.affinity (a cpumask_var_t: a pointer
 *     with CONFIG_CPUMASK_OFFSTACK, else the mask itself; before 4.3
 *     irq_data.affinity);
 *   - struct irq_chip.name ("IO-APIC");
 *   - softirq_vec[NR_SOFTIRQS] of struct softirq_action { action }.
 * Action chains are walked with the kernel layer's limits.
 */
#ifndef PYKDUMP_IRQ_H
#define PYKDUMP_IRQ_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

#define KD_IRQ_NAME_MAX	64
#define KD_IRQ_MAX_ACTIONS 256	/* actions sharing one IRQ, at most */

/* nr_irqs; KD_ERR_CORRUPT past 2^20 (no kernel has that many). */
KD_PUBLIC struct kd_error *kd_irq_count(struct kd_session *s,
					unsigned *ret) KD_WARN_UNUSED;

/*
 * The descriptor of every IRQ below nr_irqs: (*ret)[irq] is the struct
 * irq_desc address or 0 when that IRQ has none; *ret malloc'd, *n is
 * nr_irqs.  A tree broken part-way gives the descriptors found and the
 * error.
 */
KD_PUBLIC struct kd_error *kd_irq_descs(struct kd_session *s, uint64_t **ret,
					unsigned *n) KD_WARN_UNUSED;

struct kd_irq_desc {
	uint64_t addr;			/* struct irq_desc */
	unsigned irq;			/* irq_data.irq */
	uint64_t action;		/* first struct irqaction, 0 if none */
	uint64_t chip;			/* struct irq_chip, 0 if none */
	char chip_name[KD_IRQ_NAME_MAX];	/* "" when none */
	char flow_name[KD_IRQ_NAME_MAX];	/* irq_desc.name, "" if none */
	uint64_t kstat_irqs;		/* per-CPU pointer, 0 if none */
	uint64_t affinity;		/* address of its struct cpumask */
};
KD_PUBLIC struct kd_error *kd_irq_desc_read(struct kd_session *s,
					    uint64_t desc,
					    struct kd_irq_desc *ret)
	KD_WARN_UNUSED;

struct kd_irq_action {
	uint64_t addr;			/* struct irqaction */
	uint64_t handler, dev_id, flags;
	char name[KD_IRQ_NAME_MAX];	/* "" when none */
};
/* The action chain from first (irq_desc.action): at most
 * KD_IRQ_MAX_ACTIONS, cycle-checked; *ret malloc'd; a chain broken
 * part-way gives the actions before the break and the error. */
KD_PUBLIC struct kd_error *kd_irq_actions(struct kd_session *s,
					  uint64_t first,
					  struct kd_irq_action **ret,
					  size_t *n) KD_WARN_UNUSED;

/* How many times cpu took the IRQ (its kstat_irqs). */
KD_PUBLIC struct kd_error *kd_irq_cpu_count(struct kd_session *s,
					    const struct kd_irq_desc *d,
					    unsigned cpu,
					    uint64_t *ret) KD_WARN_UNUSED;
/* The IRQ's affinity mask: nwords 64-bit words (CPU n is bit n % 64 of
 * word n / 64); words past the kernel's mask are 0. */
KD_PUBLIC struct kd_error *kd_irq_affinity(struct kd_session *s,
					   const struct kd_irq_desc *d,
					   uint64_t *mask, size_t nwords)
	KD_WARN_UNUSED;

/* The softirq handlers: (*ret)[i] is softirq_vec[i].action (0 when
 * unset); *ret malloc'd. */
KD_PUBLIC struct kd_error *kd_softirq_actions(struct kd_session *s,
					      uint64_t **ret, size_t *n)
	KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_IRQ_H */
