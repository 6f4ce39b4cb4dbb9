// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The session's module state (slot KD_SLOT_MODULES) and the module list
 * queries of include/pykdump/dlkm.h.  The list is read on first use and
 * kept for the session (a dump does not change); a failure to read it is
 * returned to every caller and retried next time.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/session.h>

#include "dlkm_internal.h"

static void dlkm_destroy(void *data)
{
	struct kd_dlkm *dl = data;
	for (size_t i = 0; i < dl->nmods; i++)
		kd_dlkm_module_free(&dl->mods[i]);
	free(dl->mods);
	for (size_t i = 0; i < dl->ndirs; i++)
		free(dl->dirs[i]);
	free(dl->dirs);
	free(dl);
}

struct kd_dlkm *kd_dlkm_state(struct kd_session *s)
{
	struct kd_dlkm *dl = kd_session_slot(s, KD_SLOT_MODULES);
	if (dl)
		return dl;
	dl = calloc(1, sizeof(*dl));
	if (!dl)
		return NULL;
	dl->s = s;
	kd_session_set_slot(s, KD_SLOT_MODULES, dl, dlkm_destroy);
	return dl;
}

struct kd_error *kd_dlkm_get(struct kd_session *s, struct kd_dlkm **ret)
{
	struct kd_dlkm *dl = kd_dlkm_state(s);
	if (!dl)
		return &kd_error_nomem;
	if (!dl->have_list) {
		struct kd_error *err = kd_dlkm_read_list(dl);
		if (err) {
			for (size_t i = 0; i < dl->nmods; i++)
				kd_dlkm_module_free(&dl->mods[i]);
			free(dl->mods);
			dl->mods = NULL;
			dl->nmods = 0;
			return err;
		}
		dl->have_list = 1;
	}
	*ret = dl;
	return NULL;
}

int kd_dlkm_name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
		if (x != y)
			return 0;
		if (!x)
			return 1;
	}
}

struct kd_error *kd_modules_count(struct kd_session *s, size_t *ret)
{
	struct kd_dlkm *dl;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (err)
		return err;
	*ret = dl->nmods;
	return NULL;
}

struct kd_error *kd_modules_get(struct kd_session *s, size_t i,
				struct kd_module_info *ret)
{
	struct kd_dlkm *dl;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (err)
		return err;
	if (i >= dl->nmods)
		return kd_error_create(KD_ERR_INVALID, "no module #%zu", i);
	*ret = dl->mods[i].info;
	ret->debuginfo = dl->mods[i].debuginfo;
	return NULL;
}

struct kd_error *kd_modules_find(struct kd_session *s, const char *name,
				 size_t *index)
{
	struct kd_dlkm *dl;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (err)
		return err;
	for (size_t i = 0; i < dl->nmods; i++) {
		if (kd_dlkm_name_eq(dl->mods[i].name, name)) {
			*index = i;
			return NULL;
		}
	}
	return kd_error_create(KD_ERR_NOT_FOUND, "%s: not a loaded module",
			       name);
}

int kd_modules_by_addr(struct kd_session *s, uint64_t addr, size_t *index)
{
	struct kd_dlkm *dl;
	struct kd_error *err = kd_dlkm_get(s, &dl);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	for (size_t i = 0; i < dl->nmods; i++) {
		const struct kd_dlkm_module *m = &dl->mods[i];
		int in = 0;
		for (int r = 0; r < m->nregion && !in; r++)
			in = addr >= m->region[r].base &&
			     addr - m->region[r].base < m->region[r].size;
		if (in || (m->info.init_base && addr >= m->info.init_base &&
			   addr - m->info.init_base < m->info.init_size)) {
			*index = i;
			return 1;
		}
	}
	return 0;
}
