/*
 * display: opening SDL's video for the kiosk, and saying precisely why not.
 *
 * Left to itself SDL tries every driver it has and, with no display, lands
 * on "offscreen": a kiosk that runs where nobody sees it, after a stray
 * "XDG_RUNTIME_DIR is invalid" from probing a Wayland nobody configured.
 * Here the kiosk tries only the displays its environment names, one at a
 * time, so a failure can say which display was tried and why it did not
 * open, and what the technician should check.
 */
#ifndef KIOSK_DISPLAY_H
#define KIOSK_DISPLAY_H

#include <stdbool.h>
#include <stdio.h>

/* Exit status of a kiosk that found no display (nothing else exits with
 * it). The display session may simply not be up yet, so config/kiosk.service
 * restarts the kiosk after a delay; a config problem exits 1 instead. */
#define DISPLAY_EXIT_NONE 3

/* Initialises SDL's video subsystem. headless: SDL's dummy driver, always
 * available. Otherwise SDL_VIDEODRIVER when set, else Wayland when
 * WAYLAND_DISPLAY is set, then X11 when DISPLAY is set, else KMS/DRM (a
 * console kiosk); a driver that only pretends (offscreen, dummy) counts as
 * no display. Returns false after writing to err what was tried, why each
 * failed and what to check. */
bool display_open(bool headless, FILE *err);

#endif
