/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the type and memory commands share (sym rd struct whatis p vtop). */
#ifndef PYKDUMP_CMDUTIL_H
#define PYKDUMP_CMDUTIL_H

#include <stdint.h>
#include <stdio.h>

#include <pykdump/error.h>

struct kd_session;
struct kd_types;
struct kd_type;
struct kd_cmd_ctx;

/* crash's address arguments: hex with or without 0x, else a symbol
 * name, optionally "+offset" (hex with 0x, else decimal).  1 on success. */
int kd_cmd_parse_addr(struct kd_session *s, const char *arg, uint64_t *ret);
/* Only a hexadecimal number ("ffff...", "0x1000"). */
int kd_cmd_parse_hex(const char *arg, uint64_t *ret);

/* crash's value_search(): the symbol at or below addr; of several at
 * the same address the first for an exact hit, the last otherwise. */
struct kd_symtab;
struct kd_symbol;
int kd_cmd_symbol_at(const struct kd_symtab *st, uint64_t addr,
		     struct kd_symbol *sym, uint64_t *offset);

/* The session's types; prints "NAME: message" and returns NULL on error. */
struct kd_types *kd_cmd_types(struct kd_cmd_ctx *ctx);
/* Prints "NAME: message" for err and destroys it; returns 1. */
int kd_cmd_fail(struct kd_cmd_ctx *ctx, struct kd_error *err);

/* A struct/union/enum/typedef definition as crash's `struct NAME` and
 * `whatis NAME` print it (gdb ptype), with "[offset]" columns when
 * offsets is set, then "SIZE: n" (not for enums). */
struct kd_error *kd_cmd_print_definition(FILE *out, struct kd_type *t,
					 int offsets);

#endif
