// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tab completion: the first word of a line completes to a command name;
 * after "struct", "union", "whatis" or "ptype" a word completes to a
 * struct/union name from the DWARF index, "NAME.prefix" to a member of
 * struct NAME; any other word to a vmlinux symbol.  The type names are
 * collected once, on the first completion that needs them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>

#include <pykdump/debuginfo.h>
#include <pykdump/dwarf.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>

#include "command.h"
#include "complete.h"

static struct kd_session *session;

/* Sorted, unique struct and union names. */
static char **type_names;
static size_t ntype_names;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_type_names(void)
{
	struct kd_debuginfo *di = session ? kd_session_debuginfo(session) : NULL;
	struct kd_dwarf_index *idx;
	if (type_names || !di)
		return;
	struct kd_error *err = kd_debuginfo_source_index(di, 0, &idx);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	uint64_t n = kd_dwarf_index_count(idx);
	type_names = calloc(n ? n : 1, sizeof(*type_names));
	if (!type_names)
		return;
	for (uint64_t i = 0; i < n; i++) {
		struct kd_index_hit hit;
		if (kd_dwarf_index_entry(idx, i, &hit) && hit.name &&
		    (hit.kind == KD_DIX_STRUCT || hit.kind == KD_DIX_UNION))
			type_names[ntype_names++] = (char *)hit.name;
	}
	kd_qsort(type_names, ntype_names, sizeof(*type_names), cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < ntype_names; i++)
		if (!u || strcmp(type_names[u - 1], type_names[i]))
			type_names[u++] = type_names[i];
	ntype_names = u;
}

static char *command_gen(const char *text, int state)
{
	static const struct kd_command *const *c;
	static const char *const extra[] = { "quit", "exit", "q", NULL };
	static int e, in_registered;
	size_t len = strlen(text);
	if (!state) {
		c = kd_commands;
		e = 0;
		in_registered = 0;
	}
	for (;;) {
		for (; *c; c++)
			if (strncmp((*c)->name, text, len) == 0)
				return strdup((*c++)->name);
		if (in_registered)
			break;
		in_registered = 1;
		c = kd_commands_registered();
	}
	for (; extra[e]; e++)
		if (strncmp(extra[e], text, len) == 0)
			return strdup(extra[e++]);
	return NULL;
}

static char *type_gen(const char *text, int state)
{
	static size_t i;
	size_t len = strlen(text);
	if (!state) {
		load_type_names();
		i = 0;
	}
	for (; i < ntype_names; i++)
		if (strncmp(type_names[i], text, len) == 0)
			return strdup(type_names[i++]);
	return NULL;
}

/* "task_struct.pi" -> "task_struct.pid", ... */
static char *member_gen(const char *text, int state)
{
	static const struct kd_member *m;
	static size_t n, i;
	static char base[256];
	const char *dot = strrchr(text, '.');
	if (!state) {
		struct kd_types *types;
		struct kd_type *t = NULL;
		char name[300];
		m = NULL;
		n = i = 0;
		snprintf(base, sizeof(base), "%.*s", (int)(dot - text), text);
		snprintf(name, sizeof(name), "struct %s", base);
		struct kd_error *err = kd_session_types(session, &types);
		if (!err && (err = kd_types_find(types, name, &t)) != NULL) {
			kd_error_destroy(err);
			snprintf(name, sizeof(name), "union %s", base);
			err = kd_types_find(types, name, &t);
		}
		if (!err)
			err = kd_type_members(t, &m, &n);
		kd_error_destroy(err);
		if (err)
			n = 0;
	}
	size_t len = strlen(dot + 1);
	for (; i < n; i++) {
		if (!m[i].name || strncmp(m[i].name, dot + 1, len))
			continue;
		char *r = malloc(strlen(base) + strlen(m[i].name) + 2);
		if (r)
			sprintf(r, "%s.%s", base, m[i].name);
		i++;
		return r;
	}
	return NULL;
}

static char *symbol_gen(const char *text, int state)
{
	static size_t i;
	struct kd_symtab *st = session ? kd_session_symtab(session) : NULL;
	size_t len = strlen(text);
	if (!state)
		i = 0;
	if (!st || len == 0)
		return NULL;
	for (; i < kd_symtab_count(st); i++) {
		struct kd_symbol sym;
		if (kd_symtab_get(st, i, &sym) &&
		    strncmp(sym.name, text, len) == 0) {
			i++;
			return strdup(sym.name);
		}
	}
	return NULL;
}

static int wants_type(const char *line, int start)
{
	static const char *const kw[] = { "struct", "union", "whatis",
					  "ptype", NULL };
	while (*line == ' ')
		line++;
	for (int k = 0; kw[k]; k++) {
		size_t n = strlen(kw[k]);
		if (strncmp(line, kw[k], n) == 0 && line[n] == ' ' &&
		    start >= (int)n)
			return 1;
	}
	return 0;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	int first = 1;
	for (int i = 0; i < start; i++)
		if (rl_line_buffer[i] != ' ' && rl_line_buffer[i] != '\t')
			first = 0;
	rl_attempted_completion_over = 1;	/* no file names */
	if (first)
		return rl_completion_matches(text, command_gen);
	if (!session)
		return NULL;
	if (strchr(text, '.'))
		return rl_completion_matches(text, member_gen);
	if (wants_type(rl_line_buffer, start))
		return rl_completion_matches(text, type_gen);
	return rl_completion_matches(text, symbol_gen);
}

void kd_complete_init(struct kd_session *s)
{
	session = s;
	rl_attempted_completion_function = complete;
	rl_completer_word_break_characters = " \t|>";
	rl_sort_completion_matches = 1;
}

void kd_complete_fini(void)
{
	free(type_names);
	type_names = NULL;
	ntype_names = 0;
	session = NULL;
}
