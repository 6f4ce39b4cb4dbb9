// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Constants programs written for PyKdump use by name: the address spaces
 * of readmem() and the type codes TypeInfo.codetype is compared with.
 *
 * The values are those of the original, which took them from crash
 * (KVADDR 0x1, UVADDR 0x2, PHYSADDR 0x4 in crash's defs.h) and from GDB's
 * enum type_code (gdbtypes.h / type-codes.def, GDB 10 as in crash 8), so
 * that a program that stored or printed one sees the same number.  The
 * readers map our type model's kinds onto these codes.
 */
#include "_crash.h"

static const struct kdpy_const {
	const char *name;
	long value;
} consts[] = {
	{ "KVADDR", 0x1 },
	{ "UVADDR", 0x2 },
	{ "PHYSADDR", 0x4 },

	{ "TYPE_CODE_BITSTRING", -1 },
	{ "TYPE_CODE_UNDEF", 0 },
	{ "TYPE_CODE_PTR", 1 },
	{ "TYPE_CODE_ARRAY", 2 },
	{ "TYPE_CODE_STRUCT", 3 },
	{ "TYPE_CODE_UNION", 4 },
	{ "TYPE_CODE_ENUM", 5 },
	{ "TYPE_CODE_FLAGS", 6 },
	{ "TYPE_CODE_FUNC", 7 },
	{ "TYPE_CODE_INT", 8 },
	{ "TYPE_CODE_FLT", 9 },
	{ "TYPE_CODE_VOID", 10 },
	{ "TYPE_CODE_SET", 11 },
	{ "TYPE_CODE_RANGE", 12 },
	{ "TYPE_CODE_STRING", 13 },
	{ "TYPE_CODE_ERROR", 14 },
	{ "TYPE_CODE_METHOD", 15 },
	{ "TYPE_CODE_METHODPTR", 16 },
	{ "TYPE_CODE_MEMBERPTR", 17 },
	{ "TYPE_CODE_REF", 18 },
	{ "TYPE_CODE_RVALUE_REF", 19 },
	{ "TYPE_CODE_CHAR", 20 },
	{ "TYPE_CODE_BOOL", 21 },
	{ "TYPE_CODE_COMPLEX", 22 },
	{ "TYPE_CODE_TYPEDEF", 23 },
	{ "TYPE_CODE_NAMESPACE", 24 },
	{ "TYPE_CODE_DECFLOAT", 25 },
	{ "TYPE_CODE_MODULE", 26 },
	{ "TYPE_CODE_INTERNAL_FUNCTION", 27 },
	{ "TYPE_CODE_XMETHOD", 28 },
};

int kdpy_consts_init(PyObject *m)
{
	for (size_t i = 0; i < sizeof(consts) / sizeof(consts[0]); i++) {
		if (PyModule_AddIntConstant(m, consts[i].name,
					    consts[i].value) < 0)
			return -1;
	}
	return 0;
}
