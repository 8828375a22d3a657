/*
 * linebreak: splits mixed Chinese/Latin text into lines that fit a width.
 *
 * Rules, after the usual practice for Chinese typesetting (禁则):
 *  - a line may break between any two CJK characters;
 *  - Latin words stay whole (break at spaces, and after '/' or '-' inside
 *    long tokens such as URLs); a word wider than the line is split by
 *    character as a last resort rather than overflowing;
 *  - no line starts with closing punctuation (，。、：；！？）》」 ...) and no
 *    line ends with opening punctuation (（《「 ...): the character before
 *    the closing mark moves down with it;
 *  - '\n' is a hard break; spaces at a break are dropped.
 * Widths come from a per-code-point advance callback so the module needs no
 * font and can be tested on its own.
 */
#ifndef KIOSK_LINEBREAK_H
#define KIOSK_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int (*linebreak_advance_fn)(void *ctx, uint32_t cp);

typedef struct linebreak_line {
    size_t start;   /* byte offset into the text */
    size_t len;     /* bytes, trailing spaces and the '\n' excluded */
    int width;      /* pixels, by the advance callback */
} linebreak_line;

/* Wraps text into at most max_lines lines no wider than max_width (unless a
 * single character is wider). Returns the number of lines the whole text
 * needs, which may exceed max_lines: only the first max_lines are stored. */
size_t linebreak_wrap(const char *text, int max_width,
                      linebreak_advance_fn advance, void *ctx,
                      linebreak_line *lines, size_t max_lines);

/* True for code points treated as CJK for breaking. */
bool linebreak_is_cjk(uint32_t cp);
bool linebreak_is_closing(uint32_t cp);
bool linebreak_is_opening(uint32_t cp);

#endif
