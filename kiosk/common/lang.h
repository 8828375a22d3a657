/*
 * lang: language codes as the kiosk's data files write them ("zh", "en",
 * "yue", "zh-Hant", "pt-BR"): 2 or 3 lower-case letters, optionally '-' and
 * a region or script subtag of 2 to 4 letters or digits. One rule for
 * kiosk.conf, the catalogue and the strings files, so a code valid in one
 * is valid in all.
 */
#ifndef KIOSK_LANG_H
#define KIOSK_LANG_H

#include <stdbool.h>
#include <stddef.h>

/* Buffer size for a code with its NUL ("zh-Hant" is 7 bytes). */
#define LANG_CODE_SIZE 8

/* Is s[0..len) a language code by the rule above? */
bool lang_code_ok(const char *s, size_t len);

/* The rule in words, for messages. */
#define LANG_CODE_RULE "a language code is 2 or 3 lower-case letters, " \
    "optionally '-' and a region or script (e.g. zh, en, yue, zh-Hant, pt-BR)"

#endif
