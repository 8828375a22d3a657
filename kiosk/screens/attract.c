/*
 * attract: what an unattended kiosk shows. A slow loop of service
 * highlights (one card every few seconds, no continuous animation, so an
 * idle kiosk costs no CPU between slides). The first touch anywhere only
 * wakes the kiosk: it never activates what lies beneath -- except on the
 * elder-mode button (长辈版), which wakes it in elder mode, one tap.
 */
#include <string.h>

#include "app/app.h"
#include "common/clock.h"
#include "i18n/i18n.h"
#include "screens/screens.h"

#define SLIDE_MS 6000

typedef struct attract_state {
    size_t slide;       /* index among kiosk-completable services */
    uint64_t next_ms;
} attract_state;

static size_t highlight_count(const catalog *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_services; i++)
        n += c->services[i].kiosk;
    return n ? n : c->n_services;
}

static const catalog_service *highlight(const catalog *c, size_t k)
{
    size_t n = 0;
    bool any = false;
    for (size_t i = 0; i < c->n_services; i++)
        any |= c->services[i].kiosk;
    for (size_t i = 0; i < c->n_services; i++) {
        if (any && !c->services[i].kiosk)
            continue;
        if (n++ == k)
            return &c->services[i];
    }
    return &c->services[0];
}

static void attract_enter(app *a, void *st, intptr_t arg)
{
    attract_state *s = st;
    (void)a;
    (void)arg;
    s->next_ms = clock_now_ms() + SLIDE_MS;
}

static void attract_draw(app *a, void *st, ui *u)
{
    attract_state *s = st;
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    SDL_Rect all = {0, 0, a->w, a->h};
    ui_fill(u, all, th->contrast ? th->bg : th->primary);
    SDL_Color fg = th->contrast ? th->text : th->on_primary;
    int x = th->pad * 2, w = a->w - 4 * th->pad;
    int y = a->h / 8;

    const char *site = settings_site_name(a->cfg, lang);
    y += ui_paragraph(u, site ? site : "", x, y, w, th->text_title, TEXT_REGULAR, fg,
                      UI_CENTER, true);
    y += th->gap;
    y += ui_paragraph(u, tr("attract.headline"), x, y, w, th->text_display, TEXT_BOLD, fg,
                      UI_CENTER, true);
    y += th->pad * 2;

    /* the highlight card */
    const catalog_service *svc = highlight(a->cat, s->slide % highlight_count(a->cat));
    int cw = w, inner = cw - 2 * th->pad;
    const char *name = ltext_get(&svc->name, lang);
    const char *sum = ltext_get(&svc->summary, lang);
    int nh = ui_paragraph(u, name, 0, 0, inner, th->text_title, TEXT_BOLD, th->text,
                          UI_CENTER, false);
    int sh = *sum ? ui_paragraph(u, sum, 0, 0, inner, th->text_body, TEXT_REGULAR, th->muted,
                                 UI_CENTER, false) : 0;
    int kh = text_line_height(th->text_small, TEXT_BOLD);
    int ch = th->pad + kh + th->gap + nh + th->gap + sh + th->pad;
    SDL_Rect card = {x, y, cw, ch};
    ui_round(u, card, th->radius * 2, th->surface);
    int cy = y + th->pad;
    ui_text(u, tr("attract.kiosk_can"), x + th->pad, cy, inner, th->text_small, TEXT_BOLD,
            th->ok, UI_CENTER, true);
    cy += kh + th->gap;
    ui_paragraph(u, name, x + th->pad, cy, inner, th->text_title, TEXT_BOLD, th->text,
                 UI_CENTER, true);
    cy += nh + th->gap;
    if (sh)
        ui_paragraph(u, sum, x + th->pad, cy, inner, th->text_body, TEXT_REGULAR, th->muted,
                     UI_CENTER, true);

    /* the call to action near the bottom, in both languages: the next
     * resident may read either */
    int by = a->h - a->h / 5;
    by += ui_paragraph(u, tr_lang("zh", "attract.touch"), x, by, w, th->text_title, TEXT_BOLD,
                       fg, UI_CENTER, true);
    if (a->cfg->n_langs > 1)
        by += th->gap / 2 + ui_paragraph(u, tr_lang("en", "attract.touch"), x, by + th->gap / 2,
                                         w, th->text_body, TEXT_REGULAR, fg, UI_CENTER, true);
    /* the hotline, as on every screen's status bar */
    char hot[96];
    i18n_format(hot, sizeof hot, "status.hotline", "hotline", a->cfg->hotline, (char *)NULL);
    ui_paragraph(u, hot, x, by + th->gap, w, th->text_small, TEXT_BOLD, fg, UI_CENTER, true);

    /* elder mode, between the card and the call to action: a button of
     * its own, so the wake-up targets go round it (targets never overlap) */
    const char *elder = tr("elder.enter");
    int ew = text_width(elder, strlen(elder), th->text_body, TEXT_BOLD) + 6 * th->pad;
    int eh = th->target;
    int ey = (y + ch + (a->h - a->h / 5)) / 2 - eh / 2;
    if (ey < y + ch + th->gap * 2)
        ey = y + ch + th->gap * 2;
    SDL_Rect eb = {(a->w - ew) / 2, ey, ew, eh};
    ui_button(u, eb, elder, UI_SECONDARY, ACT_ELDER, 0);

    /* wake anywhere else: above, below, left and right of it, a gap apart */
    int g = th->gap;
    const char *touch = tr("attract.touch");
    ui_target_add(u, (SDL_Rect){0, 0, a->w, eb.y - g}, ACT_WAKE, 0, touch);
    ui_target_add(u, (SDL_Rect){0, eb.y + eb.h + g, a->w, a->h - (eb.y + eb.h + g)}, ACT_WAKE,
                  0, touch);
    ui_target_add(u, (SDL_Rect){0, eb.y, eb.x - g, eb.h}, ACT_WAKE, 0, touch);
    ui_target_add(u, (SDL_Rect){eb.x + eb.w + g, eb.y, a->w - (eb.x + eb.w + g), eb.h},
                  ACT_WAKE, 0, touch);
}

static void attract_action(app *a, void *st, int action, intptr_t arg)
{
    (void)st;
    (void)arg;
    /* ACT_ELDER: the app turned elder mode on (app_set_elder); wake too */
    if (action == ACT_WAKE || action == ACT_ELDER)
        app_go_home(a);
}

static uint64_t attract_wake_at(app *a, void *st)
{
    (void)a;
    return ((attract_state *)st)->next_ms;
}

static void attract_tick(app *a, void *st)
{
    attract_state *s = st;
    s->slide++;
    s->next_ms = clock_now_ms() + SLIDE_MS;
    app_invalidate(a);
}

const screen_class screen_attract = {
    .name = "attract",
    .state_size = sizeof(attract_state),
    .enter = attract_enter,
    .draw = attract_draw,
    .action = attract_action,
    .wake_at = attract_wake_at,
    .tick = attract_tick,
    .no_idle_warning = true,
};
