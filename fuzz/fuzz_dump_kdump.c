// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: kdump-compressed dumps (lib/dump/diskdump.c, decompress.c,
 * notes.c, pagecache.c). */
#include "dump_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_dump_as("fuzz.kdump", data, size, "KDUMP   ", 8);
}
