// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running a command line as crash does: "!shell-command" goes to the
 * shell; otherwise the first word is replaced by its alias, the line is
 * split into words on blanks with '...' and "..." quoting, then an
 * optional "| shell-command" or "> file" / ">> file" tail receives the
 * command's output.  As in crash, a '|' or '>' inside parentheses is
 * part of an expression ("eval (1 << 4 | 2)"), not a redirection.
 * Errors go to the error stream (the shell's standard error), never
 * into the output.
 */
#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <pykdump/cancel.h>
#include <pykdump/debuginfo.h>
#include <pykdump/log.h>
#include <pykdump/mapguard.h>
#include <pykdump/session.h>
#include <pykdump/vector.h>

#include "cmd_util.h"
#include "command.h"

/* Alias expansions nest at most this deep (an alias naming another). */
#define ALIAS_DEPTH 8

struct words {
	char **v;
	char *quotes;		/* per word: the quote that enclosed it whole */
	char **orig;		/* v as split (getopt permutes v) */
	int n;
	size_t cap, qcap;
};

struct kd_cmd_words {
	const struct words *w;
};

static int words_push(struct words *w, char *s, char quote)
{
	if (kd_array_reserve(&w->v, &w->cap, (size_t)w->n + 2)) /* + NULL */
		return -1;
	if (kd_array_reserve(&w->quotes, &w->qcap, (size_t)w->n + 1))
		return -1;
	w->quotes[w->n] = quote;
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
	return 0;
}

static void words_free(struct words *w)
{
	for (int i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	free(w->quotes);
	free(w->orig);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
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
		while (is_blank(*p))
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
		char quote = 0, whole = 0;
		const char *start = p;
		for (; *p; p++) {
			if (quote) {
				if (*p == quote) {
					/* "'abc'" as the whole word */
					if (p[1] == '\0' || is_blank(p[1]) ||
					    p[1] == '|' || p[1] == '>')
						whole = *start == quote ?
							quote : 0;
					quote = 0;
				} else {
					word[len++] = *p;
				}
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (is_blank(*p) ||
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
		if (words_push(w, word, whole) < 0) {
			free(word);
			return -1;
		}
	}
}

int kd_cmd_quote(const struct kd_cmd_ctx *ctx, const char *arg)
{
	const struct words *w = ctx->words ? ctx->words->w : NULL;
	for (int i = 0; w && i < w->n; i++)
		if (w->orig[i] == arg)
			return (unsigned char)w->quotes[i];
	return 0;
}

static int run_words(struct kd_session *s, struct words *w, FILE *out,
		     FILE *err)
{
	const struct kd_command *cmd = kd_command_find(w->v[0]);
	if (!cmd) {
		/* crash: a struct or union name runs struct / union */
		struct kd_cmd_ctx sctx = { .s = s, .out = out, .err = err,
					   .name = w->v[0] };
		int rc = kd_cmd_struct_shortcut(&sctx, w->n, w->v);
		if (rc >= 0)
			return rc;
		fflush(out);
		fprintf(err, "pykdump: command not found: %s\n", w->v[0]);
		return 1;
	}
	w->orig = malloc(((size_t)w->n + 1) * sizeof(*w->orig));
	if (!w->orig) {
		fprintf(err, "%s: out of memory\n", w->v[0]);
		return 1;
	}
	memcpy(w->orig, w->v, ((size_t)w->n + 1) * sizeof(*w->orig));
	struct kd_cmd_words cw = { w };
	struct kd_cmd_ctx ctx = { .s = s, .out = out, .err = err,
				  .name = w->v[0], .words = &cw };
	optind = 0;	/* commands use getopt; reset its state */
	/* no flush here: whoever owns out checks its write errors (a full
	 * device) and needs errno from that flush */
	struct kd_cmd_partial saved;
	kd_cmd_partial_begin(&saved);
	int rc = cmd->run(&ctx, w->n, w->v);
	return kd_cmd_partial_end(&ctx, &saved, rc);
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
			uint64_t gen, FILE *out, FILE *errf)
{
	struct kd_error *err = s ? kd_debuginfo_lost(kd_session_debuginfo(s))
				 : NULL;
	if (!err && kd_mapguard_check_all() != gen)
		err = kd_mapguard_shrunk_since(gen, "while the command ran");
	if (!err)
		return 0;
	/* also where it is seen when the output went to a Python string */
	if (errf != stderr)
		fprintf(stderr, "%s: %s\n", name, err->message);
	struct kd_cmd_ctx ctx = { .s = s, .out = out, .err = errf,
				  .name = name };
	return kd_cmd_fail(&ctx, err);
}

/* Send the command's output through "| shell" or to "> file". */
static int run_redirected(struct kd_session *s, struct words *w,
			  const char *tail, FILE *out, FILE *err)
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
		fprintf(err, "%s: missing %s target\n", w->v[0],
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
		fprintf(err, "%s: cannot open %s: %s\n", w->v[0], target,
			strerror(errno));
		return 1;
	}
	int rc = run_words(s, w, dst, err);
	if (is_pipe) {
		pclose(dst);	/* a reader that quit early is no error */
	} else {
		int failed = ferror(dst);
		int e = fclose(dst) != 0 ? errno : 0;
		if (e || failed) {
			/* a full device ...: what it holds is incomplete */
			fprintf(err, "%s: cannot write %.*s: %s\n", w->v[0],
				(int)strcspn(target, "\n"), target,
				e ? strerror(e) : "write error");
			rc = 1;
		}
	}
	return rc;
}

/* "!cmd": through /bin/sh (an interactive shell when empty), its output
 * on ours; 1 when it did not exit with 0.  On our own standard output
 * the command inherits the terminal (an editor, a shell); else (a
 * Python capture) its output is copied in. */
static int shell_escape(const char *cmd, FILE *out, FILE *err)
{
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	char *line = strdup(*cmd ? cmd : "exec \"${SHELL:-/bin/sh}\"");
	if (!line)
		return 1;
	size_t n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	fflush(out);
	fflush(err);
	int status;
	if (out == stdout) {
		status = system(line);
	} else {
		FILE *p = popen(line, "r");
		status = -1;
		if (p) {
			char buf[4096];
			size_t got;
			while ((got = fread(buf, 1, sizeof(buf), p)) > 0)
				fwrite(buf, 1, got, out);
			status = pclose(p);
		}
	}
	free(line);
	if (status == -1) {
		fprintf(err, "!: cannot run the shell: %s\n", strerror(errno));
		return 1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* line with its first word replaced by the alias it names (malloc'd), or
 * NULL when it names none or one in seen[0 .. *nseen - 1] (an alias
 * naming itself, "ls" for "ls -l", is expanded once); the name is added
 * to seen. */
static char *expand_alias(const char *line, char seen[][64], int *nseen)
{
	const char *p = line;
	while (is_blank(*p))
		p++;
	size_t n = strcspn(p, " \t\n|>");
	char name[64];
	if (!n || n >= sizeof(name))
		return NULL;
	memcpy(name, p, n);
	name[n] = '\0';
	const char *cmd = kd_alias_find(name);
	for (int i = 0; cmd && i < *nseen; i++)
		if (!strcmp(seen[i], name))
			cmd = NULL;
	if (!cmd)
		return NULL;
	memcpy(seen[(*nseen)++], name, n + 1);
	size_t len = strlen(cmd) + strlen(p + n) + 1;
	char *out = malloc(len);
	if (out)
		snprintf(out, len, "%s%s", cmd, p + n);
	return out;
}

int kd_command_exec(struct kd_session *s, const char *line, FILE *out,
		    FILE *err)
{
	struct words w = { 0 };
	const char *tail;
	char *expanded = NULL;
	int rc = 0;
	if (!err)
		err = out;
	const char *p = line;
	while (is_blank(*p))
		p++;
	if (*p == '!')
		return shell_escape(p + 1, out, err);
	char seen[ALIAS_DEPTH][64];
	int nseen = 0;
	while (nseen < ALIAS_DEPTH) {
		char *next = expand_alias(expanded ? expanded : line, seen,
					  &nseen);
		if (!next)
			break;
		free(expanded);
		expanded = next;
	}
	if (split_words(expanded ? expanded : line, &w, &tail) < 0) {
		fprintf(err, "out of memory\n");
		rc = 1;
		goto out_free;
	}
	if (w.n == 0)
		goto out_free;
	uint64_t gen = look_at_files(s);
	if (tail)
		rc = run_redirected(s, &w, tail, out, err);
	else
		rc = run_words(s, &w, out, err);
	if (files_shrank(s, w.v[0], gen, out, err))
		rc = 1;
out_free:
	words_free(&w);
	free(expanded);
	return rc;
}
