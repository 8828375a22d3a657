/*
 * upload_test: the outbox reaches the reference platform exactly once,
 * against a real HTTP server (platform/refplat.py) that fails on purpose.
 *
 *   upload_test once DIR [N]
 *     N records (default 10,000), some of them poison (the platform refuses
 *     any batch holding one with 400), uploaded by the uploader's own pass
 *     while 30 % of requests fail in every way the platform knows (500,
 *     503 and 429 with Retry-After, a reply slower than the timeout, a
 *     connection reset mid-reply, the reply lost after the records were
 *     stored, malformed JSON, 409). Every committed record must be stored
 *     at the platform exactly once (unique deliveries = committed records),
 *     none lost, no transaction under two keys, and the poison records
 *     alone rejected, each kept on the kiosk with its reason.
 *
 *   upload_test kill DIR KIOSKCTL [TRIALS]
 *     `kioskctl queue flush` SIGKILLed at random moments TRIALS times
 *     (default 100) while it uploads through the same faults; then one
 *     flush to the end. Nothing lost, nothing stored twice: every
 *     redelivery was answered "duplicate".
 *
 * Prints figures; exits 1 with the reason on the first broken promise.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/storage.h"
#include "outbox/outbox_store.h"
#include "platform/platform.h"
#include "platform/upload.h"
#include "settings/settings.h"
#include "refplat_proc.h"

extern char **environ;

#define FAULTS                                                                             \
    "{\"rate\": 0.3, \"kinds\": [\"500\", \"503\", \"429\", \"slow\", \"reset\", \"lost\","  \
    " \"malformed\", \"409\"], \"retry_after\": 1, \"slow_seconds\": 2.5, \"seed\": %u}"

static char dir[1024];
static refplat_proc plat;
static int port;

static int die(const char *fmt, const char *arg)
{
    fprintf(stderr, "upload_test: FAIL: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    refplat_stop(&plat);
    exit(1);
}

/* The reference platform on a free loopback port, its store in dir. */
static void start_platform(void)
{
    if (!refplat_start(&plat, REFPLAT, dir))
        die("%s", "the reference platform did not start (python3 platform/refplat.py)");
    port = plat.port;
}

static void settings_for(settings *s, int batch)
{
    if (!settings_defaults(s, dir))
        die("%s", "out of memory");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    free(s->platform_endpoint);
    s->platform_endpoint = strdup(url);
    s->platform_timeout = 2;
    s->platform_connect_timeout = 1;
    s->platform_batch_records = batch;
    s->platform_retry_after_max = 1;
    s->platform_backoff_max = 1;
}

/* An admin call; the reply's JSON (caller decrefs). */
static json_t *admin(const settings *s, const char *method, const char *path, const char *body)
{
    char why[200];
    platform *p = platform_new(s, why, sizeof why);
    if (!p)
        die("%s", why);
    platform_reply r;
    platform_request(p, method, path, body, body ? strlen(body) : 0, 10000, &r);
    if (r.err != PLATFORM_OK || r.status != 200)
        die("admin call %s failed", path);
    json_t *j = json_loadb(r.body, r.body_len, 0, NULL);
    platform_reply_clear(&r);
    platform_free(p);
    if (!j)
        die("admin call %s: not JSON", path);
    return j;
}

static long stat_of(json_t *stats, const char *name)
{
    return (long)json_integer_value(json_object_get(stats, name));
}

static outbox_store open_store(void)
{
    outbox_store st;
    char why[600];
    outbox_limits lim = {.retention_days = 7};
    if (outbox_store_open(&st, &lim, why, sizeof why) != OUTBOX_OK)
        die("%s", why);
    return st;
}

/* n application records, every poison_every-th one poison (0: none). */
static long enqueue(int n, int poison_every)
{
    outbox_store st = open_store();
    long poison = 0;
    char payload[200];
    for (int i = 0; i < n; i++) {
        bool bad = poison_every && i % poison_every == poison_every / 2;
        poison += bad;
        snprintf(payload, sizeof payload,
                 "{\"form\": \"pension-certification\", \"answers\": {\"n\": %d}%s}", i,
                 bad ? ", \"poison\": true" : "");
        outbox_txn t = {.kind = "application",
                        .item_code = "330106-003-00-001",
                        .payload = payload,
                        .personal = {.name = "张三", .id_number = "330106199003070014",
                                     .phone = "13800138000"}};
        outbox_receipt r;
        char why[300];
        if (outbox_store_put(&st, &t, &r, why, sizeof why) != OUTBOX_OK)
            die("%s", why);
    }
    outbox_store_close(&st);
    return poison;
}

/* The kiosk's rows against the platform's store. */
static void verify(const settings *s, long committed, long poison)
{
    outbox_store st = open_store();
    outbox_counts c;
    if (outbox_db_counts(st.db, &c) != OUTBOX_OK)
        die("%s", "cannot count the queue");
    outbox_store_close(&st);
    json_t *stats = admin(s, "GET", "/_admin/stats", NULL);
    long unique = stat_of(stats, "records_unique"), total = stat_of(stats, "records_total");
    printf("  platform: %ld requests, %ld records stored once, %ld redeliveries answered "
           "duplicate, at most %ld deliveries of one key\n",
           stat_of(stats, "requests"), unique, stat_of(stats, "duplicates"),
           stat_of(stats, "max_deliveries_per_key"));
    printf("  kiosk: %lld acknowledged, %lld rejected, %lld waiting\n",
           (long long)c.by_state[OUTBOX_ACKED], (long long)c.by_state[OUTBOX_REJECTED],
           (long long)c.waiting);
    char msg[200];
    if (c.waiting != 0) {
        snprintf(msg, sizeof msg, "%lld records still waiting", (long long)c.waiting);
        die("%s", msg);
    }
    if (unique != committed - poison || c.by_state[OUTBOX_ACKED] != committed - poison) {
        snprintf(msg, sizeof msg, "%ld committed (%ld poison), %ld stored at the platform, %lld "
                 "acknowledged", committed, poison, unique,
                 (long long)c.by_state[OUTBOX_ACKED]);
        die("%s", msg);
    }
    if (c.by_state[OUTBOX_REJECTED] != poison) {
        snprintf(msg, sizeof msg, "%lld rejected, %ld poison",
                 (long long)c.by_state[OUTBOX_REJECTED], poison);
        die("%s", msg);
    }
    if (stat_of(stats, "rekeyed") != 0 || stat_of(stats, "conflicts") != 0)
        die("%s", "a transaction reached the platform under two keys or two contents");
    if (total != unique + stat_of(stats, "duplicates"))
        die("%s", "a redelivery was not answered duplicate");
    json_decref(stats);
}

static bool poison_reason(void *user, const outbox_row *r)
{
    long *bad = user;
    if (!strstr(r->payload, "\"poison\"") || !*r->last_error)
        (*bad)++;
    return true;
}

static void verify_rejected(void)
{
    outbox_store st = open_store();
    long bad = 0;
    outbox_db_each(st.db, OUTBOX_REJECTED, poison_reason, &bad);
    outbox_store_close(&st);
    if (bad)
        die("%s", "a rejected row is not a poison record, or has no reason");
}

static int run_once(int n)
{
    start_platform();
    settings s;
    settings_for(&s, 250);
    char faults[300];
    snprintf(faults, sizeof faults, FAULTS, 7u);
    json_decref(admin(&s, "POST", "/_admin/faults", faults));
    diag_list errs = DIAG_LIST_INIT;
    if (!storage_open(dir, &errs))
        die("%s", "cannot open the data directory");
    double t0 = refplat_now_s();
    long poison = enqueue(n, n >= 1000 ? 1000 : 0);
    printf("upload_test once: %d records committed (%ld poison) in %.1f s\n", n, poison,
           refplat_now_s() - t0);
    char why[300];
    platform *p = platform_new(&s, why, sizeof why);
    outbox_store st = open_store();
    upload_ctx c = {.p = p,
                    .store = &st,
                    .batch_records = s.platform_batch_records,
                    .batch_bytes = (size_t)s.platform_batch_kib * 1024,
                    .retry_after_max = s.platform_retry_after_max};
    t0 = refplat_now_s();
    unsigned fails = 0;
    long passes = 0;
    for (;;) {
        upload_outcome o = upload_pass(&c, (int64_t)time(NULL), NULL);
        passes++;
        outbox_counts cnt;
        outbox_db_counts(st.db, &cnt);
        if (o == UPLOAD_STORAGE)
            die("%s", "the queue failed");
        if (o == UPLOAD_DRAINED && cnt.waiting == 0)
            break;
        int64_t due;
        if (o == UPLOAD_DRAINED && outbox_db_next_due(st.db, &due) && due > time(NULL))
            refplat_sleep_ms((long)(due - time(NULL)) * 1000); /* rows in their own back-off */
        else if (o == UPLOAD_FAILED)
            refplat_sleep_ms((long)upload_backoff_ms(fails++, 300));
        if (refplat_now_s() - t0 > 600)
            die("%s", "not drained within 600 s");
    }
    double secs = refplat_now_s() - t0;
    outbox_store_close(&st);
    platform_free(p);
    printf("  drained in %.1f s through %ld passes: %ld requests from the kiosk, %ld retried "
           "record sends\n", secs, passes, c.requests, c.retried);
    verify(&s, n, poison);
    verify_rejected();
    settings_free(&s);
    refplat_stop(&plat);
    printf("upload_test once: ok\n");
    return 0;
}

static pid_t spawn_flush(const char *kioskctl, const char *conf, bool quiet)
{
    char *argv[] = {(char *)kioskctl, "queue", "flush", "--timeout", "120", "--config",
                    (char *)conf, "--data-dir", dir, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (quiet) {
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    }
    pid_t pid;
    int rc = posix_spawn(&pid, kioskctl, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        die("cannot run %s", kioskctl);
    return pid;
}

static int run_kill(const char *kioskctl, int trials)
{
    start_platform();
    settings s;
    settings_for(&s, 25);
    char faults[300];
    snprintf(faults, sizeof faults, FAULTS, 11u);
    json_decref(admin(&s, "POST", "/_admin/faults", faults));
    diag_list errs = DIAG_LIST_INIT;
    if (!storage_open(dir, &errs))
        die("%s", "cannot open the data directory");
    const int n = 2000;
    enqueue(n, 0);
    storage_close();
    char conf[1200];
    snprintf(conf, sizeof conf, "%s/kill.conf", dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        die("cannot write %s", conf);
    fprintf(f, "[catalog]\npath = %s/config/catalog.json\n[paths]\nassets_dir = %s/assets\n"
               "[outbox]\nmax_waiting = 0\n[platform]\nendpoint = http://127.0.0.1:%d\n"
               "timeout = 2\nconnect_timeout = 1\nbatch_records = 25\nretry_after_max = 1\n"
               "backoff_max = 1\n",
            KIOSK_SOURCE_DIR, KIOSK_SOURCE_DIR, port);
    fclose(f);
    printf("upload_test kill: %d records, %d trials of SIGKILL to kioskctl queue flush\n", n,
           trials);
    srand(12345);
    double t0 = refplat_now_s();
    for (int i = 0; i < trials; i++) {
        pid_t pid = spawn_flush(kioskctl, conf, true);
        refplat_sleep_ms(20 + rand() % 180);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    printf("  %d kills in %.1f s\n", trials, refplat_now_s() - t0);
    /* then to the end, through the same faults */
    pid_t pid = spawn_flush(kioskctl, conf, true);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("%s", "the last flush did not empty the queue");
    if (!storage_open(dir, &errs))
        die("%s", "cannot open the data directory");
    verify(&s, n, 0);
    settings_free(&s);
    refplat_stop(&plat);
    printf("upload_test kill: ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return fprintf(stderr, "usage: upload_test once DIR [N] | kill DIR KIOSKCTL [TRIALS]\n"), 2;
    snprintf(dir, sizeof dir, "%s", argv[2]);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0 || mkdir(dir, 0700) != 0)
        die("cannot make %s", dir);
    if (!strcmp(argv[1], "once"))
        return run_once(argc > 3 ? atoi(argv[3]) : 10000);
    if (!strcmp(argv[1], "kill") && argc > 3)
        return run_kill(argv[3], argc > 4 ? atoi(argv[4]) : 100);
    return 2;
}
