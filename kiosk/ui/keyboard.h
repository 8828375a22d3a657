/*
 * keyboard: the on-screen keyboard for search: digits, Latin letters (for
 * pinyin initials and English words), space, backspace and clear. Chinese
 * text arrives from a physical keyboard's input method or the script
 * harness as text input; residents search Chinese services by pinyin.
 */
#ifndef KIOSK_KEYBOARD_H
#define KIOSK_KEYBOARD_H

#include "ui/ui.h"

enum { KEYBOARD_BACKSPACE = -1, KEYBOARD_CLEAR = -2, KEYBOARD_SPACE = -3 };

/* Height the keyboard needs for width w. */
int keyboard_height(const ui *u, int w);

/* Draws the keys in r; each key is a target with the given action and as
 * arg either the character (e.g. 'a') or one of the KEYBOARD_ values. */
void keyboard_draw(ui *u, SDL_Rect r, int action, const char *space_label,
                   const char *clear_label, const char *backspace_label);

#endif
