// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DWARF DIEs to types (through libdw).  A type node is made from one DIE
 * and interned before anything it refers to is read, so cycles (a struct
 * pointing to itself) end at the interned node.  Members, enumerators and
 * parameters are read later, on demand (kd_dwarf_type_parts).
 *
 * DWARF facts relied on:
 *  - a missing DW_AT_type on a pointer, qualifier, typedef or function
 *    means void;
 *  - an array DIE has one DW_TAG_subrange_type child per dimension, with
 *    DW_AT_count or DW_AT_upper_bound (and DW_AT_lower_bound, default 0);
 *    neither means unknown bound (flexible array "[]");
 *  - a member's offset is DW_AT_data_member_location (a constant, or an
 *    expression DW_OP_plus_uconst N in old producers; absent in unions);
 *    a bitfield has DW_AT_bit_size and either DW_AT_data_bit_offset (bits
 *    from the start of the struct, DWARF 4+) or the DWARF 2/3
 *    DW_AT_bit_offset, counted from the most significant bit of a storage
 *    unit of DW_AT_byte_size bytes at the member location (converted here
 *    for little-endian targets);
 *  - DW_AT_declaration marks an incomplete struct/union/enum: it is
 *    resolved by name to a definition from any indexed unit, when first
 *    needed (kd_type_complete).
 */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "types_internal.h"

static struct kd_error *dwarf_err(const char *what, Dwarf_Die *die)
{
	return kd_error_create(KD_ERR_CORRUPT, "DWARF: %s (DIE 0x%llx): %s",
			       what, (unsigned long long)dwarf_dieoffset(die),
			       dwarf_errmsg(-1));
}

static int attr_udata(Dwarf_Die *die, unsigned name, Dwarf_Word *v)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, name, &a) && dwarf_formudata(&a, v) == 0;
}

static int attr_sdata(Dwarf_Die *die, unsigned name, Dwarf_Sword *v)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, name, &a) && dwarf_formsdata(&a, v) == 0;
}

static int attr_flag(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute a;
	bool f = false;
	return dwarf_attr_integrate(die, name, &a) && dwarf_formflag(&a, &f) == 0 && f;
}

/* The type named by DW_AT_type, or void. */
static struct kd_error *ref_type(struct kd_types *ts, uint32_t src,
				 Dwarf_Die *die, struct kd_type **ret)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	if (!dwarf_attr_integrate(die, DW_AT_type, &a)) {
		*ret = kd_types_void(ts);
		return NULL;
	}
	if (!dwarf_formref_die(&a, &t))
		return dwarf_err("bad DW_AT_type", die);
	return kd_dwarf_type(ts, src, &t, ret);
}

/* gdb's (and so crash's) spelling of GCC's base type names. */
static const char *gdb_base_name(const char *name)
{
	static const char *const names[][2] = {
		{ "long unsigned int", "unsigned long" },
		{ "long int", "long" },
		{ "short int", "short" },
		{ "short unsigned int", "unsigned short" },
		{ "long long int", "long long" },
		{ "long long unsigned int", "unsigned long long" },
		{ "__int128 unsigned", "unsigned __int128" },
	};
	for (size_t i = 0; name && i < KD_ARRAY_SIZE(names); i++) {
		if (strcmp(name, names[i][0]) == 0)
			return names[i][1];
	}
	return name;
}

static void set_base(struct kd_type *t, Dwarf_Die *die)
{
	t->name = gdb_base_name(t->name);
	Dwarf_Word enc = 0;
	attr_udata(die, DW_AT_encoding, &enc);
	switch (enc) {
	case DW_ATE_boolean:
		t->kind = KD_TYPE_BOOL;
		break;
	case DW_ATE_float: case DW_ATE_complex_float:
	case DW_ATE_decimal_float:
		t->kind = KD_TYPE_FLOAT;
		t->is_signed = 1;
		break;
	case DW_ATE_signed_char: case DW_ATE_unsigned_char:
		t->is_char = 1;
		/* fall through */
	default:
		t->kind = KD_TYPE_INT;
		t->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		break;
	}
}

static unsigned qualifier(int tag)
{
	switch (tag) {
	case DW_TAG_const_type:
		return KD_QUAL_CONST;
	case DW_TAG_volatile_type:
		return KD_QUAL_VOLATILE;
	case DW_TAG_restrict_type:
		return KD_QUAL_RESTRICT;
	case DW_TAG_atomic_type:
		return KD_QUAL_ATOMIC;
	default:
		return 0;
	}
}

/* Element count of one subrange: 1 and *n, or 0 when unknown. */
static int subrange_count(Dwarf_Die *sr, uint64_t *n)
{
	Dwarf_Word count, upper;
	Dwarf_Sword lower = 0, supper;
	if (attr_udata(sr, DW_AT_count, &count)) {
		*n = count;
		return 1;
	}
	attr_sdata(sr, DW_AT_lower_bound, &lower);
	Dwarf_Attribute a;
	if (!dwarf_attr_integrate(sr, DW_AT_upper_bound, &a))
		return 0;
	/* GCC writes [0] as upper bound -1 in data forms */
	if (dwarf_whatform(&a) == DW_FORM_sdata ||
	    dwarf_whatform(&a) == DW_FORM_implicit_const) {
		if (dwarf_formsdata(&a, &supper) != 0)
			return 0;
		*n = supper < lower ? 0 : (uint64_t)(supper - lower + 1);
		return 1;
	}
	if (dwarf_formudata(&a, &upper) != 0)
		return 0;
	if (upper == (Dwarf_Word)-1 || (upper == 0xffffffff && lower == 0 &&
					 dwarf_whatform(&a) == DW_FORM_data4)) {
		*n = 0;
		return 1;
	}
	*n = upper - (uint64_t)lower + 1;
	return 1;
}

static void array_sizes(struct kd_type *t)
{
	struct kd_type *elem = t->target;
	if (t->count_known && kd_type_is_complete(elem)) {
		t->size = t->count * kd_type_size(elem);
		t->complete = 1;
	}
}

/* Builds the array for die: one node per dimension, outermost first. */
static struct kd_error *make_array(struct kd_types *ts, uint32_t src,
				   Dwarf_Die *die, struct kd_type *t)
{
	struct kd_type *dims[16];
	size_t ndims = 0;
	Dwarf_Die child;
	if (dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_subrange_type &&
			    dwarf_tag(&child) != DW_TAG_enumeration_type)
				continue;
			if (ndims == KD_ARRAY_SIZE(dims))
				return dwarf_err("too many array dimensions", die);
			struct kd_type *d = ndims ? kd_types_new(ts, KD_TYPE_ARRAY) : t;
			if (!d)
				return &kd_error_nomem;
			d->count_known = (uint8_t)subrange_count(&child, &d->count);
			dims[ndims++] = d;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (ndims == 0)
		dims[ndims++] = t;	/* "[]" without a subrange */
	struct kd_error *err = ref_type(ts, src, die, &dims[ndims - 1]->target);
	if (err)
		return err;
	for (size_t i = ndims - 1; i-- > 0;)
		dims[i]->target = dims[i + 1];
	for (size_t i = ndims; i-- > 0;)
		array_sizes(dims[i]);
	return NULL;
}

static struct kd_error *fill_enum(struct kd_types *ts, uint32_t src,
				  Dwarf_Die *die, struct kd_type *t);

/* Fills t from die; t is already interned. */
static struct kd_error *fill(struct kd_types *ts, uint32_t src,
			     Dwarf_Die *die, int tag, struct kd_type *t)
{
	int size = dwarf_bytesize(die);
	if (size >= 0) {
		t->size = (uint64_t)size;
		t->complete = 1;
	}
	switch (tag) {
	case DW_TAG_base_type:
		set_base(t, die);
		return NULL;
	case DW_TAG_unspecified_type:
		t->complete = 0;
		t->size = 0;
		return NULL;
	case DW_TAG_pointer_type: case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		if (size < 0) {
			t->size = 8;
			t->complete = 1;
		}
		return ref_type(ts, src, die, &t->target);
	case DW_TAG_typedef:
		return ref_type(ts, src, die, &t->target);
	case DW_TAG_structure_type: case DW_TAG_union_type:
	case DW_TAG_class_type:
		t->is_decl = attr_flag(die, DW_AT_declaration);
		return NULL;
	case DW_TAG_enumeration_type:
		return fill_enum(ts, src, die, t);
	case DW_TAG_array_type:
		t->complete = 0;
		return make_array(ts, src, die, t);
	case DW_TAG_subroutine_type: case DW_TAG_subprogram:
		t->complete = 0;
		t->size = 0;
		return ref_type(ts, src, die, &t->target);
	default:
		t->qualifiers = (uint8_t)qualifier(tag);
		return ref_type(ts, src, die, &t->target);
	}
}

static enum kd_type_kind tag_kind(int tag)
{
	switch (tag) {
	case DW_TAG_base_type:
		return KD_TYPE_INT;	/* refined by set_base */
	case DW_TAG_unspecified_type:
		return KD_TYPE_VOID;
	case DW_TAG_pointer_type: case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return KD_TYPE_POINTER;
	case DW_TAG_typedef:
		return KD_TYPE_TYPEDEF;
	case DW_TAG_structure_type: case DW_TAG_class_type:
		return KD_TYPE_STRUCT;
	case DW_TAG_union_type:
		return KD_TYPE_UNION;
	case DW_TAG_enumeration_type:
		return KD_TYPE_ENUM;
	case DW_TAG_array_type:
		return KD_TYPE_ARRAY;
	case DW_TAG_subroutine_type: case DW_TAG_subprogram:
		return KD_TYPE_FUNCTION;
	default:
		return qualifier(tag) ? KD_TYPE_QUALIFIED : 0;
	}
}

struct kd_error *kd_dwarf_type(struct kd_types *ts, uint32_t src,
			       Dwarf_Die *die, struct kd_type **ret)
{
	uint64_t off = dwarf_dieoffset(die);
	struct kd_type *t = kd_types_interned(ts, src, off);
	if (t) {
		*ret = t;
		return NULL;
	}
	int tag = dwarf_tag(die);
	enum kd_type_kind kind = tag_kind(tag);
	if (!kind)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "DWARF: DIE 0x%llx (tag 0x%x) is not a type",
				       (unsigned long long)off, tag);
	if (!(t = kd_types_new(ts, kind)))
		return &kd_error_nomem;
	t->src = src;
	t->die = off;
	t->name = dwarf_diename(die);
	struct kd_error *err = kd_types_intern(ts, src, off, t);
	if (!err)
		err = fill(ts, src, die, tag, t);
	if (!err)	/* libdw read zeros where the file shrank */
		err = kd_types_source_lost(ts, src);
	if (err)
		return err;
	/* A declaration ("struct tty_struct;") is resolved to its definition
	 * only when something needs the size or members (kd_type_complete):
	 * a struct's pointer members name dozens of such types in other
	 * units, and most are never followed. */
	*ret = t;
	return NULL;
}

struct kd_error *kd_dwarf_type_at(struct kd_types *ts, uint32_t src,
				  uint64_t off, struct kd_type **ret)
{
	Dwarf_Die die;
	struct kd_type *t = kd_types_interned(ts, src, off);
	if (t) {
		*ret = t->definition ? t->definition : t;
		return NULL;
	}
	if (!kd_types_offdie(ts, src, off, &die))
		return kd_types_no_die(ts, src, off);
	return kd_dwarf_type(ts, src, &die, ret);
}

struct kd_error *kd_dwarf_object_type(struct kd_types *ts, uint32_t src,
				      Dwarf_Die *die, struct kd_type **ret)
{
	if (dwarf_tag(die) == DW_TAG_subprogram)
		return kd_dwarf_type(ts, src, die, ret);
	return ref_type(ts, src, die, ret);
}

/* ---- enumerations ---- */

static struct kd_error *fill_enum(struct kd_types *ts, uint32_t src,
				  Dwarf_Die *die, struct kd_type *t)
{
	t->is_decl = attr_flag(die, DW_AT_declaration);
	Dwarf_Attribute a;
	if (dwarf_attr_integrate(die, DW_AT_type, &a)) {
		struct kd_error *err = ref_type(ts, src, die, &t->target);
		if (err)
			return err;
		t->is_signed = (uint8_t)kd_type_is_signed(t->target);
		return NULL;
	}
	t->target = NULL;
	/* no underlying type: signed if any enumerator is negative */
	Dwarf_Die child;
	if (dwarf_child(die, &child) != 0)
		return NULL;
	do {
		if (dwarf_attr(&child, DW_AT_const_value, &a) &&
		    dwarf_whatform(&a) == DW_FORM_sdata) {
			Dwarf_Sword v;
			if (dwarf_formsdata(&a, &v) == 0 && v < 0)
				t->is_signed = 1;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return NULL;
}

static int64_t enumerator_value(const struct kd_type *t, Dwarf_Attribute *a)
{
	Dwarf_Sword s;
	Dwarf_Word u;
	unsigned form = dwarf_whatform(a);
	if (form == DW_FORM_sdata || form == DW_FORM_implicit_const)
		return dwarf_formsdata(a, &s) == 0 ? s : 0;
	if (dwarf_formudata(a, &u) != 0)
		return 0;
	/* fixed-size data: sign-extend from the enum's size if signed */
	if (t->is_signed && t->size > 0 && t->size < 8 &&
	    (u >> (8 * t->size - 1)) & 1)
		u |= ~(uint64_t)0 << (8 * t->size);
	return (int64_t)u;
}

static size_t count_children(Dwarf_Die *die, int tag)
{
	Dwarf_Die c;
	size_t n = 0;
	if (dwarf_child(die, &c) != 0)
		return 0;
	do
		n += dwarf_tag(&c) == tag;
	while (dwarf_siblingof(&c, &c) == 0);
	return n;
}

static struct kd_error *load_enumerators(struct kd_types *ts,
					 struct kd_type *t, Dwarf_Die *die)
{
	size_t n = count_children(die, DW_TAG_enumerator);
	t->enums = n ? kd_types_alloc(ts, n * sizeof(*t->enums)) : NULL;
	if (n && !t->enums)
		return &kd_error_nomem;
	Dwarf_Die c;
	if (n == 0 || dwarf_child(die, &c) != 0)
		return NULL;
	do {
		Dwarf_Attribute a;
		if (dwarf_tag(&c) != DW_TAG_enumerator || t->nenums == n)
			continue;
		struct kd_enumerator *e = &t->enums[t->nenums++];
		e->name = dwarf_diename(&c);
		e->value = dwarf_attr(&c, DW_AT_const_value, &a) ?
			   enumerator_value(t, &a) : 0;
	} while (dwarf_siblingof(&c, &c) == 0);
	return NULL;
}

/* ---- members ---- */

static int member_location(Dwarf_Die *m, uint64_t *bytes)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	*bytes = 0;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a))
		return 1;	/* union members */
	if (dwarf_formudata(&a, &w) == 0) {
		*bytes = w;
		return 1;
	}
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*bytes = ops[0].number;
		return 1;
	}
	return 0;
}

static struct kd_error *read_member(struct kd_types *ts, uint32_t src,
				    Dwarf_Die *m, struct kd_member *out)
{
	uint64_t loc;
	Dwarf_Word bit_size = 0, data_bit, bit_off, storage;
	if (!member_location(m, &loc))
		return dwarf_err("unsupported member location", m);
	out->name = dwarf_diename(m);
	struct kd_error *err = ref_type(ts, src, m, &out->type);
	if (err)
		return err;
	attr_udata(m, DW_AT_bit_size, &bit_size);
	out->bit_size = (uint32_t)bit_size;
	out->bit_offset = loc * 8;
	if (attr_udata(m, DW_AT_data_bit_offset, &data_bit)) {
		out->bit_offset = data_bit;
	} else if (bit_size && attr_udata(m, DW_AT_bit_offset, &bit_off)) {
		if (!attr_udata(m, DW_AT_byte_size, &storage))
			storage = kd_type_size(out->type);
		out->bit_offset = loc * 8 + storage * 8 - bit_off - bit_size;
	}
	return NULL;
}

static struct kd_error *load_members(struct kd_types *ts, struct kd_type *t,
				     Dwarf_Die *die)
{
	size_t n = count_children(die, DW_TAG_member);
	t->members = n ? kd_types_alloc(ts, n * sizeof(*t->members)) : NULL;
	if (n && !t->members)
		return &kd_error_nomem;
	Dwarf_Die c;
	if (n == 0 || dwarf_child(die, &c) != 0)
		return NULL;
	do {
		if (dwarf_tag(&c) != DW_TAG_member || t->nmembers == n)
			continue;
		struct kd_error *err = read_member(ts, t->src, &c,
						   &t->members[t->nmembers]);
		if (err)
			return err;
		t->nmembers++;
	} while (dwarf_siblingof(&c, &c) == 0);
	return NULL;
}

static struct kd_error *load_params(struct kd_types *ts, struct kd_type *t,
				    Dwarf_Die *die)
{
	size_t n = count_children(die, DW_TAG_formal_parameter);
	t->params = n ? kd_types_alloc(ts, n * sizeof(*t->params)) : NULL;
	if (n && !t->params)
		return &kd_error_nomem;
	Dwarf_Die c;
	if (dwarf_child(die, &c) != 0)
		return NULL;
	do {
		int tag = dwarf_tag(&c);
		if (tag == DW_TAG_unspecified_parameters)
			t->variadic = 1;
		if (tag != DW_TAG_formal_parameter || t->nparams == n)
			continue;
		struct kd_param *p = &t->params[t->nparams];
		p->name = dwarf_diename(&c);
		struct kd_error *err = ref_type(ts, t->src, &c, &p->type);
		if (err)
			return err;
		t->nparams++;
	} while (dwarf_siblingof(&c, &c) == 0);
	return NULL;
}

struct kd_error *kd_dwarf_type_parts(struct kd_types *ts, struct kd_type *t)
{
	Dwarf_Die die;
	if (t->parts_loaded)
		return NULL;
	if (t->die == 0) {
		t->parts_loaded = 1;
		return NULL;
	}
	if (!kd_types_offdie(ts, t->src, t->die, &die))
		return kd_types_no_die(ts, t->src, t->die);
	struct kd_error *err = NULL;
	switch (t->kind) {
	case KD_TYPE_STRUCT: case KD_TYPE_UNION:
		err = load_members(ts, t, &die);
		break;
	case KD_TYPE_ENUM:
		err = load_enumerators(ts, t, &die);
		break;
	case KD_TYPE_FUNCTION:
		err = load_params(ts, t, &die);
		break;
	default:
		break;
	}
	if (!err)	/* libdw read zeros where the file shrank */
		err = kd_types_source_lost(ts, t->src);
	if (err) {
		t->nmembers = t->nenums = t->nparams = 0;
		return err;
	}
	t->parts_loaded = 1;
	return NULL;
}
