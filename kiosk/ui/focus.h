/*
 * focus: keypad and keyboard navigation (EZ-Access style), derived from the
 * frame record.
 *
 * Screens know nothing of it. Every frame records its touch targets
 * (ui.h); the focus is kept as the focused target's label and rect, found
 * again in each new record, so every present and future screen can be used
 * with arrow keys and Enter without code of its own:
 *  - order: targets of the top layer (an open dialog's, when one is open),
 *    enabled and visible, top to bottom in rows, each row left to right;
 *  - next/previous move through that order and wrap around; a target cut
 *    by its scroll area is scrolled fully into view; at the last target of
 *    a scroll area with more below, the area pages on (3/4 of its view)
 *    and the focus goes to the first target that came into view -- or,
 *    when a page holds only text, onto the scroll area itself, so a long
 *    guide can be read page by page;
 *  - activating queues the focused target's action and arg exactly as a
 *    tap's release does (ui_take_action);
 *  - the ring is drawn last, over everything, and only while "shown": after
 *    a key was used. A touch hides it and forgets the focus.
 * The app clears the focus when the screen changes and keeps the screen's
 * focus aside while a dialog is open.
 */
#ifndef KIOSK_UI_FOCUS_H
#define KIOSK_UI_FOCUS_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

struct ui;
struct ui_scroll;

#define UI_FOCUS_LABEL 256
#define UI_FOCUS_SPOKEN 4096

typedef struct ui_focus {
    bool has;                   /* something is focused */
    bool shown;                 /* draw the ring: a key was used since the last touch */
    /* the focused target as recorded, to find it again next frame */
    char label[UI_FOCUS_LABEL];
    SDL_Rect rect;
    int action;
    intptr_t arg;
    int index;                  /* in the last record; -1 when not in it */
    /* focus on a scroll area (a page of text with no target on it) */
    struct ui_scroll *area;
    /* a page step just scrolled `area`: in the next record, move on by dir */
    int pending;
    bool redraw;                /* the focus scrolled something during ui_end */
    char spoken[UI_FOCUS_SPOKEN];
} ui_focus;

/* Indexes into u->targets of the focusable targets of the last frame, in
 * reading order; returns how many (at most max). */
int ui_focus_order(const struct ui *u, int *order, int max);

/* Moves the focus to the next (dir > 0) or previous (dir < 0) target and
 * shows the ring; with nothing focused, to the first or the last. May
 * scroll (the next frame shows it). Returns true when a redraw is needed. */
bool ui_focus_move(struct ui *u, int dir);

/* Queues the focused target's action as a tap would; false when no target
 * is focused. */
bool ui_focus_activate(struct ui *u);

/* After the frame's record is complete (ui_end calls it): finds the focus
 * again, or forgets it when its target is gone. */
void ui_focus_refind(struct ui *u);

/* Draws the ring when shown (ui_end calls it after ui_focus_refind). */
void ui_focus_draw(struct ui *u);

/* True once when the refind scrolled something (draw the frame again). */
bool ui_focus_take_redraw(struct ui *u);

/* Forgets the focus (another screen); the ring stays shown for keys. */
void ui_focus_clear(struct ui *u);

/* A touch: forgets the focus and hides the ring. */
void ui_focus_hide(struct ui *u);

/* The focused target in the last record, or NULL. */
const struct ui_target *ui_focus_target(const struct ui *u);

/* What the voice reads for the focus: the focused target's label, or the
 * text drawn inside it when it has none (a tile), or the visible text of a
 * focused scroll area. NULL when nothing is focused or the ring is hidden. */
const char *ui_focus_label(const struct ui *u);

#endif
