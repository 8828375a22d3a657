/*
 * monkey: see monkey.h.
 */
#include "script/monkey.h"

#include <stdio.h>
#include <string.h>

#include "i18n/i18n.h"
#include "ime/ime.h"

/* xorshift32: small, and the same sequence on every machine for a seed */
static uint32_t next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static int below(uint32_t *s, int n)
{
    return n > 0 ? (int)(next(s) % (uint32_t)n) : 0;
}

/* one element of a static array, at random */
#define PICK(rng, arr) (arr)[below((rng), (int)(sizeof(arr) / sizeof *(arr)))]

/* What people type into a kiosk, and what they should not be able to break
 * it with: a word, pinyin, an ID number's start, digits, spaces, an emoji
 * (four UTF-8 bytes, no glyph in the font), a bidi override, and runs
 * longer than any field. */
static const char *const typed[] = {
    "社保", "sbjf", "shebao", "3301", "13800138000", "a", "1", " ", "   ",
    "医保电子凭证", "\xF0\x9F\x98\x80", "\xE2\x80\xAE" "abc", "zzzzzzzz", "?!,.",
    "ZW20261105-0031",
    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901"
    "2345678901234567890123456789012345678901234567890123456789012345678901234567890123",
};

static const char *const keys[] = {
    "up", "down", "left", "right", "tab", "shift-tab", "enter", "kp-enter", "space",
    "escape", "backspace", "f1", "question", "f2", "kp-multiply", "kp-minus", "kp-plus",
};

/* devices and the network misbehaving: cards, the reader, the platform
 * unreachable or silent, the disk full (a verb the config has not
 * installed is refused, and the step counts as a no-op) */
static const char *const verbs[] = {
    "card resident", "card expired", "card foreigner", "card hk-permit", "card-remove",
    "card-remove", "reader unplug", "reader plug", "reader plug",
    "platform down", "platform up", "online hang", "online answer", "storage full",
    "storage ok",
};

static const char *const strokes[] = {
    "100,500 900,500", "500,100 500,900", "200,200 800,800", "100,100 900,100 900,900",
    "500,500",
};

#define MAX_NAMES 32

typedef struct seen {
    const char *names[MAX_NAMES];
    int n;
} seen;

static void note_screen(seen *sn, const char *name, monkey_stats *st)
{
    for (int i = 0; i < sn->n; i++)
        if (!strcmp(sn->names[i], name))
            return;
    if (sn->n < MAX_NAMES)
        sn->names[sn->n++] = name;
    st->screens_seen = sn->n;
}

/* A random enabled target on the top layer of the last frame, or NULL. */
static const ui_target *pick_target(app *a, uint32_t *rng)
{
    int idx[UI_MAX_TARGETS], n = 0;
    for (int i = 0; i < a->ui.n_targets && n < UI_MAX_TARGETS; i++) {
        const ui_target *t = &a->ui.targets[i];
        if (t->enabled && t->layer == a->ui.top_layer && t->rect.w > 0 && t->rect.h > 0)
            idx[n++] = i;
    }
    return n ? &a->ui.targets[idx[below(rng, n)]] : NULL;
}

static bool has_target(app *a)
{
    for (int i = 0; i < a->ui.n_targets; i++)
        if (a->ui.targets[i].enabled && a->ui.targets[i].layer == a->ui.top_layer)
            return true;
    return false;
}

static bool check(app *a, int step, const char *did, char *err, size_t err_size)
{
    app_pump(a);
    if (!a->running) {
        snprintf(err, err_size, "step %d (%s): the kiosk stopped running", step, did);
        return false;
    }
    if (!app_top(a)) {
        snprintf(err, err_size, "step %d (%s): no screen is shown", step, did);
        return false;
    }
    if (!has_target(a)) {
        snprintf(err, err_size, "step %d (%s): screen %s has nothing to touch: a resident "
                 "would be stranded", step, did, app_top(a)->name);
        return false;
    }
    return true;
}

bool monkey_run(app *a, const monkey_hands *h, int count, uint32_t seed, monkey_stats *out,
                char *err, size_t err_size)
{
    monkey_stats st;
    memset(&st, 0, sizeof st);
    seen sn = {.n = 0};
    uint32_t rng = seed ? seed : 0x9e3779b9u;
    /* the idle reset's length for this config: timeout, warning, a margin */
    int reset_ms = (a->cfg->idle_timeout + a->cfg->idle_warning + 5) * 1000;
    for (int i = 1; i <= count; i++) {
        char did[200];
        int r = below(&rng, 100);
        /* a resident who has seen enough goes home: without this the
         * monkey spends most of its steps on the keyboards of forms */
        const ui_target *home = r < 4 ? ui_find_target(&a->ui, tr("nav.home")) : NULL;
        if (home) {
            snprintf(did, sizeof did, "tap %s", tr("nav.home"));
            h->tap(a, home->rect.x + home->rect.w / 2, home->rect.y + home->rect.h / 2);
            st.taps_target++;
        } else if (r < 50) {
            const ui_target *t = pick_target(a, &rng);
            if (t) {
                int x = t->rect.x + below(&rng, t->rect.w);
                int y = t->rect.y + below(&rng, t->rect.h);
                snprintf(did, sizeof did, "tap %d,%d %.80s", x, y, t->label ? t->label : "");
                h->tap(a, x, y);
                st.taps_target++;
            } else {
                snprintf(did, sizeof did, "no target to tap");
            }
        } else if (r < 58) {
            int x = below(&rng, a->w), y = below(&rng, a->h);
            snprintf(did, sizeof did, "tap %d,%d", x, y);
            h->tap(a, x, y);
            st.taps_anywhere++;
        } else if (r < 70) {
            const char *k = PICK(&rng, keys);
            snprintf(did, sizeof did, "key %s", k);
            h->key(a, k);
            st.keys++;
        } else if (r < 76) {
            int x1 = below(&rng, a->w), y1 = below(&rng, a->h);
            int x2 = below(&rng, a->w), y2 = below(&rng, a->h);
            bool rest = below(&rng, 2);
            snprintf(did, sizeof did, "%s %d %d %d %d", rest ? "drag" : "fling", x1, y1, x2, y2);
            h->drag(a, x1, y1, x2, y2, rest);
            st.drags++;
        } else if (r < 84) {
            const char *t = PICK(&rng, typed);
            snprintf(did, sizeof did, "type %.60s", t);
            h->type(a, t);
            st.types++;
        } else if (r < 89) {
            /* mostly short, sometimes into the idle warning or past the reset */
            int kind = below(&rng, 10);
            int ms = kind < 7 ? 100 + below(&rng, 5000)
                     : kind < 9 ? a->cfg->idle_timeout * 1000 + below(&rng, 10000)
                                : reset_ms;
            snprintf(did, sizeof did, "wait %d", ms);
            h->wait(a, ms);
            st.waits++;
        } else if (r < 94) {
            const char *v = PICK(&rng, verbs);
            bool ok = h->verb(a, v);
            snprintf(did, sizeof did, "%s%s", v, ok ? "" : " (refused)");
            st.verbs++;
        } else if (r < 97) {
            int kind = below(&rng, 3);
            if (kind == 0) {
                const char *lang = strcmp(app_lang(a), "zh") ? "zh" : "en";
                snprintf(did, sizeof did, "lang %s", lang);
                app_set_lang(a, lang);
            } else if (kind == 1) {
                snprintf(did, sizeof did, "large %s", a->large ? "off" : "on");
                app_set_large(a, !a->large);
            } else {
                ime_mode m = (ime_mode)below(&rng, IME_N_MODES);
                snprintf(did, sizeof did, "keyboard mode %d", (int)m);
                ime_set_mode(m);
                app_invalidate(a);
            }
            h->wait(a, 50);
            st.switches++;
        } else {
            const char *p = PICK(&rng, strokes);
            bool drawn = h->stroke(a, p);
            snprintf(did, sizeof did, "stroke %s%s", p, drawn ? "" : " (no pad)");
            st.strokes += drawn;
        }
        printf("monkey %d: %s -> %s\n", i, did, app_top(a) ? app_top(a)->name : "(none)");
        if (!check(a, i, did, err, err_size))
            return false;
        note_screen(&sn, app_top(a)->name, &st);

        /* Every 200 steps: nobody is stranded -- left alone, the kiosk is
         * back at its start for the next resident, whatever was done. */
        if (i % 200 == 0) {
            h->wait(a, reset_ms);
            h->wait(a, reset_ms);
            const char *name = app_top(a) ? app_top(a)->name : "(none)";
            printf("monkey %d: left alone for %d s -> %s\n", i, 2 * reset_ms / 1000, name);
            if (strcmp(name, "home") && strcmp(name, "attract")) {
                snprintf(err, err_size, "step %d: left alone for %d s, the kiosk is still on "
                         "screen %s, not back at its start", i, 2 * reset_ms / 1000, name);
                return false;
            }
            st.idle_resets++;
        }
    }
    /* the devices as the next script line expects them: the reader
     * plugged in, no card on it, the platform and the disk working */
    h->verb(a, "reader plug");
    h->verb(a, "card-remove");
    h->verb(a, "platform up");
    h->verb(a, "online answer");
    h->verb(a, "storage ok");
    if (out)
        *out = st;
    return true;
}
