#include "script.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/service.h"
#include "app/speech.h"
#include "common/clock.h"
#include "common/textfile.h"
#include "common/utf8.h"
#include "hub/hub.h"
#include "i18n/i18n.h"
#include "ime/ime.h"
#include "script/memdump.h"
#include "script/monkey.h"
#include "ui/a11y.h"
#include "status/status.h"

enum {
    OP_TAP_TEXT, OP_TAP_XY, OP_DRAG, OP_TYPE, OP_WAIT, OP_EXPECT, OP_EXPECT_NOT,
    OP_SCREEN, OP_SHOT, OP_LANG, OP_LARGE, OP_SCROLL_TO, OP_FLING, OP_CATALOG,
    OP_KEYBOARD, OP_STROKE, OP_STATUS, OP_KEY, OP_KEY_UNTIL, OP_EXPECT_FOCUS, OP_A11Y,
    OP_DUMP_MEMORY, OP_MONKEY,
    OP_VERB     /* a verb a device or service adds (app/service.h) */
};

/* Command table: the words, what they take, and the op. "T" = rest of the
 * line as text, "N" = integers (count in n), "TN" = either. */
static const struct {
    const char *word;
    const char *args;
    int nums;
    int op;
} commands[] = {
    {"tap", "TN", 2, OP_TAP_TEXT},
    {"drag", "N", 4, OP_DRAG},
    {"type", "T", 0, OP_TYPE},
    {"wait", "N", 1, OP_WAIT},
    {"expect", "T", 0, OP_EXPECT},
    {"expect-not", "T", 0, OP_EXPECT_NOT},
    {"screen", "T", 0, OP_SCREEN},
    {"shot", "T", 0, OP_SHOT},
    {"lang", "T", 0, OP_LANG},
    {"large", "T", 0, OP_LARGE},
    {"scroll-to", "T", 0, OP_SCROLL_TO},
    {"fling", "N", 4, OP_FLING},
    {"catalog", "T", 0, OP_CATALOG},
    {"keyboard", "T", 0, OP_KEYBOARD},
    {"stroke", "T", 0, OP_STROKE},
    {"status", "T", 0, OP_STATUS},
    {"key", "T", 0, OP_KEY},
    {"key-until", "T", 0, OP_KEY_UNTIL},
    {"expect-focus", "T", 0, OP_EXPECT_FOCUS},
    {"a11y", "", 0, OP_A11Y},
    {"dump-memory", "T", 0, OP_DUMP_MEMORY},
    {"monkey", "N", 2, OP_MONKEY},
};

/* `key NAME`: the keys of a keypad and a keyboard, by name. */
static const struct {
    const char *name;
    SDL_Keycode sym;
    Uint16 mod;
} key_names[] = {
    {"up", SDLK_UP, 0},         {"down", SDLK_DOWN, 0},
    {"left", SDLK_LEFT, 0},     {"right", SDLK_RIGHT, 0},
    {"tab", SDLK_TAB, 0},       {"shift-tab", SDLK_TAB, KMOD_LSHIFT},
    {"enter", SDLK_RETURN, 0},  {"kp-enter", SDLK_KP_ENTER, 0},
    {"space", SDLK_SPACE, 0},   {"escape", SDLK_ESCAPE, 0},
    {"backspace", SDLK_BACKSPACE, 0},
    {"f1", SDLK_F1, 0},         {"question", SDLK_SLASH, KMOD_LSHIFT},
    /* the voice's keys (app/speech.h): repeat, volume down and up */
    {"f2", SDLK_F2, 0},         {"kp-multiply", SDLK_KP_MULTIPLY, 0},
    {"kp-minus", SDLK_KP_MINUS, 0}, {"kp-plus", SDLK_KP_PLUS, 0},
};

static int key_index(const char *name)
{
    for (size_t i = 0; i < sizeof key_names / sizeof *key_names; i++)
        if (!strcmp(name, key_names[i].name))
            return (int)i;
    return -1;
}

/* `key-until NAME TEXT`: the key's index, and TEXT in *text; -1 when
 * malformed. */
static int key_until_words(const char *line, const char **text)
{
    char name[16];
    int used = 0;
    if (sscanf(line, "%15s%n", name, &used) != 1)
        return -1;
    const char *rest = line + used;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (!*rest)
        return -1;
    *text = rest;
    return key_index(name);
}

static void settle(app *a);
static void fail(const script *s, const script_step *st, app *a, const char *shots_dir,
                 const char *fmt, const char *arg);

/* How many presses key-until tries: more than any screen has targets. */
#define KEY_UNTIL_MAX 200

static void push_key(app *a, int k)
{
    /* as a USB keypad delivers it: one key down (the up is ignored) */
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.state = SDL_PRESSED;
    ev.key.keysym.sym = key_names[k].sym;
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(key_names[k].sym);
    ev.key.keysym.mod = key_names[k].mod;
    SDL_PushEvent(&ev);
    app_pump(a);
    settle(a);
}

static void press_key(const script *s, const script_step *st, app *a, int k)
{
    push_key(a, k);
    /* the log reads like the voice will: where each key landed */
    const char *f = ui_focus_label(&a->ui);
    printf("%s:%d: key %s: %s%s%s\n", s->path, st->line, key_names[k].name, f ? "\"" : "",
           f ? f : "(no focus)", f ? "\"" : "");
}

static int parse_ints(const char *s, int *out, int max)
{
    int n = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (end == s || errno || v < -1000000 || v > 100000000 ||
            (*end && *end != ' ' && *end != '\t'))
            return -1;
        if (n == max)
            return -1;
        out[n++] = (int)v;
        s = end;
    }
    return n;
}

static const char *const keyboard_modes[IME_N_MODES] = {
    [IME_PINYIN] = "pinyin", [IME_LETTERS] = "letters", [IME_DIGITS] = "digits",
    [IME_HANDWRITING] = "handwriting"};

/* `status NAME STATE [PENDING] [~TEXT]`: splits the line; false when
 * malformed. TEXT must occur in the entry's detail (the technician's why). */
typedef struct status_want {
    char name[32];
    char state[16];
    int pending;    /* -1: not checked */
    char detail[96];/* "" : not checked */
} status_want;

static bool status_words(const char *line, status_want *out)
{
    status_want w = {.pending = -1};
    int used = 0;
    if (sscanf(line, "%31s %15s%n", w.name, w.state, &used) != 2)
        return false;
    const char *rest = line + used;
    while (*rest == ' ')
        rest++;
    if (*rest >= '0' && *rest <= '9') {
        char *end;
        long n = strtol(rest, &end, 10);
        if (n > 1000000 || (*end && *end != ' '))
            return false;
        w.pending = (int)n;
        rest = end;
        while (*rest == ' ')
            rest++;
    }
    if (*rest == '~' && rest[1])
        snprintf(w.detail, sizeof w.detail, "%s", rest + 1);
    else if (*rest)
        return false;
    bool known = false;
    for (int i = STATUS_ONLINE; i <= STATUS_DEVICE_BUSY; i++)
        if (!strcmp(w.state, status_state_name((status_state)i)))
            known = true;
    if (known && out)
        *out = w;
    return known;
}

static int keyboard_mode(const char *word)
{
    for (int m = 0; m < IME_N_MODES; m++)
        if (!strcmp(word, keyboard_modes[m]))
            return m;
    return -1;
}

#define STROKE_MAX_POINTS 256

/* "X,Y X,Y ..." in per-mille of the writing pad (0..1000). Returns the
 * number of points (stored in xs/ys when not NULL), or -1 with why. */
static int stroke_points(const char *s, int *xs, int *ys, size_t max, char *why,
                         size_t why_size)
{
    int n = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        char *end;
        long x = strtol(s, &end, 10);
        if (end == s || *end != ',') {
            snprintf(why, why_size, "takes points X,Y separated by spaces");
            return -1;
        }
        s = end + 1;
        long y = strtol(s, &end, 10);
        if (end == s || (*end && *end != ' ' && *end != '\t')) {
            snprintf(why, why_size, "takes points X,Y separated by spaces");
            return -1;
        }
        s = end;
        if (x < 0 || x > 1000 || y < 0 || y > 1000) {
            snprintf(why, why_size, "points are per mille of the pad, 0..1000");
            return -1;
        }
        if (n == STROKE_MAX_POINTS) {
            snprintf(why, why_size, "takes at most %d points", STROKE_MAX_POINTS);
            return -1;
        }
        if (xs && (size_t)n < max) {
            xs[n] = (int)x;
            ys[n] = (int)y;
        }
        n++;
    }
    if (n == 0) {
        snprintf(why, why_size, "needs at least one point");
        return -1;
    }
    return n;
}

/* Appends st with a copy of its text; false (reported) when out of memory. */
static bool add_step(script *s, script_step *st, const char *text, diag_list *errors)
{
    st->text = strdup(text);
    script_step *steps = realloc(s->steps, (size_t)(s->n + 1) * sizeof *steps);
    if (!st->text || !steps) {
        free(st->text);
        if (steps)
            s->steps = steps;
        diag_add(errors, s->path, st->line, 0, "out of memory");
        return false;
    }
    s->steps = steps;
    s->steps[s->n++] = *st;
    return true;
}

static bool parse_line(script *s, char *line, int lineno, diag_list *errors)
{
    char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t len = strlen(p);
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
        p[--len] = '\0';
    if (!*p || *p == '#')
        return true;
    char *rest = p;
    while (*rest && *rest != ' ' && *rest != '\t')
        rest++;
    size_t wlen = (size_t)(rest - p);
    while (*rest == ' ' || *rest == '\t')
        rest++;

    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strlen(commands[i].word) != wlen || strncmp(commands[i].word, p, wlen))
            continue;
        script_step st = {0};
        st.line = lineno;
        st.op = commands[i].op;
        if (!*rest && commands[i].args[0]) {
            diag_add(errors, s->path, lineno, 0, "'%s' needs an argument", commands[i].word);
            return false;
        }
        if (*rest && !commands[i].args[0]) {
            diag_add(errors, s->path, lineno, 0, "'%s' takes no argument", commands[i].word);
            return false;
        }
        bool want_num = strchr(commands[i].args, 'N') != NULL;
        bool want_text = strchr(commands[i].args, 'T') != NULL;
        if (want_num) {
            st.n_num = parse_ints(rest, st.num, 4);
            if (st.n_num == commands[i].nums) {
                if (st.op == OP_TAP_TEXT)
                    st.op = OP_TAP_XY;
            } else if (!want_text) {
                diag_add(errors, s->path, lineno, 0, "'%s' takes %d whole numbers",
                         commands[i].word, commands[i].nums);
                return false;
            } else {
                st.n_num = 0;
            }
        }
        /* any code the config might list; whether it does is known only
         * when the step runs */
        if (st.op == OP_LANG &&
            (strlen(rest) < 2 || strlen(rest) > 8 || strspn(rest, "abcdefghijklmnopqrstuvwxyz-") != strlen(rest))) {
            diag_add(errors, s->path, lineno, 0, "'lang' takes a language code (2-8 of a-z and '-')");
            return false;
        }
        if (st.op == OP_KEYBOARD && keyboard_mode(rest) < 0) {
            diag_add(errors, s->path, lineno, 0,
                     "'keyboard' takes pinyin, letters, digits or handwriting");
            return false;
        }
        if (st.op == OP_STROKE) {
            char why[96];
            if (stroke_points(rest, NULL, NULL, 0, why, sizeof why) < 0) {
                diag_add(errors, s->path, lineno, 0, "'stroke' %s", why);
                return false;
            }
        }
        if (st.op == OP_STATUS && !status_words(rest, NULL)) {
            diag_add(errors, s->path, lineno, 0,
                     "'status' takes a device name, an XFS4IoT state (online, offline, "
                     "powerOff, noDevice, hardwareError, userError, deviceBusy), "
                     "optionally the number of items waiting and ~TEXT in its detail");
            return false;
        }
        if (st.op == OP_KEY && key_index(rest) < 0) {
            diag_add(errors, s->path, lineno, 0,
                     "'key' takes up, down, left, right, tab, shift-tab, enter, kp-enter, "
                     "space, escape, backspace, f1 or question");
            return false;
        }
        const char *until_text;
        if (st.op == OP_KEY_UNTIL && key_until_words(rest, &until_text) < 0) {
            diag_add(errors, s->path, lineno, 0,
                     "'key-until' takes a key name and the text to stop at");
            return false;
        }
        if (st.op == OP_LARGE && strcmp(rest, "on") && strcmp(rest, "off")) {
            diag_add(errors, s->path, lineno, 0, "'large' takes on or off");
            return false;
        }
        if (st.op == OP_MONKEY && (st.num[0] < 1 || st.num[0] > 1000000 || st.num[1] < 0)) {
            diag_add(errors, s->path, lineno, 0,
                     "'monkey' takes a number of steps (1 to 1000000) and a seed >= 0");
            return false;
        }
        if (st.op == OP_WAIT && st.num[0] < 0) {
            diag_add(errors, s->path, lineno, 0, "'wait' takes milliseconds >= 0");
            return false;
        }
        if ((st.op == OP_SHOT || st.op == OP_DUMP_MEMORY) && strpbrk(rest, "/\\")) {
            diag_add(errors, s->path, lineno, 0, "%s names may not contain '/'",
                     commands[i].word);
            return false;
        }
        return add_step(s, &st, rest, errors);
    }
    /* not built in: a verb of one of the kiosk's devices or services */
    char word[32];
    snprintf(word, sizeof word, "%.*s", (int)(wlen < sizeof word ? wlen : sizeof word - 1), p);
    const app_verb *verb = wlen < sizeof word ? service_find_verb(word) : NULL;
    if (!verb) {
        diag_add(errors, s->path, lineno, 0, "unknown command '%.*s'", (int)wlen, p);
        return false;
    }
    if (verb->takes_arg != (*rest != '\0')) {
        diag_add(errors, s->path, lineno, 0, verb->takes_arg ? "'%s' needs an argument"
                                                              : "'%s' takes no argument",
                 word);
        return false;
    }
    char err[256];
    if (verb->check && !verb->check(rest, err, sizeof err)) {
        diag_add(errors, s->path, lineno, 0, "%s", err);
        return false;
    }
    script_step st = {0};
    st.line = lineno;
    st.op = OP_VERB;
    st.verb = verb;
    return add_step(s, &st, rest, errors);
}

/* A script is a few hundred lines; anything this big is the wrong file. */
#define SCRIPT_MAX_FILE_SIZE (1024u * 1024u)
#define SCRIPT_MAX_LINE 2046

bool script_load(script *s, const char *path, diag_list *errors)
{
    memset(s, 0, sizeof *s);
    s->path = strdup(path);
    size_t len;
    char *text = textfile_load(path, SCRIPT_MAX_FILE_SIZE, "a kiosk script", 0, &len,
                               errors);
    if (!text)
        return false;
    char line[SCRIPT_MAX_LINE + 2];
    int lineno = 0;
    bool ok = true;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        if (l > SCRIPT_MAX_LINE) {
            diag_add(errors, path, lineno, 0, "line longer than %d bytes", SCRIPT_MAX_LINE);
            ok = false;
        } else {
            memcpy(line, p, l);
            line[l] = '\0';
            ok &= parse_line(s, line, lineno, errors);
        }
        p = nl ? nl + 1 : end;
    }
    free(text);
    return ok;
}

void script_free(script *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->steps[i].text);
    free(s->steps);
    free(s->path);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------- running -- */

#define FRAME_MS 16

/* Runs animations to rest on the virtual clock (at most 5 s of it),
 * handling whatever the kiosk's threads post meanwhile -- also what they
 * answer to a question asked while handling an earlier answer (a screen
 * that asks the platform again when told a time was taken): the whole
 * exchange belongs to the step, not to whichever step comes next. */
static void settle(app *a)
{
    for (int i = 0; i < 5000 / FRAME_MS; i++) {
        clock_settle();
        if (!app_pump(a)) {
            clock_settle();
            if (hub_idle())
                return;
            continue;
        }
        clock_advance(FRAME_MS);
    }
}

/* Moves the virtual clock to the next moment something is due -- an
 * animation frame, a UI timer or any thread's deadline -- but not past
 * end. Every thread runs what that moment brings before this returns
 * (clock_advance), and the next app_pump handles what they posted: the
 * same order of events as in real time, with no real time spent. */
static void step_toward(app *a, uint64_t end, bool animating)
{
    uint64_t now = clock_now_ms();
    uint64_t next = animating ? now + FRAME_MS : app_next_wake(a);
    uint64_t t = clock_next_deadline();
    if (t && t < next)
        next = t;
    if (next <= now)
        next = now + 1;
    if (next > end)
        next = end;
    if (next > now)
        clock_advance(next - now);
}

static void push_finger(app *a, Uint32 type, int x, int y)
{
    app_inject_finger(a, type, x, y);
    app_pump(a);
}

static void tap_at(app *a, int x, int y)
{
    push_finger(a, SDL_FINGERDOWN, x, y);
    clock_advance(80);
    push_finger(a, SDL_FINGERUP, x, y);
    settle(a);
}

static void wait_ms(app *a, int ms)
{
    uint64_t end = clock_now_ms() + (uint64_t)ms;
    while (clock_now_ms() < end) {
        bool animating = app_pump(a);
        step_toward(a, end, animating);
    }
    app_pump(a);
}

static void fail(const script *s, const script_step *st, app *a, const char *shots_dir,
                 const char *fmt, const char *arg)
{
    fprintf(stderr, "%s:%d: ", s->path, st->line);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n  screen: %s; visible text:\n", app_top(a) ? app_top(a)->name : "?");
    ui_dump_text(&a->ui, stderr);
    char path[2048];
    snprintf(path, sizeof path, "%s/FAILED-line%d.png", shots_dir, st->line);
    if (app_screenshot(a, path))
        fprintf(stderr, "  screenshot: %s\n", path);
}

static bool make_dirs(const char *dir)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    return mkdir(buf, 0755) == 0 || errno == EEXIST;
}

static void drag(app *a, int x1, int y1, int x2, int y2, bool rest)
{
    int steps = 12;
    push_finger(a, SDL_FINGERDOWN, x1, y1);
    for (int k = 1; k <= steps; k++) {
        clock_advance(FRAME_MS);
        push_finger(a, SDL_FINGERMOTION, x1 + (x2 - x1) * k / steps,
                    y1 + (y2 - y1) * k / steps);
    }
    /* resting before lifting means no fling: the drag moves a known distance */
    if (rest)
        clock_advance(200);
    push_finger(a, SDL_FINGERUP, x2, y2);
    settle(a);
}

/* One character per event, as a keyboard delivers them. */
static void type_text(app *a, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *q = p;
        utf8_next(&q);
        SDL_Event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = SDL_TEXTINPUT;
        memcpy(ev.text.text, p, (size_t)(q - p));
        SDL_PushEvent(&ev);
        app_pump(a);
        p = q;
    }
    settle(a);
}

/* Scrolls the visible scroll areas, largest first, the way a resident
 * looks for something: forward page by page, then back. */
static bool scroll_to(app *a, const char *text)
{
    app_pump(a);
    if (ui_text_visible(&a->ui, text))
        return true;
    int tried[UI_MAX_SCROLLS] = {0};
    for (int round = 0; round < a->ui.n_scrolls; round++) {
        int best = -1;
        for (int i = 0; i < a->ui.n_scrolls; i++)
            if (!tried[i] && a->ui.scrolls[i].layer == a->ui.top_layer &&
                (best < 0 || a->ui.scrolls[i].rect.w * a->ui.scrolls[i].rect.h >
                                 a->ui.scrolls[best].rect.w * a->ui.scrolls[best].rect.h))
                best = i;
        if (best < 0)
            break;
        tried[best] = 1;
        SDL_Rect r = a->ui.scrolls[best].rect;
        bool horizontal = a->ui.scrolls[best].s->horizontal;
        for (int dir = 1; dir >= -1; dir -= 2) {
            for (int k = 0; k < 40; k++) {
                ui_scroll *sc = a->ui.scrolls[best].s;
                float before = sc->offset;
                int cx = r.x + r.w / 2, cy = r.y + r.h / 2;
                int dx = horizontal ? dir * r.w * 3 / 10 : 0;
                int dy = horizontal ? 0 : dir * r.h * 3 / 10;
                drag(a, cx + dx, cy + dy, cx - dx, cy - dy, true);
                if (ui_text_visible(&a->ui, text))
                    return true;
                if (sc->offset == before)
                    break;  /* at the end */
            }
        }
    }
    return false;
}

/* Draws one stroke on the writing pad with a finger, the points given in
 * per mille of the pad, a frame apart. False when no pad is on screen. */
static bool stroke_step(app *a, const char *text)
{
    app_pump(a);
    if (!a->ui.has_pad)
        return false;
    SDL_Rect r = a->ui.pad.rect;
    int xs[STROKE_MAX_POINTS], ys[STROKE_MAX_POINTS];
    char why[96];
    int n = stroke_points(text, xs, ys, STROKE_MAX_POINTS, why, sizeof why);
    for (int i = 0; i < n; i++) {
        int x = r.x + xs[i] * (r.w - 1) / 1000, y = r.y + ys[i] * (r.h - 1) / 1000;
        push_finger(a, i == 0 ? SDL_FINGERDOWN : SDL_FINGERMOTION, x, y);
        clock_advance(FRAME_MS);
        if (i == n - 1)
            push_finger(a, SDL_FINGERUP, x, y);
    }
    settle(a);
    return true;
}

/* How much kiosk time a device verb may take to show its effect. */
#define VERB_LIMIT_MS 10000

/* Real seconds a `catalog` step may take: the loader thread reads and
 * checks in real time (a 16 MiB file takes seconds, more under ASan). */
#define CATALOG_LIMIT_S 120

/* Pumps until the loader thread's result for the newest request was
 * handled: swapped in, or refused with the last good catalogue kept. The
 * loader is a clock thread, so clock_settle returns once it is back to
 * waiting (having posted), and hub_idle once the post was handled. */
static bool wait_for_catalog(app *a)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_settle();
        app_pump(a);
        if (!app_catalog_loading(a) && hub_idle())
            return true;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > CATALOG_LIMIT_S)
            return false;
    }
}

/* A device's verb: do it, then move the clock on until the device says it
 * is done and everything it posted was handled. */
/* The accessibility check (ui/a11y.h) on the current frame, and a spoken
 * prompt for its screen: the `a11y` line, and every `shot` (so every
 * screen the e2e scripts look at is checked, in every orientation,
 * language and text size they run in). False after reporting. */
static bool a11y_step(const script *s, const script_step *st, app *a, const char *shots_dir)
{
    /* the current frame drawn once more, sampling the background under
     * every text as it is drawn */
    app_pump(a);
    a->ui.sample_bg = true;
    app_invalidate(a);
    app_pump(a);
    a->ui.sample_bg = false;
    static char found[16384];
    double mm = a11y_mm_per_px(a->cfg->panel_inches, a->w, a->h);
    int n = a11y_check(&a->ui, mm, found, sizeof found);
    char prompt[512];
    if (!a->dialog.open && !speech_screen_prompt(a, prompt, sizeof prompt)) {
        size_t l = strlen(found);
        snprintf(found + l, sizeof found - l,
                 "screen %s: no spoken prompt (voice.screen.%s in %s.json)\n", app_top(a)->name,
                 app_top(a)->name, app_lang(a));
        n++;
    }
    if (n > 0) {
        char head[64];
        snprintf(head, sizeof head, "a11y: %d finding%s:\n", n, n == 1 ? "" : "s");
        fprintf(stderr, "%s:%d: %s%s\n", s->path, st->line, head, found);
        fail(s, st, a, shots_dir, "a11y: %s", "the findings above");
        return false;
    }
    return true;
}

/* Runs verb v with arg, then moves the clock on until the device says it
 * is done and everything it posted was handled. 0 when done; 1 when the
 * verb refused (err says why); 2 when no answer came within the limit. */
static int run_verb(app *a, const app_verb *v, const char *arg, char *err, size_t err_size)
{
    if (!v->run(a, arg, err, err_size))
        return 1;
    uint64_t end = clock_now_ms() + VERB_LIMIT_MS;
    for (;;) {
        clock_settle();
        app_pump(a);
        if ((!v->done || v->done(a)) && hub_idle())
            break;
        if (clock_now_ms() >= end) {
            snprintf(err, err_size, "%s: no answer within %d s of kiosk time", v->word,
                     VERB_LIMIT_MS / 1000);
            return 2;
        }
        step_toward(a, end, false);
    }
    settle(a);
    return 0;
}

static bool verb_step(const script *s, const script_step *st, app *a, const char *shots_dir)
{
    char err[256] = "";
    if (run_verb(a, st->verb, st->text, err, sizeof err)) {
        fail(s, st, a, shots_dir, "%s", err);
        return false;
    }
    return true;
}

/* ---- the monkey's hands (script/monkey.h) ---- */

static void monkey_key(app *a, const char *name)
{
    int k = key_index(name);
    if (k >= 0)
        push_key(a, k);
}

/* "word arg": a verb a device installed; a refusal or a device that does
 * not answer is the monkey's bad luck, not a failure (the invariants are
 * checked after every step). */
static bool monkey_verb(app *a, const char *line)
{
    char word[32];
    int used = 0;
    if (sscanf(line, "%31s%n", word, &used) != 1)
        return false;
    const char *arg = line + used;
    while (*arg == ' ')
        arg++;
    const app_verb *v = service_find_verb(word);
    if (!v || v->takes_arg != (*arg != '\0'))
        return false;
    char err[256];
    if (v->check && !v->check(arg, err, sizeof err))
        return false;
    return run_verb(a, v, arg, err, sizeof err) == 0;
}

static void monkey_drag(app *a, int x1, int y1, int x2, int y2, bool rest)
{
    drag(a, x1, y1, x2, y2, rest);
}

static const monkey_hands hands = {
    .tap = tap_at,
    .drag = monkey_drag,
    .key = monkey_key,
    .type = type_text,
    .wait = wait_ms,
    .verb = monkey_verb,
    .stroke = stroke_step,
};

int script_run(const script *s, app *a, const char *shots_dir)
{
    if (!make_dirs(shots_dir)) {
        fprintf(stderr, "%s: cannot create: %s\n", shots_dir, strerror(errno));
        return 1;
    }
    settle(a);
    int shots = 0;
    for (int i = 0; i < s->n; i++) {
        const script_step *st = &s->steps[i];
        switch (st->op) {
        case OP_TAP_TEXT: {
            const ui_target *t = ui_find_target(&a->ui, st->text);
            if (!t) {
                fail(s, st, a, shots_dir, "tap: no visible target labelled \"%s\"", st->text);
                return 1;
            }
            tap_at(a, t->rect.x + t->rect.w / 2, t->rect.y + t->rect.h / 2);
            break;
        }
        case OP_TAP_XY:
            tap_at(a, st->num[0], st->num[1]);
            break;
        case OP_DRAG:
        case OP_FLING:
            drag(a, st->num[0], st->num[1], st->num[2], st->num[3], st->op == OP_DRAG);
            break;
        case OP_SCROLL_TO:
            if (!scroll_to(a, st->text)) {
                fail(s, st, a, shots_dir, "scroll-to: \"%s\" not found in any scroll area",
                     st->text);
                return 1;
            }
            break;
        case OP_TYPE:
            type_text(a, st->text);
            break;
        case OP_KEY:
            press_key(s, st, a, key_index(st->text));
            break;
        case OP_KEY_UNTIL: {
            const char *want = NULL;
            int k = key_until_words(st->text, &want);
            int n = 0;
            for (; n < KEY_UNTIL_MAX; n++) {
                press_key(s, st, a, k);
                const char *f = ui_focus_label(&a->ui);
                if (f && strstr(f, want))
                    break;
            }
            if (n == KEY_UNTIL_MAX) {
                fail(s, st, a, shots_dir, "key-until: \"%s\" never focused", want);
                return 1;
            }
            break;
        }
        case OP_EXPECT_FOCUS: {
            app_pump(a);
            const char *f = ui_focus_label(&a->ui);
            if (!f || !strstr(f, st->text)) {
                char got[600];
                snprintf(got, sizeof got, "expect-focus: \"%s\" is not focused (focus: %s%s%s)",
                         st->text, f ? "\"" : "", f ? f : "none", f ? "\"" : "");
                fail(s, st, a, shots_dir, "%s", got);
                return 1;
            }
            break;
        }
        case OP_WAIT:
            wait_ms(a, st->num[0]);
            break;
        case OP_EXPECT:
            app_pump(a);
            if (!ui_text_visible(&a->ui, st->text)) {
                fail(s, st, a, shots_dir, "expect: \"%s\" is not on screen", st->text);
                return 1;
            }
            break;
        case OP_EXPECT_NOT:
            app_pump(a);
            if (ui_text_visible(&a->ui, st->text)) {
                fail(s, st, a, shots_dir, "expect-not: \"%s\" is on screen", st->text);
                return 1;
            }
            break;
        case OP_STATUS: {
            app_pump(a);
            status_want w;
            status_entry e;
            status_words(st->text, &w);
            if (!status_get(w.name, &e)) {
                fail(s, st, a, shots_dir, "status: nothing reported as \"%s\"", w.name);
                return 1;
            }
            if (strcmp(status_state_name(e.state), w.state) ||
                (w.pending >= 0 && e.pending != w.pending) ||
                (w.detail[0] && !strstr(e.detail, w.detail))) {
                char got[320];
                snprintf(got, sizeof got, "%s is %s with %d waiting (%s)", w.name,
                         status_state_name(e.state), e.pending, e.detail);
                fail(s, st, a, shots_dir, "status: %s", got);
                return 1;
            }
            break;
        }
        case OP_A11Y:
            if (!a11y_step(s, st, a, shots_dir))
                return 1;
            break;
        case OP_SCREEN:
            app_pump(a);
            if (!app_top(a) || strcmp(app_top(a)->name, st->text)) {
                fail(s, st, a, shots_dir, "screen: expected \"%s\"", st->text);
                return 1;
            }
            break;
        case OP_SHOT: {
            if (!a11y_step(s, st, a, shots_dir))
                return 1;
            app_pump(a);
            char path[2048];
            snprintf(path, sizeof path, "%s/%s.png", shots_dir, st->text);
            if (!app_screenshot(a, path)) {
                fail(s, st, a, shots_dir, "shot: cannot write %s", path);
                return 1;
            }
            shots++;
            break;
        }
        case OP_DUMP_MEMORY: {
            /* what is left in memory at this point, for the test that looks
             * for personal data after a session (script/memdump.h) */
            settle(a);
            char path[2048], why[600];
            memdump_stats ms;
            snprintf(path, sizeof path, "%s/%s.mem", shots_dir, st->text);
            if (!memdump_self(path, &ms, why, sizeof why)) {
                fail(s, st, a, shots_dir, "dump-memory: %s", why);
                return 1;
            }
            printf("%s:%d: dump-memory: %" PRIu64 " bytes of %d regions in %s "
                   "(%d larger regions skipped, %" PRIu64 " bytes unreadable)\n",
                   s->path, st->line, ms.bytes, ms.regions, path, ms.skipped_regions,
                   ms.unreadable);
            break;
        }
        case OP_VERB:
            if (!verb_step(s, st, a, shots_dir))
                return 1;
            break;
        case OP_MONKEY: {
            char err[512] = "";
            monkey_stats ms;
            if (!monkey_run(a, &hands, st->num[0], (uint32_t)st->num[1], &ms, err,
                            sizeof err)) {
                fail(s, st, a, shots_dir, "monkey: %s", err);
                return 1;
            }
            printf("%s:%d: monkey: %d steps: %d taps on targets, %d elsewhere, %d keys, "
                   "%d drags, %d typed, %d waits, %d device events, %d switches, %d strokes; "
                   "%d screens; back at the start after each of %d long idles\n",
                   s->path, st->line, st->num[0], ms.taps_target, ms.taps_anywhere, ms.keys,
                   ms.drags, ms.types, ms.waits, ms.verbs, ms.switches, ms.strokes,
                   ms.screens_seen, ms.idle_resets);
            break;
        }
        case OP_CATALOG: {
            /* as if a technician replaced the file: relative to the script */
            char path[2048];
            if (st->text[0] == '/') {
                snprintf(path, sizeof path, "%s", st->text);
            } else {
                const char *slash = strrchr(s->path, '/');
                int dl = slash ? (int)(slash - s->path) : 1;
                snprintf(path, sizeof path, "%.*s/%s", dl, slash ? s->path : ".", st->text);
            }
            app_reload_catalog(a, path);
            if (!wait_for_catalog(a)) {
                fail(s, st, a, shots_dir, "catalog: %s was not loaded in time "
                     "(the loader thread is stuck)", path);
                return 1;
            }
            settle(a);
            break;
        }
        case OP_LANG:
            app_set_lang(a, st->text);
            settle(a);
            if (strcmp(i18n_lang(), st->text)) {
                fail(s, st, a, shots_dir, "lang: %s is not a configured language", st->text);
                return 1;
            }
            break;
        case OP_KEYBOARD:
            ime_set_mode((ime_mode)keyboard_mode(st->text));
            app_invalidate(a);
            settle(a);
            break;
        case OP_STROKE:
            if (!stroke_step(a, st->text)) {
                fail(s, st, a, shots_dir, "stroke: %s", "no writing pad on screen "
                     "(switch the keyboard to handwriting first)");
                return 1;
            }
            break;
        case OP_LARGE:
            app_set_large(a, !strcmp(st->text, "on"));
            settle(a);
            break;
        }
    }
    printf("%s: %d steps passed, %d screenshots in %s\n", s->path, s->n, shots, shots_dir);
    return 0;
}
