#include "app.h"

#include <SDL_ttf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/catalog_loader.h"
#include "app/display.h"
#include "app/service.h"
#include "app/speech.h"
#include "common/clock.h"
#include "common/storage.h"
#include "hub/hub.h"
#include "i18n/i18n.h"
#include "ime/ime.h"
#include "status/status.h"
#include "ui/icons.h"

/* ------------------------------------------------------------ lifecycle -- */

static void note_catalog_file(app *a, const char *path);
static void on_catalog_loaded(void *user, hub_event *ev);

static void apply_theme(app *a)
{
    theme_compute(&a->ui.th, a->w, a->h, a->cfg->font_scale, a->large, a->contrast);
}

/* Posting thread: wake the UI loop out of SDL_WaitEventTimeout. */
static void wake_ui(void *user)
{
    app *a = user;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = a->wake_event;
    SDL_PushEvent(&e);
}

static void start_services(app *a)
{
    for (size_t i = 0; i < service_count(); i++) {
        const app_service *sv = service_at(i);
        if (sv->start && !sv->start(a))
            SDL_Log("%s: did not start; the kiosk runs without it", sv->name);
    }
    a->services_started = true;
}

static void stop_services(app *a)
{
    if (!a->services_started)
        return;
    for (size_t i = service_count(); i-- > 0;) {
        const app_service *sv = service_at(i);
        if (sv->stop)
            sv->stop(a);
    }
    a->services_started = false;
}

bool app_init(app *a, const app_setup *setup)
{
    memset(a, 0, sizeof *a);
    a->catalog_source = -1;     /* no loader thread until the hub runs */
    settings *cfg = setup->cfg;
    bool headless = setup->headless;
    a->cfg = cfg;
    a->cat = setup->cat;
    a->headless = headless;
    a->speech_dir = setup->speech_dir;
    a->home = setup->home;
    a->attract = setup->attract;
    a->help_form = setup->help_form;
    a->w = cfg->width;
    a->h = cfg->height;
    a->sess = session_new();
    if (!a->sess)
        return false;

    diag_list errs = DIAG_LIST_INIT;
    char strings_dir[1024];
    snprintf(strings_dir, sizeof strings_dir, "%s/strings", cfg->assets_dir);
    if (!i18n_load(strings_dir, cfg->langs, cfg->n_langs, cfg->fallback_lang, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        return false;
    }
    diag_clear(&errs);  /* warnings about gaps are for --check-config */

    /* Touch must not also arrive as a mouse click (double activation), and
     * the mouse must not arrive as touch. */
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");   /* see app_run */
    if (headless) {
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    } else if (cfg->renderer == RENDERER_SOFTWARE) {
        /* Software rendering presents through the window's framebuffer;
         * without this hint SDL uploads it through OpenGL, which on a
         * machine with no GPU loads Mesa (measured: 150 MB and 180 ms more
         * at start) for nothing. */
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    }
    if (SDL_Init(SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "kiosk: SDL: %s\n", SDL_GetError());
        return false;
    }
    /* The video driver is chosen by display_open, which says which display
     * was tried and what to check when none opens. */
    if (!display_open(headless, stderr)) {
        a->no_display = true;
        return false;
    }
    if (TTF_Init() != 0) {
        fprintf(stderr, "kiosk: SDL_ttf: %s\n", TTF_GetError());
        return false;
    }
    text_font_spec fs = {cfg->font_regular, cfg->font_regular_index, cfg->font_bold,
                         cfg->font_bold_index};
    if (!text_init(&fs, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        return false;
    }

    Uint32 flags = SDL_WINDOW_SHOWN;
    int ww = a->w, wh = a->h;
    if (headless) {
        flags = SDL_WINDOW_HIDDEN;
    } else if (cfg->fullscreen) {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    } else {
        /* A development window that fits the desktop; the layout keeps the
         * configured size through SDL_RenderSetLogicalSize. */
        SDL_Rect usable;
        if (SDL_GetDisplayUsableBounds(cfg->display_index, &usable) == 0) {
            while (ww > usable.w || wh > usable.h) {
                ww = ww * 3 / 4;
                wh = wh * 3 / 4;
            }
        }
        flags |= SDL_WINDOW_RESIZABLE;
        a->allow_quit = true;
    }
    a->win = SDL_CreateWindow(tr("app.window_title"),
                              SDL_WINDOWPOS_CENTERED_DISPLAY(cfg->display_index),
                              SDL_WINDOWPOS_CENTERED_DISPLAY(cfg->display_index),
                              ww, wh, flags);
    if (!a->win) {
        fprintf(stderr, "kiosk: cannot create window: %s\n", SDL_GetError());
        return false;
    }
    Uint32 rflags = headless || cfg->renderer == RENDERER_SOFTWARE
                        ? SDL_RENDERER_SOFTWARE
                        : SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC;
    a->ren = SDL_CreateRenderer(a->win, -1, rflags);
    if (!a->ren)
        a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->ren) {
        fprintf(stderr, "kiosk: cannot create renderer: %s\n", SDL_GetError());
        return false;
    }
    SDL_RenderSetLogicalSize(a->ren, a->w, a->h);
    if (!cfg->show_cursor && !headless)
        SDL_ShowCursor(SDL_DISABLE);
    SDL_StartTextInput();

    ui_init(&a->ui, a->ren);
    /* The category pictograms: a broken or missing file is said once here
     * and its tiles show the generic pictogram; the kiosk still starts. */
    char icon_dir[1024];
    snprintf(icon_dir, sizeof icon_dir, "%s/icons", cfg->assets_dir);
    diag_list icon_errs = DIAG_LIST_INIT;
    a->ui.icons = icons_load(icon_dir, &icon_errs);
    diag_print(&icon_errs, stderr);
    diag_clear(&icon_errs);
    a->large = cfg->large_font;
    a->contrast = cfg->high_contrast;
    apply_theme(a);
    a->running = true;
    a->dirty = true;
    a->last_input_ms = clock_now_ms();
    /* text entry: its engines open on first use, in data_dir/ime */
    char ime_dir[1024];
    if (!storage_path("ime/", ime_dir, sizeof ime_dir))
        ime_dir[0] = '\0';     /* no data directory: pinyin says unavailable */
    size_t dl = strlen(ime_dir);
    if (dl > 1 && ime_dir[dl - 1] == '/')
        ime_dir[dl - 1] = '\0';
    ime_configure(cfg->assets_dir, ime_dir, cfg->rime_data, cfg->handwriting_model);
    ime_reset(IME_PINYIN);
    app_push(a, a->home, 0);
    a->wake_event = SDL_RegisterEvents(1);
    hub_init(a->wake_event == (Uint32)-1 ? NULL : wake_ui, a);
    a->catalog_source = catalog_loader_start();
    if (a->catalog_source >= 0 && !hub_on(a->catalog_source, on_catalog_loaded, a)) {
        catalog_loader_stop();
        a->catalog_source = -1;
    }
    start_services(a);
    note_catalog_file(a, cfg->catalog_path);
    a->catalog_checked_ms = clock_now_ms();
    return true;
}

static void leave_top(app *a);

void app_shutdown(app *a)
{
    stop_services(a);
    catalog_loader_stop();
    hub_shutdown();     /* wipes whatever the threads posted last */
    while (a->depth > 0)
        leave_top(a);
    if (a->sess)
        app_session_end(a);
    ime_shutdown();
    session_free(a->sess);
    a->sess = NULL;
    status_reset();
    text_shutdown();
    icons_free(a->ui.icons);
    a->ui.icons = NULL;
    if (a->ren)
        SDL_DestroyRenderer(a->ren);
    if (a->win)
        SDL_DestroyWindow(a->win);
    TTF_Quit();
    SDL_Quit();
    i18n_unload();
    catalog_free(a->cat);
    a->cat = NULL;
}

/* --------------------------------------------------------- screen stack -- */

const screen_class *app_top(const app *a)
{
    return a->depth ? a->stack[a->depth - 1].cls : NULL;
}

static void *top_state(const app *a)
{
    return a->depth ? a->stack[a->depth - 1].state : NULL;
}

void *app_top_state(const app *a)
{
    return top_state(a);
}

/* A screen's state may hold what it showed of the resident (masked
 * identity, a receipt, answers being typed): wiped before it is freed. */
static void free_state(const screen_class *cls, void *st)
{
    if (st)
        explicit_bzero(st, cls->state_size ? cls->state_size : 1);
    free(st);
}

/* Another screen: the keypad focus starts again from its first target
 * (the ring stays up for a keypad user). */
static void forget_focus(app *a)
{
    ui_focus_clear(&a->ui);
    memset(&a->focus_under_dialog, 0, sizeof a->focus_under_dialog);
    a->focus_under_dialog.index = -1;
}

static void leave_top(app *a)
{
    a->depth--;
    if (a->stack[a->depth].cls->leave)
        a->stack[a->depth].cls->leave(a, a->stack[a->depth].state);
    free_state(a->stack[a->depth].cls, a->stack[a->depth].state);
    a->stack[a->depth].state = NULL;
}

void app_push(app *a, const screen_class *cls, intptr_t arg)
{
    if (cls->is_root) {
        while (a->depth > 0)
            leave_top(a);
    } else if (a->depth == APP_MAX_DEPTH) {
        /* A resident tapping through links forever: drop the oldest
         * non-root screen rather than refuse to navigate. */
        if (a->stack[1].cls->leave)
            a->stack[1].cls->leave(a, a->stack[1].state);
        free_state(a->stack[1].cls, a->stack[1].state);
        memmove(&a->stack[1], &a->stack[2], (size_t)(a->depth - 2) * sizeof a->stack[0]);
        a->depth--;
    }
    void *st = calloc(1, cls->state_size ? cls->state_size : 1);
    if (!st) {
        fprintf(stderr, "kiosk: out of memory opening screen %s\n", cls->name);
        return;
    }
    a->stack[a->depth].cls = cls;
    a->stack[a->depth].state = st;
    a->depth++;
    /* the frame record points into the old screen's scroll states */
    ui_reset_input(&a->ui);
    forget_focus(a);
    if (cls->enter)
        cls->enter(a, st, arg);
    a->dirty = true;
}

void app_pop(app *a)
{
    if (a->depth <= 1)
        return;
    leave_top(a);
    ui_reset_input(&a->ui);
    forget_focus(a);
    a->dirty = true;
}

void app_go_home(app *a)
{
    while (a->depth > 1)
        leave_top(a);
    if (a->depth == 0)
        app_push(a, a->home, 0);
    ui_reset_input(&a->ui);
    forget_focus(a);
    a->dirty = true;
}

static void note_catalog_file(app *a, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        a->catalog_mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        a->catalog_size = (long long)st.st_size;
    }
}

static void relayout_all(app *a);

/* Logs why a catalogue was refused and that the last good one stays. */
static void log_refused(const app *a, const diag_list *errs)
{
    char line[1400];
    for (size_t i = 0; i < errs->count; i++) {
        diag_format(&errs->items[i], line, sizeof line);
        SDL_Log("catalogue reload refused: %s", line);
    }
    SDL_Log("keeping the last good catalogue (%zu services)", a->cat->n_services);
}

/* Puts fresh (adopted) in place of the current catalogue, on the UI thread. */
static void swap_catalog(app *a, catalog *fresh)
{
    /* Screens on the stack hold indexes into the old catalogue: go home
     * first, then swap. A resident mid-guide sees the home screen, which
     * beats a guide that silently changed under them. */
    app_dialog_close(a);
    app_go_home(a);
    catalog_loader_dispose(a->cat);     /* freed off this thread */
    a->cat = fresh;
    relayout_all(a);
    SDL_Log("catalogue reloaded: %zu categories, %zu services", fresh->n_categories,
            fresh->n_services);
}

/* The loader thread's result (catalog_loader.h), between two frames. Only
 * the newest request's result counts: an older one that crossed a newer
 * request in the hub is dropped unseen. */
static void on_catalog_loaded(void *user, hub_event *ev)
{
    app *a = user;
    catalog_loaded *r = ev->payload;
    if (ev->kind != CATALOG_LOADED || !r || r->request != a->catalog_wanted)
        return;
    a->catalog_done = r->request;
    if (!r->cat) {
        log_refused(a, &r->errors);
        return;
    }
    swap_catalog(a, r->cat);
    r->cat = NULL;  /* adopted; the hub's drop frees the rest */
}

bool app_reload_catalog(app *a, const char *path)
{
    if (!path)
        path = a->cfg->catalog_path;
    note_catalog_file(a, path);
    uint64_t request = a->catalog_source >= 0 ? catalog_loader_request(path) : 0;
    if (request) {
        a->catalog_wanted = request;
        return true;
    }
    /* No loader thread (it could not start, or out of memory): load here,
     * freezing the screen for as long, as before issue 13. A result of an
     * earlier request still on its way is older than this file: no request
     * number matches UINT64_MAX, so it will be ignored. */
    a->catalog_wanted = a->catalog_done = UINT64_MAX;
    diag_list errs = DIAG_LIST_INIT;
    catalog *fresh = catalog_load(path, &errs);
    if (!fresh)
        log_refused(a, &errs);
    else
        swap_catalog(a, fresh);
    diag_clear(&errs);
    return fresh != NULL;
}

bool app_catalog_loading(const app *a)
{
    return a->catalog_wanted != a->catalog_done;
}

/* Technicians replace catalog.json in place; checking its size and time
 * every few seconds costs one stat() and needs no inotify thread. */
#define CATALOG_CHECK_MS 5000

static void watch_catalog(app *a, uint64_t now)
{
    if (now - a->catalog_checked_ms < CATALOG_CHECK_MS)
        return;
    a->catalog_checked_ms = now;
    struct stat st;
    if (stat(a->cfg->catalog_path, &st) != 0)
        return;
    long long mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    if (mtime != a->catalog_mtime || (long long)st.st_size != a->catalog_size)
        app_reload_catalog(a, NULL);
}

static void relayout_all(app *a)
{
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i].cls->relayout)
            a->stack[i].cls->relayout(a, a->stack[i].state);
    a->dirty = true;
}

/* ---------------------------------------------------------- preferences -- */

const char *app_lang(const app *a)
{
    (void)a;
    return i18n_lang();
}

void app_set_lang(app *a, const char *lang)
{
    if (!strcmp(i18n_lang(), lang) || !i18n_set_lang(lang))
        return;
    relayout_all(a);
}

void app_set_large(app *a, bool on)
{
    if (a->large == on)
        return;
    a->large = on;
    apply_theme(a);
    relayout_all(a);
}

void app_set_contrast(app *a, bool on)
{
    if (a->contrast == on)
        return;
    a->contrast = on;
    apply_theme(a);
    relayout_all(a);
}

void app_set_elder(app *a, bool on)
{
    a->elder = on;
    app_set_large(a, on || a->cfg->large_font);
    app_set_contrast(a, on || a->cfg->high_contrast);
    /* elder mode speaks, even on a kiosk set silent (app/speech.h) */
    if (on)
        speech_wanted(a);
    a->dirty = true;
}

void app_invalidate(app *a)
{
    a->dirty = true;
}

/* --------------------------------------------------------------- dialog -- */

void app_dialog_open(app *a, int kind, const char *title, const char *body,
                     const char *const *buttons, int n_buttons)
{
    app_dialog *d = &a->dialog;
    /* the dialog's buttons take the focus; the screen's waits for its close */
    if (!d->open)
        a->focus_under_dialog = a->ui.focus;
    /* the same dialog again with news in it (the sound panel's level)
     * keeps the keypad's place */
    if (!(d->open && d->kind == kind))
        ui_focus_clear(&a->ui);
    memset(d, 0, sizeof *d);
    d->open = true;
    d->kind = kind;
    snprintf(d->title, sizeof d->title, "%s", title);
    snprintf(d->body, sizeof d->body, "%s", body);
    if (n_buttons > APP_DIALOG_BUTTONS)
        n_buttons = APP_DIALOG_BUTTONS;
    for (int i = 0; i < n_buttons; i++)
        snprintf(d->buttons[i], sizeof d->buttons[i], "%s", buttons[i]);
    d->n_buttons = n_buttons;
    /* a finger already down belongs to the screen under the dialog */
    ui_reset_input(&a->ui);
    a->dirty = true;
}

void app_dialog_close(app *a)
{
    if (a->dialog.open) {
        /* back to the screen's focus, found again in the next frame --
         * unless a touch closed the dialog: touch users see no ring */
        bool shown = a->ui.focus.shown;
        a->ui.focus = a->focus_under_dialog;
        a->ui.focus.index = -1;
        a->ui.focus.shown = shown;
        if (!shown)
            ui_focus_hide(&a->ui);
    }
    memset(&a->dialog, 0, sizeof a->dialog);
    ui_reset_input(&a->ui);
    a->dirty = true;
}

/* -------------------------------------------------------------- session -- */

session *app_session(app *a)
{
    return a->sess;
}

void app_note_activity(app *a)
{
    a->last_input_ms = clock_now_ms();
}

void app_notice(app *a, const char *text, uint64_t ms)
{
    snprintf(a->notice, sizeof a->notice, "%s", text);
    a->notice_until = clock_now_ms() + ms;
    a->dirty = true;
}

static void tell_services_session_ended(app *a)
{
    for (size_t i = 0; i < service_count(); i++)
        if (service_at(i)->session_ended)
            service_at(i)->session_ended(a);
}

/* What the screen drew of the resident's words lives outside the session
 * store: the text cache's lines (keyed by their text) and the frame's text
 * arena. Both are dropped and wiped when the words end (issue 13 item 8);
 * the next frame draws again what is still meant to show. */
static void forget_drawn_text(app *a)
{
    text_forget_private();
    ui_forget_frame(&a->ui);
    a->dirty = true;
}

void app_session_end(app *a)
{
    app_dialog_close(a);
    session_end(a->sess);
    forget_drawn_text(a);
    ime_reset(IME_PINYIN);      /* nothing typed survives the session */
    explicit_bzero(a->notice, sizeof a->notice);
    a->notice_until = 0;
    tell_services_session_ended(a);
    if (a->cfg && a->cfg->n_langs > 0)
        app_set_lang(a, a->cfg->langs[0]);
    a->elder = false;
    if (a->cfg) {
        app_set_large(a, a->cfg->large_font);
        app_set_contrast(a, a->cfg->high_contrast);
    }
    if (a->depth > 0)
        app_go_home(a);
    a->last_input_ms = clock_now_ms();
}

/* The first reminder a device has for the resident ("take your card"),
 * translated, or NULL. */
static const char *first_reminder(void)
{
    status_entry e;
    for (size_t i = 0; status_at(i, &e); i++)
        if (e.attention_key[0])
            return tr(e.attention_key);
    return NULL;
}

/* How long the sign-out notice stays: long enough to read twice. */
#define NOTICE_MS 8000

void app_sign_out(app *a)
{
    app_dialog_close(a);
    session_sign_out(a->sess);
    forget_drawn_text(a);
    ime_reset(ime_get_mode());
    tell_services_session_ended(a);
    if (a->depth > 0)
        app_go_home(a);
    char text[256];
    const char *reminder = first_reminder();
    if (reminder)
        i18n_format(text, sizeof text, "signout.done_reminder", "reminder", reminder,
                    (char *)NULL);
    else
        snprintf(text, sizeof text, "%s", tr("signout.done"));
    app_notice(a, text, NOTICE_MS);
    a->last_input_ms = clock_now_ms();
}

void app_confirm_sign_out(app *a)
{
    if (!session_identity(a->sess))
        return;
    const char *buttons[] = {tr("signout.confirm"), tr("common.cancel")};
    app_dialog_open(a, DIALOG_SIGN_OUT, tr("signout.title"), tr("signout.body"), buttons, 2);
}

static void open_idle_dialog(app *a)
{
    const char *buttons[] = {tr("idle.more_time"), tr("idle.finish")};
    app_dialog_open(a, DIALOG_IDLE, tr("idle.title"), "", buttons, 2);
    a->dialog.deadline_ms = clock_now_ms() + (uint64_t)a->cfg->idle_warning * 1000u;
}

/* The help request form exists when the catalogue names its service. */
static bool has_help_form(const app *a)
{
    return a->help_form && a->cat->help_service >= 0;
}

/* A person, from every screen: the help request form, the one way both
 * the status bar's button and the help dialog's take. */
static void open_help_request(app *a)
{
    app_push(a, a->help_form, (intptr_t)a->cat->help_service);
}

void app_call_staff(app *a)
{
    if (has_help_form(a)) {
        app_dialog_close(a);
        open_help_request(a);
        return;
    }
    char body[1024];
    i18n_format(body, sizeof body, "help.staff_body", "location",
                settings_staff_location(a->cfg, app_lang(a)), "hotline", a->cfg->hotline,
                (char *)NULL);
    const char *buttons[] = {tr("common.close")};
    app_dialog_open(a, DIALOG_STAFF, tr("help.staff_title"), body, buttons, 1);
}

/* The sound panel: repeat what this screen says, louder, softer. It
 * stays open while the volume is stepped, its title saying the level. */
static void open_voice_dialog(app *a)
{
    char title[128], n[16];
    snprintf(n, sizeof n, "%d", speech_volume());
    i18n_format(title, sizeof title, "voice.panel_title", "volume", n, (char *)NULL);
    const char *buttons[] = {tr("common.close"), tr("voice.repeat"), tr("voice.louder"),
                             tr("voice.softer")};
    app_dialog_open(a, DIALOG_VOICE, title, tr("voice.panel_body"), buttons, 4);
}

static void open_help_dialog(app *a)
{
    char body[1024];
    i18n_format(body, sizeof body, "help.body", "hotline", a->cfg->hotline, (char *)NULL);
    /* High contrast lives here rather than in the status bar: few need it,
     * and the bar is full in large-font portrait mode. */
    const char *buttons[] = {tr("common.close"),
                             a->contrast ? tr("help.contrast_off") : tr("help.contrast_on"),
                             tr("help.ask_staff")};
    int n = has_help_form(a) ? 3 : 2;
    app_dialog_open(a, DIALOG_HELP, tr("help.title"), body, buttons, n);
}

/* -------------------------------------------------------------- actions -- */

static void dispatch_action(app *a, int action, intptr_t arg)
{
    const screen_class *top = app_top(a);
    switch (action) {
    case ACT_BACK:
    case ACT_HOME:
        if (top && top->leaving && top->leaving(a, top_state(a), action == ACT_HOME))
            return;
        if (action == ACT_HOME)
            app_go_home(a);
        else
            app_pop(a);
        return;
    case ACT_LANG:
        if (arg >= 0 && arg < a->cfg->n_langs)
            app_set_lang(a, a->cfg->langs[arg]);
        return;
    case ACT_LARGE:
        app_set_large(a, !a->large);
        return;
    case ACT_HELP:
        open_help_dialog(a);
        return;
    case ACT_SIGN_OUT:
        app_confirm_sign_out(a);
        return;
    case ACT_CALL_STAFF:
        app_call_staff(a);
        return;
    case ACT_VOICE:
        speech_wanted(a);
        open_voice_dialog(a);
        return;
    case ACT_ELDER:
        app_set_elder(a, !a->elder);
        break;  /* the screen may do more: the attract loop wakes */
    case ACT_DIALOG: {
        int kind = a->dialog.kind;
        if (kind == DIALOG_IDLE) {
            if (arg == 0) {
                app_dialog_close(a);
                a->last_input_ms = clock_now_ms();
            } else {
                app_session_end(a);
            }
            return;
        }
        if (kind == DIALOG_SIGN_OUT) {
            if (arg == 0)
                app_sign_out(a);
            else
                app_dialog_close(a);
            return;
        }
        if (kind == DIALOG_VOICE) {
            if (arg == 2 || arg == 3) {
                speech_volume_step(a, arg == 2 ? 1 : -1);
                open_voice_dialog(a);   /* the new level in its title */
                return;
            }
            app_dialog_close(a);
            if (arg == 1)
                speech_repeat(a);
            return;
        }
        app_dialog_close(a);
        if (kind == DIALOG_HELP) {
            if (arg == 1)
                app_set_contrast(a, !a->contrast);
            else if (arg == 2 && has_help_form(a))
                open_help_request(a);
            return;
        }
        if (kind == DIALOG_STAFF)
            return;
        break;  /* the screen's own dialog: pass the button on */
    }
    default:
        break;
    }
    if (top && top->action)
        top->action(a, top_state(a), action, arg);
    a->dirty = true;
}

static void take_actions(app *a)
{
    int action;
    intptr_t arg;
    while (ui_take_action(&a->ui, &action, &arg))
        dispatch_action(a, action, arg);
}

/* --------------------------------------------------------------- events -- */

static SDL_FingerID active_finger = -1;

/* Keys: a USB keypad (arrows, Enter, Help) or a keyboard. Navigation is
 * the frame record's (ui/focus.h), so no screen handles arrows itself. A
 * screen that takes typed text (it has .text) keeps Backspace, Space and
 * '?' for its field; Enter with nothing focused goes to the screen too (a
 * search field's "search"). With a key focused on the on-screen keyboard,
 * Enter types that key: it is a target like any other. */
static void handle_key(app *a, const SDL_Keysym *k)
{
    const screen_class *top = app_top(a);
    ui *u = &a->ui;
    bool text = !a->dialog.open && top && top->text;
    bool shift = (k->mod & KMOD_SHIFT) != 0;
    /* the voice's own keys (app/speech.h); any key wakes a silent kiosk */
    speech_keypad_used(a);
    switch (k->sym) {
    case SDLK_F2:
    case SDLK_KP_MULTIPLY:
        speech_repeat(a);
        return;
    case SDLK_VOLUMEUP:
    case SDLK_KP_PLUS:
    case SDLK_F4:
        speech_volume_step(a, 1);
        return;
    case SDLK_VOLUMEDOWN:
    case SDLK_KP_MINUS:
    case SDLK_F3:
        speech_volume_step(a, -1);
        return;
    case SDLK_UP:
    case SDLK_LEFT:
        ui_focus_move(u, -1);
        return;
    case SDLK_DOWN:
    case SDLK_RIGHT:
        ui_focus_move(u, 1);
        return;
    case SDLK_TAB:
        ui_focus_move(u, shift ? -1 : 1);
        return;
    case SDLK_SPACE:
        if (text)
            return;     /* typed as a space (SDL_TEXTINPUT) */
        /* Space activates like Enter */
        /* fall through */
    case SDLK_RETURN:
    case SDLK_RETURN2:
    case SDLK_KP_ENTER:
        if (ui_focus_activate(u))
            return;
        if (!a->dialog.open && top && top->key && k->sym != SDLK_SPACE)
            top->key(a, top_state(a), k->sym);
        else
            ui_focus_move(u, 1);    /* show where Enter would act */
        return;
    case SDLK_F1:
    case SDLK_HELP:
        if (!a->dialog.open)
            dispatch_action(a, ACT_HELP, 0);
        return;
    case SDLK_BACKSPACE:
        if (text) {
            if (top->key)
                top->key(a, top_state(a), k->sym);
            return;
        }
        /* with no field to delete from, Backspace is Back */
        /* fall through */
    case SDLK_ESCAPE:
    case SDLK_AC_BACK:
        if (a->dialog.open) {
            if (a->dialog.kind != DIALOG_IDLE)
                app_dialog_close(a);
        } else {
            dispatch_action(a, ACT_BACK, 0);
        }
        return;
    default:
        break;
    }
    bool question = k->sym == SDLK_QUESTION || (k->sym == SDLK_SLASH && shift);
    if (question && !text) {
        if (!a->dialog.open)
            dispatch_action(a, ACT_HELP, 0);
        return;
    }
    if (!a->dialog.open && top && top->key)
        top->key(a, top_state(a), k->sym);
}

static void note_input(app *a)
{
    /* While the idle countdown runs, only its button extends the session:
     * a stray touch elsewhere must not keep a forgotten session alive. */
    if (!(a->dialog.open && a->dialog.kind == DIALOG_IDLE))
        a->last_input_ms = clock_now_ms();
}

void app_handle_event(app *a, const SDL_Event *ev)
{
    const screen_class *top = app_top(a);
    switch (ev->type) {
    case SDL_QUIT:
        if (a->allow_quit)
            a->running = false;
        else
            SDL_Log("quit request ignored: kiosk mode (technician mode exits)");
        return;
    case SDL_WINDOWEVENT:
        a->dirty = true;
        return;
    case SDL_FINGERDOWN:
        if (active_finger != -1)
            return;     /* one finger at a time: a palm must not tap twice */
        active_finger = ev->tfinger.fingerId;
        note_input(a);
        a->dirty |= ui_pointer_down(&a->ui, (int)(ev->tfinger.x * a->w),
                                    (int)(ev->tfinger.y * a->h));
        break;
    case SDL_FINGERMOTION:
        if (ev->tfinger.fingerId != active_finger)
            return;
        note_input(a);
        a->dirty |= ui_pointer_move(&a->ui, (int)(ev->tfinger.x * a->w),
                                    (int)(ev->tfinger.y * a->h));
        break;
    case SDL_FINGERUP:
        if (ev->tfinger.fingerId != active_finger)
            return;
        active_finger = -1;
        note_input(a);
        a->dirty |= ui_pointer_up(&a->ui, (int)(ev->tfinger.x * a->w),
                                  (int)(ev->tfinger.y * a->h));
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            return;
        note_input(a);
        a->dirty |= ui_pointer_down(&a->ui, ev->button.x, ev->button.y);
        break;
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID)
            return;
        a->dirty |= ui_pointer_move(&a->ui, ev->motion.x, ev->motion.y);
        break;
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            return;
        note_input(a);
        a->dirty |= ui_pointer_up(&a->ui, ev->button.x, ev->button.y);
        break;
    case SDL_TEXTINPUT:
        note_input(a);
        if (!a->dialog.open && top && top->text)
            top->text(a, top_state(a), ev->text.text);
        a->dirty = true;
        break;
    case SDL_KEYDOWN:
        note_input(a);
        handle_key(a, &ev->key.keysym);
        a->dirty = true;
        break;
    default:
        return;     /* the hub's wake-up, among others: app_pump dispatches */
    }
    take_actions(a);
}

/* The hub's last stop: the screen on top. */
static void event_to_screen(void *ctx, hub_event *ev)
{
    app *a = ctx;
    const screen_class *top = app_top(a);
    if (top && top->event)
        top->event(a, top_state(a), ev);
    a->dirty = true;
}

void app_inject_finger(app *a, Uint32 type, int x, int y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = 1;
    /* normalised, like the real event: the app scales back by its size */
    ev.tfinger.x = (float)x / (float)a->w;
    ev.tfinger.y = (float)y / (float)a->h;
    ev.tfinger.pressure = 1.0f;
    SDL_PushEvent(&ev);
}

bool app_identity_masked(const app *a, char *name, size_t name_size, char *number,
                         size_t number_size)
{
    /* Which name a language shows is the strings file's word, not code's:
     * "card.name_script" is "latin" where residents read Latin letters. */
    bool latin = !strcmp(tr_lang(app_lang(a), "card.name_script"), "latin");
    return session_identity_masked(a->sess, latin, name, name_size, number, number_size);
}

/* --------------------------------------------------------------- timers -- */

/* Whether the idle warning applies now. A signed-in resident's session
 * must end within idle_timeout + idle_warning of the last touch whatever
 * is on screen -- home, the attract loop, a help dialog -- so with an
 * identity in the store the screen's no_idle_warning does not count. */
static bool idle_warning_applies(app *a, const screen_class *top)
{
    return session_identity(a->sess) != NULL || !top->no_idle_warning;
}

static void run_timers(app *a)
{
    uint64_t now = clock_now_ms();
    const screen_class *top = app_top(a);
    if (!top)
        return;
    watch_catalog(a, now);
    top = app_top(a);

    if (a->dialog.open && a->dialog.kind == DIALOG_IDLE) {
        if (now >= a->dialog.deadline_ms) {
            app_session_end(a);
        } else {
            /* the countdown shows whole seconds: redraw when one passes */
            uint64_t left = (a->dialog.deadline_ms - now + 999) / 1000;
            if (left != a->dialog.shown_seconds) {
                a->dialog.shown_seconds = left;
                a->dirty = true;
            }
        }
    } else if (idle_warning_applies(a, top) &&
               now - a->last_input_ms >= (uint64_t)a->cfg->idle_timeout * 1000u) {
        open_idle_dialog(a);    /* replaces any other dialog */
    } else if (top->is_root &&
               now - a->last_input_ms >= (uint64_t)a->cfg->attract_after * 1000u) {
        /* home untouched, with or without a dialog left open: back to a
         * clean kiosk and the attract loop */
        app_session_end(a);
        if (a->attract)
            app_push(a, a->attract, 0);
    }

    if (a->notice_until && now >= a->notice_until) {
        explicit_bzero(a->notice, sizeof a->notice);
        a->notice_until = 0;
        a->dirty = true;
    }

    top = app_top(a);
    if (top->wake_at && top->tick) {
        uint64_t w = top->wake_at(a, top_state(a));
        if (w && now >= w)
            top->tick(a, top_state(a));
    }

    uint64_t minute = (uint64_t)clock_wall() / 60u;
    if (minute != a->last_minute) {
        a->last_minute = minute;
        a->dirty = true;
    }
}

static uint64_t earlier(uint64_t w, uint64_t at)
{
    return at && at < w ? at : w;
}

/* When the loop must wake next although nothing happens (ms, clock_now_ms
 * scale). */
static uint64_t next_wake(app *a)
{
    uint64_t now = clock_now_ms();
    const screen_class *top = app_top(a);
    uint64_t w = a->catalog_checked_ms + CATALOG_CHECK_MS;
    /* the status-bar clock */
    uint64_t wall_ms = (uint64_t)clock_wall() * 1000u;
    w = earlier(w, now + (60000u - wall_ms % 60000u));
    if (a->dialog.open && a->dialog.kind == DIALOG_IDLE) {
        uint64_t left = a->dialog.deadline_ms > now ? a->dialog.deadline_ms - now : 0;
        w = earlier(w, now + (left % 1000u ? left % 1000u : 1000u));
    } else if (top && idle_warning_applies(a, top)) {
        w = earlier(w, a->last_input_ms + (uint64_t)a->cfg->idle_timeout * 1000u);
    } else if (top && top->is_root) {
        w = earlier(w, a->last_input_ms + (uint64_t)a->cfg->attract_after * 1000u);
    }
    w = earlier(w, a->notice_until);
    if (top && top->wake_at)
        w = earlier(w, top->wake_at(a, top_state(a)));
    return w < now ? now : w;
}

/* ----------------------------------------------------------------- draw -- */

void app_dialog_body(const app *a, char *out, size_t size)
{
    const app_dialog *d = &a->dialog;
    snprintf(out, size, "%s", d->body);
    if (d->kind != DIALOG_IDLE)
        return;
    uint64_t now = clock_now_ms();
    uint64_t left = d->deadline_ms > now ? (d->deadline_ms - now + 999) / 1000 : 0;
    char n[24];
    snprintf(n, sizeof n, "%llu", (unsigned long long)left);
    i18n_format(out, size, "idle.body", "seconds", n, (char *)NULL);
    /* a card left on the reader, say: remind before the session goes */
    const char *reminder = first_reminder();
    if (reminder) {
        size_t l = strlen(out);
        snprintf(out + l, size - l, "\n%s", reminder);
    }
}

static void draw_dialog(app *a, ui *u)
{
    const theme *th = &u->th;
    app_dialog *d = &a->dialog;
    ui_dim(u);
    ui_layer_push(u);
    int w = a->w - 2 * th->pad * 2;
    if (w > (int)(900 * th->u))
        w = (int)(900 * th->u);
    int inner = w - 2 * th->pad;
    char body[1024];
    app_dialog_body(a, body, sizeof body);
    /* Large text in landscape can make the dialog taller than the screen:
     * then it grows wider (the body takes fewer lines), then puts its
     * buttons side by side, then sets the body smaller -- never clipped. */
    int body_px = th->text_body, bh = th->target, th_title = 0, th_body = 0, h = 0;
    bool row = false;
    for (int attempt = 0; attempt < 4; attempt++) {
        if (attempt == 1)
            w = a->w - 2 * th->pad;
        else if (attempt == 2)
            row = d->n_buttons > 1;
        else if (attempt == 3)
            body_px = th->text_small;
        inner = w - 2 * th->pad;
        th_title = ui_paragraph(u, d->title, 0, 0, inner, th->text_title, TEXT_BOLD,
                                th->text, UI_CENTER, false);
        th_body = body[0] ? ui_paragraph(u, body, 0, 0, inner, body_px, TEXT_REGULAR,
                                         th->text, UI_CENTER, false) : 0;
        int buttons = row ? bh + th->gap : d->n_buttons * (bh + th->gap);
        h = th->pad + th_title + th->gap + th_body + th->pad + buttons + th->pad;
        if (h <= a->h - 2 * th->pad)
            break;
    }
    if (h > a->h - 2 * th->pad)
        h = a->h - 2 * th->pad;
    SDL_Rect box = {(a->w - w) / 2, (a->h - h) / 2, w, h};
    ui_round(u, box, th->radius * 2, th->surface);
    int y = box.y + th->pad;
    ui_paragraph(u, d->title, box.x + th->pad, y, inner, th->text_title, TEXT_BOLD,
                 th->text, UI_CENTER, true);
    y += th_title + th->gap;
    if (body[0]) {
        ui_paragraph(u, body, box.x + th->pad, y, inner, body_px, TEXT_REGULAR,
                     d->kind == DIALOG_IDLE ? th->danger : th->text, UI_CENTER, true);
        y += th_body;
    }
    y += th->pad;
    int bw = row ? (inner - (d->n_buttons - 1) * th->gap) / d->n_buttons : inner;
    for (int i = 0; i < d->n_buttons; i++) {
        SDL_Rect b = {box.x + th->pad + (row ? i * (bw + th->gap) : 0), y, bw, bh};
        ui_button(u, b, d->buttons[i], i == 0 ? UI_PRIMARY : UI_SECONDARY, ACT_DIALOG, i);
        if (!row)
            y += bh + th->gap;
    }
}

/* The notice: a band of its own at the bottom, not modal, so the next
 * resident can start at once. app_chrome ends every screen's content above
 * it: it covers no button (a box over the screen hid the form's buttons). */
static int notice_text_height(app *a, const theme *th)
{
    int inner = a->w - 4 * th->pad;
    return ui_paragraph(&a->ui, a->notice, 0, 0, inner, th->text_heading, TEXT_BOLD, th->text,
                        UI_CENTER, false);
}

int app_notice_height(app *a)
{
    if (!a->notice[0])
        return 0;
    const theme *th = &a->ui.th;
    return notice_text_height(a, th) + 3 * th->pad;
}

static void draw_notice(app *a, ui *u)
{
    const theme *th = &u->th;
    int w = a->w - 2 * th->pad;
    int inner = w - 2 * th->pad;
    int h = notice_text_height(a, th) + 2 * th->pad;
    SDL_Rect box = {th->pad, a->h - h - th->pad / 2, w, h};
    ui_round_border(u, box, th->radius, 3, th->ok, th->surface);
    ui_paragraph(u, a->notice, box.x + th->pad, box.y + th->pad, inner, th->text_heading,
                 TEXT_BOLD, th->text, UI_CENTER, true);
}

static void draw_frame(app *a)
{
    ui *u = &a->ui;
    /* a second pass when the keypad focus scrolled its target into view
     * while the first one ended */
    for (int pass = 0; pass < 2; pass++) {
        ui_begin(u);
        const screen_class *top = app_top(a);
        if (top && top->draw)
            top->draw(a, top_state(a), u);
        if (a->notice[0])
            draw_notice(a, u);
        if (a->dialog.open)
            draw_dialog(a, u);
        ui_end(u);
        if (!ui_focus_take_redraw(u))
            break;
    }
    SDL_RenderPresent(a->ren);
    a->dirty = false;
    speech_after_frame(a);
}

bool app_pump(app *a)
{
    SDL_Event ev;
    while (SDL_PollEvent(&ev))
        app_handle_event(a, &ev);
    if (hub_dispatch(event_to_screen, a))
        take_actions(a);
    run_timers(a);
    static uint64_t last_anim;
    uint64_t now = clock_now_ms();
    int dt = last_anim ? (int)(now - last_anim) : 16;
    if (dt > 100)
        dt = 16;
    last_anim = now;
    bool animating = ui_animate(&a->ui, dt);
    if (animating)
        a->dirty = true;
    if (a->dirty)
        draw_frame(a);
    return animating;
}

/* Signals: SIGTERM/SIGINT (systemd stop, a technician's Ctrl-C) end the
 * kiosk cleanly, wiping the session on the way out; SIGHUP (systemd reload)
 * reloads the catalogue. SDL's own handlers are off (app_init) because they
 * turn SIGTERM into SDL_QUIT, which the kiosk must ignore: that is also what
 * a resident's keyboard sends with Alt-F4. The loop notices a flag at its
 * next wake-up, at most a few seconds later (the catalogue check). */
static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_term = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static void take_signals(app *a)
{
    if (got_hup) {
        got_hup = 0;
        app_reload_catalog(a, NULL);
    }
    if (got_term) {
        SDL_Log("terminating on signal");
        a->running = false;
    }
}

int app_run(app *a)
{
    install_signals();
    while (a->running) {
        take_signals(a);
        if (!a->running)
            break;
        bool animating = app_pump(a);
        if (!a->running)
            break;
        uint64_t now = clock_now_ms();
        /* Sleep in SDL until input or the next timer: 0 % CPU when idle.
         * While scrolling inertia runs, wake at display rate (vsync paces
         * RenderPresent; the 16 ms cap covers renderers without it). */
        int timeout = animating ? 16 : (int)(next_wake(a) - now);
        if (timeout < 0)
            timeout = 0;
        SDL_WaitEventTimeout(NULL, timeout);
    }
    return 0;
}

uint64_t app_next_wake(app *a)
{
    return next_wake(a);
}
