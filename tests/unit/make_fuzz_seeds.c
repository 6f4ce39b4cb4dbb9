// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make_fuzz_seeds DIR: write the seed corpora of the dump fuzz targets
 * (DIR/<target>/<name>) from the synthetic writers: small dumps (1 KiB
 * pages, 32 of them) of every format and compression.  The committed
 * fuzz/corpus/ was made with: build/tests/unit/make_fuzz_seeds fuzz/corpus
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dumpgen.h"

struct seed {
	const char *target, *name;
	struct dg_spec spec;
};

#define SMALL .page_size = 1024, .npfns = 32

static const struct seed seeds[] = {
	{ "dump_elf", "elf64", { .format = DG_ELF64, SMALL } },
	{ "dump_elf", "elf64-phdrs-at-end",
	  { .format = DG_ELF64, .phdrs_at_end = 1, SMALL } },
	{ "dump_elf", "elf32", { .format = DG_ELF32, SMALL } },
	{ "dump_elf", "elf64-be", { .format = DG_ELF64, .big_endian = 1,
				    .machine = EM_PPC64, SMALL } },
	{ "dump_elf", "elf64-bare", { .format = DG_ELF64, .no_notes = 1,
				      .no_vmcoreinfo = 1, SMALL } },
	{ "dump_kdump", "v6-zlib", { .format = DG_KDUMP,
				     .compression = DG_ZLIB, SMALL } },
	{ "dump_kdump", "v6-lzo", { .format = DG_KDUMP,
				    .compression = DG_LZO, SMALL } },
	{ "dump_kdump", "v6-snappy", { .format = DG_KDUMP,
				       .compression = DG_SNAPPY, SMALL } },
	{ "dump_kdump", "v6-zstd", { .format = DG_KDUMP,
				     .compression = DG_ZSTD, SMALL } },
	{ "dump_kdump", "v1-raw", { .format = DG_KDUMP, .header_version = 1,
				    SMALL } },
	{ "dump_kdump", "v4-incomplete", { .format = DG_KDUMP,
					   .header_version = 4,
					   .incomplete = 1,
					   .compression = DG_ZLIB, SMALL } },
	{ "dump_kdump", "v6-be", { .format = DG_KDUMP, .big_endian = 1,
				   .machine = EM_S390,
				   .compression = DG_ZLIB, SMALL } },
	{ "dump_kdump", "diskdump", { .format = DG_DISKDUMP, SMALL } },
	{ "dump_kdump", "split-part", { .format = DG_KDUMP, .nsplit = 2,
					.compression = DG_ZSTD, SMALL } },
	{ "dump_flattened", "kdump-zlib", { .format = DG_KDUMP,
					    .compression = DG_ZLIB,
					    .flattened = 1, SMALL } },
	{ "dump_flattened", "kdump-shuffled", { .format = DG_KDUMP,
						.compression = DG_LZO,
						.flattened = 1,
						.flat_shuffle = 1, SMALL } },
	{ "dump_flattened", "elf", { .format = DG_ELF64, .flattened = 1,
				     SMALL } },
};

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len) {
		perror(path);
		return -1;
	}
	return fclose(fp);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make_fuzz_seeds DIR\n");
		return 2;
	}
	char path[4096];
	mkdir(argv[1], 0755);
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		const struct seed *s = &seeds[i];
		struct dg_dump d;
		if (dg_generate(&s->spec, &d) < 0)
			return 1;
		snprintf(path, sizeof(path), "%s/%s", argv[1], s->target);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/%s/%s", argv[1], s->target,
			 s->name);
		if (write_file(path, d.files[0].data, d.files[0].len) < 0)
			return 1;
		dg_dump_free(&d);
	}
	snprintf(path, sizeof(path), "%s/vmcoreinfo", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/vmcoreinfo/synthetic", argv[1]);
	const char *text = dg_vmcoreinfo();
	return write_file(path, text, strlen(text)) < 0;
}
