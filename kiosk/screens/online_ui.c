/*
 * online_ui: see online_ui.h.
 */
#include "screens/online_ui.h"

#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "i18n/i18n.h"

const char *online_ui_title_key(online_outcome o)
{
    switch (o) {
    case ONLINE_TIMEOUT:
        return "online.timeout_title";
    case ONLINE_FAULT:
        return "online.fault_title";
    case ONLINE_REFUSED:
        return "online.refused_title";
    case ONLINE_NONE:
        return "online.none_title";
    default:
        return "online.offline_title";
    }
}

const char *online_ui_body_key(online_outcome o, const char *refused_key)
{
    return o == ONLINE_REFUSED ? refused_key
           : o == ONLINE_NONE  ? "online.none_body"
                               : "online.try_later";
}

bool online_ui_can_retry(online_outcome o)
{
    return o != ONLINE_OK && o != ONLINE_REFUSED && o != ONLINE_NONE;
}

void online_ui_speech_unavailable(app *a, online_outcome o, const char *body_key,
                                  const catalog_service *svc, char *out, size_t size)
{
    const char *lang = app_lang(a);
    char window[512];
    if (svc)
        i18n_format(window, sizeof window, "online.go_window", "window",
                    ltext_get(&svc->window, lang), "address", ltext_get(&svc->address, lang),
                    (char *)NULL);
    else
        snprintf(window, sizeof window, "%s", tr("online.go_any_window"));
    i18n_format(out, size, "voice.online.unavailable", "title", tr(online_ui_title_key(o)),
                "body", tr(body_key), "window", window, "hotline", a->cfg->hotline,
                (char *)NULL);
}

static int para(ui *u, const char *text, int x, int y, int w, int px, text_weight wt,
                SDL_Color c, bool draw)
{
    return ui_paragraph(u, text, x, y, w, px, wt, c, UI_LEFT, draw);
}

int online_ui_instead(app *a, ui *u, const catalog_service *svc, int x, int y, int w,
                      int help_action, bool draw)
{
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    char line[1024];
    int y0 = y;
    y += para(u, tr("online.instead"), x, y, w, th->text_heading, TEXT_BOLD, th->text, draw) +
         th->gap / 2;
    if (a->help_form && a->cat->help_service >= 0) {
        if (draw)
            ui_button(u, (SDL_Rect){x, y, w, th->target}, tr("help.ask_staff"), UI_SECONDARY,
                      help_action, 0);
        y += th->target + th->gap / 2;
    }
    if (svc)
        i18n_format(line, sizeof line, "online.go_window", "window", ltext_get(&svc->window, lang),
                    "address", ltext_get(&svc->address, lang), (char *)NULL);
    else
        snprintf(line, sizeof line, "%s", tr("online.go_any_window"));
    y += para(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->text, draw) + th->gap / 2;
    i18n_format(line, sizeof line, "online.hotline", "hotline", a->cfg->hotline, (char *)NULL);
    y += para(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->text, draw);
    return y - y0;
}

int online_ui_unavailable(app *a, ui *u, const char *title_key, const char *body_key,
                          const catalog_service *svc, int x, int y, int w, int help_action,
                          bool draw)
{
    const theme *th = &u->th;
    int y0 = y;
    y += para(u, tr(title_key), x, y, w, th->text_title, TEXT_BOLD, th->warn, draw);
    if (body_key)
        y += para(u, tr(body_key), x, y, w, th->text_body, TEXT_REGULAR, th->text, draw);
    y += th->gap;
    y += online_ui_instead(a, u, svc, x, y, w, help_action, draw);
    return y - y0 + th->gap;
}

int online_ui_asking(ui *u, const char *title_key, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    int y0 = y;
    y += para(u, tr(title_key), x, y, w, th->text_title, TEXT_BOLD, th->text, draw);
    y += para(u, tr("online.wait_hint"), x, y, w, th->text_body, TEXT_REGULAR, th->muted, draw);
    return y - y0 + th->gap;
}

void online_ui_age(uint64_t then_ms, char *out, size_t size)
{
    uint64_t now = clock_now_ms();
    uint64_t min = now > then_ms ? (now - then_ms) / 60000u : 0;
    char n[24];
    if (min < 1) {
        snprintf(out, size, "%s", tr("online.age_now"));
    } else if (min < 60) {
        snprintf(n, sizeof n, "%llu", (unsigned long long)min);
        i18n_format(out, size, min == 1 ? "online.age_minute" : "online.age_minutes", "n", n,
                    (char *)NULL);
    } else if (min < 48 * 60) {
        snprintf(n, sizeof n, "%llu", (unsigned long long)(min / 60));
        i18n_format(out, size, min / 60 == 1 ? "online.age_hour" : "online.age_hours", "n", n,
                    (char *)NULL);
    } else {
        snprintf(n, sizeof n, "%llu", (unsigned long long)(min / (24 * 60)));
        i18n_format(out, size, "online.age_days", "n", n, (char *)NULL);
    }
}

void online_ui_open_help(app *a)
{
    if (a->help_form && a->cat->help_service >= 0)
        app_push(a, a->help_form, (intptr_t)a->cat->help_service);
}

uint64_t online_ui_overdue_at(uint64_t asked_ms)
{
    return asked_ms + online_deadline_ms() + 2000;
}

void online_asked_forget(online_asked *k)
{
    online_answer_free(k->ans);
    memset(k, 0, sizeof *k);
}

void online_asked_start(online_asked *k, uint64_t req)
{
    online_asked_forget(k);
    k->req = req;
    k->at_ms = clock_now_ms();
    if (!req) {
        k->failed = true;
        k->outcome = ONLINE_OFFLINE;
    }
}

bool online_asked_waiting(const online_asked *k)
{
    return k->req && !k->ans && !k->failed;
}

online_outcome online_asked_outcome(const online_asked *k)
{
    return k->ans ? k->ans->outcome : k->outcome;
}

bool online_asked_take(online_asked *k, hub_event *ev)
{
    const online_answer *ans = online_event_answer(ev);
    if (!ans || !k->req || ans->id != k->req)
        return false;
    online_answer_free(k->ans);
    k->ans = online_take_answer(ev);
    k->req = 0;
    return true;
}

uint64_t online_asked_wake_at(const online_asked *k)
{
    return online_asked_waiting(k) ? online_ui_overdue_at(k->at_ms) : 0;
}

bool online_asked_tick(online_asked *k)
{
    if (!online_asked_waiting(k) || clock_now_ms() < online_ui_overdue_at(k->at_ms))
        return false;
    k->req = 0;
    k->failed = true;
    k->outcome = ONLINE_TIMEOUT;
    return true;
}

SDL_Rect online_ui_nav(ui *u, SDL_Rect r, const char *second, int second_act, const char *first,
                       int first_act)
{
    const theme *th = &u->th;
    bool row = !second || r.w >= 4 * th->target;
    int h = row ? th->target : 2 * th->target + th->gap;
    int y = r.y + r.h - h;
    if (!second) {
        ui_button(u, (SDL_Rect){r.x, y, r.w, th->target}, first, UI_PRIMARY, first_act, 0);
    } else if (row) {
        int bw = (r.w - th->gap) / 2;
        ui_button(u, (SDL_Rect){r.x, y, bw, th->target}, second, UI_SECONDARY, second_act, 0);
        ui_button(u, (SDL_Rect){r.x + r.w - bw, y, bw, th->target}, first, UI_PRIMARY,
                  first_act, 0);
    } else {
        ui_button(u, (SDL_Rect){r.x, y, r.w, th->target}, first, UI_PRIMARY, first_act, 0);
        ui_button(u, (SDL_Rect){r.x, y + th->target + th->gap, r.w, th->target}, second,
                  UI_SECONDARY, second_act, 0);
    }
    return (SDL_Rect){r.x, r.y, r.w, r.h - h - th->gap};
}

int online_ui_kv(ui *u, const char *label, const char *value, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    int h = para(u, label, x, y, w, th->text_small, TEXT_BOLD, th->muted, draw);
    h += para(u, value, x, y + h, w, th->text_heading, TEXT_BOLD, th->text, draw);
    return h + th->gap / 2;
}

void online_ui_scrolled(app *a, void *st, ui *u, ui_scroll *sc, SDL_Rect view,
                        online_ui_page fn)
{
    int content = fn(a, st, u, view.x, view.y, view.w, false);
    int off = ui_scroll_begin(u, sc, view, content);
    fn(a, st, u, view.x, view.y - off, view.w, true);
    ui_scroll_end(u, sc, view);
}
