/*
 * bench_upload: the uploader against the reference platform on loopback
 * (platform/refplat.py, no faults unless said), in the build directory.
 *
 *  1. Drain rate: 20,000 waiting records (sealed personal fields) through
 *     the uploader's pass in batches of 200: records/s (target >= 5,000),
 *     bytes on the wire per record (request body plus HTTP headers), the
 *     kiosk's CPU per 1,000 records.
 *  2. Back from an outage: 2,000 records wait while the platform is down
 *     and the uploader backs off (full jitter, backoff_max 30 s); the time
 *     from the platform answering again to the queue empty.
 *  3. A fleet: 200 uploaders (threads, each with its own queue file and
 *     client) that lost the platform at the same moment retry with full
 *     jitter; when it returns, the peak request rate against the steady
 *     rate (per 100 ms bucket, from the platform's own arrival log), next
 *     to the same fleet retrying on a fixed 1 s timer.
 *
 * Prints figures; never fails on time.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/storage.h"
#include "outbox/outbox_db.h"
#include "outbox/outbox_store.h"
#include "platform/platform.h"
#include "platform/upload.h"
#include "settings/settings.h"
#include "refplat_proc.h"

extern char **environ;

#define DRAIN_RECORDS 20000
#define OUTAGE_RECORDS 2000
#define FLEET 200
#define FLEET_RECORDS 20

static char dir[1024];
static refplat_proc plat;
static int port;

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static bool start_platform(void)
{
    bool ok = refplat_start(&plat, REFPLAT, dir);
    port = plat.port;
    return ok;
}

static void stop_platform(void)
{
    refplat_stop(&plat);
}

static void settings_for(settings *s)
{
    settings_defaults(s, dir);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    free(s->platform_endpoint);
    s->platform_endpoint = strdup(url);
}

static json_t *admin(const settings *s, const char *method, const char *path, const char *body)
{
    char why[200];
    platform *p = platform_new(s, why, sizeof why);
    platform_reply r;
    platform_request(p, method, path, body, body ? strlen(body) : 0, 10000, &r);
    json_t *j = r.err == PLATFORM_OK && r.status == 200 ? json_loadb(r.body, r.body_len, 0, NULL)
                                                          : NULL;
    platform_reply_clear(&r);
    platform_free(p);
    return j;
}

/* n records into the queue file at path (its own data directory). */
static bool fill_queue(outbox_store *st, int n)
{
    for (int i = 0; i < n; i++) {
        char payload[160];
        snprintf(payload, sizeof payload,
                 "{\"form\": \"pension-certification\", \"answers\": {\"lives-here\": \"yes\","
                 " \"n\": %d}}", i);
        outbox_txn t = {.kind = "application",
                        .item_code = "330106-003-00-001",
                        .payload = payload,
                        .personal = {.name = "张三", .id_number = "330106199003070014",
                                     .phone = "13800138000"}};
        outbox_receipt r;
        char why[300];
        if (outbox_store_put(st, &t, &r, why, sizeof why) != OUTBOX_OK) {
            fprintf(stderr, "bench_upload: %s\n", why);
            return false;
        }
    }
    return true;
}

static bool open_queue(const char *sub, outbox_store *st)
{
    char d[1200];
    snprintf(d, sizeof d, "%s/%s", dir, sub);
    mkdir(d, 0700);
    storage_close();
    diag_list errs = DIAG_LIST_INIT;
    if (!storage_open(d, &errs))
        return false;
    char why[600];
    outbox_limits lim = {.retention_days = 7};
    return outbox_store_open(st, &lim, why, sizeof why) == OUTBOX_OK;
}

/* ---- 1. drain rate ---------------------------------------------------------- */

static void drain(const settings *s)
{
    outbox_store st;
    if (!open_queue("drain", &st) || !fill_queue(&st, DRAIN_RECORDS))
        return;
    char why[200];
    platform *p = platform_new(s, why, sizeof why);
    upload_ctx c = {.p = p,
                    .store = &st,
                    .batch_records = 200,
                    .batch_bytes = (size_t)s->platform_batch_kib * 1024,
                    .retry_after_max = s->platform_retry_after_max};
    double t0 = refplat_now_s(), c0 = cpu_s();
    upload_outcome o = upload_pass(&c, (int64_t)time(NULL), NULL);
    double secs = refplat_now_s() - t0, cpu = cpu_s() - c0;
    /* what curl adds per request: the request line and headers, the reply */
    const double headers = 260 + 180;
    printf("  drain %d records in batches of 200: %.2f s, %.0f records/s [target >= 5,000: "
           "%s]%s\n", DRAIN_RECORDS, secs, c.acked / secs, c.acked / secs >= 5000 ? "met" : "missed",
           o == UPLOAD_DRAINED ? "" : " (pass did not drain)");
    printf("  bytes on the wire per record: %.0f (body %.0f + headers shared by the batch)\n",
           (c.bytes_sent + headers * c.requests) / (double)c.acked,
           c.bytes_sent / (double)c.acked);
    printf("  kiosk CPU per 1,000 records: %.1f ms (user + system, sealing opened, JSON, curl, "
           "SQLite settle)\n", cpu * 1000 / (c.acked / 1000.0));
    platform_free(p);
    outbox_store_close(&st);
}

/* ---- 2. back from an outage ----------------------------------------------------- */

static void outage(const settings *s0)
{
    settings s;
    settings_for(&s);
    s.platform_backoff_max = 30;
    outbox_store st;
    if (!open_queue("outage", &st) || !fill_queue(&st, OUTAGE_RECORDS))
        return;
    json_decref(admin(&s, "POST", "/_admin/down", "{\"down\": true}"));
    char why[200];
    platform *p = platform_new(&s, why, sizeof why);
    upload_ctx c = {.p = p,
                    .store = &st,
                    .batch_records = s.platform_batch_records,
                    .batch_bytes = (size_t)s.platform_batch_kib * 1024,
                    .retry_after_max = s.platform_retry_after_max};
    double t0 = refplat_now_s(), back = 0;
    unsigned fails = 0;
    int64_t wake = 0;
    for (;;) {
        double t = refplat_now_s() - t0;
        if (!back && t >= 40) {
            json_decref(admin(&s, "POST", "/_admin/down", "{\"down\": false}"));
            back = refplat_now_s();
        }
        if (t * 1000 < wake) {
            refplat_sleep_ms(20);
            continue;
        }
        upload_outcome o = upload_pass(&c, (int64_t)time(NULL), NULL);
        outbox_counts n;
        outbox_db_counts(st.db, &n);
        if (o == UPLOAD_DRAINED && n.waiting == 0)
            break;
        wake = (int64_t)(t * 1000) + upload_backoff_ms(fails++, 30000);
    }
    printf("  back from a 40 s outage (backoff_max 30 s, full jitter): queue of %d empty %.1f s "
           "after the platform answered again (%u failed tries meanwhile)\n", OUTAGE_RECORDS,
           refplat_now_s() - back, fails);
    platform_free(p);
    outbox_store_close(&st);
    settings_free(&s);
    (void)s0;
}

/* ---- 3. a fleet ----------------------------------------------------------------- */

typedef struct member {
    pthread_t th;
    int id;
    bool jitter;
    const settings *s;
    outbox_store st;
    double done_at;
} member;

static volatile bool fleet_go;

static void *member_run(void *arg)
{
    member *m = arg;
    char why[200];
    platform *p = platform_new(m->s, why, sizeof why);
    upload_ctx c = {.p = p,
                    .store = &m->st,
                    .batch_records = 200,
                    .batch_bytes = 512 * 1024,
                    .retry_after_max = 30};
    unsigned fails = 0;
    while (!fleet_go)
        refplat_sleep_ms(5);
    for (int tries = 0; tries < 400; tries++) {
        upload_outcome o = upload_pass(&c, (int64_t)time(NULL), NULL);
        outbox_counts n;
        outbox_db_counts(m->st.db, &n);
        if (o == UPLOAD_DRAINED && n.waiting == 0)
            break;
        refplat_sleep_ms(m->jitter ? (long)upload_backoff_ms(fails++, 8000) : 1000);
    }
    m->done_at = refplat_now_s();
    platform_free(p);
    return NULL;
}

static void fleet(bool jitter)
{
    settings s;
    settings_for(&s);
    s.platform_timeout = 5;
    json_decref(admin(&s, "POST", "/_admin/reset", "{}"));
    member *m = calloc(FLEET, sizeof *m);
    for (int i = 0; i < FLEET; i++) {
        char sub[64];
        snprintf(sub, sizeof sub, "fleet-%s-%03d", jitter ? "j" : "f", i);
        m[i].id = i;
        m[i].jitter = jitter;
        m[i].s = &s;
        if (!open_queue(sub, &m[i].st) || !fill_queue(&m[i].st, FLEET_RECORDS)) {
            free(m);
            return;
        }
    }
    /* the outage: everyone starts failing at the same moment */
    json_decref(admin(&s, "POST", "/_admin/down", "{\"seconds\": 10}"));
    fleet_go = false;
    for (int i = 0; i < FLEET; i++)
        pthread_create(&m[i].th, NULL, member_run, &m[i]);
    double t0 = refplat_now_s();
    fleet_go = true;
    double last = 0;
    for (int i = 0; i < FLEET; i++) {
        pthread_join(m[i].th, NULL);
        if (m[i].done_at > last)
            last = m[i].done_at;
        outbox_store_close(&m[i].st);
    }
    json_t *rate = admin(&s, "GET", "/_admin/rate?bucket_ms=100&path=/v1/records", NULL);
    json_t *buckets = json_object_get(rate, "buckets");
    /* after the platform returned (10 s in): the peak 100 ms against the
     * median of the buckets that saw traffic */
    size_t nb = json_array_size(buckets), from = 100;
    long peak = 0, total = 0, busy = 0;
    for (size_t i = from; i < nb; i++) {
        long v = (long)json_integer_value(json_array_get(buckets, i));
        peak = v > peak ? v : peak;
        total += v;
        busy += v > 0;
    }
    double mean = busy ? total / (double)busy : 0;
    printf("  fleet of %d uploaders, %s, 10 s outage: once it is back, peak %ld requests per "
           "100 ms against a steady %.1f (the mean of the %ld buckets with traffic): %.1fx; "
           "all drained %.1f s after the outage began\n",
           FLEET, jitter ? "full jitter (the kiosk's)" : "fixed 1 s retry (no jitter)", peak,
           mean, busy, mean > 0 ? peak / mean : 0, last - t0);
    json_decref(rate);
    free(m);
    settings_free(&s);
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "bench-upload");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0 || mkdir(dir, 0700) != 0) {
        perror("bench_upload");
        return 1;
    }
    if (!start_platform()) {
        fprintf(stderr, "bench_upload: the reference platform did not start\n");
        return 1;
    }
    settings s;
    settings_for(&s);
    printf("bench_upload: the uploader against the reference platform on loopback\n");
    drain(&s);
    outage(&s);
    fleet(true);
    fleet(false);
    settings_free(&s);
    storage_close();
    stop_platform();
    if (system(cmd) != 0)
        fprintf(stderr, "bench_upload: could not remove %s\n", dir);
    return 0;
}
