/*
 * Power-loss test: a VFS shim keeps every write in memory until the file is
 * synced, and at a random write "loses power": a random subset of the
 * unsynced writes reaches the disk (the kernel may have flushed some, in
 * any order), the rest are gone, and the process dies on the spot. The
 * parent then opens what is on disk and checks that every transaction whose
 * enqueue returned before the cut is there and integrity_check is ok.
 * POWERLOSS_TRIALS (default 100) sets the number of trials.
 *
 * usage: powerloss_test DIR
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/storage.h"
#include "outbox/outbox_db.h"

typedef struct pending {
    sqlite3_int64 off;
    int len;
    unsigned char *data;
} pending;

typedef struct pfile {
    sqlite3_file base;
    sqlite3_file *real;
    pending *w;
    int n, cap;
    struct pfile *next_open;
} pfile;

static sqlite3_vfs pl_vfs, *base;
static sqlite3_io_methods pl_methods;
static long writes_left;        /* power goes at 0 */
static pfile *open_files;
static unsigned rng;

static unsigned rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void power_cut(void)
{
    /* some unsynced writes made it to the platter, in no particular order */
    for (pfile *p = open_files; p; p = p->next_open)
        for (int i = 0; i < p->n; i++)
            if (rnd() % 2)
                p->real->pMethods->xWrite(p->real, p->w[i].data, p->w[i].len, p->w[i].off);
    _exit(0);
}

static void drop_pending(pfile *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->w[i].data);
    p->n = 0;
}

static int p_close(sqlite3_file *f)
{
    pfile *p = (pfile *)f;
    /* a close is not a sync: what was not synced would still be lost on a
     * cut, but the test only cuts while files are open; write it through */
    for (int i = 0; i < p->n; i++)
        p->real->pMethods->xWrite(p->real, p->w[i].data, p->w[i].len, p->w[i].off);
    drop_pending(p);
    free(p->w);
    for (pfile **q = &open_files; *q; q = &(*q)->next_open)
        if (*q == p) {
            *q = p->next_open;
            break;
        }
    int rc = p->real->pMethods->xClose(p->real);
    free(p->real);
    return rc;
}

static int p_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    pfile *p = (pfile *)f;
    int rc = p->real->pMethods->xRead(p->real, buf, n, off);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
        return rc;
    bool covered_end = false;
    for (int i = 0; i < p->n; i++) {
        pending *w = &p->w[i];
        sqlite3_int64 a = w->off > off ? w->off : off;
        sqlite3_int64 b = w->off + w->len < off + n ? w->off + w->len : off + n;
        if (a < b) {
            memcpy((unsigned char *)buf + (a - off), w->data + (a - w->off), (size_t)(b - a));
            if (b == off + n)
                covered_end = true;
        }
    }
    if (rc == SQLITE_IOERR_SHORT_READ && covered_end) {
        sqlite3_int64 size;
        p->base.pMethods->xFileSize(f, &size);
        if (size >= off + n)
            rc = SQLITE_OK;
    }
    return rc;
}

static int p_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    pfile *p = (pfile *)f;
    if (writes_left >= 0 && writes_left-- == 0)
        power_cut();
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->w = realloc(p->w, (size_t)p->cap * sizeof *p->w);
    }
    pending *w = &p->w[p->n++];
    w->off = off;
    w->len = n;
    w->data = malloc((size_t)n);
    memcpy(w->data, buf, (size_t)n);
    return SQLITE_OK;
}

static int p_sync(sqlite3_file *f, int flags)
{
    pfile *p = (pfile *)f;
    for (int i = 0; i < p->n; i++) {
        int rc = p->real->pMethods->xWrite(p->real, p->w[i].data, p->w[i].len, p->w[i].off);
        if (rc != SQLITE_OK)
            return rc;
    }
    drop_pending(p);
    return p->real->pMethods->xSync(p->real, flags);
}

static int p_size(sqlite3_file *f, sqlite3_int64 *size)
{
    pfile *p = (pfile *)f;
    int rc = p->real->pMethods->xFileSize(p->real, size);
    for (int i = 0; i < p->n; i++)
        if (p->w[i].off + p->w[i].len > *size)
            *size = p->w[i].off + p->w[i].len;
    return rc;
}

static int p_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    pfile *p = (pfile *)f;
    /* writes beyond the new end vanish; the rest stay pending */
    int k = 0;
    for (int i = 0; i < p->n; i++) {
        if (p->w[i].off >= size) {
            free(p->w[i].data);
            continue;
        }
        if (p->w[i].off + p->w[i].len > size)
            p->w[i].len = (int)(size - p->w[i].off);
        p->w[k++] = p->w[i];
    }
    p->n = k;
    return p->real->pMethods->xTruncate(p->real, size);
}

#define FWD(name, sig, args)                                                       \
    static int p_##name sig                                                        \
    {                                                                              \
        pfile *p = (pfile *)f;                                                     \
        return p->real->pMethods->x##name args;                                    \
    }
FWD(Lock, (sqlite3_file * f, int l), (p->real, l))
FWD(Unlock, (sqlite3_file * f, int l), (p->real, l))
FWD(CheckReservedLock, (sqlite3_file * f, int *r), (p->real, r))
FWD(FileControl, (sqlite3_file * f, int op, void *a), (p->real, op, a))
FWD(SectorSize, (sqlite3_file * f), (p->real))
FWD(ShmMap, (sqlite3_file * f, int i, int sz, int e, void volatile **pp), (p->real, i, sz, e, pp))
FWD(ShmLock, (sqlite3_file * f, int o, int n, int fl), (p->real, o, n, fl))
FWD(ShmUnmap, (sqlite3_file * f, int d), (p->real, d))
static int p_DeviceCharacteristics(sqlite3_file *f)
{
    (void)f;
    return 0; /* promise nothing: no atomic or sequential writes */
}
static void p_ShmBarrier(sqlite3_file *f)
{
    pfile *p = (pfile *)f;
    p->real->pMethods->xShmBarrier(p->real);
}

static int p_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    pfile *p = (pfile *)f;
    memset(p, 0, sizeof *p);
    p->real = calloc(1, (size_t)base->szOsFile);
    int rc = base->xOpen(base, name, p->real, flags, out);
    if (rc != SQLITE_OK || !p->real->pMethods) {
        free(p->real);
        p->base.pMethods = NULL;
        return rc;
    }
    p->base.pMethods = &pl_methods;
    p->next_open = open_files;
    open_files = p;
    return SQLITE_OK;
}

static void register_vfs(void)
{
    base = sqlite3_vfs_find(NULL);
    pl_vfs = *base;
    pl_vfs.zName = "powerloss";
    pl_vfs.szOsFile = (int)sizeof(pfile);
    pl_vfs.xOpen = p_open;
    pl_vfs.pNext = NULL;
    pl_methods = (sqlite3_io_methods){2,         p_close,       p_read,        p_write,
                                      p_truncate, p_sync,       p_size,        p_Lock,
                                      p_Unlock,  p_CheckReservedLock,          p_FileControl,
                                      p_SectorSize,             p_DeviceCharacteristics,
                                      p_ShmMap,  p_ShmLock,     p_ShmBarrier,  p_ShmUnmap,
                                      NULL,      NULL};
    sqlite3_vfs_register(&pl_vfs, 0);
}

/* Child: enqueue until the power goes, telling the parent each key whose
 * enqueue returned. */
static void child(const char *path, int fd, long cut, unsigned seed)
{
    rng = seed;
    register_vfs();
    char why[600];
    outbox_key *k = outbox_key_load(why, sizeof why);
    if (!k)
        _exit(3);
    writes_left = cut;
    outbox_db_config cfg = {.path = path, .vfs = "powerloss", .retention_days = 7};
    outbox_db *db;
    if (outbox_db_open(&cfg, &db, NULL, why, sizeof why) != OUTBOX_OK)
        _exit(4);
    for (int i = 0; i < 100000; i++) {
        char payload[64];
        snprintf(payload, sizeof payload, "{\"n\": \"%u-%d\"}", seed, i);
        outbox_txn t = {.kind = "probe", .payload = payload,
                        .personal = {.name = "李四", .phone = "13900139000"}};
        outbox_receipt r;
        if (outbox_db_enqueue(db, k, &t, &r, why, sizeof why) != OUTBOX_OK)
            _exit(5);
        char line[64];
        int n = snprintf(line, sizeof line, "%s\n", r.key);
        if (write(fd, line, (size_t)n) != n)
            _exit(6);
        /* now and then the uploader's work too */
        if (i % 7 == 3) {
            outbox_row rows[4];
            size_t got;
            if (outbox_db_next_batch(db, time(NULL) + 1, rows, 4, &got) == OUTBOX_OK)
                for (size_t j = 0; j < got; j++) {
                    outbox_db_mark_acked(db, rows[j].seq, time(NULL));
                    outbox_row_clear(&rows[j]);
                }
        }
    }
    _exit(7);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    int trials = getenv("POWERLOSS_TRIALS") ? atoi(getenv("POWERLOSS_TRIALS")) : 100;
    char cmd[4200], path[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", argv[1], argv[1]);
    if (system(cmd) != 0 || !storage_open(argv[1], NULL))
        return 2;
    snprintf(path, sizeof path, "%s/outbox.db", argv[1]);
    unsigned seed0 = (unsigned)time(NULL);
    long total = 0;
    for (int t = 0; t < trials; t++) {
        int fds[2];
        if (pipe(fds) != 0)
            return 2;
        long cut = 1 + (long)(rand() % 400);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            child(path, fds[1], cut, seed0 + (unsigned)t);
        }
        close(fds[1]);
        FILE *f = fdopen(fds[0], "r");
        char line[128];
        char (*keys)[40] = NULL;
        size_t n = 0;
        while (fgets(line, sizeof line, f)) {
            keys = realloc(keys, (n + 1) * sizeof *keys);
            line[strcspn(line, "\n")] = '\0';
            snprintf(keys[n++], 40, "%.39s", line);
        }
        fclose(f);
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "trial %d (seed %u, cut %ld): child status %d\n", t, seed0 + t, cut,
                    status);
            return 1;
        }
        /* the shared-memory index lives in RAM on a real machine */
        char shm[4300];
        snprintf(shm, sizeof shm, "%s-shm", path);
        unlink(shm);
        sqlite3 *h;
        int bad = sqlite3_open(path, &h) != SQLITE_OK;
        sqlite3_stmt *st = NULL;
        if (!bad) {
            sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
            bad = sqlite3_step(st) != SQLITE_ROW ||
                  strcmp((const char *)sqlite3_column_text(st, 0), "ok");
            sqlite3_finalize(st);
        }
        if (!bad && n) {
            sqlite3_prepare_v2(h, "SELECT 1 FROM outbox WHERE key = ?", -1, &st, NULL);
            for (size_t i = 0; i < n && !bad; i++) {
                sqlite3_reset(st);
                sqlite3_bind_text(st, 1, keys[i], -1, SQLITE_STATIC);
                if (sqlite3_step(st) != SQLITE_ROW) {
                    fprintf(stderr, "trial %d: committed key %s lost\n", t, keys[i]);
                    bad = 1;
                }
            }
            sqlite3_finalize(st);
        }
        sqlite3_close(h);
        free(keys);
        if (bad) {
            fprintf(stderr, "trial %d (seed %u, cut %ld) failed\n", t, seed0 + t, cut);
            return 1;
        }
        total += (long)n;
    }
    printf("power-loss test: %d trials, %ld committed transactions all present, integrity ok\n",
           trials, total);
    storage_close();
    return 0;
}
