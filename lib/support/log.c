// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The problem log: see include/pykdump/log.h.
 *
 * Each kind keeps its messages in an array in the order first added,
 * with a hash table of them (<pykdump/hash_table.h>) so the duplicate
 * check stays O(1) however many messages there are.
 *
 * The summary text follows PyKdump's logging.py exactly: 78-column rules
 * centred as Python's str.center() centres (the spare fill character
 * goes right when the width is even), messages indented by four spaces.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <pykdump/hash_table.h>
#include <pykdump/log.h>
#include <pykdump/vector.h>

#define RULE_WIDTH 78

/* The messages kept, by their text (msgs' copies). */
struct msg_ent {
	const char *msg;
};

KD_HASH_TABLE_DEFINE_STR(msg_index, struct msg_ent, msg)

struct log_list {
	char **msgs;
	size_t n, cap;
	size_t dropped;
	struct msg_index index;
};

struct kd_log {
	struct log_list lists[KD_LOG_NKINDS];
	char *silent;
	kd_log_sink_fn *sink;
	void *sink_arg;
};

/* Keep msg unless already kept; the dedup of PyLog._addtocache. */
static struct kd_error *list_add(struct log_list *l, const char *msg)
{
	uint64_t hash = msg_index_key_hash(msg);
	if (msg_index_find(&l->index, msg, hash))
		return NULL;
	if (l->n >= KD_LOG_MAX_ENTRIES) {
		l->dropped++;
		return NULL;
	}
	struct kd_error *err;
	if ((err = kd_array_reserve(&l->msgs, &l->cap, l->n + 1)) ||
	    (err = msg_index_reserve(&l->index, l->n + 1)))
		return err;
	char *copy = strdup(msg);
	if (!copy)
		return &kd_error_nomem;
	l->msgs[l->n++] = copy;
	msg_index_fill(&l->index, msg_index_slot(&l->index, copy, hash),
		       &(struct msg_ent){ copy });
	return NULL;
}

static void list_clear(struct log_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->msgs[i]);
	free(l->msgs);
	msg_index_deinit(&l->index);
	memset(l, 0, sizeof(*l));
}

struct kd_error *kd_log_create(struct kd_log **ret)
{
	struct kd_log *log = calloc(1, sizeof(*log));
	if (!log)
		return &kd_error_nomem;
	*ret = log;
	return NULL;
}

void kd_log_cleanup(struct kd_log *log)
{
	for (int k = 0; k < KD_LOG_NKINDS; k++)
		list_clear(&log->lists[k]);
	free(log->silent);
	log->silent = NULL;
}

void kd_log_destroy(struct kd_log *log)
{
	if (!log || log == kd_log_default())
		return;
	kd_log_cleanup(log);
	free(log);
}

struct kd_log *kd_log_default(void)
{
	static struct kd_log default_log;
	return &default_log;
}

void kd_log_set_sink(struct kd_log *log, kd_log_sink_fn *fn, void *arg)
{
	log->sink = fn;
	log->sink_arg = arg;
}

static void stream_sink(void *arg, const char *text)
{
	fputs(text, arg);
}

void kd_log_set_stream(struct kd_log *log, FILE *out)
{
	kd_log_set_sink(log, out ? stream_sink : NULL, out);
}

/* "<tag> <msg>\n" to the sink: print(name, end=' '); print(msg). */
static void log_show(const struct kd_log *log, const char *tag,
		     const char *msg)
{
	if (!log->sink)
		return;
	char *line = NULL;
	if (asprintf(&line, "%s %s\n", tag, msg) < 0)
		return;
	log->sink(log->sink_arg, line);
	free(line);
}

struct kd_error *kd_log_add(struct kd_log *log, enum kd_log_kind kind,
			    const char *msg)
{
	if ((unsigned)kind >= KD_LOG_NKINDS)
		return NULL;
	struct kd_error *err = list_add(&log->lists[kind], msg);
	if (kind == KD_LOG_ERROR)
		log_show(log, KD_LOG_ERROR_TAG, msg);
	else if (kind == KD_LOG_WARNING || kind == KD_LOG_TIMEOUT)
		log_show(log, KD_LOG_WARNING_TAG, msg);
	return err;
}

struct kd_error *kd_log_add_onexit(struct kd_log *log, const char *msg)
{
	return list_add(&log->lists[KD_LOG_WARNING], msg);
}

/* Format, then hand the text to add (kd_log_add or kd_log_add_onexit). */
static struct kd_error *log_vformat(struct kd_log *log, enum kd_log_kind kind,
				    int onexit, const char *fmt, va_list ap)
{
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		return &kd_error_nomem;
	struct kd_error *err = onexit ? kd_log_add_onexit(log, msg) :
					kd_log_add(log, kind, msg);
	free(msg);
	return err;
}

#define LOG_FORMATTER(fn, kind, onexit)                                        \
	struct kd_error *fn(struct kd_log *log, const char *fmt, ...)          \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		struct kd_error *err = log_vformat(log, kind, onexit, fmt, ap);\
		va_end(ap);                                                    \
		return err;                                                    \
	}

LOG_FORMATTER(kd_log_warning, KD_LOG_WARNING, 0)
LOG_FORMATTER(kd_log_warning_onexit, KD_LOG_WARNING, 1)
LOG_FORMATTER(kd_log_error, KD_LOG_ERROR, 0)
LOG_FORMATTER(kd_log_info, KD_LOG_INFO, 0)
LOG_FORMATTER(kd_log_timeout, KD_LOG_TIMEOUT, 0)

struct kd_error *kd_log_silent(struct kd_log *log, const char *msg)
{
	char *copy = strdup(msg);
	if (!copy)
		return &kd_error_nomem;
	free(log->silent);
	log->silent = copy;
	return NULL;
}

char *kd_log_getsilent(struct kd_log *log)
{
	char *msg = log->silent;
	log->silent = NULL;
	return msg;
}

struct kd_error *kd_log_silenterror(struct kd_log *log, const char *extra)
{
	char *msg = kd_log_getsilent(log);
	if (!msg)
		return NULL;
	/* The original keeps (extra, msg) and prints them space-separated. */
	char *both = NULL;
	struct kd_error *err = &kd_error_nomem;
	if (asprintf(&both, "%s %s", extra, msg) >= 0)
		err = list_add(&log->lists[KD_LOG_ERROR], both);
	free(both);
	free(msg);
	return err;
}

size_t kd_log_count(const struct kd_log *log, enum kd_log_kind kind)
{
	return (unsigned)kind < KD_LOG_NKINDS ? log->lists[kind].n : 0;
}

const char *kd_log_entry(const struct kd_log *log, enum kd_log_kind kind,
			 size_t i)
{
	if ((unsigned)kind >= KD_LOG_NKINDS || i >= log->lists[kind].n)
		return NULL;
	return log->lists[kind].msgs[i];
}

size_t kd_log_dropped(const struct kd_log *log, enum kd_log_kind kind)
{
	return (unsigned)kind < KD_LOG_NKINDS ? log->lists[kind].dropped : 0;
}

/* A line of RULE_WIDTH like Python's text.center(78, fill). */
static void put_centered(FILE *out, const char *text, char fill)
{
	size_t len = strlen(text);
	size_t marg = len < RULE_WIDTH ? RULE_WIDTH - len : 0;
	size_t left = marg / 2 + (marg & RULE_WIDTH & 1);
	for (size_t i = 0; i < left; i++)
		fputc(fill, out);
	fputs(text, out);
	for (size_t i = left; i < marg; i++)
		fputc(fill, out);
	fputc('\n', out);
}

static void put_rule(FILE *out, char fill)
{
	put_centered(out, "", fill);
}

static void put_entries(FILE *out, const struct log_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(out, "    %s\n", l->msgs[i]);
	if (l->dropped)
		fprintf(out, "    ... and %zu more\n", l->dropped);
}

static int list_empty(const struct log_list *l)
{
	return l->n == 0 && l->dropped == 0;
}

static void put_timeouts(FILE *out, const struct log_list *l)
{
	put_centered(out, " Some crash built-in commands did not complete "
			  "within timeout ", '-');
	put_entries(out, l);
	/* Sic: the original's hint has no closing quote. */
	fputs(" *** You can rerun your command with a different timeout\n"
	      "     by adding --timeout=NNN to your options\n"
	      "     For example, 'crashinfo -v --timeout=1200\n"
	      "     to run with timeout of 1200s\n", out);
}

static void put_problems(const struct kd_log *log, FILE *out)
{
	static const struct {
		enum kd_log_kind kind;
		const char *title;
	} lists[] = {
		{ KD_LOG_WARNING, " A list of all " KD_LOG_WARNING_TAG " messages " },
		{ KD_LOG_ERROR, " A list of all " KD_LOG_ERROR_TAG " messages " },
	};
	fputs("\n", out);
	put_rule(out, '*');
	put_centered(out, " A Summary Of Problems Found ", '*');
	put_rule(out, '*');
	if (!list_empty(&log->lists[KD_LOG_TIMEOUT]))
		put_timeouts(out, &log->lists[KD_LOG_TIMEOUT]);
	for (size_t i = 0; i < KD_ARRAY_SIZE(lists); i++) {
		const struct log_list *l = &log->lists[lists[i].kind];
		if (list_empty(l))
			continue;
		put_centered(out, lists[i].title, '-');
		put_entries(out, l);
	}
	put_rule(out, '-');
}

static void put_info(const struct kd_log *log, FILE *out)
{
	fputs("\n", out);
	put_centered(out, " Additional Info ", '~');
	put_entries(out, &log->lists[KD_LOG_INFO]);
	put_rule(out, '~');
}

void kd_log_summary(const struct kd_log *log, FILE *out)
{
	if (!list_empty(&log->lists[KD_LOG_WARNING]) ||
	    !list_empty(&log->lists[KD_LOG_ERROR]) ||
	    !list_empty(&log->lists[KD_LOG_TIMEOUT]))
		put_problems(log, out);
	if (!list_empty(&log->lists[KD_LOG_INFO]))
		put_info(log, out);
}

struct kd_error *kd_log_summary_str(const struct kd_log *log, char **ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	if (!out)
		return &kd_error_nomem;
	kd_log_summary(log, out);
	if (fclose(out) != 0) {
		free(buf);
		return &kd_error_nomem;
	}
	*ret = buf;
	return NULL;
}

static double timeval_s(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

void kd_exec_times_now(struct kd_exec_times *t)
{
	struct timespec ts;
	struct rusage self, children;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t->real = ts.tv_sec + ts.tv_nsec / 1e9;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	t->cpu = timeval_s(self.ru_utime) + timeval_s(self.ru_stime);
	t->child_cpu = timeval_s(children.ru_utime) +
		       timeval_s(children.ru_stime);
}

int kd_exec_times_format(const struct kd_exec_times *start,
			 const struct kd_exec_times *end, char *buf,
			 size_t size)
{
	double child = end->child_cpu - start->child_cpu;
	char child_s[64] = "";
	/* The original mentions children only when they used CPU. */
	if (child > 0.001 || child < -0.001)
		snprintf(child_s, sizeof(child_s),
			 ", Child processes: %6.2fs", child);
	return snprintf(buf, size,
			"\n ** Execution took %6.2fs (real) %6.2fs (CPU)%s\n",
			end->real - start->real, end->cpu - start->cpu,
			child_s);
}

void kd_exec_times_print(const struct kd_exec_times *start, FILE *out)
{
	struct kd_exec_times end;
	char line[256];
	kd_exec_times_now(&end);
	kd_exec_times_format(start, &end, line, sizeof(line));
	fputs(line, out);
}
