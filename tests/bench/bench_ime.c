/*
 * bench_ime: what handwriting recognition costs the kiosk.
 *
 *  1. Model load time (handwriting_open of the zinnia model), 5 opens.
 *  2. Memory the engine adds: VmRSS from /proc/self/status before the
 *     open, after it, and after recognising every fixture once (zinnia
 *     maps the model; pages count once they are touched).
 *  3. Latency of handwriting_recognize after each stroke of every fixture
 *     in tests/fixtures/strokes (the pad recognises after every stroke),
 *     ROUNDS rounds: p50 / p95 / p99 / max against the 30 ms p99 target.
 *
 * And what pinyin (Rime) costs:
 *
 *  4. First use: pinyin_open on a fresh private directory (Rime deploys the
 *     kiosk's patched schema, what `kioskctl ime prepare` does ahead) and on
 *     a prepared one (what a resident's first key costs), 5 opens.
 *  5. Memory the engine adds (VmRSS before and after the open).
 *  6. Latency per key: pinyin_letter + the candidate page + the preedit,
 *     what the keyboard does on every key, over words residents type,
 *     ROUNDS rounds: p50 / p95 / p99 / max against the 5 ms p99 target.
 *
 * Prints figures; never fails on time (shared, noisy build machines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ime/handwriting.h"
#include "ime/ink.h"
#include "ime/pinyin.h"
#include "../support/strokes.h"

#define ROUNDS 20
#define TARGET_P99_MS 30.0
#define TARGET_KEY_P99_MS 5.0

static const char *const CHARS[] = {"一", "十", "人", "口", "大", "王",
                                    "社", "保", "养", "老", "医"};
#define N_CHARS (sizeof CHARS / sizeof *CHARS)

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* VmRSS in KiB, or -1 when /proc is not there. */
static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts the n timings and prints their percentiles against the p99 target. */
static void print_series(double *ms, size_t n, double target)
{
    qsort(ms, n, sizeof *ms, cmp_double);
    double p99 = ms[n * 99 / 100];
    printf("  p50 %.2f ms   p95 %.2f ms   p99 %.2f ms   max %.2f ms\n", ms[n / 2],
           ms[n * 95 / 100], p99, ms[n - 1]);
    printf("  target: p99 under %.0f ms -- %s\n", target, p99 < target ? "met" : "missed");
}

static int bench_handwriting(void)
{
    static ink full[N_CHARS], part;
    for (size_t c = 0; c < N_CHARS; c++) {
        char path[1024];
        if (!strokes_load(strokes_path(CHARS[c], path, sizeof path), &full[c], NULL, 0)) {
            fprintf(stderr, "bench_ime: cannot load %s\n", path);
            return 1;
        }
    }
    printf("bench_ime: handwriting recognition (zinnia, %s)\n", HANDWRITING_MODEL_DEFAULT);

    long rss0 = rss_kib();
    char err[512];
    double t0 = now_ms();
    handwriting *h = handwriting_open(HANDWRITING_MODEL_DEFAULT, err, sizeof err);
    double first_open = now_ms() - t0;
    if (!h) {
        fprintf(stderr, "bench_ime: %s\n", err);
        return 1;
    }
    long rss1 = rss_kib();
    char out[10][HANDWRITING_CAND_SIZE];
    for (size_t c = 0; c < N_CHARS; c++)
        handwriting_recognize(h, &full[c], out, 10);
    long rss2 = rss_kib();

    double opens[5];
    for (int i = 0; i < 5; i++) {
        t0 = now_ms();
        handwriting *h2 = handwriting_open(HANDWRITING_MODEL_DEFAULT, err, sizeof err);
        opens[i] = now_ms() - t0;
        handwriting_close(h2);
    }
    qsort(opens, 5, sizeof *opens, cmp_double);
    printf("model load: first %.1f ms, median of 5 more %.1f ms\n", first_open, opens[2]);
    printf("memory (VmRSS): %ld KiB before open, +%ld KiB after open, "
           "+%ld KiB after recognising every fixture once\n",
           rss0, rss1 - rss0, rss2 - rss0);

    size_t per_round = 0;
    for (size_t c = 0; c < N_CHARS; c++)
        per_round += (size_t)full[c].n_strokes;
    size_t n = 0, cap = per_round * ROUNDS;
    double *ms = malloc(cap * sizeof *ms);
    if (!ms)
        return 1;
    for (int r = 0; r < ROUNDS; r++)
        for (size_t c = 0; c < N_CHARS; c++)
            for (int s = 1; s <= full[c].n_strokes; s++) {
                /* The pad after stroke s: the same points, fewer strokes. */
                part = full[c];
                part.n_strokes = s;
                part.n_points = part.stroke_end[s - 1];
                t0 = now_ms();
                handwriting_recognize(h, &part, out, 10);
                ms[n++] = now_ms() - t0;
            }
    printf("recognition after each stroke (%zu fixtures, %d rounds, %zu calls, 10 candidates):\n",
           N_CHARS, ROUNDS, n);
    print_series(ms, n, TARGET_P99_MS);
    free(ms);
    handwriting_close(h);
    return 0;
}

static const char *const WORDS[] = {"shebao", "yanglaojin", "gongjijintiqu", "hukoudengji",
                                    "yibaobaoxiao", "sbjf", "gjj", "tuixiujin", "shenfenzheng",
                                    "canjiren"};
#define N_WORDS (sizeof WORDS / sizeof *WORDS)

static int bench_pinyin(void)
{
    printf("\nbench_ime: pinyin (Rime, luna_pinyin_simp, %s)\n", KIOSK_SOURCE_DIR "/assets/rime");
    char dir[] = "/tmp/kiosk-bench-rime-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char user[128], err[512];
    snprintf(user, sizeof user, "%s/rime", dir);
    const char *patches = KIOSK_SOURCE_DIR "/assets/rime";
    long rss0 = rss_kib();
    double t0 = now_ms();
    pinyin *p = pinyin_open(NULL, user, patches, err, sizeof err);
    double fresh = now_ms() - t0;
    if (!p) {
        fprintf(stderr, "bench_ime: %s\n", err);
        return 1;
    }
    long rss1 = rss_kib();
    pinyin_close(p);
    double opens[5];
    for (int i = 0; i < 5; i++) {
        t0 = now_ms();
        p = pinyin_open(NULL, user, patches, err, sizeof err);
        opens[i] = now_ms() - t0;
        if (i < 4)
            pinyin_close(p);
    }
    qsort(opens, 5, sizeof *opens, cmp_double);
    printf("first use: %.1f ms on a fresh directory (deploys), median %.1f ms prepared\n",
           fresh, opens[2]);
    printf("memory (VmRSS): %ld KiB before open, +%ld KiB after\n", rss0, rss1 - rss0);

    size_t cap = 0;
    for (size_t w = 0; w < N_WORDS; w++)
        cap += strlen(WORDS[w]);
    cap *= ROUNDS;
    double *ms = malloc(cap * sizeof *ms);
    size_t n = 0;
    pinyin_page page;
    for (int r = 0; r < ROUNDS && ms; r++)
        for (size_t w = 0; w < N_WORDS; w++) {
            for (const char *c = WORDS[w]; *c; c++) {
                t0 = now_ms();
                pinyin_letter(p, *c);
                pinyin_candidates(p, &page);
                (void)pinyin_preedit(p);
                ms[n++] = now_ms() - t0;
            }
            pinyin_clear(p);
        }
    if (!ms || !n)
        return 1;
    printf("candidates per key (%zu words, %d rounds, %zu keys):\n", N_WORDS, ROUNDS, n);
    print_series(ms, n, TARGET_KEY_P99_MS);
    free(ms);
    pinyin_close(p);
    return 0;
}

int main(void)
{
    int rc = bench_handwriting();
    return bench_pinyin() || rc;
}
