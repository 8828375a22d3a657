/*
 * ime: see ime.h.
 */
#include "ime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "ime/handwriting.h"
#include "ime/pinyin.h"

#define DEFAULT_ZINNIA_MODEL "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"

static struct {
    char assets_dir[512], private_dir[512], rime_shared[512], zinnia_model[512];
    ime_mode mode;
    pinyin *py;
    bool py_failed;
    handwriting *hw;
    bool hw_failed;
    char error[512];
    ink pad;
    /* handwriting candidates, after each stroke */
    char hw_cand[IME_MAX_CANDIDATES][HANDWRITING_CAND_SIZE];
    int n_hw;
} st = {.mode = IME_PINYIN};

void ime_configure(const char *assets_dir, const char *private_dir, const char *rime_shared,
                   const char *zinnia_model)
{
    snprintf(st.assets_dir, sizeof st.assets_dir, "%s", assets_dir ? assets_dir : "");
    snprintf(st.private_dir, sizeof st.private_dir, "%s", private_dir ? private_dir : "");
    snprintf(st.rime_shared, sizeof st.rime_shared, "%s", rime_shared ? rime_shared : "");
    snprintf(st.zinnia_model, sizeof st.zinnia_model, "%s",
             zinnia_model ? zinnia_model : DEFAULT_ZINNIA_MODEL);
}

void ime_shutdown(void)
{
    pinyin_close(st.py);
    handwriting_close(st.hw);
    st.py = NULL;
    st.hw = NULL;
    st.py_failed = st.hw_failed = false;
    explicit_bzero(&st.pad, sizeof st.pad);
    explicit_bzero(st.hw_cand, sizeof st.hw_cand);
    st.n_hw = 0;
}

/* Opens the engine of the current mode on first use. A failure is
 * remembered: the data package will not appear while the kiosk runs. */
static bool engine_ready(void)
{
    st.error[0] = '\0';
    if (st.mode == IME_PINYIN) {
        if (!st.py && !st.py_failed) {
            char user[600], patches[600];
            snprintf(user, sizeof user, "%s/rime", st.private_dir);
            snprintf(patches, sizeof patches, "%s/rime", st.assets_dir);
            st.py = pinyin_open(st.rime_shared[0] ? st.rime_shared : NULL, user, patches,
                                st.error, sizeof st.error);
            st.py_failed = !st.py;
            if (st.py_failed)
                fprintf(stderr, "%s\n", st.error);
        }
        if (st.py_failed && !st.error[0])
            snprintf(st.error, sizeof st.error, "pinyin engine unavailable");
        return st.py != NULL;
    }
    if (st.mode == IME_HANDWRITING) {
        if (!st.hw && !st.hw_failed) {
            st.hw = handwriting_open(st.zinnia_model, st.error, sizeof st.error);
            st.hw_failed = !st.hw;
            if (st.hw_failed)
                fprintf(stderr, "%s\n", st.error);
        }
        if (st.hw_failed && !st.error[0])
            snprintf(st.error, sizeof st.error, "handwriting engine unavailable");
        return st.hw != NULL;
    }
    return true;
}

ime_mode ime_get_mode(void)
{
    return st.mode;
}

static void clear_pad(void)
{
    ink_clear(&st.pad, st.pad.width, st.pad.height);
    explicit_bzero(st.hw_cand, sizeof st.hw_cand);
    st.n_hw = 0;
}

void ime_set_mode(ime_mode m)
{
    if (m < 0 || m >= IME_N_MODES)
        return;
    if (st.py)
        pinyin_clear(st.py);
    clear_pad();
    st.mode = m;
    engine_ready();
}

const char *ime_error(void)
{
    return st.error;
}

static void put(ime_edit *e, const char *text)
{
    size_t l = strlen(e->commit);
    snprintf(e->commit + l, sizeof e->commit - l, "%s", text);
}

static bool composing(void)
{
    return st.mode == IME_PINYIN && st.py && pinyin_input(st.py)[0];
}

void ime_key(int ch, ime_edit *e)
{
    memset(e, 0, sizeof *e);
    if (st.mode == IME_PINYIN && ch >= 'a' && ch <= 'z' && engine_ready()) {
        pinyin_letter(st.py, (char)ch);
        return;
    }
    if (ch <= 0 || ch >= 127)
        return;
    char s[2] = {(char)ch, 0};
    put(e, s);
}

void ime_text(const char *utf8, ime_edit *e)
{
    memset(e, 0, sizeof *e);
    /* punctuation ends a composition with its best reading, as every
     * pinyin keyboard does: "shebao，" is 社保， */
    if (composing())
        pinyin_commit_first(st.py, e->commit, sizeof e->commit);
    put(e, utf8);
}

void ime_space(ime_edit *e)
{
    memset(e, 0, sizeof *e);
    if (composing()) {
        pinyin_commit_first(st.py, e->commit, sizeof e->commit);
        return;
    }
    if (st.mode == IME_HANDWRITING && st.n_hw > 0) {
        ime_select(0, e);
        return;
    }
    put(e, " ");
}

void ime_backspace(ime_edit *e)
{
    memset(e, 0, sizeof *e);
    if (composing()) {
        pinyin_backspace(st.py);
        return;
    }
    if (st.mode == IME_HANDWRITING && st.pad.n_strokes > 0) {
        clear_pad();    /* a character half written goes first */
        return;
    }
    e->backspaces = 1;
}

void ime_clear(ime_edit *e)
{
    memset(e, 0, sizeof *e);
    if (st.py)
        pinyin_clear(st.py);
    clear_pad();
    e->clear = true;
}

int ime_candidates(char out[][IME_CANDIDATE_SIZE], int max)
{
    int n = 0;
    if (st.mode == IME_PINYIN && st.py) {
        pinyin_page page;
        pinyin_candidates(st.py, &page);
        for (int i = 0; i < page.n && n < max; i++)
            snprintf(out[n++], IME_CANDIDATE_SIZE, "%s", page.text[i]);
    } else if (st.mode == IME_HANDWRITING) {
        for (int i = 0; i < st.n_hw && n < max; i++)
            snprintf(out[n++], IME_CANDIDATE_SIZE, "%s", st.hw_cand[i]);
    }
    return n;
}

bool ime_has_prev_page(void)
{
    if (!composing())
        return false;
    pinyin_page page;
    pinyin_candidates(st.py, &page);
    return page.page_no > 0;
}

bool ime_has_next_page(void)
{
    if (!composing())
        return false;
    pinyin_page page;
    pinyin_candidates(st.py, &page);
    return page.n > 0 && !page.last_page;
}

void ime_page(int direction)
{
    if (!composing())
        return;
    if (direction < 0)
        pinyin_page_prev(st.py);
    else
        pinyin_page_next(st.py);
}

void ime_select(int i, ime_edit *e)
{
    memset(e, 0, sizeof *e);
    if (st.mode == IME_PINYIN && st.py) {
        pinyin_select(st.py, i, e->commit, sizeof e->commit);
    } else if (st.mode == IME_HANDWRITING && i >= 0 && i < st.n_hw) {
        put(e, st.hw_cand[i]);
        clear_pad();    /* the pad is ready for the next character */
    }
}

const char *ime_composing(void)
{
    return composing() ? pinyin_input(st.py) : "";
}

const char *ime_preedit(void)
{
    return composing() ? pinyin_preedit(st.py) : "";
}

ink *ime_ink(void)
{
    return &st.pad;
}

static void recognise(void)
{
    explicit_bzero(st.hw_cand, sizeof st.hw_cand);
    st.n_hw = 0;
    if (st.pad.n_strokes == 0 || !engine_ready() || !st.hw)
        return;
    st.n_hw = (int)handwriting_recognize(st.hw, &st.pad, st.hw_cand, IME_MAX_CANDIDATES);
}

void ime_stroke_done(void)
{
    if (st.mode == IME_HANDWRITING)
        recognise();
}

bool ime_undo_stroke(void)
{
    if (!ink_undo(&st.pad))
        return false;
    recognise();
    return true;
}

void ime_reset(ime_mode mode)
{
    if (st.py)
        pinyin_forget(st.py);
    clear_pad();
    st.mode = mode;
    st.error[0] = '\0';
}
