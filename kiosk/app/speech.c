/*
 * speech: see speech.h.
 *
 * Everything here runs on the UI thread; the voice thread only ever gets
 * finished text through voice_say.
 */
#include "app/speech.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "common/clock.h"
#include "common/utf8.h"
#include "i18n/i18n.h"
#include "status/status.h"
#include "voice/voice.h"

#define STATUS_NAME "voice"
#define TEXT_SIZE (VOICE_TEXT_MAX + 1)
#define VOLUME_STEP 10

static struct {
    bool enabled;               /* [voice] enabled */
    bool running;               /* the voice thread runs (an engine found) */
    bool synthesise;            /* sound or WAV files go somewhere */
    bool audio_reported;
    int keypad_volume;
    char title[256];            /* the header's, this frame */
    /* what was spoken last, so only what changed is spoken */
    const screen_class *cls;
    void *state;
    int depth;
    bool dialog_open;
    int dialog_kind;
    char dialog_title[256];
    uint64_t dialog_seconds_said;
    char screen[TEXT_SIZE];
    char notice[256];
    char focus[UI_FOCUS_SPOKEN];
    char last[TEXT_SIZE];       /* the last screen or dialog prompt: repeat */
    char said[TEXT_SIZE];       /* the last utterance: expect-speech */
    uint32_t said_seq;          /* voice_next_seq() when it was said */
    bool repeat_pending;        /* say the prompt again after this frame */
} S;

/* ---- text -------------------------------------------------------------- */

static void append(char *out, size_t size, const char *text)
{
    if (!text || !text[0])
        return;
    size_t n = strlen(out);
    if (n && n + 1 < size)
        out[n++] = ' ';
    size_t room = size - n - 1;
    size_t len = strlen(text);
    if (len > room)
        len = utf8_truncate(text, room);
    memcpy(out + n, text, len);
    out[n + len] = 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The start of the word that ends at out[o]: letters and digits, or at
 * most three CJK ideographs (a masked name shows the surname). */
static size_t unmask_back(const char *out, size_t o)
{
    int ideographs = 0;
    while (o > 0) {
        unsigned char c = (unsigned char)out[o - 1];
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
            o--;
            continue;
        }
        /* a three-byte UTF-8 ideograph, U+3400..U+9FFF */
        if (o >= 3 && ideographs < 3 && (unsigned char)out[o - 3] >= 0xE3 &&
            (unsigned char)out[o - 3] <= 0xE9 && ((unsigned char)out[o - 2] & 0xC0) == 0x80 &&
            (c & 0xC0) == 0x80) {
            uint32_t cp = ((uint32_t)(out[o - 3] & 0x0F) << 12) |
                          ((uint32_t)(out[o - 2] & 0x3F) << 6) | (uint32_t)(c & 0x3F);
            if (cp >= 0x3400 && cp <= 0x9FFF) {
                o -= 3;
                ideographs++;
                continue;
            }
        }
        break;
    }
    return o;
}

void speech_clean(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = in; *p && o + 4 < size;) {
        if (*p == '*') {
            /* a masked value ("张*", "3301**********1234", "S*****") is
             * shown, never read aloud: the masked part is no use to a
             * listener and the rest is still the resident's */
            o = unmask_back(out, o);
            while (*p == '*' || (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= 'a' && *p <= 'z'))
                p++;
            continue;
        }
        if (is_digit(*p)) {
            size_t run = 0;
            while (is_digit(p[run]) || (p[run] == '-' && is_digit(p[run + 1]) && run))
                run++;
            size_t digits = 0;
            for (size_t i = 0; i < run; i++)
                digits += is_digit(p[i]);
            /* a date (2026-11-22) is read as a date */
            if (run == 10 && p[4] == '-' && p[7] == '-')
                digits = 0;
            for (size_t i = 0; i < run && o + 4 < size; i++) {
                if (digits < 5) {
                    out[o++] = p[i];
                } else if (is_digit(p[i])) {
                    out[o++] = p[i];
                    out[o++] = ' ';
                }
            }
            p += run;
            continue;
        }
        if (*p == '\n') {
            memcpy(out + o, "; ", 2);
            o += 2;
            p++;
            continue;
        }
        /* U+2022 bullet and U+00B7 middle dot separate items on screen */
        if (!strncmp(p, "\xE2\x80\xA2", 3) || !strncmp(p, "\xC2\xB7", 2)) {
            memcpy(out + o, ", ", 2);
            o += 2;
            p += p[0] == '\xE2' ? 3 : 2;
            continue;
        }
        size_t seq = utf8_seq_len((unsigned char)*p);
        if (!seq || o + seq + 4 >= size)
            break;
        for (size_t i = 0; i < seq && p[i]; i++)
            out[o++] = p[i];
        p += seq;
    }
    out[o] = 0;
}

static void say(app *a, const char *text, const char *tag)
{
    /* what expect-speech checks is what the engine gets */
    speech_clean(text, S.said, sizeof S.said);
    S.said_seq = voice_next_seq();
    if (!S.running || !S.synthesise)
        return;
    /* A silent kiosk spends nothing on speech nobody hears -- unless its
     * WAV files are being kept (a headless test run). */
    if (voice_volume() == 0 && !a->speech_dir)
        return;
    /* nor when there is no sound device to hear it on */
    if (!a->speech_dir && !voice_audio_ok(NULL, 0))
        return;
    voice_say(S.said, tr("voice.engine_voice"), tag);
}

/* ---- what is on screen ---------------------------------------------------- */

static void compose_dialog(app *a, char *out, size_t size)
{
    const app_dialog *d = &a->dialog;
    char body[1024];
    app_dialog_body(a, body, sizeof body);
    char buttons[512] = "";
    for (int i = 0; i < d->n_buttons; i++) {
        if (i)
            snprintf(buttons + strlen(buttons), sizeof buttons - strlen(buttons), "%s",
                     tr("voice.list_separator"));
        snprintf(buttons + strlen(buttons), sizeof buttons - strlen(buttons), "%s",
                 d->buttons[i]);
    }
    i18n_format(out, size, "voice.dialog", "title", d->title, "body", body, "buttons", buttons,
                (char *)NULL);
}

static bool compose_screen(app *a, char *out, size_t size)
{
    out[0] = 0;
    const screen_class *top = app_top(a);
    if (!top)
        return false;
    if (top->speech) {
        top->speech(a, app_top_state(a), out, size);
        if (out[0])
            return true;
    }
    char key[96];
    snprintf(key, sizeof key, "voice.screen.%s", top->name);
    const char *site = settings_site_name(a->cfg, app_lang(a));
    if (!i18n_has(app_lang(a), key)) {
        /* a screen without its prompt still says its title; the a11y
         * check reports the missing prompt */
        snprintf(out, size, "%s", S.title);
        return false;
    }
    i18n_format(out, size, key, "title", S.title, "site", site, "hotline", a->cfg->hotline,
                (char *)NULL);
    return true;
}

bool speech_screen_prompt(app *a, char *out, size_t size)
{
    return compose_screen(a, out, size) && out[0];
}

void speech_note_title(app *a, const char *title)
{
    (void)a;
    snprintf(S.title, sizeof S.title, "%s", title ? title : "");
}

void speech_after_frame(app *a)
{
    if (!S.enabled || !a->depth)
        return;
    /* static for their size, and wiped below: they held what was on the
     * screen (a search for an ID number, a question's error) */
    static char out[TEXT_SIZE], main_prompt[TEXT_SIZE], now[TEXT_SIZE];
    out[0] = 0;
    main_prompt[0] = 0;
    const char *tag = app_top(a)->name;

    /* a notice first: it says what just happened ("已安全退出") */
    if (a->notice[0] && strcmp(a->notice, S.notice))
        append(out, sizeof out, a->notice);
    snprintf(S.notice, sizeof S.notice, "%s", a->notice);

    if (a->dialog.open) {
        const app_dialog *d = &a->dialog;
        /* the sound panel opened again with its new level is not news:
         * the level was just said */
        bool fresh = !S.dialog_open || d->kind != S.dialog_kind ||
                     (strcmp(d->title, S.dialog_title) && d->kind != DIALOG_VOICE);
        if (fresh) {
            compose_dialog(a, main_prompt, sizeof main_prompt);
            S.dialog_seconds_said = 0;
            tag = "dialog";
        } else if (d->kind == DIALOG_IDLE && d->shown_seconds == 10 &&
                   S.dialog_seconds_said != 10) {
            /* the last ten seconds of the countdown, once */
            i18n_format(main_prompt, sizeof main_prompt, "voice.idle_left", "seconds", "10",
                        (char *)NULL);
            S.dialog_seconds_said = 10;
            tag = "dialog";
        }
        S.dialog_open = true;
        S.dialog_kind = d->kind;
        snprintf(S.dialog_title, sizeof S.dialog_title, "%s", d->title);
    } else {
        compose_screen(a, now, sizeof now);
        bool other = app_top(a) != S.cls || app_top_state(a) != S.state || a->depth != S.depth;
        if (other || strcmp(now, S.screen))
            snprintf(main_prompt, sizeof main_prompt, "%s", now);
        else if (S.dialog_open)     /* back from a dialog: repeat says the screen */
            snprintf(S.last, sizeof S.last, "%s", now);
        snprintf(S.screen, sizeof S.screen, "%s", now);
        S.cls = app_top(a);
        S.state = app_top_state(a);
        S.depth = a->depth;
        S.dialog_open = false;
    }
    if (main_prompt[0]) {
        append(out, sizeof out, main_prompt);
        snprintf(S.last, sizeof S.last, "%s", main_prompt);
    }

    if (S.repeat_pending && !out[0]) {
        /* asked for from a dialog that just closed: now S.last is the
         * screen's prompt again */
        append(out, sizeof out, S.last);
        tag = "repeat";
    }
    S.repeat_pending = false;

    const char *label = ui_focus_label(&a->ui);
    if (label && strcmp(label, S.focus)) {
        append(out, sizeof out, label);
        if (!main_prompt[0])
            tag = "focus";
    }
    snprintf(S.focus, sizeof S.focus, "%s", label ? label : "");

    if (out[0])
        say(a, out, tag);
    explicit_bzero(out, sizeof out);
    explicit_bzero(main_prompt, sizeof main_prompt);
    explicit_bzero(now, sizeof now);

    if (S.running && !S.audio_reported) {
        char why[160];
        if (!voice_audio_ok(why, sizeof why)) {
            S.audio_reported = true;
            char detail[200];
            snprintf(detail, sizeof detail, "no sound device: %s", why);
            status_report(STATUS_NAME, STATUS_NO_DEVICE, NULL, detail);
        }
    }
}

/* ---- the resident's controls ----------------------------------------------- */

void speech_repeat(app *a)
{
    if (a->dialog.open || a->dirty) {
        /* the frame about to be drawn decides what "this page" is */
        S.repeat_pending = true;
        app_invalidate(a);
        return;
    }
    static char out[TEXT_SIZE];
    snprintf(out, sizeof out, "%s", S.last);
    append(out, sizeof out, S.focus);
    if (out[0])
        say(a, out, "repeat");
}

static void wake_silent(void)
{
    if (S.running && voice_volume() == 0)
        voice_set_volume(S.keypad_volume);
}

void speech_volume_step(app *a, int dir)
{
    if (!S.running)
        return;
    int v = voice_volume() + (dir > 0 ? VOLUME_STEP : -VOLUME_STEP);
    v = v < 0 ? 0 : v > 100 ? 100 : v;
    voice_set_volume(v);
    char n[16], text[128];
    snprintf(n, sizeof n, "%d", v);
    i18n_format(text, sizeof text, "voice.volume_now", "volume", n, (char *)NULL);
    say(a, text, "volume");
    app_invalidate(a);
}

void speech_keypad_used(app *a)
{
    (void)a;
    wake_silent();
}

void speech_wanted(app *a)
{
    (void)a;
    wake_silent();
}

int speech_volume(void)
{
    return S.running ? voice_volume() : 0;
}

bool speech_available(void)
{
    return S.enabled && S.running;
}

/* ---- the service ----------------------------------------------------------- */

static bool speech_start(app *a)
{
    const settings *cfg = a->cfg;
    S.enabled = cfg->voice_enabled;
    S.keypad_volume = cfg->voice_keypad_volume;
    if (!S.enabled) {
        status_report(STATUS_NAME, STATUS_NO_DEVICE, NULL, "switched off ([voice] enabled = no)");
        return true;
    }
    /* A headless run speaks only when its WAV files are wanted: the test
     * suite's hundreds of other screens stay fast and quiet. */
    S.synthesise = !a->headless || a->speech_dir;
    if (!S.synthesise) {
        status_report(STATUS_NAME, STATUS_NO_DEVICE, NULL, "headless without --speech");
        return true;
    }
    voice_setup vs = {
        .command = cfg->voice_engine,
        .rate = cfg->voice_rate,
        .volume = cfg->voice_volume,
        .audio = !a->headless,
        .wav_dir = a->speech_dir,
    };
    char why[300];
    if (!voice_start(&vs, why, sizeof why)) {
        SDL_Log("voice: %s; the kiosk runs silent", why);
        status_report(STATUS_NAME, STATUS_NO_DEVICE, NULL, why);
        return false;
    }
    S.running = true;
    char detail[200];
    snprintf(detail, sizeof detail, "%s%s%s", cfg->voice_engine,
             a->speech_dir ? ", WAV files in " : "", a->speech_dir ? a->speech_dir : "");
    status_report(STATUS_NAME, STATUS_ONLINE, NULL, detail);
    return true;
}

static void forget_texts(void)
{
    explicit_bzero(S.screen, sizeof S.screen);
    explicit_bzero(S.notice, sizeof S.notice);
    explicit_bzero(S.focus, sizeof S.focus);
    explicit_bzero(S.last, sizeof S.last);
    explicit_bzero(S.said, sizeof S.said);
    S.cls = NULL;
    S.state = NULL;
    S.depth = 0;
    S.dialog_open = false;
}

static void speech_stop(app *a)
{
    (void)a;
    voice_stop();
    S.running = false;
    forget_texts();
}

/* Each resident starts at the configured volume, and nothing said to the
 * last one is kept. */
static void speech_session_ended(app *a)
{
    if (S.running) {
        voice_hush();
        voice_set_volume(a->cfg->voice_volume);
    }
    forget_texts();
}

/* ---- script verbs ------------------------------------------------------------ */

/* Plausible speech: no engine says a character in under 40 ms (English
 * runs about 15 characters a second, Mandarin 4 to 5), and none takes
 * more than 0.6 s for one, plus pauses. */
#define MIN_S_PER_CHAR 0.04
#define MAX_S_PER_CHAR 0.6
#define MAX_PAUSES_S 2.0

static bool check_heard(char *err, size_t err_size)
{
    if (!voice_wait_idle(20000)) {
        snprintf(err, err_size, "expect-speech: the voice did not finish within 20 s");
        return false;
    }
    voice_said h[4];
    int n = voice_history(h, 4);
    const voice_said *last = NULL;
    for (int i = 0; i < n; i++)
        if (h[i].seq >= S.said_seq)
            last = &h[i];
    if (!last) {
        snprintf(err, err_size, "expect-speech: nothing was synthesised");
        return false;
    }
    if (last->failed || last->cut || !last->rate) {
        snprintf(err, err_size, "expect-speech: utterance %u %s", (unsigned)last->seq,
                 last->failed ? "failed in the engine" : "was cut short");
        return false;
    }
    double secs = (double)last->frames / last->rate;
    double lo = MIN_S_PER_CHAR * (double)last->chars;
    double hi = MAX_S_PER_CHAR * (double)last->chars + MAX_PAUSES_S;
    if (secs < lo || secs > hi) {
        snprintf(err, err_size,
                 "expect-speech: %zu characters took %.2f s of sound, outside %.2f..%.2f s",
                 last->chars, secs, lo, hi);
        return false;
    }
    return true;
}

static bool verb_expect_speech(app *a, const char *arg, char *err, size_t err_size)
{
    app_pump(a);
    if (!S.enabled) {
        snprintf(err, err_size, "expect-speech: [voice] enabled = no");
        return false;
    }
    if (!strstr(S.said, arg)) {
        snprintf(err, err_size, "expect-speech: \"%s\" not in the last utterance: \"%.300s\"",
                 arg, S.said);
        return false;
    }
    if (S.running && S.synthesise && !check_heard(err, err_size))
        return false;
    return true;
}

static bool check_volume_arg(const char *arg, char *err, size_t err_size)
{
    if (!strcmp(arg, "up") || !strcmp(arg, "down"))
        return true;
    char *end;
    long v = strtol(arg, &end, 10);
    if (arg[0] && !*end && v >= 0 && v <= 100)
        return true;
    snprintf(err, err_size, "takes up, down or 0..100");
    return false;
}

static bool check_volume_number(const char *arg, char *err, size_t err_size)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (arg[0] && !*end && v >= 0 && v <= 100)
        return true;
    snprintf(err, err_size, "takes 0..100");
    return false;
}

static bool verb_volume(app *a, const char *arg, char *err, size_t err_size)
{
    if (!S.running) {
        snprintf(err, err_size, "speech-volume: the voice is not running");
        return false;
    }
    if (!strcmp(arg, "up") || !strcmp(arg, "down"))
        speech_volume_step(a, !strcmp(arg, "up") ? 1 : -1);
    else
        voice_set_volume((int)strtol(arg, NULL, 10));
    return true;
}

static bool verb_expect_volume(app *a, const char *arg, char *err, size_t err_size)
{
    (void)a;
    int want = (int)strtol(arg, NULL, 10);
    if (speech_volume() != want) {
        snprintf(err, err_size, "expect-volume: %d, not %d", speech_volume(), want);
        return false;
    }
    return true;
}

static const app_verb verbs[] = {
    {"expect-speech", true, NULL, verb_expect_speech, NULL},
    {"speech-volume", true, check_volume_arg, verb_volume, NULL},
    {"expect-volume", true, check_volume_number, verb_expect_volume, NULL},
};

const app_service speech_service = {
    .name = "voice",
    .start = speech_start,
    .stop = speech_stop,
    .session_ended = speech_session_ended,
    .verbs = verbs,
    .n_verbs = sizeof verbs / sizeof *verbs,
};
