// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until the format readers land: every open fails cleanly. */
#include <pykdump/dump.h>

struct kd_error *kd_dump_open(const char *const *paths, size_t npaths,
			      struct kd_dump **ret)
{
	(void)npaths;
	(void)ret;
	return kd_error_create(KD_ERR_UNSUPPORTED, "%s: dump formats not implemented yet",
			       paths[0]);
}

void kd_dump_close(struct kd_dump *d) { (void)d; }
const char *kd_dump_format_name(const struct kd_dump *d) { (void)d; return "?"; }
const char *kd_dump_compression(const struct kd_dump *d) { (void)d; return "?"; }
uint32_t kd_dump_page_size(const struct kd_dump *d) { (void)d; return 0; }
unsigned kd_dump_nr_cpu_states(const struct kd_dump *d) { (void)d; return 0; }
struct kd_error *kd_dump_describe(struct kd_dump *d, FILE *out, int pages)
{
	(void)d; (void)out; (void)pages;
	return NULL;
}
