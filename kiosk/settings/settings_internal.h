/*
 * settings_internal: what the settings files share (private to
 * kiosk/settings/): the key table's row type, the table itself, key lookups,
 * typed values and the small text helpers messages use.
 */
#ifndef KIOSK_SETTINGS_INTERNAL_H
#define KIOSK_SETTINGS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "settings/settings.h"

typedef enum key_type {
    KT_INT, KT_BOOL, KT_DOUBLE, KT_STRING, KT_PHONE, KT_PATH, KT_ENUM,
    KT_LANG, KT_LANGS, KT_LTEXT, KT_READERS,
    KT_CODE,        /* min..max letters, digits, '-', '_', '.' (unit: an example) */
    KT_DIGITS,      /* min..max digits (unit: an example) */
    KT_REASONS      /* [rating] reasons: ids, each with its code and labels */
} key_type;

/* What check_after_parse verifies on the file system for a path key. */
typedef enum path_check {
    PC_NONE,
    PC_FILE,            /* a readable regular file */
    PC_DIR,             /* an existing directory */
    PC_DIR_OR_PARENT    /* a directory, or absent with an existing parent
                           (the kiosk creates the last level itself) */
} path_check;

typedef struct key_def {
    settings_key pub;       /* first, so settings_key_at can hand it out */
    key_type type;
    size_t offset;          /* of the field in struct settings */
    size_t count_offset;    /* lists: of the int holding the entry count */
    double min, max;        /* int and double: range; string, path: the
                               minimum length (0 = may be empty) in min;
                               code, digits: the length range */
    const char *unit;       /* int: "seconds" etc. for messages; code,
                               digits: an example value; may be NULL */
    const char *const *choices; /* enum: NULL-terminated, index = value */
    path_check check;
} key_def;

/* ---- the table (settings_keys.c) ----------------------------------------- */

typedef struct settings_section {
    const char *name;
    const char *help;
} settings_section;

/* Every key, settings_n_keys rows, in file order; settings_key_at hands out
 * their pub parts. */
extern const key_def settings_keys[];
extern const size_t settings_n_keys;

/* In file order; every key's section must be one of these (a unit test
 * checks), and settings_write walks this list. */
extern const settings_section settings_sections[];
extern const int settings_n_sections;

/* Row of [settings_sections[section]] name, or -1. */
int settings_find_key(int section, const char *name);

/* Row of the key whose value lives at offset in struct settings, or -1
 * (for the cross-key rules). */
int settings_key_at_offset(size_t offset);

/* The lang-text row whose family ("site_name") the key NAME.LANG belongs
 * to in section, for a LANG without a row of its own; -1 when none. */
int settings_find_family(int section, const char *name);

/* "site_name.en" -> the code after the family name's '.', or NULL. */
const char *settings_lang_of_key(const char *name);

/* ---- [printer.NAME] sections (settings_printers.c) ------------------------ */

/* The rows of a printer section, offsets into settings_printer. */
enum { PK_DESTINATION, PK_KIND, PK_WIDTH, PK_DPI, PK_BAND_ROWS, PK_DEADLINE, PK_COUNT };
extern const key_def settings_printer_keys[PK_COUNT];

/* Room for "printer." and a NAME. */
#define PRINTER_SECTION_SIZE (8 + SETTINGS_PRINTER_NAME_MAX + 1)

/* name[0..len) is a printer's NAME: 1..SETTINGS_PRINTER_NAME_MAX of a-z,
 * 0-9 and '-'. */
bool settings_printer_name_ok(const char *name, size_t len);

/* Appends printer name with the receipt defaults and returns it; NULL when
 * SETTINGS_MAX_PRINTERS are there. */
settings_printer *settings_printer_add(settings *s, const char *name, int line);

/* Row k moved onto s->printers[i], its section "printer.NAME" written to
 * section: settings_set_value and the messages then work as for any key. */
key_def settings_printer_row(const settings *s, int i, int k,
                             char section[PRINTER_SECTION_SIZE]);

/* A CUPS queue name lpadmin would take: 1..127 bytes, no space, control
 * character, '/', '\\', quote, '?', '#' or ','. False with why filled. */
bool settings_printer_destination_ok(const char *v, char *why, size_t wsize);

/* Once a section is read: the kind's defaults for what it did not set
 * (set[k] says which rows it set), and the receipt-only rows back to
 * their defaults on an A4 printer. */
void settings_printer_finish(settings_printer *p, const bool set[PK_COUNT]);

void settings_printers_write(const settings *s, FILE *out);
bool settings_printers_equal(const settings *a, const settings *b);
void settings_printers_free(settings *s);

/* ---- [rating] reasons (settings_rating.c) ----------------------------------- */

/* The value of [rating] reasons: the ids in order, each with the built-in
 * code and labels when it is one of the built-in reasons, else none yet
 * (reason.ID.code and reason.ID.LANG keys add them). False with why filled,
 * s untouched, when an entry is not an id, is listed twice, or there are
 * none or more than SETTINGS_MAX_REASONS. */
bool settings_reasons_set(settings *s, const char *v, char *why, size_t wsize);

/* A key "reason.ID.LANG" or "reason.ID.code" of [rating], once the list is
 * known. Stores it and returns true; false with why filled (the part after
 * "[rating] NAME = VALUE: ") when ID is not listed, LANG is not a language
 * code, the code is not 1..SETTINGS_REASON_CODE_MAX letters, digits, '-',
 * '_' or '.', or the value is empty. *lang_out (may be NULL) is set to the
 * label's language, "" for a code, so the caller can check it is one of
 * [ui] languages. */
bool settings_reason_key(settings *s, const char *name, const char *value,
                         char lang_out[LANG_CODE_SIZE], char *why, size_t wsize);

/* After the reasons row: each reason's reason.ID.code and reason.ID.LANG
 * lines. */
void settings_reasons_write(const settings *s, FILE *out);
bool settings_reasons_equal(const settings *a, const settings *b);
void settings_reasons_free(settings *s);

/* ---- text helpers (settings_values.c) ------------------------------------ */
/* ASCII-only on purpose: <ctype.h> follows the locale, and the kiosk's
 * parsing must not change with LANG. */

bool settings_is_space(char c);

/* Trims ASCII whitespace from both ends of s[0..*len); returns the start. */
const char *settings_trim(const char *s, size_t *len);

/* s[0..len) is exactly word. */
bool settings_span_eq(const char *s, size_t len, const char *word);

/* Room for SHOWN_MAX bytes of text plus "..." and the NUL. */
#define SHOWN_MAX 48
#define SHOWN_SIZE (SHOWN_MAX + 4)

/* Copies s[0..len) into buf for a message: at most SHOWN_MAX bytes, cut on
 * a character boundary and marked "...", control characters and invalid
 * bytes as '?'. Returns buf. */
const char *settings_shown(char buf[SHOWN_SIZE], const char *s, size_t len);

/* ---- values (settings_values.c) ------------------------------------------ */

/* dir made absolute against the current directory (NULL or "" = the
 * current directory itself), normalised. NULL when out of memory. */
char *settings_absolute_path(const char *dir);

/* "1.50" for 150 hundredths (locale-proof, unlike %f). */
void settings_format_hundredths(long h, char *buf, size_t size);

/* Parses v as key k's type and stores it in s; on a bad value fills why
 * (the part after "key = value: ") and returns false, s untouched. Relative
 * paths resolve against s->base_dir, which must be set. */
bool settings_set_value(settings *s, const key_def *k, const char *v,
                        char *why, size_t wsize);

/* Stores v as the text in the language key name ("site_name.en") names, in
 * the list of family k, replacing an earlier one in that language; false
 * with why filled otherwise. */
bool settings_set_lang_text(settings *s, const key_def *k, const char *name,
                            const char *v, char *why, size_t wsize);

#endif
