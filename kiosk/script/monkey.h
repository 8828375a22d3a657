/*
 * monkey: random use of the real kiosk, for the hardening tests (issue 13:
 * "bad input and bad moments never hang, freeze, fool or strand anyone").
 *
 * `monkey COUNT SEED` in a script does COUNT random things a crowd of
 * residents, a curious child and a bad moment would: taps on what is on
 * screen (most of the time) and anywhere else, keypad keys, drags and
 * flings, typed text (Chinese, letters, digits, an emoji, very long runs),
 * waits up to past the idle reset, cards placed and lifted, the reader
 * unplugged and plugged, the platform down or silent and the disk full
 * (where the config has them), the language and text size switched, keyboard
 * modes and strokes on the writing pad. The same seed does the same things,
 * so a failure is replayed by running the same line.
 *
 * What it checks after every step is what must always hold, whatever was
 * done: a screen is shown (the kiosk never ends up on nothing, never exits
 * to a desktop), the frame has at least one target (nobody is stranded on
 * a page without a way on), and within a bounded number of steps the kiosk
 * can be brought home by the header's 首页 / idle reset. The sanitizers
 * (the test suite's build) catch memory errors and undefined behaviour on
 * the way; ctest's timeout catches a hang.
 *
 * The harness (script.c) owns how a finger or a key reaches the app; the
 * monkey only decides, through the hands it is given.
 */
#ifndef KIOSK_MONKEY_H
#define KIOSK_MONKEY_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

typedef struct monkey_hands {
    void (*tap)(app *a, int x, int y);
    /* rest: lift after resting (a drag); otherwise while moving (a fling) */
    void (*drag)(app *a, int x1, int y1, int x2, int y2, bool rest);
    /* a key by the harness's name ("down", "enter", ...) */
    void (*key)(app *a, const char *name);
    void (*type)(app *a, const char *utf8);
    void (*wait)(app *a, int ms);
    /* a device verb line ("card resident", "reader unplug"); false when the
     * verb is not installed or refused the argument -- not a failure */
    bool (*verb)(app *a, const char *line);
    /* a stroke on the writing pad, points as "X,Y X,Y" per mille; false
     * when no pad is shown */
    bool (*stroke)(app *a, const char *points);
} monkey_hands;

typedef struct monkey_stats {
    int taps_target, taps_anywhere, keys, drags, types, waits, verbs, switches, strokes;
    int screens_seen;   /* distinct screen names met */
    int idle_resets;    /* times the kiosk was back on its home or attract screen */
} monkey_stats;

/* Runs count random steps from seed. Each step is printed ("monkey 12:
 * tap 540,900 搜索事项") so a failure can be read back. Returns false with
 * err filled when an invariant broke; st (may be NULL) gets the counts. */
bool monkey_run(app *a, const monkey_hands *h, int count, uint32_t seed, monkey_stats *st,
                char *err, size_t err_size);

#endif
