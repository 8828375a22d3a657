/*
 * kioskctl rating verify|sign|summary: the technician's side of service
 * ratings (好差评).
 *
 *   rating verify URL       is this a good rating link of this kiosk: its
 *                           template ([rating] url), its device id, its
 *                           key, not older than [rating] max_age_days.
 *                           "OK ..." and exit 0, or "FAIL KIND: what is
 *                           wrong" and exit 1 (KIND: shape, missing,
 *                           duplicate, malformed, device, signature,
 *                           expired, future)
 *   rating sign TXN ITEM [--time YYYYMMDDThhmmss]
 *                           a signed link for a made-up transaction, as a
 *                           receipt would carry it: to try the platform's
 *                           rating page after registering the kiosk, and
 *                           for the tests
 *   rating summary [--days N]  the ratings kept in the outbox (those of the
 *                           last N days when given): counts per level and
 *                           per service, and the poor ones with their
 *                           reasons and the masked phone
 * each with [--config FILE] [--data-dir DIR].
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "common/storage.h"
#include "outbox/outbox_store.h"
#include "preflight/preflight.h"

static int usage(void)
{
    fputs("usage: kioskctl rating verify URL | sign TXN ITEM [--time YYYYMMDDThhmmss] | "
          "summary [--days N]\n"
          "       [--config FILE] [--data-dir DIR]\n",
          stderr);
    return 2;
}

typedef struct opts {
    const char *config, *data_dir, *time;
    const char *arg[2];
    int n_args;
    int days;               /* summary: the last N days only; 0 all */
} opts;

/* The link template with [platform] endpoint put in; false after saying
 * why. */
static bool load_template(const cmd_device_ctx *d, rating_template *t, const char *who)
{
    char why[400];
    if (rating_template_parse(t, d->cfg.rating_url, d->cfg.platform_endpoint, why, sizeof why))
        return true;
    fprintf(stderr, "kioskctl %s: [rating] url %s\n", who, why);
    return false;
}

static void age_text(int64_t s, char *out, size_t size)
{
    if (s < 0)
        snprintf(out, size, "dated %lld s ahead of this clock", (long long)-s);
    else if (s < 120)
        snprintf(out, size, "signed %lld s ago", (long long)s);
    else if (s < 7200)
        snprintf(out, size, "signed %lld minutes ago", (long long)(s / 60));
    else if (s < 2 * 86400)
        snprintf(out, size, "signed %lld hours ago", (long long)(s / 3600));
    else
        snprintf(out, size, "signed %lld days ago", (long long)(s / 86400));
}

static int do_verify(const opts *o)
{
    cmd_device_ctx d;
    int rc = cmd_device_open(o->config, o->data_dir, false, "rating verify", &d);
    static rating_template t;
    if (rc == 0 && !load_template(&d, &t, "rating verify"))
        rc = 1;
    if (rc) {
        cmd_device_close(&d);
        return rc;
    }
    unsigned char pk[RATING_PUBKEY_BYTES];
    rating_key_public(d.key, pk);
    int64_t now = (int64_t)time(NULL);
    rating_check c = {pk, d.device_id, now, d.cfg.rating_max_age_days};
    rating_parsed p;
    char why[400];
    rating_verdict v = rating_url_verify(&t, o->arg[0], &c, &p, why, sizeof why);
    if (v == RATING_URL_OK) {
        char age[64];
        age_text(now - p.when, age, sizeof age);
        printf("OK device=%s txn=%s item=%s time=%s (%s", p.device_id, p.txn, p.item, p.time, age);
        if (p.ignored)
            printf("; %d parameter%s not in the template ignored", p.ignored,
                   p.ignored == 1 ? "" : "s");
        printf(")\n");
    } else {
        printf("FAIL %s: %s\n", rating_verdict_name(v), why);
        rc = 1;
    }
    cmd_device_close(&d);
    return rc;
}

static int do_sign(const opts *o)
{
    char when[RATING_TIME_SIZE];
    int64_t t_check;
    if (o->time) {
        if (!rating_time_parse(o->time, &t_check)) {
            fprintf(stderr, "kioskctl rating sign: --time must be YYYYMMDDThhmmss, a real date "
                            "and time, e.g. 20261202T091500\n");
            return 2;
        }
        snprintf(when, sizeof when, "%s", o->time);
    } else {
        rating_time_format((int64_t)time(NULL), when);
    }
    cmd_device_ctx d;
    int rc = cmd_device_open(o->config, o->data_dir, true, "rating sign", &d);
    static rating_template t;
    if (rc == 0 && !load_template(&d, &t, "rating sign"))
        rc = 1;
    if (rc == 0) {
        rating_link l = {d.device_id, o->arg[0], o->arg[1], when};
        char url[RATING_URL_MAX], why[400];
        if (rating_url_build(d.key, &t, &l, url, sizeof url, why, sizeof why)) {
            printf("%s\n", url);
        } else {
            fprintf(stderr, "kioskctl rating sign: %s\n", why);
            rc = 1;
        }
    }
    cmd_device_close(&d);
    return rc;
}

/* ---- summary ------------------------------------------------------------------- */

#define UNKNOWN_LEVEL RATING_LEVELS     /* a payload whose level is not one of the five */

typedef struct service_count {
    char code[64];
    long by_level[RATING_LEVELS + 1];
} service_count;

typedef struct summary {
    const settings *cfg;
    int64_t since;          /* wall seconds: older ratings are not counted; 0 all */
    long total, poor, by_level[RATING_LEVELS + 1];
    service_count *services;
    size_t n_services, cap_services;
    int64_t first, last;
    char *poor_lines;       /* the poor ratings, printed after the counts */
    size_t poor_len;
    FILE *poor_out;
    bool failed;
} summary;

static service_count *service_of(summary *s, const char *code)
{
    for (size_t i = 0; i < s->n_services; i++)
        if (!strcmp(s->services[i].code, code))
            return &s->services[i];
    if (s->n_services == s->cap_services) {
        size_t cap = s->cap_services ? s->cap_services * 2 : 16;
        service_count *grown = realloc(s->services, cap * sizeof *grown);
        if (!grown)
            return NULL;
        s->services = grown;
        s->cap_services = cap;
    }
    service_count *c = &s->services[s->n_services++];
    memset(c, 0, sizeof *c);
    snprintf(c->code, sizeof c->code, "%s", code);
    return c;
}

static void local_time(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* The reasons of a poor rating as "waiting (等候时间长), other (其他)", by
 * the configured labels in the first UI language; an id this kiosk no
 * longer lists stands alone. */
static void reasons_text(const summary *s, json_t *reasons, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    size_t i;
    json_t *r;
    json_array_foreach(reasons, i, r) {
        const char *id = json_string_value(r);
        if (!id)
            continue;
        int at = settings_rating_reason_find(s->cfg, id);
        const char *label = at >= 0 ? settings_rating_reason_label(s->cfg, at, s->cfg->langs[0])
                                    : NULL;
        int n = snprintf(out + used, size - used, "%s%s%s%s%s", used ? ", " : "", id,
                         label ? " (" : "", label ? label : "", label ? ")" : "");
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    if (!used)
        snprintf(out, size, "none given");
}

static bool count_row(void *user, const outbox_row *r)
{
    summary *s = user;
    if (strcmp(r->kind, "rating") || r->created_wall < s->since)
        return true;
    json_error_t err;
    json_t *p = json_loads(r->payload ? r->payload : "{}", 0, &err);
    const char *name = json_string_value(json_object_get(p, "level"));
    rating_level l;
    int level = name && rating_level_from_name(name, &l) ? (int)l : UNKNOWN_LEVEL;
    s->total++;
    s->by_level[level]++;
    if (!s->first || r->created_wall < s->first)
        s->first = r->created_wall;
    if (r->created_wall > s->last)
        s->last = r->created_wall;
    service_count *c = service_of(s, r->item_code[0] ? r->item_code : "-");
    if (c)
        c->by_level[level]++;
    else
        s->failed = true;
    if (level != UNKNOWN_LEVEL && rating_level_is_poor((rating_level)level)) {
        char when[32], reasons[600];
        s->poor++;
        local_time(r->created_wall, when, sizeof when);
        reasons_text(s, json_object_get(p, "reasons"), reasons, sizeof reasons);
        const char *txn = json_string_value(json_object_get(p, "transaction"));
        bool anonymous = json_is_true(json_object_get(p, "anonymous"));
        /* only the masked phone: the sealed fields are never opened here */
        fprintf(s->poor_out, "  %s  %s  %s  txn %s  reasons: %s  phone %s%s\n", when,
                r->item_code[0] ? r->item_code : "-", rating_level_name((rating_level)level),
                txn ? txn : "-", reasons, r->masked.phone[0] ? r->masked.phone : "-",
                anonymous ? "  (anonymous)" : "");
    }
    json_decref(p);
    return true;
}

static void print_levels(const long *by_level)
{
    bool first = true;
    for (int i = 0; i <= RATING_LEVELS; i++) {
        if (!by_level[i])
            continue;
        printf("%s%s %ld", first ? "" : ", ",
               i < RATING_LEVELS ? rating_level_name((rating_level)i) : "unknown", by_level[i]);
        first = false;
    }
}

static int do_summary(const opts *o)
{
    settings cfg;
    diag_list errs = DIAG_LIST_INIT;
    const char *config = o->config ? o->config : preflight_default_path();
    if (!settings_load(&cfg, config, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        settings_free(&cfg);
        fprintf(stderr, "kioskctl rating summary: fix %s first (kioskctl config check)\n", config);
        return 1;
    }
    if (!storage_open(o->data_dir ? o->data_dir : cfg.data_dir, &errs)) {
        diag_print(&errs, stderr);
        diag_clear(&errs);
        settings_free(&cfg);
        return 1;
    }
    outbox_limits lim = {.max_waiting = cfg.outbox_max_waiting,
                         .max_age_days = cfg.outbox_max_age_days,
                         .retention_days = cfg.outbox_retention_days};
    outbox_store st;
    memset(&st, 0, sizeof st);
    char why[600];
    int rc = 0;
    if (outbox_store_open(&st, &lim, why, sizeof why) != OUTBOX_OK) {
        fprintf(stderr, "kioskctl rating summary: %s\n", why);
        rc = 1;
        goto out;
    }
    summary s = {.cfg = &cfg,
                 .since = o->days ? (int64_t)time(NULL) - (int64_t)o->days * 86400 : 0};
    s.poor_out = open_memstream(&s.poor_lines, &s.poor_len);
    if (!s.poor_out || outbox_db_each(st.db, -1, count_row, &s) != OUTBOX_OK || s.failed) {
        fprintf(stderr, "kioskctl rating summary: %s\n",
                s.poor_out ? outbox_db_errmsg(st.db) : "out of memory");
        rc = 1;
    } else {
        fclose(s.poor_out);
        s.poor_out = NULL;
        char first[32] = "-", last[32] = "-";
        if (s.total) {
            local_time(s.first, first, sizeof first);
            local_time(s.last, last, sizeof last);
        }
        if (o->days)
            printf("ratings of the last %d day(s) kept in the outbox: %ld (%ld poor), %s .. %s\n",
                   o->days, s.total, s.poor, first, last);
        else
            printf("ratings kept in the outbox: %ld (%ld poor), %s .. %s\n", s.total, s.poor,
                   first, last);
        printf("(acknowledged ones are erased after [outbox] retention_days = %d)\n",
               cfg.outbox_retention_days);
        printf("by level:\n");
        for (int i = 0; i <= RATING_LEVELS; i++) {
            if (i == RATING_LEVELS && !s.by_level[i])
                continue;
            const char *zh = i < RATING_LEVELS ? rating_level_zh((rating_level)i) : "";
            /* a Chinese character takes two columns and three bytes */
            int pad = 12 - 2 * (int)(strlen(zh) / 3);
            printf("  %-18s %s%*s %ld\n",
                   i < RATING_LEVELS ? rating_level_name((rating_level)i) : "unknown", zh,
                   pad > 0 ? pad : 0, "", s.by_level[i]);
        }
        printf("by service:\n");
        for (size_t i = 0; i < s.n_services; i++) {
            long n = 0;
            for (int j = 0; j <= RATING_LEVELS; j++)
                n += s.services[i].by_level[j];
            printf("  %-20s %ld  ", s.services[i].code, n);
            print_levels(s.services[i].by_level);
            printf("\n");
        }
        printf("poor ratings:\n%s", s.poor_len ? s.poor_lines : "  none\n");
    }
    if (s.poor_out)
        fclose(s.poor_out);
    free(s.poor_lines);
    free(s.services);
    outbox_store_close(&st);
out:
    storage_close();
    settings_free(&cfg);
    return rc;
}

int cmd_rating(int argc, char **argv)
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
        else if (!strcmp(argv[i], "--time") && i + 1 < argc && !strcmp(verb, "sign"))
            o.time = argv[++i];
        else if (!strcmp(argv[i], "--days") && i + 1 < argc && !strcmp(verb, "summary")) {
            char *end;
            long d = strtol(argv[++i], &end, 10);
            if (*end || d < 1 || d > 3650) {
                fprintf(stderr, "kioskctl rating summary: --days takes a whole number of days, "
                                "1 to 3650\n");
                return 2;
            }
            o.days = (int)d;
        }
        else if ((argv[i][0] != '-' || !argv[i][1]) && o.n_args < 2)
            o.arg[o.n_args++] = argv[i];
        else
            return usage();
    }
    if (!strcmp(verb, "verify") && o.n_args == 1)
        return do_verify(&o);
    if (!strcmp(verb, "sign") && o.n_args == 2)
        return do_sign(&o);
    if (!strcmp(verb, "summary") && o.n_args == 0)
        return do_summary(&o);
    return usage();
}
