/*
 * app: the kiosk application: window, main loop, screen stack, dialogs,
 * idle handling and the resident's session.
 *
 * Threads: everything here runs on the UI thread, the only one that touches
 * SDL. Device and service threads post to the event hub (hub/hub.h) and
 * never call into the app; the loop delivers their events to the handlers
 * they registered and to the top screen (screen_class.event).
 */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/screen.h"
#include "catalog/catalog.h"
#include "session/session.h"
#include "settings/settings.h"
#include "ui/ui.h"

#define APP_MAX_DEPTH 16
#define APP_DIALOG_BUTTONS 4

typedef struct app_dialog {
    bool open;
    int kind;               /* who owns it: DIALOG_IDLE, DIALOG_HELP, ... */
    char title[256];
    char body[1024];
    char buttons[APP_DIALOG_BUTTONS][96];
    int n_buttons;
    uint64_t deadline_ms;   /* countdown end, 0 for none */
    uint64_t shown_seconds; /* the countdown's last drawn value */
} app_dialog;

/* DIALOG_MESSAGE and above belong to the top screen (its buttons come back
 * as ACT_DIALOG); the others are the app's own. */
enum {
    DIALOG_NONE, DIALOG_IDLE, DIALOG_HELP, DIALOG_SIGN_OUT, DIALOG_STAFF, DIALOG_VOICE,
    DIALOG_MESSAGE
};

/* What the kiosk is made of, filled in by kiosk/registry (the screens at
 * the bottom of the stack; the services come through service_install). */
typedef struct app_setup {
    settings *cfg;
    catalog *cat;                   /* adopted by app_init */
    bool headless;
    const char *speech_dir;         /* headless: write what is said there as WAV */
    const screen_class *home;       /* root of the stack */
    const screen_class *attract;    /* the idle loop, pushed over home */
    const screen_class *help_form;  /* a form screen, pushed with the catalogue's
                                       help_service from the help dialog; may be NULL */
} app_setup;

typedef struct app {
    settings *cfg;
    catalog *cat;           /* current catalogue, owned */
    SDL_Window *win;
    SDL_Renderer *ren;
    ui ui;
    bool headless;
    const char *speech_dir;     /* from app_setup, may be NULL */
    int w, h;
    const screen_class *home, *attract, *help_form;

    struct { const screen_class *cls; void *state; } stack[APP_MAX_DEPTH];
    int depth;

    app_dialog dialog;
    ui_focus focus_under_dialog;    /* the screen's keypad focus, back when
                                       the dialog closes */
    bool large, contrast;
    bool elder;             /* elder mode (长辈版): large text, high contrast,
                               voice; ends with the session (app_set_elder) */
    bool dirty;             /* redraw needed */
    bool running;
    bool allow_quit;        /* windowed development runs may close */
    uint64_t last_input_ms;
    uint64_t last_minute;   /* status-bar clock shown for this minute */
    Uint32 wake_event;      /* the one SDL event type that wakes the loop
                               when a thread posts to the hub */

    /* A short notice over the screen ("已安全退出，请取走身份证"), not
     * modal, gone at notice_until (clock_now_ms). */
    char notice[256];
    uint64_t notice_until;

    /* catalogue file watch: reload when a technician replaces it */
    long long catalog_mtime, catalog_size;
    uint64_t catalog_checked_ms;
    /* the loader thread (catalog_loader.h): its hub source (-1: none, loads
     * happen on the UI thread), the newest request and the last handled */
    int catalog_source;
    uint64_t catalog_wanted, catalog_done;

    /* the resident in front of the kiosk: identity, search text, drafts,
     * transaction, receipt, rating (guarded memory, session/session.h) */
    session *sess;
    bool services_started;
    bool no_display;     /* app_init failed for want of a display (exit 3) */
} app;

/* Creates the window and renderer, loads strings and fonts, opens the
 * session store and starts every installed service (app/service.h).
 * Returns false with a message on stderr when the kiosk cannot run;
 * setup->cat is adopted in every case. */
bool app_init(app *a, const app_setup *setup);
void app_shutdown(app *a);

/* Runs until quit (windowed) or forever (kiosk). */
int app_run(app *a);

/* Processes pending events and timers, redraws if needed. Used by the main
 * loop and by the script harness. Returns true while something animates. */
bool app_pump(app *a);

/* When (clock_now_ms scale) the app next needs to run with no input: the
 * idle timeout, the countdown, the clock's minute, a screen's timer. */
uint64_t app_next_wake(app *a);

/* Queues a touch event (SDL_FINGERDOWN/MOTION/UP of finger 1) at screen
 * pixel x, y, as a touch panel would deliver it. For the script harness,
 * benchmarks and tests; the next app_pump handles it. */
void app_inject_finger(app *a, Uint32 type, int x, int y);

/* Routes one SDL event. */
void app_handle_event(app *a, const SDL_Event *ev);

/* Screen stack. */
void app_push(app *a, const screen_class *cls, intptr_t arg);
void app_pop(app *a);
void app_go_home(app *a);
const screen_class *app_top(const app *a);
/* The state of the screen on top (what its class's functions get). */
void *app_top_state(const app *a);

/* The idle reset: ends the resident's session completely -- closes
 * dialogs, wipes the session store, tells every service, returns home and
 * restores the configured language, text size and contrast. */
void app_session_end(app *a);

/* Signing out, after the resident confirmed it: ends the identity and what
 * belongs to it (drafts, the transaction, the receipt), keeps the visitor's
 * language, text size and contrast, returns home and says so -- with a
 * reminder for each device that holds something of theirs (a card still on
 * the reader). */
void app_sign_out(app *a);

/* Asks "sign out?" with a one-tap confirmation (what ACT_SIGN_OUT does). */
void app_confirm_sign_out(app *a);

/* The session store of the resident in front of the kiosk. */
session *app_session(app *a);

/* Counts as a touch for the idle timer (a card placed on a screen that
 * asked for it). */
void app_note_activity(app *a);

/* Shows text as a notice over the screen for ms of kiosk time. */
void app_notice(app *a, const char *text, uint64_t ms);

/* Dialogs: at most one at a time. Buttons come back to the top screen as
 * ACT_DIALOG with the button index, except for dialogs the app owns. */
void app_dialog_open(app *a, int kind, const char *title, const char *body,
                     const char *const *buttons, int n_buttons);
void app_dialog_close(app *a);

/* The open dialog's text as shown: the idle countdown's with the seconds
 * left and a reminder of what the resident left in a device. */
void app_dialog_body(const app *a, char *out, size_t size);

/* The signed-in resident's masked name and ID number for display
 * ("张*", "3301**********1234"); false when nobody is signed in. */
bool app_identity_masked(const app *a, char *name, size_t name_size, char *number,
                         size_t number_size);

/* Loads the catalogue again from path (NULL: the configured one) on the
 * loader thread (app/catalog_loader.h) and returns at once: the UI keeps
 * drawing while the file is read and checked. When the load is done (the
 * hub delivers it between two frames), only a catalogue that validated
 * completely replaces the current one -- the kiosk then goes home; otherwise
 * every problem is logged as FILE:LINE:COL and the last good catalogue
 * stays. A request made while an older one loads supersedes it. Without a
 * loader thread the load happens here, as it did before. Returns false only
 * when such a load on the UI thread was refused. */
bool app_reload_catalog(app *a, const char *path);

/* True from app_reload_catalog until the newest request's result was
 * handled (swapped in or refused): what the script harness waits for. */
bool app_catalog_loading(const app *a);

/* Settings toggles reachable from every screen. */
void app_set_lang(app *a, const char *lang);
void app_set_large(app *a, bool on);
void app_set_contrast(app *a, bool on);

/* Elder mode (长辈版), one tap from the home and attract screens: on turns
 * large text and high contrast on (and the voice, once it exists); off
 * returns to the configured text size and contrast. The idle reset
 * (app_session_end) ends it; signing out keeps it, like the text size. */
void app_set_elder(app *a, bool on);

/* The call-staff button on every screen: the catalogue's help request
 * form when it names one (help_service), else a dialog that says where
 * staff are ([ui] staff_location.<lang>) and the hotline. */
void app_call_staff(app *a);

/* Height of the band at the bottom of the screen that the notice takes
 * while it shows, 0 when there is none. app_chrome keeps every screen's
 * content above it, so a notice never covers a button. */
int app_notice_height(app *a);

/* Marks the frame dirty. */
void app_invalidate(app *a);

/* The UI language code ("zh", "en"). */
const char *app_lang(const app *a);

/* Draws the status bar and a header with back/home (show_back false on the
 * home screen); returns the content rect below them. */
SDL_Rect app_chrome(app *a, ui *u, const char *title, bool show_back);

/* The same for the home screen, which has no back or home: a button of
 * its own at the header's right instead (label, action: elder mode). */
SDL_Rect app_chrome_home(app *a, ui *u, const char *title, const char *label, int action);

/* Writes the current frame as PNG. */
bool app_screenshot(app *a, const char *path);

#endif
