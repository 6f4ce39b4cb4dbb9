// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: ELF vmcores (lib/dump/elf.c, notes.c). */
#include "dump_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_dump_as("fuzz.elf", data, size, "\177ELF", 4);
}
