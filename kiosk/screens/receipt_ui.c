/*
 * receipt_ui: one receipt path for every transaction (receipt_ui.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "devices/printer.h"
#include "i18n/i18n.h"
#include "print/receipt_store.h"
#include "screens/online_ui.h"
#include "screens/rating_prompt.h"
#include "screens/receipt_ui.h"

/* Enough lines for what a guide lists; the receipt is not the guide. */
#define RECEIPT_UI_MAX_MATERIALS 12

/* A receipt printer in the config? Without one every receipt is shown. */
static bool has_receipt_printer(const app *a)
{
    for (int i = 0; i < a->cfg->n_printers; i++)
        if (a->cfg->printers[i].kind == PRINTER_KIND_RECEIPT)
            return true;
    return false;
}

/* The session remembers which numbers it printed: the same queue ticket
 * opened again is the same paper, not a second slip. */
static bool printed_before(app *a, const char *number, bool mark)
{
    char key[SESSION_KEY_MAX];
    if (snprintf(key, sizeof key, "printed.%s", number) >= (int)sizeof key)
        return false;
    session *s = app_session(a);
    if (mark)
        session_set(s, key, "1", SESSION_VISIT);
    return session_get(s, key) != NULL;
}

/* ---- drawing the receipt after the page -------------------------------------
 *
 * Drawing a receipt takes tens of milliseconds on the UI thread (it needs
 * the fonts there), a few frames on a slow kiosk. So the page that
 * finished the transaction is drawn first, "printing" on it, and the
 * receipt is drawn and handed to the printer in the next round of the
 * loop: receipt_ui_issue posts a copy of it to the hub (source
 * "receipt"), whose handler draws it (printer_print_receipt) and posts the
 * printer's ticket back for the page (RECEIPT_EV_HANDED). The handler
 * runs whichever screen is on top, so a resident who leaves at once still
 * gets the paper. */

enum { RECEIPT_EV_RENDER = 1, RECEIPT_EV_HANDED = 2 };

/* A receipt copied into one block, strings after the struct. */
typedef struct render_job {
    receipt rc;
    size_t size;
    const char *materials[RECEIPT_UI_MAX_MATERIALS];
} render_job;

typedef struct handed {
    char number[64];
    uint64_t ticket;    /* 0: not handed over */
} handed;

static int source = -1;

static void render_free(void *p)
{
    if (p) {
        explicit_bzero(p, ((render_job *)p)->size);  /* masked, but a resident's */
        free(p);
    }
}

static const char *put(char **c, const char *str)
{
    if (!str)
        return NULL;
    size_t n = strlen(str) + 1;
    memcpy(*c, str, n);
    const char *out = *c;
    *c += n;
    return out;
}

static size_t len0(const char *str)
{
    return str ? strlen(str) + 1 : 0;
}

static render_job *render_copy(const receipt *rc)
{
    size_t n = sizeof(render_job) + len0(rc->lang) + len0(rc->site_name) +
               len0(rc->service_name) + len0(rc->transaction_no) + len0(rc->masked_name) +
               len0(rc->masked_id_number) + len0(rc->code) + len0(rc->next_steps) +
               len0(rc->qr_text) + len0(rc->hotline);
    for (size_t i = 0; i < rc->n_materials; i++)
        n += len0(rc->materials[i]);
    render_job *j = calloc(1, n);
    if (!j)
        return NULL;
    j->size = n;
    char *c = (char *)(j + 1);
    j->rc = *rc;
    j->rc.lang = put(&c, rc->lang);
    j->rc.site_name = put(&c, rc->site_name);
    j->rc.service_name = put(&c, rc->service_name);
    j->rc.transaction_no = put(&c, rc->transaction_no);
    j->rc.masked_name = put(&c, rc->masked_name);
    j->rc.masked_id_number = put(&c, rc->masked_id_number);
    j->rc.code = put(&c, rc->code);
    j->rc.next_steps = put(&c, rc->next_steps);
    j->rc.qr_text = put(&c, rc->qr_text);
    j->rc.hotline = put(&c, rc->hotline);
    for (size_t i = 0; i < rc->n_materials && i < RECEIPT_UI_MAX_MATERIALS; i++)
        j->materials[i] = put(&c, rc->materials[i]);
    j->rc.materials = j->materials;
    j->rc.n_materials = rc->n_materials < RECEIPT_UI_MAX_MATERIALS ? rc->n_materials
                                                                   : RECEIPT_UI_MAX_MATERIALS;
    return j;
}

/* The hub's handler, on the UI thread a round after the page was drawn. */
static void on_render(void *user, hub_event *ev)
{
    (void)user;
    if (ev->kind != RECEIPT_EV_RENDER || !ev->payload)
        return;
    const render_job *j = ev->payload;
    handed *h = calloc(1, sizeof *h);
    if (!h)
        return;
    snprintf(h->number, sizeof h->number, "%s", j->rc.transaction_no);
    char why[300];
    h->ticket = printer_print_receipt("receipt", &j->rc, why, sizeof why);
    if (!h->ticket)
        fprintf(stderr, "receipt: not printed: %s\n", why);
    hub_post(source, RECEIPT_EV_HANDED, h, free);
}

static bool post_render(const receipt *rc)
{
    if (source < 0)
        return false;   /* the service did not start: the receipt on screen */
    render_job *j = render_copy(rc);
    return j && hub_post(source, RECEIPT_EV_RENDER, j, render_free);
}

static bool receipt_start(app *a)
{
    (void)a;
    source = hub_source("receipt");
    if (source >= 0 && hub_on(source, on_render, NULL))
        return true;
    source = -1;
    fprintf(stderr, "receipt: no room on the event hub: receipts are shown, not printed\n");
    return false;
}

static void receipt_stop(app *a)
{
    (void)a;
    source = -1;
    receipt_store_stop();   /* what is queued is written before the kiosk goes */
}

const app_service receipt_service = {
    .name = "receipt",
    .start = receipt_start,
    .stop = receipt_stop,
};

void receipt_ui_issue(app *a, receipt_ui *r, const receipt_ui_facts *f)
{
    const char *lang = app_lang(a);
    receipt_ui_clear(r);
    snprintf(r->number, sizeof r->number, "%s", f->number ? f->number : "");
    r->at = clock_wall();
    /* the signed rating link (补充评价) where this kiosk can sign one; else
     * the progress link, or the bare number to type into 办件查询 */
    if (!rating_prompt_link(a, f->service, r->number, r->at, r->qr, sizeof r->qr))
        receipt_store_progress_link(a->cfg->platform_endpoint, r->number, r->qr, sizeof r->qr);
    if (!app_identity_masked(a, r->masked_name, sizeof r->masked_name, r->masked_id,
                             sizeof r->masked_id))
        r->masked_name[0] = r->masked_id[0] = '\0';

    /* the materials as the guide lists them, in the resident's language */
    char lines[RECEIPT_UI_MAX_MATERIALS][512];
    const char *materials[RECEIPT_UI_MAX_MATERIALS];
    size_t n = 0;
    const catalog_service *svc = f->service;
    for (size_t i = 0; f->materials && i < svc->n_materials && n < RECEIPT_UI_MAX_MATERIALS; i++) {
        const catalog_material *m = &svc->materials[i];
        char count[16], detail[256];
        snprintf(count, sizeof count, "%d", m->count);
        i18n_format(detail, sizeof detail, "guide.material_line", "count", count, "form",
                    tr(catalog_form_key(m->form)), (char *)NULL);
        i18n_format(lines[n], sizeof lines[n], "guide.material_item", "name",
                    ltext_get(&m->name, lang), "detail", detail, (char *)NULL);
        materials[n] = lines[n];
        n++;
    }
    receipt rc = {
        .lang = lang,
        .site_name = settings_site_name(a->cfg, lang),
        .service_name = ltext_get(&svc->name, lang),
        .transaction_no = r->number,
        .time = r->at,
        .masked_name = r->masked_name,
        .masked_id_number = r->masked_id,
        .code_kind = f->code_kind,
        .code = f->code,
        .next_steps = f->next_steps,
        .materials = materials,
        .n_materials = n,
        .qr_text = r->qr,
        .hotline = a->cfg->hotline,
    };
    char why[300];
    if (!receipt_store_queue(&rc, f->key, why, sizeof why))
        fprintf(stderr, "receipt: not kept for reprint: %s\n", why);
    r->print = RECEIPT_UI_SCREEN;
    if (!has_receipt_printer(a)) {
        r->why = RECEIPT_UI_NO_PRINTER;
    } else if (printed_before(a, r->number, false)) {
        r->why = RECEIPT_UI_PRINTED_BEFORE;
    } else if (post_render(&rc)) {
        r->print = RECEIPT_UI_PRINTING;     /* drawn and handed over next round */
    } else {
        r->why = RECEIPT_UI_FAILED;
    }
}

bool receipt_ui_take(app *a, receipt_ui *r, const hub_event *ev)
{
    if (source >= 0 && ev->source == source) {
        const handed *h = ev->payload;
        if (ev->kind != RECEIPT_EV_HANDED || !h || r->print != RECEIPT_UI_PRINTING ||
            r->ticket || strcmp(h->number, r->number))
            return false;
        r->ticket = h->ticket;
        if (!r->ticket) {
            r->print = RECEIPT_UI_SCREEN;
            r->why = RECEIPT_UI_FAILED;
        }
        return true;
    }
    const printer_done *pd = printer_event_done(ev);
    if (!pd || r->print != RECEIPT_UI_PRINTING || pd->ticket != r->ticket ||
        (ev->kind != PRINTER_EV_DONE && ev->kind != PRINTER_EV_FAILED))
        return false;
    r->ticket = 0;
    if (ev->kind == PRINTER_EV_DONE) {
        r->print = RECEIPT_UI_PRINTED;
        printed_before(a, r->number, true);
    } else {
        r->print = RECEIPT_UI_SCREEN;
        r->why = RECEIPT_UI_FAILED;
        fprintf(stderr, "receipt: not printed: %s\n", pd->detail);
    }
    return true;
}

static const char *status_key(const receipt_ui *r)
{
    switch (r->print) {
    case RECEIPT_UI_PRINTING: return "receipt.printing";
    case RECEIPT_UI_PRINTED: return "receipt.take";
    case RECEIPT_UI_SCREEN:
        return r->why == RECEIPT_UI_NO_PRINTER       ? "receipt.no_printer"
               : r->why == RECEIPT_UI_PRINTED_BEFORE ? "receipt.printed_before"
                                                     : "receipt.print_failed";
    default: return NULL;
    }
}

int receipt_ui_status(ui *u, const receipt_ui *r, int x, int y, int w, ui_align align,
                      bool draw)
{
    const theme *th = &u->th;
    const char *key = status_key(r);
    if (!key)
        return 0;
    SDL_Color c = r->print == RECEIPT_UI_PRINTED ? th->ok
                  : r->print == RECEIPT_UI_SCREEN && r->why == RECEIPT_UI_FAILED ? th->warn
                                                                                 : th->text;
    return ui_paragraph(u, tr(key), x, y, w, th->text_heading, TEXT_BOLD, c, align, draw);
}

int receipt_ui_on_screen(app *a, ui *u, const receipt_ui *r, int x, int y, int w, bool draw)
{
    const theme *th = &u->th;
    if (r->print != RECEIPT_UI_SCREEN)
        return 0;
    int y0 = y;
    char when[96], line[200], year[16], month[16], day[16], hour[16], minute[16];
    struct tm tm;
    localtime_r(&r->at, &tm);
    snprintf(year, sizeof year, "%d", tm.tm_year + 1900);
    snprintf(month, sizeof month, "%d", tm.tm_mon + 1);
    snprintf(day, sizeof day, "%d", tm.tm_mday);
    snprintf(hour, sizeof hour, "%02d", tm.tm_hour);
    snprintf(minute, sizeof minute, "%02d", tm.tm_min);
    i18n_format(when, sizeof when, "receipt.datetime", "year", year, "month", month, "day", day,
                "hour", hour, "minute", minute, (char *)NULL);
    y += online_ui_kv(u, tr("receipt.time"), when, x, y, w, draw);
    if (r->masked_name[0])
        y += online_ui_kv(u, tr("receipt.name"), r->masked_name, x, y, w, draw);
    if (r->masked_id[0])
        y += online_ui_kv(u, tr("receipt.id_number"), r->masked_id, x, y, w, draw);
    /* big enough for a phone across a counter, never wider than the column */
    int side = 4 * th->target < w ? 4 * th->target : w;
    if (draw) {
        SDL_Rect q = {x + (w - side) / 2, y, side, side};
        SDL_SetRenderDrawColor(u->r, 255, 255, 255, 255);   /* quiet zone on white */
        SDL_RenderFillRect(u->r, &q);
        int quiet = side / 12;
        ui_qr(u, (SDL_Rect){q.x + quiet, q.y + quiet, side - 2 * quiet, side - 2 * quiet}, r->qr);
    }
    y += side + th->gap / 2;
    y += ui_paragraph(u, tr("receipt.qr"), x, y, w, th->text_body, TEXT_REGULAR, th->muted,
                      UI_CENTER, draw) + th->gap / 2;
    i18n_format(line, sizeof line, "receipt.hotline", "hotline", a->cfg->hotline, (char *)NULL);
    y += ui_paragraph(u, line, x, y, w, th->text_body, TEXT_REGULAR, th->text, UI_LEFT, draw);
    return y - y0 + th->gap;
}

void receipt_ui_clear(receipt_ui *r)
{
    explicit_bzero(r, sizeof *r);
}
