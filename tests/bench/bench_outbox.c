/*
 * bench_outbox: what a durable transaction costs, measured on the disk the
 * outbox lives on (a directory given as argument, default a new one in the
 * current directory -- never /tmp, which may be in memory).
 *
 *  1. The disk's own rate: 4 KiB written and fsync'ed, 200 times.
 *  2. Durable enqueue (outbox_db_enqueue: BEGIN IMMEDIATE, insert, COMMIT
 *     with synchronous=FULL in WAL mode) of a transaction with sealed
 *     personal fields: latency p50 / p99 and rate, beside the fsync rate
 *     (target: within 1.25x of it).
 *  3. The same enqueue, and the uploader's "next batch" selection, with 10
 *     and with 100,000 rows waiting (target: as fast).
 *  4. Database size per 10,000 rows.
 *
 * Prints figures; never fails on time (shared, noisy build machines).
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/storage.h"
#include "outbox/outbox_crypt.h"
#include "outbox/outbox_db.h"

#define FSYNCS 200
#define ENQUEUES 200
#define SELECTS 1000
#define MANY 100000

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts ms and prints p50 / p99 and the rate; returns the p50. */
static double report(const char *what, double *ms, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += ms[i];
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    printf("  %-44s p50 %6.2f ms  p99 %6.2f ms  %7.0f /s\n", what, ms[n / 2],
           ms[n * 99 / 100], n / (total / 1000.0));
    return ms[n / 2];
}

static double fsync_rate(const char *dir, double *ms)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/fsync-probe", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return 0;
    char block[4096];
    memset(block, 'k', sizeof block);
    for (int i = 0; i < FSYNCS; i++) {
        double t0 = now_ms();
        if (pwrite(fd, block, sizeof block, (off_t)(i % 16) * 4096) < 0 || fsync(fd) != 0)
            break;
        ms[i] = now_ms() - t0;
    }
    close(fd);
    unlink(path);
    return report("raw write + fsync (4 KiB)", ms, FSYNCS);
}

static const outbox_txn sample = {
    .kind = "application",
    .item_code = "330106-003-00-001",
    .payload = "{\"form\":\"pension-certification\",\"answers\":{\"living\":\"yes\"}}",
    .personal = {.name = "张三", .id_number = "330106199003070014", .phone = "13800138000",
                 .address = "浙江省杭州市西湖区示例路1号", .free_text = "请尽快办理"},
};

static outbox_db *open_db(const char *path)
{
    outbox_db_config cfg = {.path = path, .retention_days = 7};
    outbox_db *db = NULL;
    char why[512];
    if (outbox_db_open(&cfg, &db, NULL, why, sizeof why) != OUTBOX_OK)
        fprintf(stderr, "bench_outbox: %s\n", why);
    return db;
}

/* n durable enqueues; returns the p50. */
static double enqueue_series(outbox_db *db, const outbox_key *k, const char *what, double *ms)
{
    char why[512];
    outbox_receipt r;
    for (int i = 0; i < ENQUEUES; i++) {
        double t0 = now_ms();
        if (outbox_db_enqueue(db, k, &sample, &r, why, sizeof why) != OUTBOX_OK) {
            fprintf(stderr, "bench_outbox: enqueue: %s\n", why);
            return 0;
        }
        ms[i] = now_ms() - t0;
    }
    return report(what, ms, ENQUEUES);
}

/* The uploader's selection: the next 10 waiting rows, marked in flight
 * (one write transaction). After each timed call the rows go back to
 * pending through a second connection, untimed, so every call does the
 * same work whether 10 or 100,000 rows wait. */
static double select_series(outbox_db *db, const char *path, const char *what, double *ms)
{
    sqlite3 *h = NULL;
    if (sqlite3_open(path, &h) != SQLITE_OK)
        return 0;
    sqlite3_busy_timeout(h, 5000);
    outbox_row rows[10];
    for (int i = 0; i < SELECTS; i++) {
        size_t n = 0;
        double t0 = now_ms();
        outbox_db_next_batch(db, (int64_t)time(NULL), rows, 10, &n);
        ms[i] = now_ms() - t0;
        for (size_t j = 0; j < n; j++)
            outbox_row_clear(&rows[j]);
        sqlite3_exec(h, "UPDATE outbox SET state = 'pending' WHERE state = 'inflight'", NULL,
                     NULL, NULL);
    }
    sqlite3_close(h);
    return report(what, ms, SELECTS);
}

/* Grows the queue to `total` waiting rows fast, in one transaction through
 * a second connection: copies of the newest row under fresh keys (the
 * sealed blob is copied as it is; the benchmark never opens it). */
static bool fill(const char *path, int total)
{
    sqlite3 *h = NULL;
    if (sqlite3_open(path, &h) != SQLITE_OK)
        return false;
    const char *insert =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)"
        " INSERT INTO outbox(key, kind, item_code, payload, sealed, name_masked, id_masked,"
        " phone_masked, created_wall, created_mono, state, boot_id, wall_synced,"
        " address_masked)"
        " SELECT lower(hex(randomblob(16))), kind, item_code, payload, sealed, name_masked,"
        " id_masked, phone_masked, created_wall, created_mono, 'pending', boot_id, wall_synced,"
        " address_masked FROM n, (SELECT * FROM outbox ORDER BY seq DESC LIMIT 1);";
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    ok = ok && sqlite3_prepare_v2(h, insert, -1, &st, NULL) == SQLITE_OK;
    ok = ok && sqlite3_bind_int(st, 1, total) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    ok = ok && sqlite3_exec(h, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL) ==
                   SQLITE_OK;
    if (!ok)
        fprintf(stderr, "bench_outbox: fill: %s\n", sqlite3_errmsg(h));
    sqlite3_close(h);
    return ok;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(int argc, char **argv)
{
    char dir[1024];
    if (argc > 1) {
        snprintf(dir, sizeof dir, "%s", argv[1]);
        mkdir(dir, 0700);
    } else {
        snprintf(dir, sizeof dir, "bench-outbox-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("bench_outbox: mkdtemp");
            return 1;
        }
    }
    diag_list errs = DIAG_LIST_INIT;
    if (!storage_open(dir, &errs)) {
        diag_print(&errs, stderr);
        return 1;
    }
    char why[512];
    outbox_key *k = outbox_key_load(why, sizeof why);
    if (!k) {
        fprintf(stderr, "bench_outbox: %s\n", why);
        return 1;
    }
    static double ms[SELECTS > FSYNCS ? SELECTS : FSYNCS];
    printf("bench_outbox: durable enqueue in %s (WAL, synchronous=FULL)\n", dir);
    double fsync_p50 = fsync_rate(dir, ms);

    char small[1100], large[1100];
    snprintf(small, sizeof small, "%s/small.db", dir);
    snprintf(large, sizeof large, "%s/large.db", dir);
    outbox_db *db = open_db(small);
    if (!db)
        return 1;
    double first = enqueue_series(db, k, "enqueue, empty queue", ms);
    printf("  enqueue / fsync latency (p50): %.2fx [target <= 1.25x: %s]\n", first / fsync_p50,
           first / fsync_p50 <= 1.25 ? "met" : "missed");
    outbox_db_close(db);

    /* 10 waiting versus 100,000 waiting */
    db = open_db(large);
    outbox_receipt r;
    for (int i = 0; i < 10 && db; i++)
        outbox_db_enqueue(db, k, &sample, &r, why, sizeof why);
    if (!db)
        return 1;
    double few_e = enqueue_series(db, k, "enqueue, 10..210 waiting", ms);
    double few_s = select_series(db, large, "next batch of 10, ~210 waiting", ms);
    outbox_db_close(db);
    long size_before = file_size(large);
    double t0 = now_ms();
    if (!fill(large, MANY))
        return 1;
    double fill_ms = now_ms() - t0;
    long size_after = file_size(large);
    t0 = now_ms();
    db = open_db(large);
    double open_ms = now_ms() - t0;
    if (!db)
        return 1;
    double many_e = enqueue_series(db, k, "enqueue, 100,000+ waiting", ms);
    double many_s = select_series(db, large, "next batch of 10, 100,000+ waiting", ms);
    printf("  100,000 waiting vs 10: enqueue %.2fx, next batch %.2fx [target: as fast]\n",
           many_e / few_e, many_s / few_s);
    printf("  (filled 100,000 rows in one transaction in %.0f ms; open with integrity_check "
           "%.0f ms)\n", fill_ms, open_ms);
    printf("  database size per 10,000 rows (sealed personal fields): %.2f MB\n",
           (size_after - size_before) / (double)(MANY / 10000) / 1048576.0);
    outbox_db_close(db);
    outbox_key_free(k);
    storage_close();
    /* the 50 MB of rows are nobody's: remove what this run made */
    const char *made[] = {"small.db", "small.db-wal", "small.db-shm", "large.db",
                          "large.db-wal", "large.db-shm", "keys/device.key", "keys"};
    char path[1200];
    for (size_t i = 0; i < sizeof made / sizeof *made; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, made[i]);
        remove(path);
    }
    if (argc <= 1)
        rmdir(dir);
    return 0;
}
