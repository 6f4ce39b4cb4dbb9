// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: makedumpfile's flattened format (lib/dump/flattened.c) and
 * whatever it reassembles. */
#include "dump_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t magic[32] = {
		'm', 'a', 'k', 'e', 'd', 'u', 'm', 'p', 'f', 'i', 'l', 'e',
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	return fuzz_dump_as("fuzz.flat", data, size, magic, sizeof(magic));
}
