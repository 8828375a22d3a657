/*
 * receipt_store: see receipt_store.h.
 */
#include "print/receipt_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/storage.h"
#include "common/textfile.h"

/* Transaction numbers (20261122-000001-E33F) and keys (UUIDs) only: the
 * name becomes a file name. */
static bool id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > 64)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= 'a' && *p <= 'z') || *p == '-'))
            return false;
    return true;
}

static bool file_path(const char *no, char *buf, size_t size)
{
    char name[128];
    snprintf(name, sizeof name, RECEIPT_STORE_DIR "/%s.json", no);
    return storage_path(name, buf, size);
}

static void set_str(json_t *o, const char *k, const char *v)
{
    if (v && *v)
        json_object_set_new(o, k, json_string(v));
}

/* The file's path and JSON text for rc: checked as receipt_store_save
 * promises. The text is malloc'd. False with why. */
static bool encode(const receipt *rc, const char *key, char *path, size_t path_size, char **text,
                   char *why, size_t why_size)
{
    if (!rc || !id_ok(rc->transaction_no)) {
        snprintf(why, why_size, "receipt store: the transaction number is not a file name");
        return false;
    }
    /* the same check as the paper: nothing unmasked on disk either */
    if (!receipt_name_is_masked(rc->masked_name) || !receipt_id_is_masked(rc->masked_id_number)) {
        snprintf(why, why_size, "receipt store: an identity is not masked; not saved");
        return false;
    }
    if (!file_path(rc->transaction_no, path, path_size)) {
        snprintf(why, why_size, "receipt store: no path under the data directory: %s",
                 strerror(errno));
        return false;
    }
    json_t *o = json_object();
    set_str(o, "lang", rc->lang);
    set_str(o, "site_name", rc->site_name);
    set_str(o, "service_name", rc->service_name);
    set_str(o, "transaction_no", rc->transaction_no);
    set_str(o, "key", key);
    json_object_set_new(o, "time", json_integer((json_int_t)rc->time));
    set_str(o, "masked_name", rc->masked_name);
    set_str(o, "masked_id_number", rc->masked_id_number);
    json_object_set_new(o, "code_kind", json_integer(rc->code_kind));
    set_str(o, "code", rc->code);
    set_str(o, "next_steps", rc->next_steps);
    json_t *m = json_array();
    for (size_t i = 0; i < rc->n_materials; i++)
        json_array_append_new(m, json_string(rc->materials[i] ? rc->materials[i] : ""));
    json_object_set_new(o, "materials", m);
    set_str(o, "qr_text", rc->qr_text);
    set_str(o, "hotline", rc->hotline);
    *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!*text) {
        snprintf(why, why_size, "receipt store: out of memory");
        return false;
    }
    return true;
}

/* Writes text to path: a temporary name, synced, renamed -- never half a
 * file. False with why. */
static bool write_file(const char *path, const char *text, char *why, size_t why_size)
{
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    size_t len = strlen(text);
    bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    int err = errno;
    if (fd >= 0)
        close(fd);
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        unlink(tmp);
        snprintf(why, why_size, "receipt store: cannot write %s: %s", path, strerror(err));
    }
    return ok;
}

bool receipt_store_save(const receipt *rc, const char *key, char *why, size_t why_size)
{
    char path[1100];
    char *text = NULL;
    if (!encode(rc, key, path, sizeof path, &text, why, why_size))
        return false;
    bool ok = write_file(path, text, why, why_size);
    free(text);
    return ok;
}

/* ---- the writer thread ---------------------------------------------------
 *
 * fsync takes from a millisecond to a good part of a second, depending on
 * the disk and what else is being written (the outbox syncs too): the UI
 * thread hands receipts here and goes on drawing. One thread, started on
 * the first receipt, writing in order. */

typedef struct pending {
    struct pending *next;
    char path[1100];
    char *text;
} pending;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* work queued, or stop; and "all written" */
    pthread_t thread;
    bool running, stop, busy;
    pending *head, *tail;
} W = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *writer_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&W.mu);
    for (;;) {
        while (!W.head && !W.stop)
            pthread_cond_wait(&W.cv, &W.mu);
        pending *p = W.head;
        if (!p)
            break;  /* stop, and nothing left to write */
        W.head = p->next;
        if (!W.head)
            W.tail = NULL;
        W.busy = true;
        pthread_mutex_unlock(&W.mu);
        char why[1300];
        if (!write_file(p->path, p->text, why, sizeof why))
            fprintf(stderr, "receipt: not kept for reprint: %s\n", why);
        free(p->text);
        free(p);
        pthread_mutex_lock(&W.mu);
        W.busy = false;
        pthread_cond_broadcast(&W.cv);
    }
    pthread_mutex_unlock(&W.mu);
    return NULL;
}

bool receipt_store_queue(const receipt *rc, const char *key, char *why, size_t why_size)
{
    pending *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(why, why_size, "receipt store: out of memory");
        return false;
    }
    if (!encode(rc, key, p->path, sizeof p->path, &p->text, why, why_size)) {
        free(p);
        return false;
    }
    pthread_mutex_lock(&W.mu);
    if (!W.running) {
        W.stop = false;
        int rc_ = pthread_create(&W.thread, NULL, writer_main, NULL);
        if (rc_) {
            pthread_mutex_unlock(&W.mu);
            /* no thread: write it here rather than lose it */
            bool ok = write_file(p->path, p->text, why, why_size);
            free(p->text);
            free(p);
            return ok;
        }
        W.running = true;
    }
    if (W.tail)
        W.tail->next = p;
    else
        W.head = p;
    W.tail = p;
    pthread_cond_broadcast(&W.cv);
    pthread_mutex_unlock(&W.mu);
    return true;
}

void receipt_store_flush(void)
{
    pthread_mutex_lock(&W.mu);
    while (W.running && (W.head || W.busy))
        pthread_cond_wait(&W.cv, &W.mu);
    pthread_mutex_unlock(&W.mu);
}

void receipt_store_stop(void)
{
    pthread_mutex_lock(&W.mu);
    if (!W.running) {
        pthread_mutex_unlock(&W.mu);
        return;
    }
    W.stop = true;
    pthread_cond_broadcast(&W.cv);
    pthread_mutex_unlock(&W.mu);
    pthread_join(W.thread, NULL);
    W.running = false;
}

static const char *get_str(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* A stored receipt is well under a kilobyte of JSON; anything this big in
 * the receipts directory is not one of ours. */
#define RECEIPT_MAX_FILE_SIZE (64u * 1024u)

/* Reads path into out; false when it is not a receipt. */
static bool load_file(const char *path, receipt_stored *out)
{
    /* Through textfile_read, so a FIFO or a huge file dropped into the
     * directory is refused instead of blocking or filling memory. */
    diag_list errors = DIAG_LIST_INIT;
    size_t len;
    char *text = textfile_read(path, RECEIPT_MAX_FILE_SIZE, "a stored receipt", &len, &errors);
    diag_clear(&errors);
    json_t *o = text ? json_loadb(text, len, 0, NULL) : NULL;
    free(text);
    if (!json_is_object(o) || !*get_str(o, "transaction_no")) {
        json_decref(o);
        return false;
    }
    memset(out, 0, sizeof *out);
    out->json_ = o;
    receipt *rc = &out->rc;
    rc->lang = get_str(o, "lang");
    rc->site_name = get_str(o, "site_name");
    rc->service_name = get_str(o, "service_name");
    rc->transaction_no = get_str(o, "transaction_no");
    rc->time = (time_t)json_integer_value(json_object_get(o, "time"));
    rc->masked_name = get_str(o, "masked_name");
    rc->masked_id_number = get_str(o, "masked_id_number");
    json_int_t kind = json_integer_value(json_object_get(o, "code_kind"));
    rc->code_kind = kind == RECEIPT_CODE_TICKET        ? RECEIPT_CODE_TICKET
                    : kind == RECEIPT_CODE_APPOINTMENT ? RECEIPT_CODE_APPOINTMENT
                                                       : RECEIPT_CODE_NONE;
    rc->code = get_str(o, "code");
    rc->next_steps = get_str(o, "next_steps");
    json_t *m = json_object_get(o, "materials");
    size_t n = json_is_array(m) ? json_array_size(m) : 0;
    if (n) {
        /* the array of pointers is kept in the JSON tree's own lifetime */
        const char **list = calloc(n, sizeof *list);
        for (size_t i = 0; list && i < n; i++) {
            const char *v = json_string_value(json_array_get(m, i));
            list[i] = v ? v : "";
        }
        rc->materials = list;
        rc->n_materials = list ? n : 0;
    }
    rc->qr_text = get_str(o, "qr_text");
    rc->hotline = get_str(o, "hotline");
    out->key = get_str(o, "key");
    return true;
}

void receipt_stored_free(receipt_stored *s)
{
    if (!s)
        return;
    free((void *)s->rc.materials);
    json_decref(s->json_);
    memset(s, 0, sizeof *s);
}

/* Every *.json under data_dir/receipts: fn(path, name, ctx) until it says stop. */
typedef bool (*each_file_fn)(const char *path, const struct dirent *e, void *ctx);

static int each_file(each_file_fn fn, void *ctx)
{
    char dir[1100];
    if (!storage_path(RECEIPT_STORE_DIR "/", dir, sizeof dir))
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        n++;
        if (!fn(path, e, ctx))
            break;
    }
    closedir(d);
    return n;
}

typedef struct find_ctx {
    const char *id;
    receipt_stored *out;
    bool found;
} find_ctx;

static bool find_key(const char *path, const struct dirent *e, void *ctx)
{
    (void)e;
    find_ctx *f = ctx;
    receipt_stored s;
    if (!load_file(path, &s))
        return true;
    if (!strcmp(s.key, f->id)) {
        *f->out = s;
        f->found = true;
        return false;
    }
    receipt_stored_free(&s);
    return true;
}

bool receipt_store_load(const char *id, receipt_stored *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    /* a resident types the number as on the receipt; case does not count */
    char norm[80];
    size_t i = 0;
    for (; id && id[i] && i + 1 < sizeof norm; i++)
        norm[i] = (id[i] >= 'a' && id[i] <= 'z') ? (char)(id[i] - 'a' + 'A') : id[i];
    norm[i] = '\0';
    if (!id_ok(norm)) {
        snprintf(why, why_size, "not a transaction number or key");
        return false;
    }
    char path[1100];
    if (file_path(norm, path, sizeof path) && load_file(path, out))
        return true;
    /* else a key (lower-case UUID, as the outbox writes it) */
    find_ctx f = {.id = id, .out = out};
    each_file(find_key, &f);
    if (f.found)
        return true;
    snprintf(why, why_size, "no receipt %s kept: purged after [outbox] retention_days, or never "
             "made", id);
    return false;
}

typedef struct list_ctx {
    receipt_store_fn fn;
    void *ctx;
} list_ctx;

static bool list_one(const char *path, const struct dirent *e, void *ctx)
{
    (void)e;
    list_ctx *l = ctx;
    receipt_stored s;
    if (load_file(path, &s)) {
        l->fn(&s, l->ctx);
        receipt_stored_free(&s);
    }
    return true;
}

int receipt_store_each(receipt_store_fn fn, void *ctx)
{
    list_ctx l = {fn, ctx};
    return each_file(list_one, &l);
}

typedef struct purge_ctx {
    time_t cutoff;
    int purged;
} purge_ctx;

static bool purge_one(const char *path, const struct dirent *e, void *ctx)
{
    (void)e;
    purge_ctx *p = ctx;
    struct stat st;
    if (stat(path, &st) == 0 && st.st_mtime < p->cutoff && unlink(path) == 0)
        p->purged++;
    return true;
}

int receipt_store_purge(time_t cutoff)
{
    purge_ctx p = {cutoff, 0};
    each_file(purge_one, &p);
    return p.purged;
}

void receipt_store_progress_link(const char *endpoint, const char *no, char *out, size_t size)
{
    size_t n = endpoint ? strlen(endpoint) : 0;
    while (n && endpoint[n - 1] == '/')
        n--;
    if (n)
        snprintf(out, size, "%.*s/progress/%s", (int)n, endpoint, no);
    else
        snprintf(out, size, "%s", no);
}
