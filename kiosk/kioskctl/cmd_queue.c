/*
 * kioskctl queue status|list|export|probe|salvage: the technician's view of
 * the durable outbox (data_dir/outbox.db). Personal fields are only ever
 * shown masked: these commands never open the sealed blobs.
 *
 *   queue status [--json]              counts per state, oldest waiting, path, size, last error
 *   queue list [--state S] [--json]    rows, masked
 *   queue export FILE                  every row as JSON lines, masked
 *   queue probe [N]                    N probe records through the resident's path;
 *                                      "committed KEY" right after each commit returns
 *   queue salvage FILE                 re-enqueue what a moved-aside file still holds
 * each with [--config FILE] [--data-dir DIR].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commands.h"
#include "common/storage.h"
#include "outbox/outbox_recover.h"
#include "outbox/outbox_store.h"
#include "platform/platform.h"
#include "platform/upload.h"
#include "preflight/preflight.h"
#include "settings/settings.h"

static int usage(void)
{
    fputs("usage: kioskctl queue status [--json] | list [--state STATE] [--json] |\n"
          "       export FILE | probe [N] | salvage FILE | flush [--timeout S]\n"
          "       [--config FILE] [--data-dir DIR]\n",
          stderr);
    return 2;
}

typedef struct opts {
    const char *config, *data_dir, *state, *arg;
    bool json;
    int timeout;            /* flush: seconds */
    const settings *cfg;    /* loaded by open_store */
} opts;

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

static void iso_time(int64_t t, char *out, size_t size)
{
    if (!t) {
        snprintf(out, size, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* Settings and storage, then the store. 0 on success. */
static int open_store(const opts *o, settings *s, outbox_store *st)
{
    diag_list errs = DIAG_LIST_INIT;
    const char *config = o->config ? o->config : preflight_default_path();
    if (!settings_load(s, config, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        fprintf(stderr, "kioskctl queue: fix %s first (kioskctl config check)\n", config);
        return 1;
    }
    if (!storage_open(o->data_dir ? o->data_dir : s->data_dir, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        return 1;
    }
    outbox_limits lim = {.max_waiting = s->outbox_max_waiting,
                         .max_age_days = s->outbox_max_age_days,
                         .retention_days = s->outbox_retention_days};
    char why[600];
    outbox_result r = outbox_store_open(st, &lim, why, sizeof why);
    if (r != OUTBOX_OK) {
        fprintf(stderr, "kioskctl queue: %s\n", why);
        return 1;
    }
    if (st->info.moved_aside[0])
        fprintf(stderr, "kioskctl queue: damaged queue moved aside to %s\n",
                st->info.moved_aside);
    return 0;
}

static void close_all(settings *s, outbox_store *st)
{
    outbox_store_close(st);
    storage_close();
    settings_free(s);
}

static int do_status(const opts *o, outbox_store *st)
{
    outbox_counts c;
    if (outbox_db_counts(st->db, &c) != OUTBOX_OK) {
        fprintf(stderr, "kioskctl queue: %s\n", outbox_db_errmsg(st->db));
        return 1;
    }
    const char *path = outbox_db_path(st->db);
    struct stat sb;
    long long size = stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", path);
    long long wal_size = stat(wal, &sb) == 0 ? (long long)sb.st_size : 0;
    char oldest[32], errat[32];
    iso_time(c.oldest_waiting, oldest, sizeof oldest);
    iso_time(c.last_error_at, errat, sizeof errat);
    if (o->json) {
        printf("{\"path\": ");
        json_str(stdout, path);
        printf(", \"size\": %lld, \"wal_size\": %lld", size, wal_size);
        for (int i = 0; i < OUTBOX_N_STATES; i++)
            printf(", \"%s\": %lld", outbox_state_name((outbox_state)i),
                   (long long)c.by_state[i]);
        printf(", \"waiting\": %lld, \"oldest_waiting\": ", (long long)c.waiting);
        if (c.oldest_waiting)
            json_str(stdout, oldest);
        else
            printf("null");
        printf(", \"last_error\": ");
        json_str(stdout, c.last_error);
        printf(", \"last_error_at\": ");
        if (c.last_error_at)
            json_str(stdout, errat);
        else
            printf("null");
        printf("}\n");
    } else {
        printf("database: %s (%lld bytes, wal %lld bytes)\n", path, size, wal_size);
        for (int i = 0; i < OUTBOX_N_STATES; i++)
            printf("%-9s %lld\n", outbox_state_name((outbox_state)i), (long long)c.by_state[i]);
        printf("oldest waiting: %s\n", oldest);
        printf("last error: %s%s%s\n", c.last_error[0] ? c.last_error : "-",
               c.last_error[0] ? " at " : "", c.last_error[0] ? errat : "");
    }
    return 0;
}

/* ", \"name\": \"value\"" with value escaped. */
static void json_field(FILE *f, const char *name, const char *value)
{
    fprintf(f, ", \"%s\": ", name);
    json_str(f, value);
}

static void row_json(FILE *f, const outbox_row *r)
{
    char created[32], next[32], number[40];
    iso_time(r->created_wall, created, sizeof created);
    iso_time(r->next_attempt, next, sizeof next);
    outbox_number(r->created_wall, r->seq, r->key, number, sizeof number);
    fprintf(f, "{\"seq\": %lld", (long long)r->seq);
    json_field(f, "key", r->key);
    json_field(f, "number", number);
    json_field(f, "kind", r->kind);
    json_field(f, "item_code", r->item_code);
    fprintf(f, ", \"state\": \"%s\", \"attempts\": %d", outbox_state_name(r->state),
            r->attempts);
    json_field(f, "created", created);
    fprintf(f, ", \"wall_synced\": %s", r->wall_synced ? "true" : "false");
    json_field(f, "boot_id", r->boot_id);
    json_field(f, "next_attempt", next);
    json_field(f, "last_error", r->last_error);
    /* only the masked copies: the sealed fields are never opened here */
    json_field(f, "name", r->masked.name);
    json_field(f, "id_number", r->masked.id_number);
    json_field(f, "phone", r->masked.phone);
    json_field(f, "address", r->masked.address);
    fprintf(f, ", \"payload\": %s}\n", r->payload && *r->payload ? r->payload : "{}");
}

typedef struct list_ctx {
    FILE *out;
    bool json;
    long n;
} list_ctx;

static bool list_one(void *user, const outbox_row *r)
{
    list_ctx *l = user;
    if (l->json) {
        row_json(l->out, r);
    } else {
        char created[32];
        iso_time(r->created_wall, created, sizeof created);
        fprintf(l->out, "%6lld  %s  %-8s  %-6s  %-20s  %s  %s  %s  %s\n", (long long)r->seq,
                r->key, outbox_state_name(r->state), r->kind,
                r->item_code[0] ? r->item_code : "-", created,
                r->masked.name[0] ? r->masked.name : "-",
                r->masked.id_number[0] ? r->masked.id_number : "-",
                r->masked.phone[0] ? r->masked.phone : "-");
    }
    l->n++;
    return true;
}

static int do_list(const opts *o, outbox_store *st, FILE *out, bool json)
{
    int state = -1;
    if (o->state) {
        outbox_state s;
        if (!outbox_state_parse(o->state, &s)) {
            fprintf(stderr, "kioskctl queue: unknown state '%s' (pending, inflight, acked, "
                            "rejected)\n",
                    o->state);
            return 2;
        }
        state = (int)s;
    }
    list_ctx l = {out, json, 0};
    if (outbox_db_each(st->db, state, list_one, &l) != OUTBOX_OK) {
        fprintf(stderr, "kioskctl queue: %s\n", outbox_db_errmsg(st->db));
        return 1;
    }
    return 0;
}

static int do_export(const opts *o, outbox_store *st)
{
    FILE *f = fopen(o->arg, "wx");
    if (!f) {
        fprintf(stderr, "kioskctl queue export: %s: %s\n", o->arg, strerror(errno));
        return 2;
    }
    int rc = do_list(o, st, f, true);
    if (fclose(f) != 0 && rc == 0) {
        fprintf(stderr, "kioskctl queue export: %s: %s\n", o->arg, strerror(errno));
        rc = 1;
    }
    return rc;
}

static int do_probe(const opts *o, outbox_store *st)
{
    long n = 1;
    if (o->arg) {
        char *end;
        n = strtol(o->arg, &end, 10);
        if (*end || n < 1 || n > 100000000)
            return usage();
    }
    char payload[96], why[600];
    for (long i = 0; i < n; i++) {
        /* pid and counter make each probe a different transaction, so a
         * test can tell one stored twice under two keys */
        snprintf(payload, sizeof payload, "{\"probe\": \"%ld-%ld\"}", (long)getpid(), i);
        outbox_txn t = {.kind = "probe", .item_code = "", .payload = payload};
        outbox_receipt r;
        outbox_result res = outbox_store_put(st, &t, &r, why, sizeof why);
        if (res != OUTBOX_OK) {
            fprintf(stderr, "kioskctl queue probe: %s (%s)\n", why, outbox_result_name(res));
            return 1;
        }
        printf("committed %s\n", r.key);
        fflush(stdout);
    }
    return 0;
}

/* Salvage: every row still readable in the damaged file's pages and its
 * -wal (outbox_recover: Debian 12's `sqlite3 .recover` fails on such files)
 * whose key is not queued yet goes in as pending, its sealed blob as it
 * was. Acknowledged rows stay behind: the platform has them. */
typedef struct salvage_ctx {
    outbox_store *st;
    long added, dup, acked, failed;
} salvage_ctx;

static bool salvage_one(void *user, const outbox_row *r)
{
    salvage_ctx *c = user;
    if (r->state == OUTBOX_ACKED) {
        c->acked++;
        return true;
    }
    int64_t seq;
    char why[300];
    outbox_result res = outbox_db_insert_row(c->st->db, r, &seq, why, sizeof why);
    if (res == OUTBOX_OK)
        c->added++;
    else if (res == OUTBOX_ERR_DUPLICATE)
        c->dup++;
    else {
        c->failed++;
        fprintf(stderr, "kioskctl queue salvage: %s\n", why);
    }
    return true;
}

static int do_salvage(const opts *o, outbox_store *st)
{
    salvage_ctx c = {st, 0, 0, 0, 0};
    outbox_recover_stats rs;
    char why[600];
    if (!outbox_recover_file(o->arg, salvage_one, &c, &rs, why, sizeof why)) {
        fprintf(stderr, "kioskctl queue salvage: %s\n", why);
        return 1;
    }
    printf("salvaged %ld, already queued %ld, failed %ld\n", c.added, c.dup, c.failed);
    printf("(read %ld pages, %ld records; %ld outbox rows found, %ld of them already "
           "acknowledged)\n",
           rs.pages, rs.cells, rs.rows, c.acked);
    return c.failed ? 1 : 0;
}

/* Flush: the uploader's very pass (platform/upload.h), now, every waiting
 * row whatever its back-off, until nothing waits or --timeout (default 60 s)
 * runs out; a line per record as the platform answers it, a line per
 * failed request with the wait before the next. */
static void flush_record(void *user, const outbox_row *r, records_verdict v, const char *reason)
{
    (void)user;
    printf("%s %s%s%s\n", r->key, records_verdict_name(v), *reason ? ": " : "", reason);
    fflush(stdout);
}

static int do_flush(const opts *o, outbox_store *st)
{
    char why[300];
    platform *p = platform_new(o->cfg, why, sizeof why);
    if (!p) {
        fprintf(stderr, "kioskctl queue flush: %s\n", why);
        return 1;
    }
    if (!platform_enabled(p)) {
        fprintf(stderr, "kioskctl queue flush: no [platform] endpoint in %s\n",
                o->cfg->path ? o->cfg->path : "the config");
        platform_free(p);
        return 1;
    }
    upload_ctx c = {.p = p,
                    .store = st,
                    .batch_records = o->cfg->platform_batch_records,
                    .batch_bytes = (size_t)o->cfg->platform_batch_kib * 1024,
                    .retry_after_max = o->cfg->platform_retry_after_max,
                    .on_record = flush_record,
                    .all_due = true};
    time_t end = time(NULL) + (o->timeout ? o->timeout : 60);
    unsigned fails = 0;
    int rc = 1;
    for (;;) {
        upload_outcome r = upload_pass(&c, (int64_t)time(NULL), NULL);
        outbox_counts n;
        if (r == UPLOAD_STORAGE || outbox_db_counts(st->db, &n) != OUTBOX_OK) {
            fprintf(stderr, "kioskctl queue flush: %s\n", outbox_db_errmsg(st->db));
            break;
        }
        if (r == UPLOAD_DRAINED && n.waiting == 0) {
            rc = 0;
            break;
        }
        int64_t ms = upload_backoff_ms(r == UPLOAD_FAILED ? fails++ : 0,
                                       (int64_t)o->cfg->platform_backoff_max * 1000);
        if (c.retry_after >= 0 && c.retry_after * 1000 > ms)
            ms = c.retry_after * 1000;
        if (r == UPLOAD_FAILED)
            printf("request failed: %s; %lld waiting; next try in %.1f s\n", c.last_error,
                   (long long)n.waiting, ms / 1000.0);
        fflush(stdout);
        if (time(NULL) + ms / 1000 >= end) {
            printf("timed out with %lld waiting\n", (long long)n.waiting);
            break;
        }
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    printf("flushed: %ld acknowledged, %ld rejected, %ld retried, in %ld requests\n", c.acked,
           c.rejected, c.retried, c.requests);
    platform_free(p);
    return rc;
}

int cmd_queue(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *verb = argv[1];
    opts o = {0};
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            o.config = argv[++i];
        else if (!strcmp(argv[i], "--data-dir") && i + 1 < argc)
            o.data_dir = argv[++i];
        else if (!strcmp(argv[i], "--state") && i + 1 < argc && !strcmp(verb, "list"))
            o.state = argv[++i];
        else if (!strcmp(argv[i], "--json") && (!strcmp(verb, "list") || !strcmp(verb, "status")))
            o.json = true;
        else if (!strcmp(argv[i], "--timeout") && i + 1 < argc && !strcmp(verb, "flush")) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end || t < 1 || t > 86400)
                return usage();
            o.timeout = (int)t;
        }
        else if (argv[i][0] != '-' && !o.arg)
            o.arg = argv[i];
        else
            return usage();
    }
    bool needs_arg = !strcmp(verb, "export") || !strcmp(verb, "salvage");
    bool takes_arg = needs_arg || !strcmp(verb, "probe");
    if ((needs_arg && !o.arg) || (!takes_arg && o.arg))
        return usage();
    int (*fn)(const opts *, outbox_store *) = NULL;
    if (!strcmp(verb, "status"))
        fn = do_status;
    else if (!strcmp(verb, "export"))
        fn = do_export;
    else if (!strcmp(verb, "probe"))
        fn = do_probe;
    else if (!strcmp(verb, "salvage"))
        fn = do_salvage;
    else if (!strcmp(verb, "flush"))
        fn = do_flush;
    else if (strcmp(verb, "list"))
        return usage();
    settings s;
    outbox_store st;
    memset(&st, 0, sizeof st);
    int rc = open_store(&o, &s, &st);
    o.cfg = &s;
    if (rc == 0)
        rc = fn ? fn(&o, &st) : do_list(&o, &st, stdout, o.json);
    close_all(&s, &st);
    return rc;
}
