// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI buses and devices: see include/pykdump/pci.h.  Lists are walked
 * with the kernel layer's bounded list walker.
 */
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/pci.h>

#define MAX_PCI 65536

struct pci_layout {
	uint64_t bus_node, bus_devices, bus_children, bus_parent, bus_self;
	uint64_t bus_dev, dev_bus_list, dev_dev, kobj_name, dev_kobj;
	uint64_t dev_class, dev_vendor, dev_device, dev_hdr, dev_pcie;
};

#define L struct pci_layout
#define R KD_LF_REQUIRED
static const struct kd_layout_field fields[] = {
	KD_LF(L, bus_node, "struct pci_bus", "node", R),
	KD_LF(L, bus_devices, "struct pci_bus", "devices", R),
	KD_LF(L, bus_children, "struct pci_bus", "children", R),
	KD_LF(L, bus_parent, "struct pci_bus", "parent", R),
	KD_LF(L, bus_self, "struct pci_bus", "self", R),
	KD_LF(L, bus_dev, "struct pci_bus", "dev", R),
	KD_LF(L, dev_bus_list, "struct pci_dev", "bus_list", R),
	KD_LF(L, dev_dev, "struct pci_dev", "dev", R),
	KD_LF(L, dev_kobj, "struct device", "kobj", R),
	KD_LF(L, kobj_name, "struct kobject", "name", R),
	KD_LF(L, dev_class, "struct pci_dev", "class", R),
	KD_LF(L, dev_vendor, "struct pci_dev", "vendor", R),
	KD_LF(L, dev_device, "struct pci_dev", "device", R),
	KD_LF(L, dev_hdr, "struct pci_dev", "hdr_type", R),
	KD_LF(L, dev_pcie, "struct pci_dev", "pcie_flags_reg", 0),
};
#undef L
#undef R

static struct kd_error *layout(struct kd_session *s, struct pci_layout *l)
{
	struct kd_error *err = kd_layout_fill(s, fields, KD_ARRAY_SIZE(fields),
					      l);
	return err ? kd_error_prefix(err, "unknown PCI layout") : NULL;
}

struct kd_error *kd_pci_root_buses(struct kd_session *s,
				   struct kd_addr_list *ret)
{
	struct pci_layout l;
	uint64_t head;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	if (!kd_symbol_try_addr(s, "pci_root_buses", &head))
		return kd_error_create(KD_ERR_NOT_FOUND, "no pci_root_buses");
	return kd_list_walk(s, head, l.bus_node, KD_WALK_NOLOG, MAX_PCI, ret);
}

struct kd_error *kd_pci_bus_devices(struct kd_session *s, uint64_t bus,
				    struct kd_addr_list *ret)
{
	struct pci_layout l;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	return kd_list_walk(s, bus + l.bus_devices, l.dev_bus_list,
			    KD_WALK_NOLOG, MAX_PCI, ret);
}

struct kd_error *kd_pci_bus_children(struct kd_session *s, uint64_t bus,
				     struct kd_addr_list *ret)
{
	struct pci_layout l;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	return kd_list_walk(s, bus + l.bus_children, l.bus_node,
			    KD_WALK_NOLOG, MAX_PCI, ret);
}

/* The kobject name of the struct device at dev. */
static void device_name(struct kd_session *s, const struct pci_layout *l,
			uint64_t dev, char *buf, size_t size)
{
	buf[0] = '\0';
	struct kd_error *err = kd_field_string_at(s, dev + l->dev_kobj,
						  l->kobj_name, buf, size);
	kd_error_destroy(err);
}

struct kd_error *kd_pci_bus_get(struct kd_session *s, uint64_t bus,
				struct kd_pci_bus *ret)
{
	struct pci_layout l;
	memset(ret, 0, sizeof(*ret));
	ret->addr = bus;
	struct kd_error *err = layout(s, &l);
	if (!err)
		err = kd_field_u64(s, bus, l.bus_parent, &ret->parent);
	if (!err)
		err = kd_field_u64(s, bus, l.bus_self, &ret->self);
	if (!err)
		device_name(s, &l, bus + l.bus_dev, ret->name, sizeof(ret->name));
	return err;
}

struct kd_error *kd_pci_dev_get(struct kd_session *s, uint64_t dev,
				struct kd_pci_dev *ret)
{
	struct pci_layout l;
	uint64_t v;
	memset(ret, 0, sizeof(*ret));
	ret->addr = dev;
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	device_name(s, &l, dev + l.dev_dev, ret->name, sizeof(ret->name));
	if ((err = kd_field_uint(s, dev, l.dev_class, 4, &v)))
		return err;
	ret->class = (uint32_t)v >> 8;
	if ((err = kd_field_uint(s, dev, l.dev_vendor, 2, &v)))
		return err;
	ret->vendor = (uint16_t)v;
	if ((err = kd_field_uint(s, dev, l.dev_device, 2, &v)))
		return err;
	ret->device = (uint16_t)v;
	if ((err = kd_field_uint(s, dev, l.dev_hdr, 1, &v)))
		return err;
	ret->hdr_type = (uint8_t)v;
	if (kd_present(l.dev_pcie)) {
		if ((err = kd_field_uint(s, dev, l.dev_pcie, 2, &v)))
			return err;
		ret->pcie_flags = (uint16_t)v;
	}
	return NULL;
}
