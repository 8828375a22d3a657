/*
 * ui: one frame of the touch interface, drawn immediate-mode.
 *
 * A screen's draw function calls ui_button, ui_paragraph, ui_scroll_begin ...
 * every frame; each call draws and also records what it put where (touch
 * targets with their labels, visible text). Input that arrives before the
 * next frame is matched against that record, and so are the script
 * harness's `tap TEXT` and `expect TEXT`: the harness sees exactly what a
 * resident sees, clipped by scroll areas and covered by dialogs.
 *
 * Touch rules (what residents of every age expect from a kiosk):
 *  - a target shows pressed on the frame after the finger lands;
 *  - it activates on release inside the same target, never on press;
 *  - a finger that moves more than a slop distance starts a drag of the
 *    scroll area under it and cancels the press, so a drag never taps;
 *  - releasing a drag leaves inertia that decays, clamped at the ends;
 *  - only the top layer (an open dialog) takes input.
 */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ime/ink.h"
#include "ui/focus.h"
#include "ui/text.h"
#include "ui/theme.h"

#define UI_MAX_TARGETS 512
#define UI_MAX_TEXTS 1024
#define UI_MAX_SCROLLS 8
#define UI_TEXT_ARENA (96 * 1024)

typedef struct ui_target {
    SDL_Rect rect;          /* visible part, screen coordinates */
    SDL_Rect whole;         /* before clipping (scrolled out of its area in part) */
    int action;
    intptr_t arg;
    int layer;
    bool enabled;
    const char *label;      /* in the frame arena; may be "" */
    /* The whole rect as laid out, and whether only part shows because a
     * scroll area's edge cuts it along its scrolling axis: such a target
     * is as big as its full rect (a11y). */
    SDL_Rect full;
    bool scrolled;
} ui_target;

typedef struct ui_textrec {
    SDL_Rect rect;
    int group;              /* lines of one paragraph share a group */
    int layer;
    const char *text;       /* in the frame arena */
    /* For the accessibility check (ui/a11y.h). */
    SDL_Color fg;           /* colour drawn with */
    SDL_Color bg;           /* what was under it, sampled when u->sample_bg */
    bool bg_known;
    bool ellipsised;        /* cut with "…" to fit */
    bool overflows;         /* wider than the box its caller gave it */
    bool clipped;           /* cut by a clip rect or the screen across
                               the way it scrolls (or with no scroll) */
    bool scrolled;          /* partly out of a scroll area along its axis */
} ui_textrec;

/* Scroll state lives in the screen's own state so it survives frames. */
typedef struct ui_scroll {
    float offset;           /* pixels scrolled, 0..max */
    float velocity;         /* pixels per second, for inertia */
    int content;            /* content extent along the axis, last frame */
    int view;               /* view extent along the axis, last frame */
    bool horizontal;
} ui_scroll;

typedef enum ui_style {
    UI_PRIMARY,     /* filled government blue */
    UI_SECONDARY,   /* white with a border */
    UI_QUIET,       /* text only, e.g. header icons */
    UI_DANGER
} ui_style;

typedef enum ui_align { UI_LEFT, UI_CENTER, UI_RIGHT } ui_align;

typedef struct ui {
    SDL_Renderer *r;
    theme th;

    /* what the last frame drew */
    ui_target targets[UI_MAX_TARGETS];
    int n_targets;
    ui_textrec texts[UI_MAX_TEXTS];
    int n_texts;
    struct { ui_scroll *s; SDL_Rect rect; int layer; } scrolls[UI_MAX_SCROLLS];
    int n_scrolls;
    char arena[UI_TEXT_ARENA];
    size_t arena_used;
    int layer;
    int top_layer;          /* highest layer drawn last frame */
    int next_group;
    SDL_Rect clip;
    bool clipping;
    bool clip_horizontal;   /* the axis of the scroll area that clips */
    /* When set, each line of text samples the pixels it is about to cover
     * and records their most common colour as its background. Reading
     * pixels back costs time: the a11y check sets it for one frame. */
    bool sample_bg;

    /* input between frames */
    bool down;
    int down_x, down_y, last_x, last_y;
    uint64_t last_move_ms;
    bool has_pressed;
    ui_target pressed;      /* copy: the frame record may be rebuilt */
    bool pressed_inside;
    ui_scroll *drag;        /* scroll area being dragged, or NULL */
    bool dragging;
    bool has_action;
    int action;
    intptr_t action_arg;
    /* the writing pad of this frame (ui_pad), and the stroke being drawn */
    struct { SDL_Rect rect; ink *k; int action; intptr_t arg; int layer; } pad, inking_pad;
    bool has_pad;
    bool inking;

    ui_focus focus;         /* keypad navigation (ui/focus.h) */

    /* The pictograms icons_draw uses (ui/icons.h); owned by the app,
     * NULL draws none. */
    struct icons *icons;
} ui;

void ui_init(ui *u, SDL_Renderer *r);

/* Starts a frame: clears the record and the screen. */
void ui_begin(ui *u);

/* Wipes what the last frame recorded (the text arena and the text and
 * target records): the arena is reused from its start each frame, so text
 * a resident typed stayed in its tail after the screen changed. Labels read
 * "" until the next frame redraws. Called at sign-out and session end. */
void ui_forget_frame(ui *u);
/* Ends it: finds the keypad focus again and draws its ring on top. */
void ui_end(ui *u);

/* Forgets input state and the record (after a screen change, whose scroll
 * states the record points into). */
void ui_reset_input(ui *u);

/* Layers: a dialog calls ui_layer_push before drawing; input then reaches
 * only targets of the highest layer. */
void ui_layer_push(ui *u);

/* --- drawing ------------------------------------------------------------ */
void ui_fill(ui *u, SDL_Rect r, SDL_Color c);
void ui_round(ui *u, SDL_Rect r, int radius, SDL_Color c);
void ui_round_border(ui *u, SDL_Rect r, int radius, int width, SDL_Color border,
                     SDL_Color fill);
void ui_dim(ui *u);
/* An outline of width px just inside r, with rounded corners. */
void ui_ring(ui *u, SDL_Rect r, int radius, int width, SDL_Color c);     /* darken everything drawn so far (under a dialog) */

/* One line; text wider than w is cut with an ellipsis ("…") when
 * ellipsis is true, else simply drawn (callers that cannot overflow).
 * Returns the width drawn. y is the top of the line box. */
int ui_text(ui *u, const char *s, int x, int y, int w, int px, text_weight wt,
            SDL_Color c, ui_align align, bool ellipsis);

/* Wrapped paragraph in a column of width w starting at y. Returns the
 * height used. With draw false only measures. */
int ui_paragraph(ui *u, const char *s, int x, int y, int w, int px,
                 text_weight wt, SDL_Color c, ui_align align, bool draw);

/* Like ui_paragraph (drawing) but at most max_lines lines; when the text
 * needs more, the last line shown ends with an ellipsis. Returns height. */
int ui_paragraph_max(ui *u, const char *s, int x, int y, int w, int px,
                     text_weight wt, SDL_Color c, ui_align align, int max_lines);

/* Records a touch target (drawn by the caller). */
void ui_target_add(ui *u, SDL_Rect r, int action, intptr_t arg, const char *label);

/* True while the finger is down on this target (draw it pressed). */
bool ui_is_pressed(const ui *u, int action, intptr_t arg);

/* A button: draws, records, shows pressed state. Label is wrapped to at
 * most two lines when it does not fit one. */
void ui_button(ui *u, SDL_Rect r, const char *label, ui_style style,
               int action, intptr_t arg);

/* QR code of text, black on white with a quiet zone, centred in r. */
void ui_qr(ui *u, SDL_Rect r, const char *text);

/* Scroll area: draw its content between begin and end, offset by the
 * returned amount (pixels along the axis). content is the full extent. */
int ui_scroll_begin(ui *u, ui_scroll *s, SDL_Rect view, int content);
void ui_scroll_end(ui *u, ui_scroll *s, SDL_Rect view);

/* A writing pad: a finger that lands inside r draws a stroke into k (in
 * pad coordinates, 0..r.w-1 x 0..r.h-1) instead of tapping or scrolling,
 * with the same one-finger filtering as every touch; when it lifts, action
 * with arg is taken like a tap, so the screen can recognise the ink. The
 * caller draws the pad and its ink. One pad per frame. */
void ui_pad(ui *u, SDL_Rect r, ink *k, int action, intptr_t arg);

/* Does rect r intersect the current clip (worth drawing)? */
bool ui_visible(const ui *u, SDL_Rect r);

/* --- input ---------------------------------------------------------------- */
/* Each returns true when the screen must be redrawn. */
bool ui_pointer_down(ui *u, int x, int y);
bool ui_pointer_move(ui *u, int x, int y);
bool ui_pointer_up(ui *u, int x, int y);

/* Advances inertia by dt_ms; returns true while something still moves. */
bool ui_animate(ui *u, int dt_ms);

/* Takes the action completed by the last release, if any. */
bool ui_take_action(ui *u, int *action, intptr_t *arg);

/* --- queries (script harness, tests) -------------------------------------- */
/* Finds the best visible, enabled top-layer target labelled text (exact
 * match first, then containing it). NULL when none. */
const ui_target *ui_find_target(const ui *u, const char *text);

/* Is text visible on the last frame (within one line or one paragraph)? */
bool ui_text_visible(const ui *u, const char *text);

/* Writes the visible text of the last frame, one item per line. */
void ui_dump_text(const ui *u, FILE *out);

#endif
