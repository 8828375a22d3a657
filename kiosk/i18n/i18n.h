/*
 * i18n: every word the kiosk shows that does not come from the catalogue.
 *
 * Strings live in assets/strings/<lang>.json, a flat object of
 * "key": "text" that translators edit; none are in C code. Which languages
 * is data too: kiosk.conf lists them, and adding one is a strings file and
 * a config line. The configured fallback language (zh by default) is the
 * reference: a key missing from another language falls back to its text (a
 * resident sees Chinese rather than a raw key), and i18n_load reports such
 * gaps so `--check-config` can list them.
 *
 * Placeholders are written {name} and filled by i18n_format; data files
 * never reach printf, so a translator's stray '%' cannot crash the kiosk.
 */
#ifndef KIOSK_I18N_H
#define KIOSK_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"

/* Loads <dir>/<lang>.json for each of the 1..8 language codes in langs;
 * langs[0] becomes the current language, fallback_lang (one of langs) the
 * one missing keys fall back to. Problems go to errors as FILE:LINE:COL;
 * returns false when a file is missing or malformed or fallback_lang is not
 * listed (the previous tables, if any, stay in use). Keys of the fallback
 * language missing from another are reported ("warning: ...") but are not
 * fatal. */
bool i18n_load(const char *dir, const char (*langs)[8], int n_langs,
               const char *fallback_lang, diag_list *errors);

/* The fallback language's code ("zh" when nothing is loaded). */
/* Checks text[0..len) as i18n_load checks each strings file (UTF-8, JSON,
 * an object of strings, the visible-text rule of common/textcheck.h),
 * reporting under name; nothing is loaded. For the fuzz target and tools. */
bool i18n_check_text(const char *text, size_t len, const char *name,
                     diag_list *errors);

const char *i18n_fallback_lang(void);

void i18n_unload(void);

/* Current language code, e.g. "zh". */
const char *i18n_lang(void);

/* Switches language; false (and no change) when it was not loaded. */
bool i18n_set_lang(const char *lang);

/* Text for key in the current language; else in the fallback language; the key itself when
 * no table has it (so a missing string is visible, never a crash). The
 * pointer stays valid until i18n_unload/i18n_load. */
const char *tr(const char *key);

/* Text for key in the given language (same fallbacks). */
const char *tr_lang(const char *lang, const char *key);

/* True when lang's own table has key (no fallback): a check that a
 * translation is there, not only its fallback. */
bool i18n_has(const char *lang, const char *key);

/* Copies tr(key) into buf replacing each {name} by the value given after
 * it in the NULL-terminated list of name, value pairs. Unknown placeholders
 * are copied as written. Returns buf. */
char *i18n_format(char *buf, size_t size, const char *key, ...);

/* i18n_format in the given language rather than the current one (a printed
 * receipt is in the language of the resident it was made for). */
char *i18n_format_lang(char *buf, size_t size, const char *lang, const char *key, ...);

/* A time limit in working days for display, from the strings keys
 * days.none (days < 0: none set by law), days.on_the_spot (0), days.one and
 * days.n ("{n} working days"). Returns buf. */
char *i18n_days(char *buf, size_t size, int days);

#endif
