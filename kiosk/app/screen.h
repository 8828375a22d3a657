/*
 * screen: what a screen is. Each screen is one file under screens/ that
 * defines a `const screen_class screen_NAME`; the app keeps a stack of them.
 * Adding a screen means adding a file and pushing it from wherever a
 * resident reaches it: no central switch to edit.
 */
#ifndef KIOSK_SCREEN_H
#define KIOSK_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct ui;
struct hub_event;

/* Actions below SCREEN_ACTION_BASE are handled by the app for every screen
 * (the status bar and header buttons); a screen numbers its own from the
 * base up. */
enum {
    ACT_NONE = 0,
    ACT_BACK,
    ACT_HOME,
    ACT_LANG,           /* arg: index into settings.langs */
    ACT_LARGE,
    ACT_HELP,
    ACT_DIALOG,         /* arg: button index of the open dialog */
    ACT_WAKE,           /* full-screen target of the attract loop */
    ACT_SIGN_OUT,       /* sign-out buttons: asks, then signs out */
    ACT_CALL_STAFF,     /* the status bar's call-staff button (app_call_staff) */
    ACT_ELDER,          /* elder mode on or off (app_set_elder); then passed on
                           to the screen, which may do more (attract wakes) */
    ACT_VOICE,          /* the status bar's sound button: repeat and volume */
    SCREEN_ACTION_BASE = 100
};

typedef struct screen_class {
    const char *name;       /* for `screen NAME` in scripts and the logs */
    size_t state_size;      /* zeroed before enter */
    /* Everything else is optional (NULL). */
    void (*enter)(struct app *a, void *st, intptr_t arg);
    void (*leave)(struct app *a, void *st);
    void (*draw)(struct app *a, void *st, struct ui *u);
    void (*action)(struct app *a, void *st, int action, intptr_t arg);
    void (*text)(struct app *a, void *st, const char *utf8);  /* typed text */
    void (*key)(struct app *a, void *st, int sdl_keycode);    /* Backspace, Enter... */
    /* Language, font size or catalogue changed: drop cached layouts. */
    void (*relayout)(struct app *a, void *st);
    /* Next time (clock_now_ms) the screen wants a tick, 0 for none. */
    uint64_t (*wake_at)(struct app *a, void *st);
    void (*tick)(struct app *a, void *st);
    /* An event from a device or service thread (hub/hub.h), after the
     * source's own handlers saw it. A screen that keeps the payload sets
     * ev->payload to NULL; otherwise the hub drops (wipes) it. */
    void (*event)(struct app *a, void *st, struct hub_event *ev);
    /* The resident asked to leave (the header's back or home, Escape):
     * true when the screen took over -- it opens something first, as a
     * finished transaction opens its rating -- false lets the app go back
     * (home false) or home (home true). */
    bool (*leaving)(struct app *a, void *st, bool home);
    /* What the screen says now (app/speech.h), composed from its strings
     * for its state -- a card read, an error, the question asked; leaving
     * out empty says the default voice.screen.<name>. */
    void (*speech)(struct app *a, void *st, char *out, size_t size);
    bool is_root;           /* the home screen: bottom of the stack */
    bool no_idle_warning;   /* home and attract: idle goes straight on */
} screen_class;

#endif
