/*
 * online_ui: what the screens of the online services (ticket, appoint,
 * progress, certificate, and the form's online delivery) share: the page
 * that says the platform could not answer and what the resident can do
 * instead -- a help request, the window, the hotline -- the "asking" line,
 * the age of a last known answer, and the buttons at the bottom.
 * Composite widgets from the ui primitives; no state of their own.
 */
#ifndef KIOSK_ONLINE_UI_H
#define KIOSK_ONLINE_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "platform/online.h"

/* The i18n key of the heading for an answer that is not ONLINE_OK
 * (offline, timeout, fault, refused, no platform). */
const char *online_ui_title_key(online_outcome o);

/* The sentence under that heading: refused_key for ONLINE_REFUSED (the
 * screen's own "not taken" text), "online.none_body" when this kiosk has no
 * platform (the service is not done here at all), else "try again later". */
const char *online_ui_body_key(online_outcome o, const char *refused_key);

/* Whether asking again may help: not for an answer, a refusal or a kiosk
 * without a platform (a retry button there would only fail again). */
bool online_ui_can_retry(online_outcome o);

/* The alternatives: "What you can do instead:", a help-request button
 * (action help_action, when the catalogue has a help service), the
 * window and address of svc (NULL: any service window), the hotline.
 * Returns the height; with draw false only measures. */
int online_ui_instead(app *a, ui *u, const catalog_service *svc, int x, int y, int w,
                      int help_action, bool draw);

/* A whole "could not" page: heading (title_key), a sentence (body_key),
 * then the alternatives. */
int online_ui_unavailable(app *a, ui *u, const char *title_key, const char *body_key,
                          const catalog_service *svc, int x, int y, int w, int help_action,
                          bool draw);

/* What the voice says (app/speech.h) for an outcome that is not
 * ONLINE_OK: its heading, body_key's sentence and the ways instead (the
 * window of svc, the call-staff button, the hotline). */
void online_ui_speech_unavailable(app *a, online_outcome o, const char *body_key,
                                  const catalog_service *svc, char *out, size_t size);

/* "Asking ..." heading and the short wait hint. */
int online_ui_asking(ui *u, const char *title_key, int x, int y, int w, bool draw);

/* How long ago clock_now_ms() value then was, in words ("5 分钟前"). */
void online_ui_age(uint64_t then_ms, char *out, size_t size);

/* Opens the help request (the catalogue's help service) over this screen. */
void online_ui_open_help(app *a);

/* A screen's answer is overdue when the kiosk clock passed the deadline
 * and a little more without one arriving (the answer was delivered to
 * another screen while this one was covered): the screen then treats it
 * as a timeout. The time to check again, for wake_at. */
uint64_t online_ui_overdue_at(uint64_t asked_ms);

/* One thing asked of the platform and its answer: what every online screen
 * keeps for each request it makes. */
typedef struct online_asked {
    uint64_t req, at_ms;    /* the request id (0: none), when it was made */
    online_answer *ans;     /* guarded; NULL while asking */
    bool failed;            /* not asked at all, or overdue: outcome below */
    online_outcome outcome;
} online_asked;

/* Forgets what was asked before and records req (from online_*(); 0 means
 * the service is not running: as good as offline). */
void online_asked_start(online_asked *k, uint64_t req);
/* Asked and neither answered nor given up. */
bool online_asked_waiting(const online_asked *k);
online_outcome online_asked_outcome(const online_asked *k);
/* Frees the answer and clears k. */
void online_asked_forget(online_asked *k);
/* True when ev answers k: the answer is taken into k. */
bool online_asked_take(online_asked *k, hub_event *ev);
/* When to give up waiting (a screen's wake_at), 0 when not waiting. */
uint64_t online_asked_wake_at(const online_asked *k);
/* Past that on the kiosk clock: given up with TIMEOUT; true when it was
 * (the screen redraws). */
bool online_asked_tick(online_asked *k);

/* The bottom buttons of a page: a secondary one (NULL: none) and a
 * primary one, side by side when there is room, else stacked; returns the
 * rect left above them. */
SDL_Rect online_ui_nav(ui *u, SDL_Rect r, const char *second, int second_act, const char *first,
                       int first_act);

/* A label over a value in bold, as the form's confirmation shows them. */
int online_ui_kv(ui *u, const char *label, const char *value, int x, int y, int w, bool draw);

/* view with content fn(...) that scrolls when it does not fit. */
typedef int (*online_ui_page)(app *a, void *st, ui *u, int x, int y, int w, bool draw);
void online_ui_scrolled(app *a, void *st, ui *u, ui_scroll *sc, SDL_Rect view,
                        online_ui_page fn);

#endif
