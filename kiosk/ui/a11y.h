/*
 * a11y: the accessibility rules of issue 12, checked on what one frame
 * recorded (ui.h: its touch targets and its texts). The script line
 * `a11y` runs it on the current frame; a unit test runs it on made-up
 * records.
 *
 * Rules, on the top layer only (what a dialog covers is dimmed and cannot
 * be touched):
 *  - a touch target is at least A11Y_MIN_TARGET_MM in both dimensions
 *    (its full rect when a scroll area shows only part of it);
 *  - two targets are at least A11Y_MIN_SPACING_MM apart (visible parts);
 *  - a text is at least THEME_MIN_TEXT_CONTRAST (7:1) against the
 *    background sampled under it;
 *  - no text is cut: ellipsised, wider than its box, or cut by a clip or
 *    the screen edge other than by scrolling.
 * Millimetres come from the panel: its diagonal in inches
 * ([display] panel_inches) over the diagonal in pixels.
 */
#ifndef KIOSK_A11Y_H
#define KIOSK_A11Y_H

#include <stddef.h>

#include "ui/ui.h"

#define A11Y_MIN_TARGET_MM 12.0
#define A11Y_MIN_SPACING_MM 2.0

/* Millimetres per pixel of a w x h pixel panel whose diagonal is inches. */
double a11y_mm_per_px(double inches, int w, int h);

/* Checks the last frame of u. Writes one line per finding to out (as much
 * as fits, NUL-terminated; each line names the item: the target's label or
 * the text), and returns the number of findings. */
int a11y_check(const ui *u, double mm_per_px, char *out, size_t out_size);

#endif
