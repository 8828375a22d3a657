/*
 * certificate: the data of a certificate the platform issues for the
 * signed-in resident (the social-insurance enrolment certificate, kind
 * "si_enrolment": the catalogue's "certificate" of a service), pushed from
 * the guide with the service index once the resident is signed in.
 *
 * Shows what the printout will say -- title, number, holder and ID number
 * masked (张*, 3301**********0014), the fields in order, who issues it --
 * and prints it on the A4 printer (自助打证) when the resident taps
 * "打印证明": printer_print_certificate hands the data to the printer
 * thread, which renders the PDF (print/certificate.h) and follows the job;
 * the page says "printing", then "take it", or why not and where to get
 * one instead, and never waits on the printer. A kiosk without an A4
 * printer says so and offers no print button.
 *
 * The answer stays in guarded memory (platform/online.h) while shown and
 * is wiped when the screen goes. Offline, refused (no such certificate) or
 * without an answer in time: the plain message and what to do instead,
 * and nothing is printed -- a certificate is only ever printed from what
 * the platform answered just now.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "common/clock.h"
#include "devices/printer.h"
#include "i18n/i18n.h"
#include "platform/platform.h"
#include "screens/online_ui.h"
#include "screens/rating_prompt.h"
#include "screens/screens.h"

enum { ACT_RETRY = SCREEN_ACTION_BASE, ACT_FINISH, ACT_ASK_HELP, ACT_PRINT };

/* The certificate on paper. */
typedef enum cert_print {
    CP_NONE,        /* not asked to print (or no A4 printer) */
    CP_PRINTING,    /* handed to the printer thread */
    CP_PRINTED,     /* CUPS completed the job */
    CP_FAILED       /* not printed: reason_key says why */
} cert_print;

typedef struct certificate_state {
    size_t index;
    char id[65];
    online_asked q;         /* the answer is guarded: names and ID numbers */
    cert_print print;
    uint64_t print_ticket;  /* printer_print_certificate's, while printing */
    const char *reason_key; /* CP_FAILED */
    rating_prompt rate;     /* after printing: the rating that follows */
    ui_scroll scroll;
} certificate_state;

static const catalog_service *service(app *a, certificate_state *s)
{
    return &a->cat->services[s->index];
}

static bool asking(const certificate_state *s)
{
    return online_asked_waiting(&s->q);
}

static void ask(app *a, certificate_state *s)
{
    const idcard_identity *id = session_identity(app_session(a));
    const char *kind = service(a, s)->certificate;
    online_asked_start(&s->q, id && kind ? online_certificate(kind, id->id_number) : 0);
    s->print = CP_NONE;
    s->print_ticket = 0;
    s->scroll.offset = 0;
}

/* An A4 printer in the config? Without one nothing is offered to print. */
static bool has_a4_printer(const app *a)
{
    for (int i = 0; i < a->cfg->n_printers; i++)
        if (a->cfg->printers[i].kind == PRINTER_KIND_A4)
            return true;
    return false;
}

static bool answered(const certificate_state *s)
{
    return !online_asked_waiting(&s->q) && s->q.ans && online_asked_outcome(&s->q) == ONLINE_OK;
}

/* Hands the platform's answer to the A4 printer. The printer thread
 * copies it (certificate_doc_copy), so nothing here outlives the call. */
static void print_it(app *a, certificate_state *s)
{
    const online_data *d = &s->q.ans->data;
    certificate_field fields[ONLINE_MAX_FIELDS];
    size_t n = d->cert.n_fields < ONLINE_MAX_FIELDS ? d->cert.n_fields : ONLINE_MAX_FIELDS;
    for (size_t i = 0; i < n; i++)
        fields[i] = (certificate_field){
            {online_text_get(&d->cert.field[i].label, "zh"),
             online_text_get(&d->cert.field[i].label, "en")},
            d->cert.field[i].value};
    char kiosk_id[80];
    platform_config_device_id(a->cfg, kiosk_id, sizeof kiosk_id);
    certificate_doc doc = {
        .lang = app_lang(a),
        .kind = d->cert.kind,
        .title = {online_text_get(&d->cert.title, "zh"), online_text_get(&d->cert.title, "en")},
        .number = d->cert.number,
        .holder_name = d->cert.holder_name,
        .id_number = d->cert.id_number,
        .issued_at = d->cert.issued_at,
        .issuer = {online_text_get(&d->cert.issuer, "zh"), online_text_get(&d->cert.issuer, "en")},
        .fields = fields,
        .n_fields = n,
        .verify_url = d->cert.verify_url,
        .printed_at = clock_wall(),
        .kiosk_id = kiosk_id,
    };
    char why[300];
    s->print_ticket = printer_print_certificate(NULL, &doc, why, sizeof why);
    explicit_bzero(fields, sizeof fields);
    s->scroll.offset = 0;   /* the status shows at the top */
    if (s->print_ticket) {
        s->print = CP_PRINTING;
    } else {
        /* why names the problem for technicians, never the holder */
        fprintf(stderr, "certificate: not printed: %s\n", why);
        s->print = CP_FAILED;
        s->reason_key = "certificate.render_failed";
    }
}

/* Where the printing stands: above the certificate, where the resident
 * looks after tapping the button, whatever the page's length. */
static int print_status(certificate_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    char line[512];
    switch (s->print) {
    case CP_PRINTING:
        return ui_paragraph(u, tr("certificate.printing"), x, y, w, th->text_heading, TEXT_BOLD,
                            th->text, UI_LEFT, draw) + th->gap;
    case CP_PRINTED:
        return ui_paragraph(u, tr("certificate.take"), x, y, w, th->text_heading, TEXT_BOLD,
                            th->ok, UI_LEFT, draw) + th->gap;
    case CP_FAILED:
        i18n_format(line, sizeof line, "cert.print_failed", "reason",
                    tr(s->reason_key ? s->reason_key : "printer.aborted"), (char *)NULL);
        return ui_paragraph(u, line, x, y, w, th->text_heading, TEXT_BOLD, th->warn, UI_LEFT,
                            draw) + th->gap;
    default:
        return 0;
    }
}

/* Under the certificate: what printing means here. */
static int print_note(app *a, certificate_state *s, ui *u, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    if (!has_a4_printer(a))
        return ui_paragraph(u, tr("certificate.no_printer"), x, y, w, th->text_body, TEXT_BOLD,
                            th->warn, UI_LEFT, draw) + th->gap;
    if (certificate_identity_for_kind(s->q.ans->data.cert.kind) == CERTIFICATE_IDENTITY_FULL)
        return ui_paragraph(u, tr("cert.full_identity"), x, y, w, th->text_body, TEXT_REGULAR,
                            th->muted, UI_LEFT, draw) + th->gap;
    return 0;
}

static void certificate_enter(app *a, void *st, intptr_t arg)
{
    certificate_state *s = st;
    s->index = (arg >= 0 && (size_t)arg < a->cat->n_services) ? (size_t)arg : 0;
    snprintf(s->id, sizeof s->id, "%s", service(a, s)->id);
    ask(a, s);
}

static void certificate_leave(app *a, void *st)
{
    certificate_state *s = st;
    (void)a;
    online_asked_forget(&s->q);
}

/* The certificate's label-value pairs in the order the paper has them. */
typedef struct kv_list {
    const char *label[ONLINE_MAX_FIELDS + 5], *value[ONLINE_MAX_FIELDS + 5];
    int n;
} kv_list;

static void kv_add(kv_list *kv, const char *label, const char *value)
{
    if (kv->n < (int)(sizeof kv->label / sizeof *kv->label)) {
        kv->label[kv->n] = label;
        kv->value[kv->n++] = value;
    }
}

static int page(app *a, void *st, ui *u, int x, int y, int w, bool draw)
{
    certificate_state *s = st;
    const theme *th = &u->th;
    const char *lang = app_lang(a);
    int y0 = y;
    if (asking(s))
        return online_ui_asking(u, "cert.asking", x, y, w, draw);
    online_outcome o = online_asked_outcome(&s->q);
    if (o != ONLINE_OK) {
        bool none = o == ONLINE_REFUSED && s->q.ans && !strcmp(s->q.ans->code, "no_certificate");
        return online_ui_unavailable(a, u, none ? "cert.none_title" : online_ui_title_key(o),
                                     none ? "cert.none" : online_ui_body_key(o, "online.try_later"),
                                     service(a, s), x, y, w, ACT_ASK_HELP, draw);
    }
    const online_data *d = &s->q.ans->data;
    char name[64], number[64];
    /* masked as the card is everywhere on screen */
    idcard_mask_name(d->cert.holder_name, name, sizeof name);
    idcard_mask_number(d->cert.id_number, number, sizeof number);
    y += ui_paragraph(u, online_text_get(&d->cert.title, lang), x, y, w, th->text_title, TEXT_BOLD,
                      th->text, UI_LEFT, draw) + th->gap;
    y += print_status(s, u, x, y, w, draw);
    /* a card like the paper: the holder first, then the fields in order;
     * in landscape two to a row, so the holder's number shows without
     * scrolling under a two-row status bar (large text, signed in) */
    kv_list kv = {.n = 0};
    char when[24];
    kv_add(&kv, tr("cert.number"), d->cert.number);
    kv_add(&kv, tr("signin.name"), name);
    kv_add(&kv, tr("signin.number"), number);
    for (size_t i = 0; i < d->cert.n_fields; i++)
        kv_add(&kv, online_text_get(&d->cert.field[i].label, lang), d->cert.field[i].value);
    if (d->cert.issued_at[0]) {
        snprintf(when, sizeof when, "%.10s %.5s", d->cert.issued_at, d->cert.issued_at + 11);
        kv_add(&kv, tr("cert.issued"), when);
    }
    if (d->cert.issuer.n)
        kv_add(&kv, tr("cert.issuer"), online_text_get(&d->cert.issuer, lang));
    int inner = w - 2 * th->pad, cx = x + th->pad;
    int cols = th->portrait ? 1 : 2;
    int col_w = (inner - (cols - 1) * th->gap) / cols;
    int content = 0;
    for (int pass = 0; pass < 2; pass++) {
        bool d2 = pass == 1 && draw;
        if (d2)
            ui_round(u, (SDL_Rect){x, y, w, content}, th->radius, th->surface);
        int yy = y + th->pad, row_h = 0;
        for (int k = 0; k < kv.n; k++) {
            int col = k % cols;
            int h = online_ui_kv(u, kv.label[k], kv.value[k], cx + col * (col_w + th->gap), yy,
                                 col_w, d2);
            if (h > row_h)
                row_h = h;
            if (col == cols - 1 || k == kv.n - 1) {
                yy += row_h;
                row_h = 0;
            }
        }
        content = yy - y + th->pad / 2;
    }
    y += content + th->gap;
    y += print_note(a, s, u, x, y, w, draw);
    explicit_bzero(name, sizeof name);
    explicit_bzero(number, sizeof number);
    return y - y0 + th->gap;
}

static void certificate_draw(app *a, void *st, ui *u)
{
    certificate_state *s = st;
    SDL_Rect c = app_chrome(a, u, ltext_get(&service(a, s)->name, app_lang(a)), true);
    SDL_Rect view = c;
    if (answered(s) && has_a4_printer(a) &&
        (s->print == CP_NONE || s->print == CP_FAILED)) {
        /* to print is what the resident came for: the primary button */
        view = online_ui_nav(u, c, tr("form.finish"), ACT_FINISH,
                             tr(s->print == CP_FAILED ? "cert.print_again" : "cert.print"),
                             ACT_PRINT);
    } else if (!asking(s)) {
        online_outcome o = online_asked_outcome(&s->q);
        view = online_ui_nav(u, c, online_ui_can_retry(o) ? tr("online.retry") : NULL, ACT_RETRY,
                             tr("form.finish"), ACT_FINISH);
    }
    online_ui_scrolled(a, s, u, &s->scroll, view, page);
}

static void certificate_action(app *a, void *st, int action, intptr_t arg)
{
    certificate_state *s = st;
    (void)arg;
    if (action == ACT_RETRY && !asking(s))
        ask(a, s);
    else if (action == ACT_FINISH && !rating_prompt_finish(a, &s->rate))
        app_go_home(a);
    else if (action == ACT_ASK_HELP)
        online_ui_open_help(a);
    else if (action == ACT_PRINT && answered(s) && s->print != CP_PRINTING &&
             s->print != CP_PRINTED && has_a4_printer(a))
        print_it(a, s);
}

static void certificate_event(app *a, void *st, hub_event *ev)
{
    certificate_state *s = st;
    const printer_done *pd = printer_event_done(ev);
    if (pd) {
        if (s->print == CP_PRINTING && pd->ticket == s->print_ticket &&
            (ev->kind == PRINTER_EV_DONE || ev->kind == PRINTER_EV_FAILED)) {
            s->print = ev->kind == PRINTER_EV_DONE ? CP_PRINTED : CP_FAILED;
            s->reason_key = pd->reason_key;
            /* printed or not, the resident used the service: the rating
             * follows, for the certificate's number */
            if (s->q.ans)
                rating_prompt_arm(a, &s->rate, s->index, s->q.ans->data.cert.number);
            s->print_ticket = 0;
            if (ev->kind == PRINTER_EV_FAILED)
                fprintf(stderr, "certificate: not printed: %s\n", pd->detail);
            s->scroll.offset = 0;
            app_note_activity(a);
            app_invalidate(a);
        }
        return;
    }
    if (!online_asked_take(&s->q, ev))
        return;
    s->scroll.offset = 0;
    app_note_activity(a);
    app_invalidate(a);
}

static uint64_t certificate_wake_at(app *a, void *st)
{
    certificate_state *s = st;
    (void)a;
    uint64_t q = online_asked_wake_at(&s->q), r = rating_prompt_wake_at(&s->rate, true);
    return !q || (r && r < q) ? r : q;
}

static void certificate_tick(app *a, void *st)
{
    certificate_state *s = st;
    if (online_asked_tick(&s->q))
        app_invalidate(a);
    else
        rating_prompt_tick(a, &s->rate, true);
}

static void certificate_relayout(app *a, void *st)
{
    certificate_state *s = st;
    const catalog_service *svc = catalog_find(a->cat, s->id);
    s->index = svc ? (size_t)(svc - a->cat->services) : 0;
    s->scroll.offset = 0;
}

/* Leaving after printing by the header opens the rating first. */
static bool certificate_leaving(app *a, void *st, bool home)
{
    return rating_prompt_leave(a, &((certificate_state *)st)->rate, home);
}

/* What the voice says (app/speech.h): asking; none, or why not and what
 * instead; the certificate ready (its content stays on screen: it holds
 * the name and number) and what printing does; printing, printed, or why
 * not. */
static void certificate_speech(app *a, void *st, char *out, size_t size)
{
    certificate_state *s = st;
    const char *title = ltext_get(&service(a, s)->name, app_lang(a));
    if (asking(s)) {
        i18n_format(out, size, "cert.asking", (char *)NULL);
        return;
    }
    online_outcome o = online_asked_outcome(&s->q);
    if (o != ONLINE_OK) {
        bool none = o == ONLINE_REFUSED && s->q.ans && !strcmp(s->q.ans->code, "no_certificate");
        if (none)
            i18n_format(out, size, "voice.cert.none", (char *)NULL);
        else
            online_ui_speech_unavailable(a, o, online_ui_body_key(o, "online.try_later"),
                                         service(a, s), out, size);
        return;
    }
    char line[512];
    switch (s->print) {
    case CP_PRINTING:
        i18n_format(out, size, "certificate.printing", (char *)NULL);
        return;
    case CP_PRINTED:
        i18n_format(out, size, "certificate.take", (char *)NULL);
        return;
    case CP_FAILED:
        i18n_format(out, size, "cert.print_failed", "reason",
                    tr(s->reason_key ? s->reason_key : "printer.aborted"), (char *)NULL);
        return;
    default:
        i18n_format(line, sizeof line, has_a4_printer(a) ? "voice.cert.print" : "certificate.no_printer",
                    (char *)NULL);
        i18n_format(out, size, "voice.screen.certificate", "title", title, (char *)NULL);
        size_t l = strlen(out);
        snprintf(out + l, size - l, " %s", line);
        return;
    }
}

const screen_class screen_certificate = {
    .name = "certificate",
    .state_size = sizeof(certificate_state),
    .enter = certificate_enter,
    .leave = certificate_leave,
    .draw = certificate_draw,
    .action = certificate_action,
    .event = certificate_event,
    .wake_at = certificate_wake_at,
    .tick = certificate_tick,
    .leaving = certificate_leaving,
    .relayout = certificate_relayout,
    .speech = certificate_speech,
};
