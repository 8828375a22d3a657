/*
 * script: the headless end-to-end harness. A script is a text file of one
 * command per line (# starts a comment) that drives the real application:
 *
 *   tap TEXT | tap X Y          touch the visible target labelled TEXT / a point
 *   drag X1 Y1 X2 Y2            drag a finger and rest before lifting
 *   fling X1 Y1 X2 Y2           drag and lift while moving (inertia)
 *   scroll-to TEXT              drag the scroll areas until TEXT is visible
 *   type TEXT                   type text as a keyboard would
 *   wait MS                     advance the kiosk clock (timers fire)
 *   expect TEXT | expect-not TEXT   TEXT is / is not visible on screen
 *   screen NAME                 the current screen is NAME
 *   shot NAME                   save DIR/NAME.png
 *   key NAME                    press a key (up, down, left, right, tab,
 *                               shift-tab, enter, kp-enter, space, escape,
 *                               backspace, f1, question; the voice's
 *                               f2 / kp-multiply repeat, kp-minus, kp-plus)
 *   key-until NAME TEXT         press the key until the focus is on TEXT
 *                               (fails after 200 presses)
 *   expect-focus TEXT           the keypad focus is on a target whose label
 *                               (what the voice reads) contains TEXT
 *   a11y                        the accessibility check of ui/a11y.h on this
 *                               frame, and a spoken prompt for its screen
 *   lang zh|en   large on|off   switch language / large-font mode
 *   VERB [ARG]                  a verb a device or service adds
 *                               (app/service.h); the ID-card reader adds
 *                               card NAME, card-remove, reader plug|unplug;
 *                               the voice expect-speech TEXT,
 *                               speech-volume N|up|down, expect-volume N
 *   catalog FILE                reload the catalogue from FILE (relative to
 *                               the script), as a technician replacing it
 *   monkey COUNT SEED           COUNT random steps (taps, keys, drags, typing,
 *                               waits, cards, switches) checking after each
 *                               that a screen with something to touch is
 *                               shown and, every 200, that the kiosk gets
 *                               back to its start when left alone
 *                               (script/monkey.h); the same seed repeats
 *   dump-memory NAME            write the process's own memory (every
 *                               writable mapping, script/memdump.h) to
 *                               DIR/NAME.mem, for the test that looks for
 *                               personal data left after a session; the file
 *                               holds whatever memory holds: tests only
 *
 * The clock is virtual: nothing waits in real time, so a 90-second idle
 * timeout takes microseconds and screenshots always show the same time.
 * `wait` and every device verb move every thread's time (common/clock.h)
 * and wait until everything posted to the event hub was handled. Verbs are
 * looked up among the installed services: call registry_setup (or
 * service_install) before script_load.
 */
#ifndef KIOSK_SCRIPT_H
#define KIOSK_SCRIPT_H

#include "app/app.h"
#include "common/diag.h"

typedef struct script_step {
    int line;
    int op;
    char *text;         /* owned; the rest of the line after the command */
    int num[4];
    int n_num;
    const struct app_verb *verb;    /* OP_VERB: a device's or service's verb */
} script_step;

typedef struct script {
    char *path;
    script_step *steps;
    int n;
} script;

/* Parses FILE; every malformed line is reported as FILE:LINE: message.
 * Returns false when there were problems (nothing runs then). */
bool script_load(script *s, const char *path, diag_list *errors);
void script_free(script *s);

/* Runs the steps against a; screenshots go to shots_dir (created). Returns
 * 0 when every expectation held, 1 on the first failure (reported on
 * stderr with the line and what was on screen). */
int script_run(const script *s, app *a, const char *shots_dir);

#endif
