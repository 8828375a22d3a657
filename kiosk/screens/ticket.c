/*
 * ticket: a queue number (取号) for a service handled at a window, pushed
 * from its guide with the service index. Asks the platform at once and
 * shows the number very large, how many people are ahead and which window
 * calls it; offline or without an answer in time, says so plainly and
 * what the resident can do instead (a help request, the window, the
 * hotline). Asking again -- "try again", or a second visit to this screen
 * in the same session -- sends the same idempotency key, so it never takes
 * a second number (platform/online.h). The ticket comes with a receipt
 * (receipt_ui): the number, the window, the materials to bring, printed or
 * shown on screen.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "common/clock.h"
#include "i18n/i18n.h"
#include "screens/online_ui.h"
#include "screens/rating_prompt.h"
#include "screens/receipt_ui.h"
#include "screens/screens.h"

enum { ACT_RETRY = SCREEN_ACTION_BASE, ACT_FINISH, ACT_ASK_HELP };

typedef struct ticket_state {
    size_t index;
    char id[65];            /* the service's, to find it after a reload */
    online_asked q;         /* the ticket asked for and its answer */
    receipt_ui paper;       /* the ticket's receipt */
    rating_prompt rate;     /* the rating that follows */
    ui_scroll scroll;
} ticket_state;

static const catalog_service *service(app *a, ticket_state *s)
{
    return &a->cat->services[s->index];
}

static void ask(app *a, ticket_state *s)
{
    receipt_ui_clear(&s->paper);
    online_asked_start(&s->q, online_ticket(service(a, s)->id));
}

/* The ticket is ours: its receipt. A queue number repeats every day, so
 * the transaction number is the day it was issued and the number. */
static void issued(app *a, ticket_state *s)
{
    const online_data *d = &s->q.ans->data;
    char number[40], when[16], line[512];
    const char *at = d->ticket.issued_at;
    if (strlen(at) >= 10 && at[4] == '-' && at[7] == '-') {
        snprintf(when, sizeof when, "%.4s%.2s%.2s", at, at + 5, at + 8);
    } else {
        time_t now = clock_wall();
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(when, sizeof when, "%Y%m%d", &tm);
    }
    snprintf(number, sizeof number, "%s-%s", when, d->ticket.number);
    i18n_format(line, sizeof line, "ticket.window", "window",
                online_text_get(&d->ticket.window, app_lang(a)), (char *)NULL);
    receipt_ui_issue(a, &s->paper, &(receipt_ui_facts){
                                      .service = service(a, s),
                                      .number = number,
                                      .code_kind = RECEIPT_CODE_TICKET,
                                      .code = d->ticket.number,
                                      .next_steps = line,
                                      .materials = true,
                                  });
    rating_prompt_arm(a, &s->rate, s->index, number);
}

static void ticket_enter(app *a, void *st, intptr_t arg)
{
    ticket_state *s = st;
    s->index = (arg >= 0 && (size_t)arg < a->cat->n_services) ? (size_t)arg : 0;
    snprintf(s->id, sizeof s->id, "%s", service(a, s)->id);
    ask(a, s);
}

static void ticket_leave(app *a, void *st)
{
    ticket_state *s = st;
    (void)a;
    online_asked_forget(&s->q);
    receipt_ui_clear(&s->paper);
}

static bool asking(const ticket_state *s)
{
    return online_asked_waiting(&s->q);
}

/* The number, as large as fits: it is what the resident looks for on
 * the calling screen across the hall. */
static int number_part(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    ticket_state *s = st;
    const theme *th = &u->th;
    const online_data *d = &s->q.ans->data;
    int y0 = y;
    y += ui_paragraph(u, tr("ticket.your_number"), x, y, w, th->text_heading, TEXT_BOLD, th->text,
                      UI_CENTER, draw);
    int px = th->text_display * 3;
    while (px > th->text_display &&
           text_width(d->ticket.number, strlen(d->ticket.number), px, TEXT_BOLD) > w)
        px -= th->text_display / 4;
    if (draw)
        ui_text(u, d->ticket.number, x, y, w, px, TEXT_BOLD, th->primary, UI_CENTER, false);
    y += text_line_height(px, TEXT_BOLD);
    (void)a;
    return y - y0 + th->gap;
}

/* "前面还有 3 人等候" */
static void ahead_text(const online_data *d, char *out, size_t size)
{
    char n[16];
    snprintf(n, sizeof n, "%d", d->ticket.waiting);
    i18n_format(out, size,
                d->ticket.waiting == 0   ? "ticket.waiting_none"
                : d->ticket.waiting == 1 ? "ticket.waiting_one"
                                         : "ticket.waiting",
                "n", n, (char *)NULL);
}

/* How many are ahead, where to wait, what to bring. */
static int info_part(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    ticket_state *s = st;
    const theme *th = &u->th;
    const online_data *d = &s->q.ans->data;
    ui_align al = th->portrait ? UI_CENTER : UI_LEFT;
    char line[512];
    int y0 = y;
    ahead_text(d, line, sizeof line);
    y += ui_paragraph(u, line, x, y, w, th->text_title, TEXT_BOLD, th->text, al, draw);
    i18n_format(line, sizeof line, "ticket.window", "window",
                online_text_get(&d->ticket.window, app_lang(a)), (char *)NULL);
    y += ui_paragraph(u, line, x, y, w, th->text_heading, TEXT_REGULAR, th->text, al, draw) +
         th->gap;
    y += ui_paragraph(u, tr("ticket.note"), x, y, w, th->text_body, TEXT_REGULAR, th->muted, al,
                      draw) + th->gap;
    y += receipt_ui_status(u, &s->paper, x, y, w, al, draw);
    if (s->paper.print == RECEIPT_UI_SCREEN)
        y += th->gap + receipt_ui_on_screen(a, u, &s->paper, x, y + th->gap, w, draw);
    return y - y0 + th->gap;
}

static int page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    ticket_state *s = st;
    const theme *th = &u->th;
    const catalog_service *svc = service(a, s);
    int y0 = y;
    y += ui_paragraph(u, ltext_get(&svc->name, app_lang(a)), x, y, w, th->text_heading, TEXT_BOLD,
                      th->muted, UI_CENTER, draw) + th->gap;
    if (asking(s))
        return y - y0 + online_ui_asking(u, "ticket.asking", x, y, w, draw);
    online_outcome o = online_asked_outcome(&s->q);
    if (o != ONLINE_OK)
        return y - y0 + online_ui_unavailable(a, u, online_ui_title_key(o),
                                              online_ui_body_key(o, "ticket.refused"), svc, x, y,
                                              w, ACT_ASK_HELP, draw);
    y += number_part(a, st, u, x, y, w, draw);
    y += info_part(a, st, u, x, y, w, draw);
    return y - y0;
}

static void ticket_draw(app *a, void *st, ui *u)
{
    ticket_state *s = st;
    const theme *th = &u->th;
    SDL_Rect c = app_chrome(a, u, tr("ticket.title"), true);
    online_outcome o = online_asked_outcome(&s->q);
    SDL_Rect view = c;
    if (!asking(s))
        view = online_ui_nav(u, c, o == ONLINE_OK || o == ONLINE_NONE ? NULL : tr("online.retry"),
                             ACT_RETRY,
                             tr("form.finish"), ACT_FINISH);
    if (s->q.ans && o == ONLINE_OK && !th->portrait) {
        /* landscape: the number on the left, what to do on the right, so
         * neither needs scrolling */
        int half = (view.w - th->pad) / 2;
        const char *name = ltext_get(&service(a, s)->name, app_lang(a));
        int nh = ui_paragraph(u, name, view.x, view.y, view.w, th->text_heading, TEXT_BOLD,
                              th->muted, UI_CENTER, true) + th->gap;
        SDL_Rect left = {view.x, view.y + nh, half, view.h - nh};
        SDL_Rect right = {view.x + half + th->pad, view.y + nh, half, view.h - nh};
        int lh = number_part(a, s, u, left.x, 0, left.w, false);
        number_part(a, s, u, left.x, left.y + (lh < left.h ? (left.h - lh) / 2 : 0), left.w,
                    true);
        int rh = info_part(a, s, u, right.x, 0, right.w, false);
        if (rh <= right.h)
            info_part(a, s, u, right.x, right.y + (right.h - rh) / 2, right.w, true);
        else
            online_ui_scrolled(a, s, u, &s->scroll, right, info_part);
        return;
    }
    online_ui_scrolled(a, s, u, &s->scroll, view, page);
}

/* What the voice says (app/speech.h): asking, the number with how many
 * are ahead and where to wait, or why not and what instead. */
static void ticket_speech(app *a, void *st, char *out, size_t size)
{
    ticket_state *s = st;
    if (asking(s)) {
        i18n_format(out, size, "voice.ticket.asking", (char *)NULL);
        return;
    }
    online_outcome o = online_asked_outcome(&s->q);
    if (o != ONLINE_OK) {
        online_ui_speech_unavailable(a, o, online_ui_body_key(o, "ticket.refused"),
                                     service(a, s), out, size);
        return;
    }
    const online_data *d = &s->q.ans->data;
    char ahead[256], where[256];
    ahead_text(d, ahead, sizeof ahead);
    i18n_format(where, sizeof where, "ticket.window", "window",
                online_text_get(&d->ticket.window, app_lang(a)), (char *)NULL);
    i18n_format(out, size, "voice.ticket.done", "number", d->ticket.number, "ahead", ahead,
                "window", where, (char *)NULL);
}

static void ticket_action(app *a, void *st, int action, intptr_t arg)
{
    ticket_state *s = st;
    (void)arg;
    if (action == ACT_RETRY && !asking(s))
        ask(a, s);
    else if (action == ACT_FINISH && !rating_prompt_finish(a, &s->rate))
        app_go_home(a);
    else if (action == ACT_ASK_HELP)
        online_ui_open_help(a);
}

static void ticket_event(app *a, void *st, hub_event *ev)
{
    ticket_state *s = st;
    if (receipt_ui_take(a, &s->paper, ev)) {
        app_invalidate(a);
        return;
    }
    if (!online_asked_take(&s->q, ev))
        return;
    if (online_asked_outcome(&s->q) == ONLINE_OK)
        issued(a, s);
    s->scroll.offset = 0;
    app_note_activity(a);
    app_invalidate(a);
}

/* Settled once the ticket's receipt is out of the printer: the rating
 * then follows (rating_prompt.h). */
static bool settled(const ticket_state *s)
{
    return s->paper.print != RECEIPT_UI_NONE && s->paper.print != RECEIPT_UI_PRINTING;
}

static uint64_t ticket_wake_at(app *a, void *st)
{
    ticket_state *s = st;
    (void)a;
    uint64_t q = online_asked_wake_at(&s->q), r = rating_prompt_wake_at(&s->rate, settled(s));
    return !q || (r && r < q) ? r : q;
}

static void ticket_tick(app *a, void *st)
{
    ticket_state *s = st;
    if (online_asked_tick(&s->q))
        app_invalidate(a);
    else
        rating_prompt_tick(a, &s->rate, settled(s));
}

static void ticket_relayout(app *a, void *st)
{
    ticket_state *s = st;
    const catalog_service *svc = catalog_find(a->cat, s->id);
    s->index = svc ? (size_t)(svc - a->cat->services) : 0;
    s->scroll.offset = 0;
}

/* Leaving with a ticket by the header opens its rating first. */
static bool ticket_leaving(app *a, void *st, bool home)
{
    return rating_prompt_leave(a, &((ticket_state *)st)->rate, home);
}

const screen_class screen_ticket = {
    .name = "ticket",
    .state_size = sizeof(ticket_state),
    .enter = ticket_enter,
    .leave = ticket_leave,
    .draw = ticket_draw,
    .action = ticket_action,
    .event = ticket_event,
    .wake_at = ticket_wake_at,
    .tick = ticket_tick,
    .leaving = ticket_leaving,
    .relayout = ticket_relayout,
    .speech = ticket_speech,
};
