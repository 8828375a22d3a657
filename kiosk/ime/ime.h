/*
 * ime: text entry for the on-screen keyboard -- which mode the resident is
 * writing in (pinyin, English letters, digits and punctuation, handwriting),
 * the engines behind the Chinese modes, and what each key does to the text
 * field.
 *
 * The keyboard (ui/keyboard.c) draws from this state and turns taps into
 * calls here; each call fills an ime_edit that the screen applies to its
 * own field (append, delete, clear), so a search box and a form field work
 * the same way. The engines open on first use, never at start-up; when one
 * cannot (its Debian data package missing), ime_error says why in plain
 * words and the Latin keyboard keeps working.
 *
 * A public kiosk forgets: ime_reset at the end of every session drops the
 * composition, the candidates, the ink and the engines' session state
 * (see pinyin.h for why nothing is learned).
 *
 * UI thread only. One keyboard is on screen at a time, so the state is
 * module-wide.
 */
#ifndef KIOSK_IME_H
#define KIOSK_IME_H

#include <stdbool.h>
#include <stddef.h>

#include "ime/ink.h"

typedef enum ime_mode {
    IME_PINYIN,         /* Chinese by pinyin (full or initials) */
    IME_LETTERS,        /* English letters and digits */
    IME_DIGITS,         /* digits and punctuation */
    IME_HANDWRITING,    /* Chinese by hand on the writing pad */
    IME_N_MODES
} ime_mode;

#define IME_MAX_CANDIDATES 10
#define IME_CANDIDATE_SIZE 64

/* What a key did to the text field: delete `backspaces` characters (after
 * clearing it when `clear`), then append `commit`. */
typedef struct ime_edit {
    bool clear;
    int backspaces;
    char commit[IME_CANDIDATE_SIZE * 2];
} ime_edit;

/* Where the engines find their data: assets_dir/rime holds the kiosk's Rime
 * files, private_dir/rime becomes Rime's own directory; rime_shared (NULL:
 * /usr/share/rime-data) and zinnia_model (NULL: the Debian model) may be
 * overridden for tests. Opens nothing. Strings are copied. */
void ime_configure(const char *assets_dir, const char *private_dir, const char *rime_shared,
                   const char *zinnia_model);

/* Closes the engines (kiosk shutdown). */
void ime_shutdown(void);

ime_mode ime_get_mode(void);

/* Switches mode, committing nothing: a composition in progress is dropped.
 * Opens the mode's engine on first use; when it cannot, the mode stays
 * selected with ime_error set, so the resident sees why. */
void ime_set_mode(ime_mode m);

/* Why the current mode cannot work ("" when it can), in technician words
 * for the log; residents see the keyboard's own sentence. */
const char *ime_error(void);

/* A key: a..z, 0..9 or ASCII punctuation. In pinyin mode letters compose;
 * elsewhere (and for digits and punctuation everywhere) the key commits. */
void ime_key(int ch, ime_edit *e);

/* Commits text as it is (a punctuation key: "，", "。"). */
void ime_text(const char *utf8, ime_edit *e);

/* The space key: in pinyin mode with a composition, commits the first
 * candidate; otherwise a space. */
void ime_space(ime_edit *e);

/* Backspace: deletes a composed letter or the last stroke's candidates
 * first, then a character of the field. */
void ime_backspace(ime_edit *e);

/* The clear key: drops the composition and the ink, and clears the field. */
void ime_clear(ime_edit *e);

/* The candidates on offer (pinyin page or handwriting results), best first. */
int ime_candidates(char out[][IME_CANDIDATE_SIZE], int max);
bool ime_has_prev_page(void);
bool ime_has_next_page(void);
void ime_page(int direction);   /* -1 previous, +1 next */

/* Chooses candidate i: commits it (pinyin may keep composing the rest). */
void ime_select(int i, ime_edit *e);

/* Pinyin letters being composed ("shebao"), "" when none: a search looks
 * them up as pinyin while the resident types. */
const char *ime_composing(void);

/* The composition as shown above the candidates ("she bao"). */
const char *ime_preedit(void);

/* The writing pad's ink (handwriting mode); the keyboard sizes it. */
ink *ime_ink(void);

/* A stroke ended: recognise the ink again. */
void ime_stroke_done(void);

/* Removes the last stroke (and recognises again); false when empty. */
bool ime_undo_stroke(void);

/* Ends the session: composition, candidates and ink wiped, engines'
 * session state dropped. The mode returns to `mode`. */
void ime_reset(ime_mode mode);

#endif
