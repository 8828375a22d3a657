/*
 * bench_certificate: what a certificate (A4 PDF, cairo + pango) costs.
 *
 *   - memory: VmRSS (own and mapped files apart) before any certificate
 *     (cairo and pango not loaded: a kiosk without an A4 printer stays
 *     here), after certificate_preload (what the printer thread does at
 *     start when an A4 printer is configured), after the first
 *     certificate, and what each further one leaves behind;
 *   - time: certificate_preload, the first render after it, then RENDERS
 *     renders each of the Chinese and the English sample (p50 / p99 /
 *     max), and a first render on a second thread (pango keeps one font
 *     map per thread: why certificates render on the printer thread);
 *   - the PDF's size.
 * Prints figures; never fails on time.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../support/certificate_samples.h"
#include "common/diag.h"
#include "i18n/i18n.h"
#include "print/certificate.h"

#define RENDERS 20
#define STEADY 100              /* renders for the steady growth */
#define TARGET_P99_MS 250.0     /* "printing…" to the job handed over: well under a second */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *sorted, int n, double p)
{
    return sorted[(int)(p * (n - 1) + 0.5)];
}

/* Resident memory in kB from /proc/self/status: all of it (VmRSS), the
 * process's own (RssAnon: heap, libraries' data) and mapped files
 * (RssFile: libraries' code, font files -- page cache, shared with every
 * process that maps the same file and given back under memory pressure). */
typedef struct rss {
    long total, anon, file;
} rss;

static rss rss_now(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    rss r = {-1, -1, -1};
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, "VmRSS:", 6))
            r.total = strtol(line + 6, NULL, 10);
        else if (!strncmp(line, "RssAnon:", 8))
            r.anon = strtol(line + 8, NULL, 10);
        else if (!strncmp(line, "RssFile:", 8))
            r.file = strtol(line + 8, NULL, 10);
    }
    if (f)
        fclose(f);
    return r;
}

static void rss_print(const char *when, rss r, rss base)
{
    printf("  VmRSS %s: %ld kB (+%.1f MB: own +%.1f MB, mapped files +%.1f MB)\n", when,
           r.total, (r.total - base.total) / 1024.0, (r.anon - base.anon) / 1024.0,
           (r.file - base.file) / 1024.0);
}

/* Whether a library whose file name contains name is mapped. */
static bool mapped(const char *name)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    bool found = false;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, name) != NULL;
    if (f)
        fclose(f);
    return found;
}

static double render_once(const certificate_doc *d, size_t *len)
{
    char why[300];
    double t0 = now_ms();
    unsigned char *pdf = certificate_render(d, NULL, len, NULL, why, sizeof why);
    double ms = now_ms() - t0;
    if (!pdf) {
        fprintf(stderr, "bench_certificate: %s\n", why);
        exit(1);
    }
    certificate_free(pdf, *len);
    return ms;
}

static void series(const char *name, const certificate_doc *d)
{
    double t[RENDERS];
    size_t len = 0;
    for (int i = 0; i < RENDERS; i++)
        t[i] = render_once(d, &len);
    qsort(t, RENDERS, sizeof *t, cmp_double);
    printf("  %s: %d renders p50 %.1f ms, p99 %.1f ms, max %.1f ms (p99 target %.0f ms: %s); "
           "PDF %zu bytes\n",
           name, RENDERS, pct(t, RENDERS, 0.5), pct(t, RENDERS, 0.99), t[RENDERS - 1],
           TARGET_P99_MS, pct(t, RENDERS, 0.99) <= TARGET_P99_MS ? "met" : "missed", len);
}

static void *other_thread(void *arg)
{
    size_t len;
    *(double *)arg = render_once(&zh_certificate, &len);
    return NULL;
}

int main(void)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    diag_list errors = DIAG_LIST_INIT;
    static const char langs[][8] = {"zh", "en"};
    if (!i18n_load(KIOSK_SOURCE_DIR "/assets/strings", langs, 2, "zh", &errors)) {
        diag_print(&errors, stderr);
        return 1;
    }
    diag_clear(&errors);
    printf("bench_certificate: one-page A4 PDF (cairo + pango, Noto Sans CJK SC), "
           "libraries loaded on first use\n");
    rss before = rss_now();
    printf("  VmRSS before any certificate: %ld kB (own %ld, files %ld); cairo/pango mapped: "
           "%s\n",
           before.total, before.anon, before.file,
           mapped("libcairo.so") || mapped("libpango-1.0.so") ? "yes" : "no");
    char why[300];
    double t0 = now_ms();
    if (!certificate_preload(why, sizeof why)) {
        fprintf(stderr, "bench_certificate: %s\n", why);
        return 1;
    }
    double preload = now_ms() - t0;
    rss_print("after certificate_preload (the libraries, no fonts yet)", rss_now(),
              before);
    size_t len;
    double first = render_once(&zh_certificate, &len);
    rss after_first = rss_now();
    rss_print("after the first certificate", after_first, before);
    printf("  certificate_preload %.1f ms (the printer thread's, at start); first render after "
           "it (fontconfig, faces) %.1f ms; PDF %zu bytes\n", preload, first, len);
    series("zh", &zh_certificate);
    series("en", &en_certificate);
    rss after_all = rss_now();
    int renders = 2 * RENDERS + 1;
    rss_print("after 41 certificates", after_all, before);
    /* steady state: what each further certificate leaves behind */
    size_t more_len;
    for (int i = 0; i < STEADY; i++)
        render_once(i % 2 ? &en_certificate : &zh_certificate, &more_len);
    rss steady = rss_now();
    printf("  own memory per certificate: %.1f kB over the first %d, %.2f kB over the next %d\n",
           (double)(after_all.anon - after_first.anon) / (renders - 1), renders - 1,
           (double)(steady.anon - after_all.anon) / STEADY, STEADY);
    double other = 0;
    pthread_t th;
    if (pthread_create(&th, NULL, other_thread, &other) == 0) {
        pthread_join(th, NULL);
        printf("  first render on another thread (pango keeps a font map per thread) %.1f ms\n",
               other);
        rss_print("after it (the thread's malloc arena included)", rss_now(), before);
    }
    i18n_unload();
    return 0;
}
