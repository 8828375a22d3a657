/*
 * ink: the strokes a resident writes on the handwriting pad -- plain data,
 * no engine and no SDL, so the pad UI, the recogniser and the tests share
 * one picture of what was written.
 *
 * Everything is fixed-size: a pad holds at most INK_MAX_STROKES strokes and
 * INK_MAX_POINTS points in all, which is far more than any character needs
 * (the most complex common ones have about 25 strokes) and keeps a
 * recognition free of allocation on the touch path.
 *
 * Handwriting is the resident's personal input: ink_clear and ink_undo wipe
 * the points they drop with explicit_bzero instead of leaving them in memory.
 */
#ifndef KIOSK_INK_H
#define KIOSK_INK_H

#include <stdbool.h>

#define INK_MAX_STROKES 32
#define INK_MAX_POINTS 2048          /* all strokes together */

/* Points closer than this (in pad pixels) to the previous one are dropped:
 * a finger resting on the glass reports the same spot many times, and
 * those repeats only slow the recogniser down. */
#define INK_MIN_DISTANCE 2

typedef struct ink {
    int width, height;               /* the pad's size in pixels (coordinates are 0..width-1, 0..height-1, y down) */
    int n_strokes;
    int stroke_end[INK_MAX_STROKES]; /* index in x/y past each stroke's last point */
    int n_points;
    short x[INK_MAX_POINTS], y[INK_MAX_POINTS];
    bool in_stroke;                  /* a stroke is being drawn */
} ink;

/* Empty pad of that size (each at least 1 and at most SHRT_MAX); wipes the
 * old points (explicit_bzero: handwriting is the resident's). */
void ink_clear(ink *k, int width, int height);

/* Starts a stroke at x,y (clamped into the pad); false when full (no room
 * for another stroke or another point). A stroke still open is ended first,
 * so a lost finger-up event never glues two strokes together. */
bool ink_begin(ink *k, int x, int y);

/* Adds a point to the current stroke (clamped into the pad), dropping
 * points closer than INK_MIN_DISTANCE px to the last one (that is not a
 * failure: true); false when full or no stroke is being drawn. */
bool ink_add(ink *k, int x, int y);

/* Ends the current stroke; a stroke of one point stays (a dot). Nothing
 * happens when no stroke is being drawn. */
void ink_end(ink *k);

/* Removes the last stroke (also one still being drawn) and wipes its
 * points; false when empty. */
bool ink_undo(ink *k);

/* Number of points of stroke i and its first index in x/y (first may be
 * NULL); 0 (first = n_points) when there is no stroke i. */
int ink_stroke_points(const ink *k, int i, int *first);

#endif
