/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI buses and devices as the kernel's PCI core keeps them.  Kernel
 * facts: pci_root_buses lists the root struct pci_bus by .node; a bus's
 * devices are on .devices (struct pci_dev.bus_list), its child buses on
 * .children (pci_bus.node); .self is the bridge device leading to it;
 * a device's name ("0000:00:1f.2") is its struct device's kobject name.
 */
#ifndef PYKDUMP_PCI_H
#define PYKDUMP_PCI_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;
struct kd_addr_list;

struct kd_pci_dev {
	uint64_t addr;
	char name[32];		/* "0000:00:1f.2" */
	uint32_t class;		/* class code, programming interface dropped */
	uint16_t vendor, device;
	uint8_t hdr_type;	/* 0 normal, 1 bridge, 2 CardBus */
	uint16_t pcie_flags;	/* PCIe capability flags (0 if not PCIe) */
};

struct kd_pci_bus {
	uint64_t addr;
	char name[32];		/* "0000:00" */
	uint64_t parent, self;	/* struct pci_bus *, struct pci_dev * */
};

/* The root buses, the devices of a bus, the child buses of a bus (the
 * free and partial-result rules of highlevel.h). */
KD_PUBLIC struct kd_error *kd_pci_root_buses(struct kd_session *s,
					     struct kd_addr_list *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_pci_bus_devices(struct kd_session *s, uint64_t bus,
					      struct kd_addr_list *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_pci_bus_children(struct kd_session *s,
					       uint64_t bus,
					       struct kd_addr_list *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_pci_bus_get(struct kd_session *s, uint64_t bus,
					  struct kd_pci_bus *ret) KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_pci_dev_get(struct kd_session *s, uint64_t dev,
					  struct kd_pci_dev *ret) KD_WARN_UNUSED;

#endif /* PYKDUMP_PCI_H */
