/*
 * textcheck: is a text that people will read on the kiosk actually visible,
 * and does it show what it says?
 *
 * A service name made only of a right-to-left override, zero-width spaces
 * or combining marks renders as nothing, or reversed (U+202E before
 * "费缴保社" shows 社保缴费, so a name can read as something it is not), and
 * SDL_ttf draws other control and format characters as boxes. One rule,
 * used by every loader of texts that
 * technicians and translators write (the catalogue, its forms, search
 * words, the UI strings files):
 *
 *  - Control characters (Cc) are refused, except '\n' and '\t' in texts
 *    that may hold several lines (TEXT_MULTI_LINE).
 *  - Format characters (Cf) are refused: bidi embeddings, overrides and
 *    isolates (U+202A..U+202E, U+2066..U+2069), zero-width space and word
 *    joiner (U+200B, U+2060..U+2064), the byte order mark U+FEFF, the soft
 *    hyphen U+00AD (the kiosk breaks lines itself and never shows it),
 *    Mongolian vowel separator U+180E, interlinear annotations, tags and
 *    the rest of the Unicode 14 Cf list -- with three exceptions where a
 *    language needs them:
 *      * ZWNJ U+200C and ZWJ U+200D between two visible characters (Persian
 *        and Indic spellings, emoji sequences); at either end of the text or
 *        next to a space they only hide something, and are refused;
 *      * LRM U+200E, RLM U+200F and ALM U+061C in a text that holds a
 *        right-to-left letter (Arabic, Hebrew, ...), where they place
 *        numbers and punctuation; anywhere else they are refused;
 *      * the prepended concatenation marks (Arabic number sign U+0600..
 *        U+0605, U+06DD, Syriac U+070F, U+0890, U+0891, U+08E2, Kaithi
 *        U+110BD, U+110CD), which are drawn.
 *  - Line and paragraph separators U+2028, U+2029 and the Hangul fillers
 *    U+3164, U+FFA0 (blank "letters" used to fake empty names) are refused.
 *  - With TEXT_NEED_VISIBLE, the text must hold at least one visible
 *    character: not white space, not a combining mark, not a variation
 *    selector, not U+2800 (blank Braille pattern), not U+115F/U+1160.
 *
 * Input must be valid UTF-8 (every loader checks that first); a bad byte
 * is reported as U+FFFD at its offset rather than read past.
 */
#ifndef KIOSK_TEXTCHECK_H
#define KIOSK_TEXTCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    TEXT_MULTI_LINE = 1,    /* '\n' and '\t' allowed */
    TEXT_NEED_VISIBLE = 2,  /* at least one visible character (names, labels) */
};

typedef struct text_problem {
    uint32_t cp;        /* the offending code point; 0 when nothing is visible */
    size_t offset;      /* its byte offset in the text (0 when nothing is visible) */
    const char *what;   /* "a bidi override", ... for messages (static) */
} text_problem;

/* Checks s[0..len) against the rule above. Returns true when it holds;
 * otherwise fills *p (when not NULL) with the first offending character and
 * returns false. */
bool text_check_visible(const char *s, size_t len, unsigned flags,
                        text_problem *p);

/* Writes the message for p: "must not contain U+202E (a bidi override, which
 * reverses the text after it)" or "must contain at least one visible
 * character (it has only white space, combining marks or invisible
 * characters)". Returns out. */
char *text_problem_describe(const text_problem *p, char *out, size_t size);

/* May the one character at s (seq bytes of valid UTF-8, seq > 0) be shown
 * as it is in a message a person reads, on a terminal or a screen? False for
 * control characters (C0, DEL, C1: a CSI starts an escape sequence) and the
 * format characters the rule refuses (a bidi override reverses the rest of
 * the line): messages show those as '?'. */
bool text_char_shown(const char *s, size_t seq);

/* Is cp a combining mark (Unicode general category M)? */
bool text_is_mark(uint32_t cp);

#endif
