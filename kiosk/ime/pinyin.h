/*
 * pinyin: Chinese by pinyin, through Rime (librime) with the luna_pinyin_simp
 * schema: full pinyin (shebao -> 社保), abbreviated pinyin (sb -> 社保),
 * paged candidates.
 *
 * Data: Rime reads Debian's read-only shared data (/usr/share/rime-data, with
 * its prebuilt dictionaries) and keeps its own files in a private directory
 * under data_dir. The kiosk's files in assets/rime (two patches: one
 * schema, eight candidates a page, and NO user dictionary; a fixed phrase
 * list of service words, sb -> 社保) are copied there;
 * compiling the patched schema ("deployment", about half a second once) is
 * done ahead by `kioskctl ime prepare`, or on first use when nobody did.
 *
 * A public kiosk forgets: with the user dictionary off Rime learns nothing
 * from what residents commit, and pinyin_forget drops the session's
 * composition and context at the end of every resident's session.
 *
 * Rime is one engine per process: open it once (on first use, never at
 * start-up), from the UI thread, and use it from that thread only.
 */
#ifndef KIOSK_PINYIN_H
#define KIOSK_PINYIN_H

#include <stdbool.h>
#include <stddef.h>

#define PINYIN_MAX_CANDIDATES 10
#define PINYIN_TEXT_MAX 64      /* one candidate in UTF-8, with its NUL */

typedef struct pinyin pinyin;

/* Starts Rime: shared_dir is Rime's shared data (NULL: /usr/share/rime-data),
 * user_dir the private directory (created 0700 when missing), patch_dir the
 * directory of the kiosk's Rime files (assets/rime). Deploys when
 * needed. NULL with a clear message in err when the engine or its data is
 * missing (naming the Debian packages) or the directory cannot be written. */
pinyin *pinyin_open(const char *shared_dir, const char *user_dir, const char *patch_dir,
                    char *err, size_t err_size);

/* Stops Rime. NULL is fine. */
void pinyin_close(pinyin *p);

/* Deploys (compiles the patched schema) into user_dir and returns; the
 * same checks and messages as pinyin_open. For `kioskctl ime prepare`. */
bool pinyin_prepare(const char *shared_dir, const char *user_dir, const char *patch_dir,
                    char *err, size_t err_size);

/* A pinyin letter a..z, or the apostrophe that separates syllables. False
 * when the engine did not take it. */
bool pinyin_letter(pinyin *p, char c);

/* Deletes the last letter of the composition; false when there is none. */
bool pinyin_backspace(pinyin *p);

/* The letters typed so far (raw, "shebao"), "" when not composing. */
const char *pinyin_input(pinyin *p);

/* The composition as Rime shows it ("she bao"), "" when not composing. */
const char *pinyin_preedit(pinyin *p);

typedef struct pinyin_page {
    int n;                                  /* candidates on this page */
    char text[PINYIN_MAX_CANDIDATES][PINYIN_TEXT_MAX];
    int page_no;                            /* 0-based */
    bool last_page;
} pinyin_page;

/* The current page of candidates (n = 0 when not composing). */
void pinyin_candidates(pinyin *p, pinyin_page *out);

/* Turns the page; false at the end. */
bool pinyin_page_next(pinyin *p);
bool pinyin_page_prev(pinyin *p);

/* Chooses candidate i of the current page. When that completes the
 * composition the chosen text is written to commit (else commit is "" and
 * the rest of the letters stay composing, as after 社保 from "shebaoju").
 * False when i is not on the page. */
bool pinyin_select(pinyin *p, int i, char *commit, size_t size);

/* Commits the first candidate (the space bar); false when not composing. */
bool pinyin_commit_first(pinyin *p, char *commit, size_t size);

/* Drops the composition (the clear key). */
void pinyin_clear(pinyin *p);

/* Ends the resident's session: drops the composition and Rime's session
 * with its context, so the next resident starts from nothing. */
void pinyin_forget(pinyin *p);

#endif
