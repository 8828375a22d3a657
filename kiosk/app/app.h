/*
 * app: the kiosk application: window, main loop, screen stack, dialogs,
 * idle handling and the resident's session.
 *
 * Threads: everything here runs on the UI thread, the only one that touches
 * SDL. Devices and the uploader post SDL user events (SDL_PushEvent is
 * thread-safe) and never call into the app directly.
 */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/screen.h"
#include "catalog/catalog.h"
#include "settings/settings.h"
#include "ui/ui.h"

#define APP_MAX_DEPTH 16
#define APP_DIALOG_BUTTONS 3

typedef struct app_dialog {
    bool open;
    int kind;               /* who owns it: DIALOG_IDLE, DIALOG_HELP, ... */
    char title[256];
    char body[1024];
    char buttons[APP_DIALOG_BUTTONS][96];
    int n_buttons;
    uint64_t deadline_ms;   /* countdown end, 0 for none */
} app_dialog;

enum { DIALOG_NONE, DIALOG_IDLE, DIALOG_HELP, DIALOG_MESSAGE };

typedef enum net_state { NET_UNKNOWN, NET_ONLINE, NET_OFFLINE } net_state;

typedef struct app {
    settings *cfg;
    catalog *cat;           /* current catalogue, owned */
    SDL_Window *win;
    SDL_Renderer *ren;
    ui ui;
    bool headless;
    int w, h;

    struct { const screen_class *cls; void *state; } stack[APP_MAX_DEPTH];
    int depth;

    app_dialog dialog;
    bool large, contrast;
    bool dirty;             /* redraw needed */
    bool running;
    bool allow_quit;        /* windowed development runs may close */
    uint64_t last_input_ms;
    uint64_t last_minute;   /* status-bar clock shown for this minute */

    /* catalogue file watch: reload when a technician replaces it */
    long long catalog_mtime, catalog_size;
    uint64_t catalog_checked_ms;

    /* status bar, filled in by the uploader and queue (later issues) */
    net_state net;
    int queued;

    /* ID-card reader (kiosk/app/idreader.c); NULL when it could not start */
    struct idcard_reader *reader;
    Uint32 idcard_sdl_event;        /* SDL user event type for reader events */
    bool reader_present, reader_simulated;
    int card_phase;                 /* CARD_IDLE, CARD_READING, CARD_FAILED */
    const char *card_error_key;     /* i18n key when CARD_FAILED */
    unsigned idcard_seq;            /* reader events handled (script harness) */
    int idcard_last;                /* type of the last one */
    uint64_t idcard_posted_ns;      /* CLOCK_MONOTONIC when the reader thread
                                       posted it (latency benchmark) */

    /* the resident's session: everything here is wiped by app_session_end */
    struct idcard_identity *identity;   /* signed-in resident, owned */
    char search_query[128];
} app;

enum { CARD_IDLE, CARD_READING, CARD_FAILED };

/* Creates the window and renderer, loads strings and fonts. Returns false
 * with a message on stderr when the kiosk cannot run. cat is adopted. */
bool app_init(app *a, settings *cfg, catalog *cat, bool headless);
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

/* Ends the resident's session: closes dialogs, wipes personal and session
 * data, returns to home in the default language and normal text size. */
void app_session_end(app *a);

/* Dialogs: at most one at a time. Buttons come back to the top screen as
 * ACT_DIALOG with the button index, except for dialogs the app owns. */
void app_dialog_open(app *a, int kind, const char *title, const char *body,
                     const char *const *buttons, int n_buttons);
void app_dialog_close(app *a);

/* The signed-in resident's masked name and ID number for display
 * ("张*", "3301**********1234"); false when nobody is signed in. */
bool app_identity_masked(const app *a, char *name, size_t name_size, char *number,
                         size_t number_size);

/* Loads the catalogue again from path (NULL: the configured one). Only a
 * catalogue that validates completely replaces the current one; otherwise
 * every problem is logged as FILE:LINE:COL and the kiosk keeps its last
 * good catalogue. Returns true when the new one is in use. */
bool app_reload_catalog(app *a, const char *path);

/* Settings toggles reachable from every screen. */
void app_set_lang(app *a, const char *lang);
void app_set_large(app *a, bool on);
void app_set_contrast(app *a, bool on);

/* Marks the frame dirty. */
void app_invalidate(app *a);

/* The UI language code ("zh", "en"). */
const char *app_lang(const app *a);

/* Draws the status bar and a header with back/home (show_back false on the
 * home screen); returns the content rect below them. */
SDL_Rect app_chrome(app *a, ui *u, const char *title, bool show_back);

/* Writes the current frame as PNG. */
bool app_screenshot(app *a, const char *path);

#endif
