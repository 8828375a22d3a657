/*
 * pinyin: see pinyin.h.
 */
#include "pinyin.h"

#include <dirent.h>
#include <errno.h>
#include <rime_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

#include "common/dynlib.h"
#include "common/textfile.h"

#define SCHEMA "luna_pinyin_simp"
#define DEFAULT_SHARED "/usr/share/rime-data"
#define PATCH_MAX (64u * 1024u)

/* X11 keysyms Rime understands for the keys that are not letters. */
#define KEY_BACKSPACE 0xff08
#define KEY_PAGE_UP 0xff55
#define KEY_PAGE_DOWN 0xff56

struct pinyin {
    RimeApi *api;
    RimeSessionId session;
    char input[PINYIN_TEXT_MAX * 2];
    char preedit[PINYIN_TEXT_MAX * 2];
};

/* Rime's setup (logging) may run once per process; initialize/finalize
 * pair up around each use. */
static bool rime_set_up;

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool make_dir(const char *path, char *err, size_t err_size)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        snprintf(err, err_size, "pinyin: cannot create %s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

/* Writes text to path unless it already holds exactly that: rewriting an
 * unchanged patch would make Rime deploy again. */
static bool write_if_changed(const char *path, const char *text, size_t len, char *err,
                             size_t err_size)
{
    char why[200];
    int fd = textfile_open(path, 0, NULL, why, sizeof why);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fd >= 0 && !f)
        close(fd);
    if (f) {
        char *old = malloc(len + 2);
        size_t got = old ? fread(old, 1, len + 1, f) : 0;
        fclose(f);
        bool same = old && got == len && memcmp(old, text, len) == 0;
        free(old);
        if (same)
            return true;
    }
    f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len) {
        snprintf(err, err_size, "pinyin: cannot write %s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return false;
    }
    return fclose(f) == 0;
}

/* The files Rime takes from patch_dir: the patches and the kiosk's fixed
 * phrase list. */
static bool rime_file(const char *name)
{
    size_t l = strlen(name);
    return (l > 12 && !strcmp(name + l - 12, ".custom.yaml")) || !strcmp(name, "custom_phrase.txt");
}

/* Copies the kiosk's Rime files of patch_dir into user_dir. */
static bool copy_patches(const char *patch_dir, const char *user_dir, char *err,
                         size_t err_size)
{
    DIR *d = opendir(patch_dir);
    if (!d) {
        snprintf(err, err_size, "pinyin: cannot read the Rime patches in %s: %s", patch_dir,
                 strerror(errno));
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (!rime_file(e->d_name))
            continue;
        char src[1024], dst[1024];
        snprintf(src, sizeof src, "%s/%s", patch_dir, e->d_name);
        snprintf(dst, sizeof dst, "%s/%s", user_dir, e->d_name);
        diag_list errs = DIAG_LIST_INIT;
        size_t len = 0;
        char *text = textfile_read(src, PATCH_MAX, "Rime patch", &len, &errs);
        if (!text) {
            char line[512];
            diag_format(&errs.items[0], line, sizeof line);
            snprintf(err, err_size, "pinyin: %s", line);
            ok = false;
        } else {
            ok = write_if_changed(dst, text, len, err, err_size);
        }
        free(text);
        diag_clear(&errs);
    }
    closedir(d);
    return ok;
}

/* Starts Rime on the directories; deploys when a patch or the shared data
 * changed since the last time. */
static RimeApi *start_rime(const char *shared_dir, const char *user_dir, const char *patch_dir,
                           char *err, size_t err_size)
{
    if (!shared_dir)
        shared_dir = DEFAULT_SHARED;
    char probe[1024];
    snprintf(probe, sizeof probe, "%s/" SCHEMA ".schema.yaml", shared_dir);
    struct stat st;
    if (stat(probe, &st) != 0) {
        snprintf(err, err_size,
                 "pinyin: Rime's data is missing (%s not found): install the Debian "
                 "packages rime-data-luna-pinyin and rime-prelude",
                 probe);
        return NULL;
    }
    if (!make_dir(user_dir, err, err_size) || !copy_patches(patch_dir, user_dir, err, err_size))
        return NULL;
    /* librime on first use (common/dynlib.h says why): its whole API is
     * one table of functions behind rime_get_api */
    RimeApi *(*get_api)(void) = NULL;
    const dynlib_symbol sym[] = {{"rime_get_api", (void **)&get_api}};
    char why[400];
    if (!dynlib_load("librime.so.1", "librime1", sym, 1, why, sizeof why)) {
        snprintf(err, err_size, "pinyin: %s", why);
        return NULL;
    }
    RimeApi *api = get_api();
    if (!api) {
        snprintf(err, err_size, "pinyin: librime is not usable (install librime1)");
        return NULL;
    }
    static char prebuilt[1024], staging[1024];
    snprintf(prebuilt, sizeof prebuilt, "%s/build", shared_dir);
    snprintf(staging, sizeof staging, "%s/build", user_dir);
    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = shared_dir;
    traits.user_data_dir = user_dir;
    traits.prebuilt_data_dir = is_dir(prebuilt) ? prebuilt : NULL;
    traits.staging_dir = staging;
    traits.distribution_name = "kiosk";
    traits.distribution_code_name = "kiosk";
    traits.distribution_version = "1";
    traits.app_name = "rime.kiosk";
    /* Rime logs what it compiles and, at INFO level, keys and commits:
     * only fatal errors, and to no file (nothing typed reaches a log). */
    traits.min_log_level = 3;
    traits.log_dir = "";
    if (!rime_set_up) {
        api->setup(&traits);
        rime_set_up = true;
    }
    api->initialize(&traits);
    if (api->start_maintenance(False))
        api->join_maintenance_thread();
    return api;
}

bool pinyin_prepare(const char *shared_dir, const char *user_dir, const char *patch_dir,
                    char *err, size_t err_size)
{
    RimeApi *api = start_rime(shared_dir, user_dir, patch_dir, err, err_size);
    if (!api)
        return false;
    char built[1024];
    snprintf(built, sizeof built, "%s/build/" SCHEMA ".schema.yaml", user_dir);
    struct stat st;
    bool ok = stat(built, &st) == 0;
    if (!ok)
        snprintf(err, err_size, "pinyin: Rime did not deploy %s (see the shared data in %s)",
                 built, shared_dir ? shared_dir : DEFAULT_SHARED);
    api->finalize();
    return ok;
}

static bool new_session(pinyin *p, char *err, size_t err_size)
{
    p->session = p->api->create_session();
    if (!p->session || !p->api->select_schema(p->session, SCHEMA)) {
        snprintf(err, err_size, "pinyin: Rime cannot start the %s schema", SCHEMA);
        return false;
    }
    return true;
}

pinyin *pinyin_open(const char *shared_dir, const char *user_dir, const char *patch_dir,
                    char *err, size_t err_size)
{
    pinyin *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, err_size, "pinyin: out of memory");
        return NULL;
    }
    p->api = start_rime(shared_dir, user_dir, patch_dir, err, err_size);
    if (!p->api || !new_session(p, err, err_size)) {
        pinyin_close(p);
        return NULL;
    }
    return p;
}

void pinyin_close(pinyin *p)
{
    if (!p)
        return;
    if (p->api) {
        if (p->session)
            p->api->destroy_session(p->session);
        p->api->finalize();
    }
    explicit_bzero(p, sizeof *p);
    free(p);
}

bool pinyin_letter(pinyin *p, char c)
{
    if (!((c >= 'a' && c <= 'z') || c == '\''))
        return false;
    return p->api->process_key(p->session, (unsigned char)c, 0);
}

bool pinyin_backspace(pinyin *p)
{
    if (!pinyin_input(p)[0])
        return false;
    return p->api->process_key(p->session, KEY_BACKSPACE, 0);
}

const char *pinyin_input(pinyin *p)
{
    const char *in = p->api->get_input(p->session);
    snprintf(p->input, sizeof p->input, "%s", in ? in : "");
    return p->input;
}

const char *pinyin_preedit(pinyin *p)
{
    p->preedit[0] = '\0';
    RIME_STRUCT(RimeContext, ctx);
    if (p->api->get_context(p->session, &ctx)) {
        if (ctx.composition.preedit)
            snprintf(p->preedit, sizeof p->preedit, "%s", ctx.composition.preedit);
        p->api->free_context(&ctx);
    }
    return p->preedit;
}

void pinyin_candidates(pinyin *p, pinyin_page *out)
{
    memset(out, 0, sizeof *out);
    RIME_STRUCT(RimeContext, ctx);
    if (!p->api->get_context(p->session, &ctx))
        return;
    int n = ctx.menu.num_candidates;
    if (n > PINYIN_MAX_CANDIDATES)
        n = PINYIN_MAX_CANDIDATES;
    for (int i = 0; i < n; i++)
        snprintf(out->text[i], sizeof out->text[i], "%s",
                 ctx.menu.candidates[i].text ? ctx.menu.candidates[i].text : "");
    out->n = n;
    out->page_no = ctx.menu.page_no;
    out->last_page = ctx.menu.is_last_page;
    p->api->free_context(&ctx);
}

static bool turn(pinyin *p, int key)
{
    pinyin_page before, after;
    pinyin_candidates(p, &before);
    p->api->process_key(p->session, key, 0);
    pinyin_candidates(p, &after);
    return after.page_no != before.page_no;
}

bool pinyin_page_next(pinyin *p)
{
    return turn(p, KEY_PAGE_DOWN);
}

bool pinyin_page_prev(pinyin *p)
{
    return turn(p, KEY_PAGE_UP);
}

static void take_commit(pinyin *p, char *commit, size_t size)
{
    commit[0] = '\0';
    RIME_STRUCT(RimeCommit, c);
    if (p->api->get_commit(p->session, &c)) {
        snprintf(commit, size, "%s", c.text ? c.text : "");
        p->api->free_commit(&c);
    }
}

bool pinyin_select(pinyin *p, int i, char *commit, size_t size)
{
    commit[0] = '\0';
    pinyin_page page;
    pinyin_candidates(p, &page);
    if (i < 0 || i >= page.n)
        return false;
    if (!p->api->select_candidate_on_current_page(p->session, (size_t)i))
        return false;
    take_commit(p, commit, size);
    return true;
}

bool pinyin_commit_first(pinyin *p, char *commit, size_t size)
{
    commit[0] = '\0';
    if (!pinyin_input(p)[0])
        return false;
    p->api->process_key(p->session, ' ', 0);
    take_commit(p, commit, size);
    return true;
}

void pinyin_clear(pinyin *p)
{
    p->api->clear_composition(p->session);
}

void pinyin_forget(pinyin *p)
{
    if (!p)
        return;
    p->api->clear_composition(p->session);
    p->api->destroy_session(p->session);
    p->session = 0;
    char err[128];
    if (!new_session(p, err, sizeof err))
        fprintf(stderr, "%s\n", err);
    explicit_bzero(p->input, sizeof p->input);
    explicit_bzero(p->preedit, sizeof p->preedit);
}
