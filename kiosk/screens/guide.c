/*
 * guide: the complete one-time guide (一次告知) of one service: who may
 * apply, what to bring, the steps, time limits, fees, where and when, and a
 * QR code to take the guide away on a phone. Long guides scroll; the end is
 * marked so a resident knows nothing is left below. Along the bottom, what
 * the resident can do next: apply here (a form), see a certificate the
 * platform issues for them, or -- for a service handled at a window
 * ("kiosk": false) -- take a queue number or book a visit.
 *
 * With [rating] after_guide, reading a guide counts as a service (咨询):
 * leaving it by the header's back or home opens the rating first, for a
 * consultation number of its own (ZX + date + a random part). Going on to
 * a transaction from the guide drops that: the transaction asks for
 * itself.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "common/clock.h"
#include "i18n/i18n.h"
#include "outbox/outbox_crypt.h"
#include "screens/rating_prompt.h"
#include "screens/screens.h"
#include "ui/doc.h"

enum { ACT_SIGNIN = SCREEN_ACTION_BASE, ACT_APPLY, ACT_TICKET, ACT_APPOINT, ACT_CERTIFICATE };

typedef struct guide_state {
    size_t index;
    doc d;
    ui_scroll scroll;
    bool built;
    rating_prompt rate;     /* [rating] after_guide: the consultation's */
} guide_state;

static void build(app *a, guide_state *s)
{
    const catalog_service *svc = &a->cat->services[s->index];
    const char *lang = app_lang(a);
    doc *d = &s->d;
    char buf[512], n1[64], n2[64];
    doc_clear(d);

    doc_add(d, DOC_TITLE, ltext_get(&svc->name, lang), NULL, 0);
    i18n_format(buf, sizeof buf, "guide.department_line", "department",
                ltext_get(&svc->department, lang), "label", tr("guide.item_code"),
                "id", svc->id, (char *)NULL);
    doc_add(d, DOC_NOTE, buf, NULL, 0);
    doc_add(d, DOC_BADGE, svc->kiosk ? tr("badge.kiosk") : tr("badge.window"), NULL,
            svc->kiosk ? 1 : 0);
    if (svc->needs_identity)
        doc_add(d, DOC_BADGE, tr("badge.identity"), NULL, 0);
    if (*ltext_get(&svc->summary, lang))
        doc_add(d, DOC_PARA, ltext_get(&svc->summary, lang), NULL, 0);

    doc_add(d, DOC_HEADING, tr("guide.conditions"), NULL, 0);
    for (size_t i = 0; i < svc->n_conditions; i++)
        doc_add(d, DOC_ITEM, ltext_get(&svc->conditions[i], lang), NULL, (int)i + 1);

    doc_add(d, DOC_HEADING, tr("guide.materials"), NULL, 0);
    if (svc->n_materials == 0)
        doc_add(d, DOC_PARA, tr("guide.no_materials"), NULL, 0);
    for (size_t i = 0; i < svc->n_materials; i++) {
        const catalog_material *m = &svc->materials[i];
        char count[16], line[512];
        snprintf(count, sizeof count, "%d", m->count);
        i18n_format(line, sizeof line, "guide.material_line", "count", count, "form",
                    tr(catalog_form_key(m->form)), (char *)NULL);
        char full[768];
        i18n_format(full, sizeof full, "guide.material_item", "name",
                    ltext_get(&m->name, lang), "detail", line, (char *)NULL);
        const char *notes = ltext_get(&m->notes, lang);
        doc_add(d, DOC_ITEM, full, *notes ? notes : NULL, (int)i + 1);
    }

    doc_add(d, DOC_HEADING, tr("guide.steps"), NULL, 0);
    for (size_t i = 0; i < svc->n_steps; i++)
        doc_add(d, DOC_ITEM, ltext_get(&svc->steps[i], lang), NULL, (int)i + 1);

    doc_add(d, DOC_HEADING, tr("guide.time_limits"), NULL, 0);
    i18n_days(n1, sizeof n1, svc->legal_days);
    i18n_days(n2, sizeof n2, svc->promised_days);
    doc_add(d, DOC_KV, tr("guide.legal_limit"), n1, 0);
    doc_add(d, DOC_KV, tr("guide.promised_limit"), n2, 0);

    doc_add(d, DOC_HEADING, tr("guide.where_when"), NULL, 0);
    doc_add(d, DOC_KV, tr("guide.fees"), ltext_get(&svc->fees, lang), 0);
    doc_add(d, DOC_KV, tr("guide.window"), ltext_get(&svc->window, lang), 0);
    doc_add(d, DOC_KV, tr("guide.address"), ltext_get(&svc->address, lang), 0);
    doc_add(d, DOC_KV, tr("guide.hours"), ltext_get(&svc->hours, lang), 0);
    doc_add(d, DOC_KV, tr("guide.phone"), svc->phone, 0);

    if (svc->online_url) {
        doc_add(d, DOC_HEADING, tr("guide.online"), NULL, 0);
        doc_add(d, DOC_QR, svc->online_url, tr("guide.qr_caption"), 0);
        doc_add(d, DOC_NOTE, svc->online_url, NULL, 0);
    }
    doc_add(d, DOC_END, tr("guide.end"), NULL, 0);
    s->built = true;
}

static void guide_enter(app *a, void *st, intptr_t arg)
{
    guide_state *s = st;
    s->index = (arg >= 0 && (size_t)arg < a->cat->n_services) ? (size_t)arg : 0;
    build(a, s);
    if (a->cfg->rating_after_guide) {
        char uuid[OUTBOX_UUID_SIZE], day[16], number[40];
        time_t now = clock_wall();
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(day, sizeof day, "%Y%m%d", &tm);
        outbox_uuid(uuid);
        snprintf(number, sizeof number, "ZX%s-%.8s", day, uuid);
        rating_prompt_arm(a, &s->rate, s->index, number);
    }
}

static bool guide_leaving(app *a, void *st, bool home)
{
    return rating_prompt_leave(a, &((guide_state *)st)->rate, home);
}

static void guide_leave(app *a, void *st)
{
    guide_state *s = st;
    (void)a;
    doc_clear(&s->d);
}

static void guide_relayout(app *a, void *st)
{
    guide_state *s = st;
    build(a, s);    /* texts change with the language, sizes with large mode */
}

static void guide_draw(app *a, void *st, ui *u)
{
    guide_state *s = st;
    const theme *th = &u->th;
    const catalog_service *svc = &a->cat->services[s->index];
    SDL_Rect c = app_chrome(a, u, ltext_get(&svc->name, app_lang(a)), true);

    /* Services done here: sign in from the guide when the card is needed,
     * show who is signed in (masked), and open the form. */
    char name[64], number[64];
    bool signed_in = app_identity_masked(a, name, sizeof name, number, sizeof number);
    if (svc->kiosk && svc->form && (signed_in || !svc->needs_identity)) {
        SDL_Rect bar = {c.x, c.y + c.h - th->target, c.w, th->target};
        ui_button(u, bar, tr("form.start"), UI_PRIMARY, ACT_APPLY, 0);
        c.h -= th->target + th->gap;
    }
    /* a certificate the platform issues for the signed-in resident */
    if (svc->kiosk && svc->certificate && signed_in) {
        SDL_Rect bar = {c.x, c.y + c.h - th->target, c.w, th->target};
        ui_button(u, bar, tr("cert.button"), UI_PRIMARY, ACT_CERTIFICATE, 0);
        c.h -= th->target + th->gap;
    }
    /* Services handled at a window (not at this kiosk): a queue number
     * now, or a visit booked for another day. */
    if (!svc->kiosk) {
        SDL_Rect bar = {c.x, c.y + c.h - th->target, c.w, th->target};
        int bw = (bar.w - th->gap) / 2;
        ui_button(u, (SDL_Rect){bar.x, bar.y, bw, bar.h}, tr("ticket.button"), UI_PRIMARY,
                  ACT_TICKET, 0);
        ui_button(u, (SDL_Rect){bar.x + bar.w - bw, bar.y, bw, bar.h}, tr("appoint.button"),
                  UI_SECONDARY, ACT_APPOINT, 0);
        c.h -= th->target + th->gap;
    }
    if (svc->kiosk && svc->needs_identity) {
        SDL_Rect bar = {c.x, c.y + c.h - th->target, c.w, th->target};
        if (signed_in) {
            char line[256];
            i18n_format(line, sizeof line, "signin.as", "name", name, "number", number,
                        (char *)NULL);
            int lh = text_line_height(th->text_body, TEXT_BOLD);
            ui_text(u, line, bar.x, bar.y + (bar.h - lh) / 2, bar.w, th->text_body, TEXT_BOLD,
                    th->ok, UI_CENTER, true);
        } else {
            ui_button(u, bar, tr("signin.start"), UI_PRIMARY, ACT_SIGNIN, 0);
        }
        c.h -= th->target + th->gap;
    }

    /* A card with the document; room on the right for the scroll bar. */
    SDL_Rect card = c;
    ui_round(u, card, th->radius, th->surface);
    SDL_Rect view = {card.x, card.y + th->gap / 2, card.w, card.h - th->gap};
    int w = view.w - 2 * th->pad;
    if (s->d.width != w)
        doc_layout(&s->d, u, w);
    int off = ui_scroll_begin(u, &s->scroll, view, s->d.height + th->pad);
    doc_draw(&s->d, u, view.x + th->pad, view.y + th->pad / 2 - off);
    ui_scroll_end(u, &s->scroll, view);
}

static void guide_action(app *a, void *st, int action, intptr_t arg)
{
    guide_state *s = st;
    (void)arg;
    if (action != ACT_SIGNIN)
        rating_prompt_disarm(&s->rate);     /* the transaction asks for itself */
    if (action == ACT_SIGNIN)
        app_push(a, &screen_signin, (intptr_t)s->index);
    else if (action == ACT_APPLY)
        app_push(a, &screen_form, (intptr_t)s->index);
    else if (action == ACT_TICKET)
        app_push(a, &screen_ticket, (intptr_t)s->index);
    else if (action == ACT_APPOINT)
        app_push(a, &screen_appoint, (intptr_t)s->index);
    else if (action == ACT_CERTIFICATE)
        app_push(a, &screen_certificate, (intptr_t)s->index);
}

const screen_class screen_guide = {
    .name = "guide",
    .state_size = sizeof(guide_state),
    .enter = guide_enter,
    .leave = guide_leave,
    .draw = guide_draw,
    .relayout = guide_relayout,
    .action = guide_action,
    .leaving = guide_leaving,
};
