/*
 * outbox_db: see outbox_db.h.
 *
 * Why each pragma:
 *  - journal_mode=WAL: a commit appends to the -wal and fsyncs it once;
 *    readers (kioskctl queue status) never block the writer.
 *  - synchronous=FULL: in WAL mode NORMAL may lose the last commits on a
 *    power cut; a resident told "done" must never be lost, so every commit
 *    syncs the WAL.
 *  - busy_timeout: kioskctl and the kiosk may touch the file together.
 *  - secure_delete: deleted rows' pages are zeroed, so a purged resident's
 *    sealed fields (and masked copies) do not linger in free pages.
 */
#include "outbox/outbox_db.h"
#include "outbox/outbox_fault.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"

struct outbox_db {
    sqlite3 *h;
    char *path;
    outbox_db_config cfg;
    char boot_id[40];
    sqlite3_stmt *insert, *stats, *oldest;
};

static const char *const state_names[OUTBOX_N_STATES] = {"pending", "inflight", "acked",
                                                         "rejected"};

const char *outbox_state_name(outbox_state s)
{
    return (unsigned)s < OUTBOX_N_STATES ? state_names[s] : "?";
}

bool outbox_state_parse(const char *name, outbox_state *out)
{
    for (int i = 0; i < OUTBOX_N_STATES; i++)
        if (name && !strcmp(name, state_names[i])) {
            *out = (outbox_state)i;
            return true;
        }
    return false;
}

const char *outbox_result_name(outbox_result r)
{
    static const char *const names[] = {"ok",      "full",      "read-only", "cap-count",
                                        "cap-age", "corrupt",   "duplicate", "io",
                                        "nomem",   "invalid"};
    return (unsigned)r < sizeof names / sizeof *names ? names[r] : "?";
}

/* ---- schema ------------------------------------------------------------- */

/* Each step takes the file from version i to i + 1; a new file runs them
 * all, so the upgrade path is the path every kiosk takes. Never edit a
 * released step: add one. */
static const char *const migrations[] = {
    /* 1: the first release */
    "CREATE TABLE outbox("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " key TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL,"
    " item_code TEXT NOT NULL DEFAULT '',"
    " payload TEXT NOT NULL DEFAULT '{}',"
    " sealed BLOB,"
    " name_masked TEXT NOT NULL DEFAULT '',"
    " id_masked TEXT NOT NULL DEFAULT '',"
    " phone_masked TEXT NOT NULL DEFAULT '',"
    " created_wall INTEGER NOT NULL,"
    " created_mono INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending',"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX outbox_state_seq ON outbox(state, seq);",

    /* 2: where the creation time came from (boot, NTP), the masked
     * address, when a row was done (for retention), and a waiting counter
     * kept by triggers so the caps cost the same with 100,000 rows
     * waiting as with 10 */
    "ALTER TABLE outbox ADD COLUMN boot_id TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN wall_synced INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE outbox ADD COLUMN address_masked TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN done_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE outbox_stats(id INTEGER PRIMARY KEY CHECK (id = 1),"
    " waiting INTEGER NOT NULL, last_error TEXT NOT NULL DEFAULT '',"
    " last_error_at INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO outbox_stats(id, waiting) VALUES (1,"
    " (SELECT count(*) FROM outbox WHERE state IN ('pending', 'inflight')));"
    "CREATE TRIGGER outbox_waiting_ins AFTER INSERT ON outbox"
    " WHEN new.state IN ('pending', 'inflight')"
    " BEGIN UPDATE outbox_stats SET waiting = waiting + 1; END;"
    "CREATE TRIGGER outbox_waiting_del AFTER DELETE ON outbox"
    " WHEN old.state IN ('pending', 'inflight')"
    " BEGIN UPDATE outbox_stats SET waiting = waiting - 1; END;"
    "CREATE TRIGGER outbox_waiting_upd AFTER UPDATE OF state ON outbox"
    " BEGIN UPDATE outbox_stats SET waiting = waiting"
    " + (new.state IN ('pending', 'inflight')) - (old.state IN ('pending', 'inflight')); END;",

    /* 3: the uploader asks when the next pending row is due; an index
     * answers that without walking 100,000 waiting rows */
    "CREATE INDEX outbox_state_due ON outbox(state, next_attempt);",
};
_Static_assert(sizeof migrations / sizeof *migrations == OUTBOX_SCHEMA_VERSION,
               "one migration per schema version");

/* ---- errors ------------------------------------------------------------- */

static outbox_result classify(sqlite3 *h, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return OUTBOX_OK;
    case SQLITE_FULL:
        return OUTBOX_ERR_FULL;
    case SQLITE_READONLY:
        return OUTBOX_ERR_READONLY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return OUTBOX_ERR_CORRUPT;
    case SQLITE_NOMEM:
        return OUTBOX_ERR_NOMEM;
    case SQLITE_CONSTRAINT:
        return OUTBOX_ERR_DUPLICATE;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR: {
        int e = h ? sqlite3_system_errno(h) : 0;
        if (e == EROFS || e == EACCES || e == EPERM)
            return OUTBOX_ERR_READONLY;
        if (e == ENOSPC || e == EDQUOT)
            return OUTBOX_ERR_FULL;
        return OUTBOX_ERR_IO;
    }
    default:
        return OUTBOX_ERR_IO;
    }
}

static outbox_result fail(outbox_db *db, int rc, const char *what, char *why, size_t wsize)
{
    outbox_result r = classify(db->h, rc);
    if (why && wsize) {
        /* sqlite3_errmsg names files and constraints, never row values */
        const char *plain = r == OUTBOX_ERR_FULL       ? "the disk is full"
                            : r == OUTBOX_ERR_READONLY ? "the storage is read-only"
                                                       : sqlite3_errstr(rc);
        snprintf(why, wsize, "%s: %s (%s)", what, plain, sqlite3_errmsg(db->h));
    }
    return r;
}

static int exec(outbox_db *db, const char *sql)
{
    return sqlite3_exec(db->h, sql, NULL, NULL, NULL);
}

static void rollback(outbox_db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        exec(db, "ROLLBACK");
}

/* ---- opening ------------------------------------------------------------ */

static void read_boot_id(char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
    if (!f)
        return;
    if (fgets(out, (int)size, f))
        out[strcspn(out, "\n")] = '\0';
    fclose(f);
}

/* Whether the kernel says the wall clock is synchronised (adjtimex with no
 * modes only reads; no privilege needed). */
static bool wall_synced(void)
{
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    int st = ntp_adjtime(&tx);
    return st >= 0 && st != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

/* PRAGMA integrity_check: SQLITE_OK when it said "ok", SQLITE_CORRUPT
 * when it found damage or the file is not a database at all, else the
 * error that kept it from running (I/O, locks): only real damage may move
 * a file aside. */
static int integrity(sqlite3 *h)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            rc = t && !strcmp(t, "ok") ? SQLITE_OK : SQLITE_CORRUPT;
        }
    }
    sqlite3_finalize(st);
    if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
        return SQLITE_CORRUPT;
    return rc;
}

/* Renames path (and its -wal, -shm) to path.corrupt-YYYYMMDDTHHMMSS, with
 * -N added when that name is taken. Never deletes anything. */
static bool move_aside(const char *path, char *to, size_t size)
{
    time_t now = clock_wall();
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
    struct stat st;
    for (int n = 1; n < 100; n++) {
        if (n == 1)
            snprintf(to, size, "%s.corrupt-%s", path, stamp);
        else
            snprintf(to, size, "%s.corrupt-%s-%d", path, stamp, n);
        if (lstat(to, &st) != 0 && errno == ENOENT)
            break;
    }
    if (rename(path, to) != 0)
        return false;
    static const char *const sides[] = {"-wal", "-shm"};
    for (int i = 0; i < 2; i++) {
        char a[4200], b[4300];
        snprintf(a, sizeof a, "%s%s", path, sides[i]);
        snprintf(b, sizeof b, "%s%s", to, sides[i]);
        if (lstat(a, &st) == 0)
            rename(a, b);
    }
    return true;
}

static int user_version(sqlite3 *h, int *v)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *v = sqlite3_column_int(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Brings the schema up to date in one transaction: all steps or none. */
static outbox_result migrate(outbox_db *db, outbox_open_info *info, char *why, size_t wsize)
{
    int rc = exec(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return fail(db, rc, "cannot start the schema update", why, wsize);
    int v = 0;
    rc = user_version(db->h, &v);
    if (rc != SQLITE_OK)
        goto bad;
    if (v > OUTBOX_SCHEMA_VERSION) {
        rollback(db);
        snprintf(why, wsize, "%s has schema version %d, newer than this kiosk's %d", db->path, v,
                 OUTBOX_SCHEMA_VERSION);
        return OUTBOX_ERR_INVALID;
    }
    if (v > 0 && v < OUTBOX_SCHEMA_VERSION && info)
        info->migrated_from = v;
    for (int i = v; i < OUTBOX_SCHEMA_VERSION; i++) {
        rc = exec(db, migrations[i]);
        if (rc != SQLITE_OK)
            goto bad;
    }
    if (v != OUTBOX_SCHEMA_VERSION) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", OUTBOX_SCHEMA_VERSION);
        if ((rc = exec(db, sql)) != SQLITE_OK)
            goto bad;
    }
    /* a crash while uploading left rows in flight: they were not
     * acknowledged, so they go again (the key makes that harmless); a
     * follower's process is alive, and so are its rows in flight */
    if (!db->cfg.follower &&
        (rc = exec(db, "UPDATE outbox SET state = 'pending' WHERE state = 'inflight'")) !=
            SQLITE_OK)
        goto bad;
    if ((rc = exec(db, "COMMIT")) != SQLITE_OK)
        goto bad;
    return OUTBOX_OK;
bad:;
    outbox_result r = fail(db, rc, "cannot update the schema", why, wsize);
    rollback(db);
    return r;
}

static int prepare_all(outbox_db *db)
{
    int rc = sqlite3_prepare_v3(
        db->h,
        "INSERT INTO outbox(key, kind, item_code, payload, sealed, name_masked, id_masked,"
        " phone_masked, address_masked, created_wall, created_mono, boot_id, wall_synced,"
        " state, attempts, next_attempt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'pending',0,?)",
        -1, SQLITE_PREPARE_PERSISTENT, &db->insert, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(db->h,
                                "SELECT waiting, last_error, last_error_at FROM outbox_stats",
                                -1, SQLITE_PREPARE_PERSISTENT, &db->stats, NULL);
    if (rc == SQLITE_OK)
        /* the oldest waiting row is the lowest seq in either state: two
         * index probes, whatever the number of rows */
        rc = sqlite3_prepare_v3(
            db->h,
            "SELECT min(w) FROM (SELECT (SELECT created_wall FROM outbox WHERE state ="
            " 'pending' ORDER BY seq LIMIT 1) AS w UNION ALL SELECT (SELECT created_wall FROM"
            " outbox WHERE state = 'inflight' ORDER BY seq LIMIT 1))",
            -1, SQLITE_PREPARE_PERSISTENT, &db->oldest, NULL);
    return rc;
}

static void close_handle(outbox_db *db)
{
    sqlite3_finalize(db->insert);
    sqlite3_finalize(db->stats);
    sqlite3_finalize(db->oldest);
    db->insert = db->stats = db->oldest = NULL;
    sqlite3_close_v2(db->h);
    db->h = NULL;
}

static int open_handle(outbox_db *db)
{
    /* SQLite creates its files 0644 (and the -wal and -shm files take the
     * main file's mode): create it 0600 first, and tighten one made by an
     * older version, so only the kiosk's user can read even the sealed
     * rows. Not under a test VFS, which owns the file's life (the fault
     * shim keeps the very same files, so it gets the same care). */
    if (!db->cfg.read_only && (!db->cfg.vfs || !strcmp(db->cfg.vfs, OUTBOX_FAULT_VFS))) {
        int fd = open(db->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0) {
            (void)fchmod(fd, 0600);
            close(fd);
        }
    }
    int flags = (db->cfg.read_only ? SQLITE_OPEN_READONLY
                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(db->path, &db->h, flags, db->cfg.vfs);
    if (rc == SQLITE_OK)
        sqlite3_extended_result_codes(db->h, 1);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(db->h, 5000);
    return rc;
}

outbox_result outbox_db_open(const outbox_db_config *cfg, outbox_db **out,
                             outbox_open_info *info, char *why, size_t wsize)
{
    *out = NULL;
    if (info)
        memset(info, 0, sizeof *info);
    if (!cfg || !cfg->path) {
        snprintf(why, wsize, "no database path");
        return OUTBOX_ERR_INVALID;
    }
    outbox_db *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(cfg->path))) {
        free(db);
        snprintf(why, wsize, "out of memory");
        return OUTBOX_ERR_NOMEM;
    }
    db->cfg = *cfg;
    db->cfg.path = db->path;
    read_boot_id(db->boot_id, sizeof db->boot_id);

    struct stat st;
    bool existed = stat(db->path, &st) == 0 && st.st_size > 0;
    outbox_result r;
    int rc = open_handle(db);
    if (rc != SQLITE_OK) {
        r = fail(db, rc, "cannot open the queue database", why, wsize);
        goto bad;
    }
    /* a read-only file system lets SQLite open the file read-only
     * without a word; say so now rather than at the first resident */
    if (!cfg->read_only && sqlite3_db_readonly(db->h, "main") == 1) {
        snprintf(why, wsize, "%s: the storage is read-only", db->path);
        r = OUTBOX_ERR_READONLY;
        goto bad;
    }
    int ic = existed && !cfg->follower ? integrity(db->h) : SQLITE_OK;
    if (ic != SQLITE_OK && ic != SQLITE_CORRUPT) {
        r = fail(db, ic, "cannot check the queue database", why, wsize);
        goto bad;
    }
    if (ic == SQLITE_CORRUPT) {
        close_handle(db);
        if (cfg->read_only) {
            snprintf(why, wsize, "%s fails integrity_check", db->path);
            r = OUTBOX_ERR_CORRUPT;
            goto bad;
        }
        char to[4200];
        if (!move_aside(db->path, to, sizeof to)) {
            snprintf(why, wsize, "%s fails integrity_check and cannot be moved aside: %s",
                     db->path, strerror(errno));
            r = errno == EROFS || errno == EACCES ? OUTBOX_ERR_READONLY : OUTBOX_ERR_CORRUPT;
            goto bad;
        }
        if (info)
            snprintf(info->moved_aside, sizeof info->moved_aside, "%s", to);
        existed = false;
        if ((rc = open_handle(db)) != SQLITE_OK) {
            r = fail(db, rc, "cannot open a new queue database", why, wsize);
            goto bad;
        }
    }
    if (info)
        info->created = !existed;
    if (!cfg->read_only) {
        sqlite3_stmt *jm = NULL;
        rc = sqlite3_prepare_v2(db->h, "PRAGMA journal_mode = WAL", -1, &jm, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(jm);
            if (rc == SQLITE_ROW) {
                const char *mode = (const char *)sqlite3_column_text(jm, 0);
                rc = mode && !strcmp(mode, "wal") ? SQLITE_OK : SQLITE_CANTOPEN;
            }
        }
        sqlite3_finalize(jm);
        if (rc == SQLITE_OK)
            /* cache_size: SQLite's page cache (2,000 KiB by default) filled
             * as the queue grew, about 1 KB per transaction, which was all
             * the kiosk's memory growth over 2,000 sessions (bench_soak).
             * The queue appends at its end and uploads from its head: 256
             * KiB holds both ends and the index pages. */
            rc = exec(db, "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; "
                          "PRAGMA cache_size = -256");
        if (rc != SQLITE_OK) {
            r = fail(db, rc, "cannot set up the queue database", why, wsize);
            goto bad;
        }
        if ((r = migrate(db, info, why, wsize)) != OUTBOX_OK)
            goto bad;
    } else {
        int v = 0;
        rc = user_version(db->h, &v);
        if (rc != SQLITE_OK || v != OUTBOX_SCHEMA_VERSION) {
            if (rc != SQLITE_OK)
                r = fail(db, rc, "cannot read the queue database", why, wsize);
            else {
                snprintf(why, wsize, "%s has schema version %d, this tool reads %d", db->path, v,
                         OUTBOX_SCHEMA_VERSION);
                r = OUTBOX_ERR_INVALID;
            }
            goto bad;
        }
    }
    if ((rc = prepare_all(db)) != SQLITE_OK) {
        r = fail(db, rc, "cannot prepare the queue statements", why, wsize);
        goto bad;
    }
    *out = db;
    return OUTBOX_OK;
bad:
    close_handle(db);
    free(db->path);
    free(db);
    return r;
}

void outbox_db_close(outbox_db *db)
{
    if (!db)
        return;
    close_handle(db);
    free(db->path);
    free(db);
}

const char *outbox_db_path(const outbox_db *db)
{
    return db->path;
}

const char *outbox_db_errmsg(outbox_db *db)
{
    return db && db->h ? sqlite3_errmsg(db->h) : "not open";
}

/* ---- writing ------------------------------------------------------------ */

void outbox_number(int64_t created_wall, int64_t seq, const char *key, char *out, size_t size)
{
    time_t t = (time_t)created_wall;
    struct tm tm;
    localtime_r(&t, &tm);
    char day[16];
    strftime(day, sizeof day, "%Y%m%d", &tm);
    snprintf(out, size, "%s-%06lld-%.4s", day, (long long)seq, key ? key : "");
    for (char *c = out; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
}

/* The caps, checked inside the write transaction so two writers cannot
 * both slip under them. */
static outbox_result check_caps(outbox_db *db, int64_t now, char *why, size_t wsize)
{
    int rc;
    int64_t waiting = 0, oldest = 0;
    sqlite3_reset(db->stats);
    rc = sqlite3_step(db->stats);
    if (rc == SQLITE_ROW)
        waiting = sqlite3_column_int64(db->stats, 0);
    sqlite3_reset(db->stats);
    if (rc != SQLITE_ROW)
        return fail(db, rc, "cannot read the queue counts", why, wsize);
    if (db->cfg.max_waiting > 0 && waiting >= db->cfg.max_waiting) {
        snprintf(why, wsize, "%lld rows are waiting (max_waiting %d)", (long long)waiting,
                 db->cfg.max_waiting);
        return OUTBOX_ERR_CAP_COUNT;
    }
    if (db->cfg.max_age_days > 0 && waiting > 0) {
        sqlite3_reset(db->oldest);
        rc = sqlite3_step(db->oldest);
        if (rc == SQLITE_ROW)
            oldest = sqlite3_column_int64(db->oldest, 0);
        sqlite3_reset(db->oldest);
        if (rc != SQLITE_ROW)
            return fail(db, rc, "cannot read the queue's oldest row", why, wsize);
        if (oldest > 0 && now - oldest > (int64_t)db->cfg.max_age_days * 86400) {
            snprintf(why, wsize, "the oldest waiting row is %lld days old (max_age_days %d)",
                     (long long)((now - oldest) / 86400), db->cfg.max_age_days);
            return OUTBOX_ERR_CAP_AGE;
        }
    }
    return OUTBOX_OK;
}

static int insert_row(outbox_db *db, const outbox_row *row)
{
    sqlite3_stmt *s = db->insert;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    sqlite3_bind_text(s, 1, row->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, row->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, row->item_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, row->payload ? row->payload : "{}", -1, SQLITE_STATIC);
    if (row->sealed)
        sqlite3_bind_blob(s, 5, row->sealed, (int)row->sealed_len, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, row->masked.name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, row->masked.id_number, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, row->masked.phone, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, row->masked.address, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 10, row->created_wall);
    sqlite3_bind_int64(s, 11, row->created_mono_ms);
    sqlite3_bind_text(s, 12, row->boot_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 13, row->wall_synced);
    sqlite3_bind_int64(s, 14, row->next_attempt);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Is key in the file? *rc: SQLITE_OK, or why it could not be told. */
static bool key_queued(outbox_db *db, const char *key, int *rc)
{
    sqlite3_stmt *st = NULL;
    bool dup = false;
    *rc = sqlite3_prepare_v2(db->h, "SELECT 1 FROM outbox WHERE key = ?", -1, &st, NULL);
    if (*rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        *rc = sqlite3_step(st);
        dup = *rc == SQLITE_ROW;
        *rc = *rc == SQLITE_ROW || *rc == SQLITE_DONE ? SQLITE_OK : *rc;
    }
    sqlite3_finalize(st);
    return dup;
}

outbox_result outbox_db_enqueue(outbox_db *db, const outbox_key *k, const outbox_txn *t,
                                outbox_receipt *r, char *why, size_t wsize)
{
    memset(r, 0, sizeof *r);
    if (!db || !k || !t || !t->kind || !*t->kind || strlen(t->kind) >= 24 ||
        (t->item_code && strlen(t->item_code) >= 64)) {
        snprintf(why, wsize, "invalid transaction");
        return OUTBOX_ERR_INVALID;
    }
    if (t->key && !outbox_is_uuid(t->key)) {
        snprintf(why, wsize, "invalid key: not a UUID's text");
        return OUTBOX_ERR_INVALID;
    }
    outbox_row row;
    memset(&row, 0, sizeof row);
    if (t->key)
        memcpy(row.key, t->key, OUTBOX_UUID_SIZE);
    else
        outbox_uuid(row.key);
    snprintf(row.kind, sizeof row.kind, "%s", t->kind);
    snprintf(row.item_code, sizeof row.item_code, "%s", t->item_code ? t->item_code : "");
    row.payload = (char *)(t->payload ? t->payload : "{}");
    outbox_mask(&t->personal, &row.masked);
    row.created_wall = (int64_t)clock_wall();
    row.created_mono_ms = (int64_t)clock_now_ms();
    snprintf(row.boot_id, sizeof row.boot_id, "%s", db->boot_id);
    row.wall_synced = wall_synced();
    row.next_attempt = row.created_wall;
    /* sealed before the transaction starts: the write lock is held only
     * for SQLite's own work */
    row.sealed = outbox_seal(k, &t->personal, row.key, &row.sealed_len);
    if (!row.sealed) {
        snprintf(why, wsize, "cannot seal the personal fields (out of memory or too long)");
        return OUTBOX_ERR_NOMEM;
    }
    outbox_result res;
    int rc = exec(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        res = fail(db, rc, "cannot start writing", why, wsize);
        goto done;
    }
    if ((res = check_caps(db, row.created_wall, why, wsize)) != OUTBOX_OK) {
        rollback(db);
        goto done;
    }
    if (t->key && key_queued(db, row.key, &rc)) {
        rollback(db);
        snprintf(why, wsize, "key %s is already queued", row.key);
        res = OUTBOX_ERR_DUPLICATE;
        goto done;
    }
    if (rc != SQLITE_OK || (rc = insert_row(db, &row)) != SQLITE_OK) {
        res = fail(db, rc, "cannot add the transaction", why, wsize);
        rollback(db);
        goto done;
    }
    int64_t seq = sqlite3_last_insert_rowid(db->h);
    /* the commit returns after the WAL is synced (synchronous=FULL) */
    if ((rc = exec(db, "COMMIT")) != SQLITE_OK) {
        res = fail(db, rc, "cannot commit the transaction", why, wsize);
        rollback(db);
        goto done;
    }
    memcpy(r->key, row.key, sizeof r->key);
    r->seq = seq;
    outbox_number(row.created_wall, seq, row.key, r->number, sizeof r->number);
    res = OUTBOX_OK;
done:
    free(row.sealed);
    return res;
}

outbox_result outbox_db_insert_row(outbox_db *db, const outbox_row *in, int64_t *seq, char *why,
                                   size_t wsize)
{
    outbox_row row = *in;
    row.next_attempt = (int64_t)clock_wall();
    int rc = exec(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return fail(db, rc, "cannot start writing", why, wsize);
    bool dup = key_queued(db, row.key, &rc);
    if (rc == SQLITE_OK && dup) {
        rollback(db);
        snprintf(why, wsize, "key %s is already queued", row.key);
        return OUTBOX_ERR_DUPLICATE;
    }
    if (rc == SQLITE_OK)
        rc = insert_row(db, &row);
    if (rc == SQLITE_OK) {
        *seq = sqlite3_last_insert_rowid(db->h);
        rc = exec(db, "COMMIT");
    }
    if (rc != SQLITE_OK) {
        outbox_result r = fail(db, rc, "cannot add the salvaged row", why, wsize);
        rollback(db);
        return r;
    }
    return OUTBOX_OK;
}

/* ---- reading ------------------------------------------------------------ */

#define ROW_COLUMNS                                                                       \
    "seq, key, kind, item_code, payload, sealed, name_masked, id_masked, phone_masked,"  \
    " address_masked, created_wall, created_mono, boot_id, wall_synced, state, attempts," \
    " next_attempt, last_error, done_at"

static void copy_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    snprintf(out, size, "%s", t ? t : "");
}

static bool row_read(sqlite3_stmt *st, outbox_row *r)
{
    memset(r, 0, sizeof *r);
    r->seq = sqlite3_column_int64(st, 0);
    copy_text(st, 1, r->key, sizeof r->key);
    copy_text(st, 2, r->kind, sizeof r->kind);
    copy_text(st, 3, r->item_code, sizeof r->item_code);
    const char *p = (const char *)sqlite3_column_text(st, 4);
    r->payload = strdup(p ? p : "{}");
    int n = sqlite3_column_bytes(st, 5);
    const void *b = sqlite3_column_blob(st, 5);
    if (b && n > 0 && (r->sealed = malloc((size_t)n))) {
        memcpy(r->sealed, b, (size_t)n);
        r->sealed_len = (size_t)n;
    }
    copy_text(st, 6, r->masked.name, sizeof r->masked.name);
    copy_text(st, 7, r->masked.id_number, sizeof r->masked.id_number);
    copy_text(st, 8, r->masked.phone, sizeof r->masked.phone);
    copy_text(st, 9, r->masked.address, sizeof r->masked.address);
    r->created_wall = sqlite3_column_int64(st, 10);
    r->created_mono_ms = sqlite3_column_int64(st, 11);
    copy_text(st, 12, r->boot_id, sizeof r->boot_id);
    r->wall_synced = sqlite3_column_int(st, 13) != 0;
    outbox_state s = OUTBOX_PENDING;
    outbox_state_parse((const char *)sqlite3_column_text(st, 14), &s);
    r->state = s;
    r->attempts = sqlite3_column_int(st, 15);
    r->next_attempt = sqlite3_column_int64(st, 16);
    copy_text(st, 17, r->last_error, sizeof r->last_error);
    r->done_at = sqlite3_column_int64(st, 18);
    return r->payload != NULL && (n == 0 || r->sealed);
}

void outbox_row_clear(outbox_row *row)
{
    if (!row)
        return;
    free(row->payload);
    free(row->sealed);
    memset(row, 0, sizeof *row);
}

outbox_result outbox_db_next_batch(outbox_db *db, int64_t now, outbox_row *rows, size_t max,
                                   size_t *n)
{
    *n = 0;
    int rc = exec(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return fail(db, rc, "cannot start the batch", NULL, 0);
    sqlite3_stmt *sel = NULL, *upd = NULL;
    rc = sqlite3_prepare_v2(db->h,
                            /* in sequence order along (state, seq): the planner
                             * would otherwise take (state, next_attempt) and sort
                             * every pending row, 36x slower with 100,000 waiting */
                            "SELECT " ROW_COLUMNS " FROM outbox INDEXED BY outbox_state_seq"
                            " WHERE state = 'pending' AND next_attempt <= ? ORDER BY seq LIMIT ?",
                            -1, &sel, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->h, "UPDATE outbox SET state = 'inflight' WHERE seq = ?", -1,
                                &upd, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(sel, 1, now);
        sqlite3_bind_int64(sel, 2, (sqlite3_int64)max);
        while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
            if (!row_read(sel, &rows[*n])) {
                outbox_row_clear(&rows[*n]);
                rc = SQLITE_NOMEM;
                break;
            }
            (*n)++;
        }
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    for (size_t i = 0; rc == SQLITE_OK && i < *n; i++) {
        sqlite3_reset(upd);
        sqlite3_bind_int64(upd, 1, rows[i].seq);
        rc = sqlite3_step(upd) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db->h);
        rows[i].state = OUTBOX_IN_FLIGHT;
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    if (rc == SQLITE_OK)
        rc = exec(db, "COMMIT");
    if (rc != SQLITE_OK) {
        outbox_result r = fail(db, rc, "batch", NULL, 0);
        rollback(db);
        for (size_t i = 0; i < *n; i++)
            outbox_row_clear(&rows[i]);
        *n = 0;
        return r;
    }
    return OUTBOX_OK;
}

/* One UPDATE of one row in its own transaction; OUTBOX_ERR_INVALID when
 * no such row is in flight or pending. */
static outbox_result update_one(outbox_db *db, const char *sql, int64_t seq, int64_t a,
                                int64_t b, const char *text, bool set_error)
{
    int rc = exec(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return fail(db, rc, "update", NULL, 0);
    sqlite3_stmt *st = NULL;
    int changed = 0;
    rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_int64(st, 2, a);
        sqlite3_bind_int64(st, 3, b);
        sqlite3_bind_text(st, 4, text ? text : "", -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db->h);
        changed = sqlite3_changes(db->h);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK && changed && set_error) {
        rc = sqlite3_prepare_v2(db->h,
                                "UPDATE outbox_stats SET last_error = ?1, last_error_at = ?2",
                                -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, text ? text : "", -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, a);
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db->h);
        }
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK && !changed) {
        rollback(db);
        return OUTBOX_ERR_INVALID;
    }
    if (rc == SQLITE_OK)
        rc = exec(db, "COMMIT");
    if (rc != SQLITE_OK) {
        outbox_result r = fail(db, rc, "update", NULL, 0);
        rollback(db);
        return r;
    }
    return OUTBOX_OK;
}

outbox_result outbox_db_mark_acked(outbox_db *db, int64_t seq, int64_t now)
{
    return update_one(db,
                      "UPDATE outbox SET state = 'acked', done_at = ?2 WHERE seq = ?1"
                      " AND state IN ('pending', 'inflight') AND ?3 = ?3 AND ?4 = ?4",
                      seq, now, 0, NULL, false);
}

outbox_result outbox_db_mark_rejected(outbox_db *db, int64_t seq, int64_t now, const char *error)
{
    return update_one(db,
                      "UPDATE outbox SET state = 'rejected', done_at = ?2, last_error = ?4"
                      " WHERE seq = ?1 AND state IN ('pending', 'inflight') AND ?3 = ?3",
                      seq, now, 0, error, true);
}

outbox_result outbox_db_settle(outbox_db *db, const outbox_settle *items, size_t n, int64_t now)
{
    if (n == 0)
        return OUTBOX_OK;
    int rc = exec(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return fail(db, rc, "cannot record the upload", NULL, 0);
    static const char *const sql[] = {
        [OUTBOX_SETTLE_ACK] = "UPDATE outbox SET state = 'acked', done_at = ?2"
                              " WHERE seq = ?1 AND state IN ('pending', 'inflight')",
        [OUTBOX_SETTLE_REJECT] = "UPDATE outbox SET state = 'rejected', done_at = ?2,"
                                 " last_error = ?4 WHERE seq = ?1"
                                 " AND state IN ('pending', 'inflight')",
        [OUTBOX_SETTLE_RETRY] = "UPDATE outbox SET state = 'pending', attempts = attempts + 1,"
                                " next_attempt = ?3, last_error = ?4 WHERE seq = ?1"
                                " AND state IN ('pending', 'inflight')",
        [OUTBOX_SETTLE_RELEASE] = "UPDATE outbox SET state = 'pending' WHERE seq = ?1"
                                  " AND state = 'inflight'",
    };
    sqlite3_stmt *st[4] = {NULL};
    for (int i = 0; i < 4 && rc == SQLITE_OK; i++)
        rc = sqlite3_prepare_v2(db->h, sql[i], -1, &st[i], NULL);
    const char *last_error = NULL;
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        const outbox_settle *it = &items[i];
        if ((unsigned)it->kind > OUTBOX_SETTLE_RELEASE) {
            rc = SQLITE_MISUSE;
            break;
        }
        sqlite3_stmt *q = st[it->kind];
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, it->seq);
        if (it->kind != OUTBOX_SETTLE_RELEASE)
            sqlite3_bind_int64(q, 2, now);
        if (it->kind == OUTBOX_SETTLE_RETRY)
            sqlite3_bind_int64(q, 3, it->next_attempt);
        if (it->kind == OUTBOX_SETTLE_REJECT || it->kind == OUTBOX_SETTLE_RETRY) {
            sqlite3_bind_text(q, 4, it->error ? it->error : "", -1, SQLITE_STATIC);
            last_error = it->error ? it->error : "";
        }
        rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db->h);
    }
    for (int i = 0; i < 4; i++)
        sqlite3_finalize(st[i]);
    if (rc == SQLITE_OK && last_error) {
        sqlite3_stmt *q = NULL;
        rc = sqlite3_prepare_v2(db->h,
                                "UPDATE outbox_stats SET last_error = ?1, last_error_at = ?2",
                                -1, &q, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(q, 1, last_error, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 2, now);
            rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db->h);
        }
        sqlite3_finalize(q);
    }
    if (rc == SQLITE_OK)
        rc = exec(db, "COMMIT");
    if (rc != SQLITE_OK) {
        outbox_result r = fail(db, rc, "cannot record the upload", NULL, 0);
        rollback(db);
        return r;
    }
    return OUTBOX_OK;
}

bool outbox_db_next_due(outbox_db *db, int64_t *when)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db->h,
                           "SELECT min(next_attempt) FROM outbox WHERE state = 'pending'", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *when = sqlite3_column_int64(st, 0);
        found = true;
    }
    sqlite3_finalize(st);
    return found;
}

int64_t outbox_backoff(int attempts)
{
    int64_t s = 30;
    for (int i = 1; i < attempts && s < 3600; i++)
        s *= 2;
    return s < 3600 ? s : 3600;
}

outbox_result outbox_db_mark_retry(outbox_db *db, int64_t seq, int64_t now, const char *error)
{
    /* attempts is read inside the statement, so the back-off follows it */
    outbox_result r = OUTBOX_OK;
    int attempts = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->h, "SELECT attempts FROM outbox WHERE seq = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int64(st, 1, seq);
        if (sqlite3_step(st) == SQLITE_ROW)
            attempts = sqlite3_column_int(st, 0);
        else
            r = OUTBOX_ERR_INVALID;
    }
    sqlite3_finalize(st);
    if (r != OUTBOX_OK)
        return r;
    return update_one(db,
                      "UPDATE outbox SET state = 'pending', attempts = attempts + 1,"
                      " next_attempt = ?3, last_error = ?4"
                      " WHERE seq = ?1 AND state IN ('pending', 'inflight') AND ?2 = ?2",
                      seq, now, now + outbox_backoff(attempts + 1), error, true);
}

outbox_result outbox_db_counts(outbox_db *db, outbox_counts *c)
{
    memset(c, 0, sizeof *c);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->h, "SELECT state, count(*) FROM outbox GROUP BY state", -1,
                                &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        outbox_state s;
        if (outbox_state_parse((const char *)sqlite3_column_text(st, 0), &s))
            c->by_state[s] = sqlite3_column_int64(st, 1);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, rc, "counts", NULL, 0);
    c->waiting = c->by_state[OUTBOX_PENDING] + c->by_state[OUTBOX_IN_FLIGHT];
    sqlite3_reset(db->oldest);
    if (sqlite3_step(db->oldest) == SQLITE_ROW)
        c->oldest_waiting = sqlite3_column_int64(db->oldest, 0);
    sqlite3_reset(db->oldest);
    sqlite3_reset(db->stats);
    if (sqlite3_step(db->stats) == SQLITE_ROW) {
        copy_text(db->stats, 1, c->last_error, sizeof c->last_error);
        c->last_error_at = sqlite3_column_int64(db->stats, 2);
    }
    sqlite3_reset(db->stats);
    return OUTBOX_OK;
}

outbox_result outbox_db_purge(outbox_db *db, int64_t now, int *purged)
{
    if (purged)
        *purged = 0;
    int64_t cutoff = now - (int64_t)db->cfg.retention_days * 86400;
    int rc = exec(db, "BEGIN IMMEDIATE");
    sqlite3_stmt *st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db->h,
                                "DELETE FROM outbox WHERE state = 'acked' AND done_at <= ?", -1,
                                &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, cutoff);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db->h);
        if (purged)
            *purged = sqlite3_changes(db->h);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        rc = exec(db, "COMMIT");
    if (rc != SQLITE_OK) {
        outbox_result r = fail(db, rc, "purge", NULL, 0);
        rollback(db);
        return r;
    }
    /* the deleted rows' pages are zeroed in the WAL; copying them into the
     * file and truncating the WAL leaves no old copy in either. A reader
     * holding a snapshot makes this return SQLITE_BUSY: the next purge
     * tries again. */
    rc = sqlite3_wal_checkpoint_v2(db->h, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    return rc == SQLITE_OK ? OUTBOX_OK : fail(db, rc, "checkpoint", NULL, 0);
}

outbox_result outbox_db_each(outbox_db *db, int state, outbox_row_fn fn, void *user)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->h,
                                state < 0 ? "SELECT " ROW_COLUMNS " FROM outbox ORDER BY seq"
                                          : "SELECT " ROW_COLUMNS
                                            " FROM outbox WHERE state = ? ORDER BY seq",
                                -1, &st, NULL);
    if (rc == SQLITE_OK && state >= 0)
        sqlite3_bind_text(st, 1, outbox_state_name((outbox_state)state), -1, SQLITE_STATIC);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        outbox_row row;
        bool ok = row_read(st, &row);
        bool more = ok && fn(user, &row);
        outbox_row_clear(&row);
        rc = !ok ? SQLITE_NOMEM : more ? SQLITE_OK : SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? OUTBOX_OK : fail(db, rc, "list", NULL, 0);
}
