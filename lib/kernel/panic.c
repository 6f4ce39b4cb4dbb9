// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The panic message as crash 8.0.6 finds it (include/pykdump/panic.h):
 * each pattern in turn over the whole log, the first line holding the
 * first pattern that occurs anywhere wins.  crash reads it from the log
 * text, one line per record line, so a record with several lines counts
 * each of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/panic.h>
#include <pykdump/printk.h>

/* crash 8.0.6 task.c panic_msg[], in its order */
static const char *const patterns[] = {
	"SysRq : Crash", "SysRq : Trigger a crash", "SysRq : Netdump",
	"Kernel panic: ", "Kernel panic - ", "Kernel BUG at", "kernel BUG at",
	"Unable to handle kernel paging request",
	"Unable to handle kernel NULL pointer dereference",
	"BUG: unable to handle kernel ", "general protection fault: ",
	"double fault: ", "divide error: ", "stack segment: ",
	"[Hardware Error]: ", "Bad mode in ", "Oops: ",
};
#define NPAT (sizeof(patterns) / sizeof(patterns[0]))

struct scan {
	/* the first line holding each pattern, malloc'd */
	char *first[NPAT];
	int nomem;
};

static void scan_line(struct scan *sc, const char *line, size_t len)
{
	char buf[1500];		/* crash's BUFSIZE: longer lines are cut */
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (size_t i = 0; i < NPAT; i++) {
		if (sc->first[i] || !strstr(buf, patterns[i]))
			continue;
		if (!(sc->first[i] = strdup(buf)))
			sc->nomem = 1;
	}
}

static int record(void *arg, const struct kd_printk_rec *r)
{
	struct scan *sc = arg;
	const char *p = r->dataless ? "" : r->text;
	size_t left = r->dataless ? 0 : r->len;
	do {
		const char *nl = memchr(p, '\n', left);
		size_t n = nl ? (size_t)(nl - p) : left;
		scan_line(sc, p, n);
		p += nl ? n + 1 : n;
		left -= nl ? n + 1 : n;
	} while (left);
	return sc->nomem;
}

struct kd_error *kd_panic_message(struct kd_session *s, char **ret)
{
	struct scan sc = { 0 };
	*ret = NULL;
	struct kd_error *err = kd_printk_walk(s, record, &sc);
	char *msg = NULL;
	for (size_t i = 0; i < NPAT; i++) {
		if (!msg && sc.first[i]) {
			msg = sc.first[i];
			continue;
		}
		free(sc.first[i]);
	}
	if (!err && sc.nomem)
		err = &kd_error_nomem;
	if (err) {
		free(msg);
		return err;
	}
	*ret = msg ? msg : strdup("");
	return *ret ? NULL : &kd_error_nomem;
}
