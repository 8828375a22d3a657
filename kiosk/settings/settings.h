/*
 * settings: kiosk.conf, the INI file field technicians edit (read with inih).
 *
 * Every key lives in one table in settings_keys.c with its type, range, default
 * and help text; adding a key is one line there. Unknown sections and keys
 * are errors, because a technician's typo ("idle_timout") silently ignored
 * would leave the kiosk running on a default nobody chose.
 *
 * Relative paths in the file are resolved against the directory of the file
 * itself, so a config tree can be copied anywhere and still work.
 */
#ifndef KIOSK_SETTINGS_H
#define KIOSK_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/diag.h"
#include "common/lang.h"
#include "rating/rating_level.h"

#define SETTINGS_MAX_LANGS 8
/* Site names: one per configured language plus the built-in zh and en. */
#define SETTINGS_MAX_SITE_NAMES (SETTINGS_MAX_LANGS + 2)
#define SETTINGS_MAX_READERS 32
/* Longest value accepted, in bytes (a reader list of 32 entries is ~512). */
#define SETTINGS_MAX_VALUE 1024
/* Room for the line of every key in the table (a unit test checks). */
#define SETTINGS_MAX_KEYS 80
/* [printer.NAME] sections: a kiosk has a receipt printer and perhaps an A4
 * one; four leaves room for a spare of each. A NAME is 1..15 lowercase
 * letters, digits and '-', so "printer.NAME" fits a status-model name. */
#define SETTINGS_MAX_PRINTERS 4
#define SETTINGS_PRINTER_NAME_MAX 15

typedef enum reader_transport {
    READER_BULK,    /* vendor interface (class 0xFF), bulk endpoints */
    READER_HID      /* frames tunnelled in 64-byte HID reports */
} reader_transport;

typedef struct reader_id {
    unsigned short vid, pid;
    reader_transport transport;
} reader_id;

typedef enum simulate_mode { SIMULATE_AUTO, SIMULATE_ON, SIMULATE_OFF } simulate_mode;
/* What a printer takes: ESC/POS bytes on a roll, or PDF pages of A4. */
typedef enum printer_kind { PRINTER_KIND_RECEIPT, PRINTER_KIND_A4 } printer_kind;

/* One [printer.NAME] section. */
typedef struct settings_printer {
    char name[SETTINGS_PRINTER_NAME_MAX + 1];   /* NAME, e.g. "receipt" */
    char *destination;      /* the CUPS queue (lpstat -e), owned; NULL only
                               after an error in the file */
    printer_kind kind;
    int width;              /* dots, a multiple of 8 (receipt; A4 keeps the default) */
    int dpi;                /* the printer's resolution; for A4 the one the
                               kiosk draws its pages at */
    int band_rows;          /* rows per ESC/POS raster command (receipt) */
    int deadline;           /* seconds a job may take before it is cancelled */
    int line;               /* line of the section header, 0 when not from a file */
} settings_printer;
typedef enum renderer_mode { RENDERER_SOFTWARE, RENDERER_ACCELERATED } renderer_mode;

/* A text in one language, e.g. the site name in en. */
typedef struct settings_text {
    char lang[LANG_CODE_SIZE];
    char *text;             /* owned, not empty */
} settings_text;

/* [rating] reasons: why a resident gave a poor rating, offered as choices.
 * An id is 1..SETTINGS_REASON_ID_MAX of a-z, 0-9 and '_'; its code
 * (reason.ID.code) is the indicator code uploaded; its labels
 * (reason.ID.LANG) are what the screen shows. */
#define SETTINGS_MAX_REASONS 12
#define SETTINGS_REASON_ID_MAX 24
#define SETTINGS_REASON_CODE_MAX 16
typedef struct settings_reason {
    char id[SETTINGS_REASON_ID_MAX + 1];
    char code[SETTINGS_REASON_CODE_MAX + 1];   /* "" = none given (an error) */
    settings_text labels[SETTINGS_MAX_SITE_NAMES];
    int n_labels;
} settings_reason;

typedef struct settings {
    char *path;             /* absolute path of the file loaded, NULL for defaults */

    /* [display] */
    int width, height;      /* pixels; portrait when height > width */
    bool fullscreen;
    int display_index;
    bool show_cursor;
    renderer_mode renderer;
    double panel_inches;    /* visible diagonal: millimetres per pixel for a11y */

    /* [fonts] -- NULL path means auto-detect from the Debian font paths */
    char *font_regular;  int font_regular_index;
    char *font_bold;     int font_bold_index;
    double font_scale;      /* 0.75..1.5, multiplies every text size */

    /* [ui] */
    char langs[SETTINGS_MAX_LANGS][LANG_CODE_SIZE];  /* e.g. "zh", "en"; langs[0]
                                                       is the session default */
    int n_langs;
    char fallback_lang[LANG_CODE_SIZE]; /* one of langs: shown where a text
                                           lacks the UI language */
    bool large_font;        /* start in large-font mode */
    bool high_contrast;
    /* site_name.<lang> keys, shown on the home screen (read with
     * settings_site_name): the built-in zh and en ones, each replaced by
     * the file's line for that language, plus any other language's. */
    settings_text site_names[SETTINGS_MAX_SITE_NAMES];
    int n_site_names;
    char *hotline;          /* help phone shown on every screen, e.g. "12345" */
    /* staff_location.<lang> keys: where residents find staff, said by the
     * status bar's call-staff button when the catalogue has no help
     * request form (read with settings_staff_location); built in and
     * replaced like site_names. */
    settings_text staff_locations[SETTINGS_MAX_SITE_NAMES];
    int n_staff_locations;

    /* [session] seconds */
    int idle_timeout;       /* no touch for this long -> "need more time?" */
    int idle_warning;       /* countdown shown in that dialog, >= 20 */
    int attract_after;      /* on home with no touch -> attract loop */

    /* [catalog] */
    char *catalog_path;

    /* [paths] */
    char *data_dir;
    char *assets_dir;

    /* [idcard] */
    simulate_mode idcard_simulate;
    bool idcard_remove_ends_session;
    int idcard_timeout_ms;  /* per USB transfer */
    reader_id readers[SETTINGS_MAX_READERS];
    int n_readers;

    /* [input] engines' data; missing data disables that input mode only */
    char *rime_data;
    char *handwriting_model;

    /* [outbox] caps on what waits, and how long sent rows are kept */
    int outbox_max_waiting;     /* rows; 0 = no cap */
    int outbox_max_age_days;    /* 0 = no cap */
    int outbox_retention_days;

    /* [platform] where transactions are uploaded and online services
     * answered (kiosk/platform); an empty endpoint keeps everything here */
    char *platform_endpoint;        /* https://host[:port][/prefix], "" none */
    char *platform_ca_file;         /* NULL: the system's CAs */
    char *platform_client_cert;     /* mutual TLS: both or neither */
    char *platform_client_key;
    char *platform_pins;            /* "sha256//B64[;sha256//B64...]", "" none */
    char *platform_token_file;      /* bearer token, NULL none */
    char *platform_device_id;       /* "" = derived from /etc/machine-id */
    int platform_connect_timeout;   /* seconds */
    int platform_timeout;           /* seconds, a whole request */
    int platform_batch_records;
    int platform_batch_kib;
    int platform_retry_after_max;   /* seconds: Retry-After is clamped to it */
    int platform_backoff_max;       /* seconds: the longest wait between tries */
    int platform_online_deadline;   /* seconds an online service may take */

    /* [rating] 好差评: the levels' codes (rating/rating_level.h), what a
     * rating record says about the channel, and the signed link for
     * rating later (rating/rating_sign.h) */
    char *rating_url;               /* link template, never NULL after a load */
    rating_scheme rating_code_scheme;
    char *rating_codes;             /* five codes overriding the scheme's, "" none */
    char *rating_channel_code;      /* 评价渠道, e.g. "5" = 政务大厅其他终端 */
    char *rating_source_code;       /* data source code given by the platform, "" none */
    char *rating_region_code;       /* 行政区划, 6..9 digits */
    bool rating_after_guide;        /* open the rating after a guide was used */
    int rating_max_age_days;        /* how long a link takes ratings */
    settings_reason reasons[SETTINGS_MAX_REASONS];  /* in [rating] reasons order */
    int n_reasons;

    /* [voice] spoken prompts (kiosk/voice, app/speech.c) */
    bool voice_enabled;
    char *voice_engine;         /* command name or path */
    int voice_rate;             /* words per minute */
    int voice_volume;           /* 0..100, each session starts here */
    int voice_keypad_volume;    /* 1..100: silent kiosk, keypad used */

    /* [printer.NAME] sections, in file order (settings_printer_find) */
    settings_printer printers[SETTINGS_MAX_PRINTERS];
    int n_printers;

    /* Absolute directory that relative paths were resolved against (the
     * config file's directory); settings_write writes paths under it back
     * as relative ones, so a written file can be moved with its tree. */
    char *base_dir;

    /* Line each key was set on in the file, 0 when it kept its default;
     * indexed like settings_key_at. Read with settings_key_line. */
    int key_line[SETTINGS_MAX_KEYS];
} settings;

/* Fills s with the built-in defaults (paths relative to base_dir, which may
 * be NULL for the current directory). Always succeeds unless out of memory
 * (returns false). */
bool settings_defaults(settings *s, const char *base_dir);

/* Loads FILE over the defaults. Every problem is appended to errors as
 * FILE:LINE: message; returns true only when there were none. On false, s
 * still holds the defaults plus every valid key, so callers can choose.
 * s need not be initialised (it is overwritten: settings_free it first if
 * it holds an earlier load). s->path stays NULL when the file could not be
 * read at all, so a caller can tell "unreadable" from "read, with errors".
 *
 * File syntax, beyond plain INI: indentation is ignored and there are no
 * continuation lines (an indented line is a line of its own); ';' after a
 * space starts a comment; a value is at most SETTINGS_MAX_VALUE bytes of
 * UTF-8 without control characters. Paths in the file are checked against
 * the file system (stat/access only, nothing is opened or created). */
bool settings_load(settings *s, const char *path, diag_list *errors);

/* Same for text in memory; name is used in messages, base_dir for paths. */
bool settings_parse(settings *s, const char *text, const char *name,
                     const char *base_dir, diag_list *errors);

/* Frees every string s owns and zeroes it; s may then be reused. */
void settings_free(settings *s);

/* Writes every key with its current value and help text, as a valid
 * kiosk.conf (used by `kioskctl config defaults`). Paths under s->base_dir
 * are written relative to it: the file reads back to equal settings when
 * placed in that directory. */
void settings_write(const settings *s, FILE *out);

/* True when every setting in a equals the one in b (path and base_dir, which
 * say where the settings came from, are not compared). For round-trip tests
 * and for telling whether a reloaded file changed anything. */
bool settings_equal(const settings *a, const settings *b);

/* The site name in lang; else in the fallback language; else the first
 * one; else "". Never NULL. */
const char *settings_site_name(const settings *s, const char *lang);

/* Where staff are, in lang; else in the fallback language; else the
 * first one; else "". Never NULL. */
const char *settings_staff_location(const settings *s, const char *lang);

/* [rating] reasons, in their configured order (i from 0 to count - 1). */
int settings_rating_reason_count(const settings *s);
/* The id ("attitude"); "" when i is out of range. */
const char *settings_rating_reason_id(const settings *s, int i);
/* The label of reason i in lang; else in the fallback language; else its
 * first label; else its id. "" when i is out of range. Never NULL. */
const char *settings_rating_reason_label(const settings *s, int i, const char *lang);
/* The indicator code ("L01"); "" when i is out of range. */
const char *settings_rating_reason_code(const settings *s, int i);
/* Index of the reason with this id, or -1. */
int settings_rating_reason_find(const settings *s, const char *id);
/* The code of every rating level: [rating] scheme, with [rating] codes
 * over it when set (a loaded file's codes are valid; a refused list
 * leaves the scheme's own). */
void settings_rating_codes(const settings *s, rating_codes *out);

/* The printer called name in [printer.NAME], or NULL. */
const settings_printer *settings_printer_find(const settings *s, const char *name);

/* "receipt" or "a4". */
const char *settings_printer_kind_name(printer_kind k);

/* The key table, read-only: for the tests and for tools that list keys.
 * [printer.NAME] keys are not in it (their sections repeat): see
 * settings_printer_key_count. */
typedef struct settings_key {
    const char *section;    /* "display", ... in file order */
    const char *name;       /* "width", ... */
    const char *type;       /* "int", "bool", "double", "string", "phone",
                               "path", "enum", "lang", "lang-list",
                               "lang-text", "reader-list", "code" (letters,
                               digits, '-', '_', '.'), "digits",
                               "reason-list". A "lang-text"
                               key is named NAME.LANG ("site_name.en"); the
                               table lists the built-in ones, and NAME.LANG
                               is accepted for any configured language */
    const char *def;        /* default as written in kiosk.conf; "" = empty */
    const char *help;       /* one line, English */
} settings_key;

size_t settings_key_count(void);

/* Line of the file that set [section] name in s, 0 when it was not in the
 * file (or is no key): for checks outside this module that report against
 * the key, such as the data directory's write probe. */
int settings_key_line(const settings *s, const char *section, const char *name);

/* NULL when i >= settings_key_count(). */
const settings_key *settings_key_at(size_t i);

/* The keys of a [printer.NAME] section (section "printer.NAME" in each). */
size_t settings_printer_key_count(void);
const settings_key *settings_printer_key_at(size_t i);

#endif
