/*
 * keyboard: the on-screen keyboard of every text field (the search box and
 * the form fields). Four modes, one tap apart on its bottom row:
 *
 *   拼音   Chinese by pinyin: letters compose, a candidate bar offers the
 *          words (large, paged), space takes the first;
 *   英文   English letters and digits;
 *   数字   digits and Chinese punctuation (，。？！、：);
 *   手写   a writing pad: each stroke shows as the resident writes, the
 *          candidates follow every stroke, with undo and rewrite keys.
 *
 * The keys act on the text-entry state (ime/ime.h); keyboard_press turns a
 * key into an ime_edit that the screen applies to its field with
 * keyboard_apply, so every field behaves the same.
 */
#ifndef KIOSK_KEYBOARD_H
#define KIOSK_KEYBOARD_H

#include "ime/ime.h"
#include "ui/ui.h"

/* The args of keyboard targets that are not a character: */
enum {
    KEYBOARD_BACKSPACE = -1,
    KEYBOARD_CLEAR = -2,
    KEYBOARD_SPACE = -3,
    KEYBOARD_MODE = -10,        /* - mode: -10 .. -13 */
    KEYBOARD_PAGE_PREV = -20,
    KEYBOARD_PAGE_NEXT = -21,
    KEYBOARD_UNDO = -22,        /* the last stroke */
    KEYBOARD_REWRITE = -23,     /* the whole pad */
    KEYBOARD_STROKE = -24,      /* a stroke ended on the pad */
    KEYBOARD_CANDIDATE = -100,  /* - index */
    KEYBOARD_PUNCT = -200       /* - index into the punctuation keys */
};

/* Height the keyboard needs for width w. */
int keyboard_height(const ui *u, int w);

/* Draws the keyboard of the current mode in r; every key is a target with
 * the given action and as arg a character ('a', '7') or a KEYBOARD_ value. */
void keyboard_draw(ui *u, SDL_Rect r, int action);

/* The number pad, for a field that takes only numbers (a phone, a date, a
 * count): 1-9 and 0 as large keys in a 3 x 4 block, up to two extra keys
 * beside the 0 (extras: "-", or "" for none), 删除 and 清空 twice as tall on
 * the right, and no mode keys -- nothing a resident could switch to would
 * be taken, and older residents find twelve big keys faster than fifty. Its
 * keys act through keyboard_press like the keyboard's; the text-entry state
 * should be in IME_DIGITS. */
int keyboard_pad_height(const ui *u, int w);
void keyboard_draw_pad(ui *u, SDL_Rect r, int action, const char *extras);

/* Does what key arg means to the text-entry state; e says what happens to
 * the field. False (e empty) when arg is no key of this keyboard. */
bool keyboard_press(intptr_t arg, ime_edit *e);

/* Applies e to field, a NUL-terminated UTF-8 buffer of size bytes; text
 * that does not fit is cut at a character boundary. */
void keyboard_apply(const ime_edit *e, char *field, size_t size);

#endif
