// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running a command line as crash does: words split on blanks with
 * '...' and "..." quoting, then an optional "| shell-command" or
 * "> file" / ">> file" tail that receives the command's output.  As in
 * crash, a '|' or '>' inside parentheses is part of an expression
 * ("eval (1 << 4 | 2)"), not a redirection.
 */
#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/debuginfo.h>
#include <pykdump/log.h>
#include <pykdump/mapguard.h>
#include <pykdump/session.h>
#include <pykdump/vector.h>

#include "cmd_util.h"
#include "command.h"

struct words {
	char **v;
	int n;
	size_t cap;
};

static int words_push(struct words *w, char *s)
{
	if (kd_array_reserve(&w->v, &w->cap, (size_t)w->n + 2)) /* + NULL */
		return -1;
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
	return 0;
}

static void words_free(struct words *w)
{
	for (int i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
}

/*
 * Split line into words.  Sets *tail to the unquoted '|' or '>' that
 * starts the redirection (pointing into line), or NULL.
 */
static int split_words(const char *line, struct words *w, const char **tail)
{
	const char *p = line;
	int parens = 0;	/* crash: no redirection inside ( ) */
	*tail = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			return 0;
		if ((*p == '|' || *p == '>') && parens <= 0) {
			*tail = p;
			return 0;
		}
		size_t cap = strlen(p) + 1, len = 0;
		char *word = malloc(cap);
		if (!word)
			return -1;
		char quote = 0;
		for (; *p; p++) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else
					word[len++] = *p;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == ' ' || *p == '\t' || *p == '\n' ||
				   ((*p == '|' || (*p == '>' && !(len && word[len - 1] == '-')))
				    && parens <= 0)) {
				/* "->" inside a word is C's arrow (p a->b) */
				break;
			} else {
				parens += *p == '(' ? 1 : *p == ')' ? -1 : 0;
				word[len++] = *p;
			}
		}
		word[len] = '\0';
		if (words_push(w, word) < 0) {
			free(word);
			return -1;
		}
	}
}

static int run_words(struct kd_session *s, struct words *w, FILE *out)
{
	const struct kd_command *cmd = kd_command_find(w->v[0]);
	struct kd_cmd_ctx ctx = { .s = s, .out = out, .name = w->v[0] };
	if (!cmd) {
		/* crash: a struct or union name runs struct / union */
		int rc = kd_cmd_struct_shortcut(&ctx, w->n, w->v);
		if (rc >= 0)
			return rc;
		fprintf(out, "%s: command not found\n", w->v[0]);
		return 1;
	}
	optind = 0;	/* commands use getopt; reset its state */
	return cmd->run(&ctx, w->n, w->v);
}

/*
 * Files that shrank under the session (pykdump/mapguard.h).  Before a
 * command, their sizes are looked at, so that its reads know what is gone
 * (a file found shrunk since the last look is reported once, on stderr
 * and in the problem log).  After it (and after the reader of its output
 * ended), a vmlinux or module debuginfo that shrank, now or before, makes
 * every answer suspect (names and types may have read as zeros); any file
 * that shrank while the command ran may have given it zeros without a
 * fault (in the page holding the new end): the command fails, saying so.
 */
static uint64_t look_at_files(struct kd_session *s)
{
	uint64_t was = kd_mapguard_generation();
	uint64_t now = kd_mapguard_check_all();
	struct kd_error *e = now == was ? NULL :
		kd_mapguard_shrunk_since(was, "since the last command");
	if (e) {
		fprintf(stderr, "pykdump: %s\n", e->message);
		if (s)
			(void)kd_log_warning(kd_session_log(s), "%s",
					     e->message);
		kd_error_destroy(e);
	}
	return now;
}

static int files_shrank(struct kd_session *s, const char *name,
			uint64_t gen, FILE *out)
{
	struct kd_error *err = s ? kd_debuginfo_lost(kd_session_debuginfo(s))
				 : NULL;
	if (!err && kd_mapguard_check_all() != gen)
		err = kd_mapguard_shrunk_since(gen, "while the command ran");
	if (!err)
		return 0;
	/* also where it is seen when the output went to a Python string */
	if (out != stdout)
		fprintf(stderr, "%s: %s\n", name, err->message);
	struct kd_cmd_ctx ctx = { .s = s, .out = out, .name = name };
	return kd_cmd_fail(&ctx, err);
}

/* Send the command's output through "| shell" or to "> file". */
static int run_redirected(struct kd_session *s, struct words *w,
			  const char *tail, FILE *out)
{
	FILE *dst;
	int is_pipe = *tail == '|';
	const char *target = tail + 1;
	const char *mode = "w";
	if (!is_pipe && *target == '>') {
		mode = "a";
		target++;
	}
	while (*target == ' ' || *target == '\t')
		target++;
	if (!*target) {
		fprintf(out, "%s: missing %s target\n", w->v[0],
			is_pipe ? "pipe" : "redirection");
		return 1;
	}
	fflush(out);
	if (is_pipe) {
		dst = popen(target, "w");
	} else {
		char *path = strdup(target);
		if (!path)
			return 1;
		size_t n = strlen(path);
		while (n && (path[n - 1] == ' ' || path[n - 1] == '\n'))
			path[--n] = '\0';
		dst = fopen(path, mode);
		free(path);
	}
	if (!dst) {
		fprintf(out, "%s: cannot open %s: %s\n", w->v[0], target,
			strerror(errno));
		return 1;
	}
	int rc = run_words(s, w, dst);
	if (is_pipe) {
		pclose(dst);	/* a reader that quit early is no error */
	} else {
		int failed = ferror(dst);
		int err = fclose(dst) != 0 ? errno : 0;
		if (err || failed) {
			/* a full device ...: what it holds is incomplete */
			fprintf(out, "%s: cannot write %.*s: %s\n", w->v[0],
				(int)strcspn(target, "\n"), target,
				err ? strerror(err) : "write error");
			rc = 1;
		}
	}
	return rc;
}

int kd_command_exec(struct kd_session *s, const char *line, FILE *out)
{
	struct words w = { 0 };
	const char *tail;
	int rc = 0;
	if (split_words(line, &w, &tail) < 0) {
		fprintf(out, "out of memory\n");
		rc = 1;
		goto out_free;
	}
	if (w.n == 0)
		goto out_free;
	uint64_t gen = look_at_files(s);
	if (tail)
		rc = run_redirected(s, &w, tail, out);
	else
		rc = run_words(s, &w, out);
	if (files_shrank(s, w.v[0], gen, out))
		rc = 1;
out_free:
	words_free(&w);
	return rc;
}
