/*
 * bench_receipt: what printing a receipt costs the UI thread.
 *
 * The receipt is rendered on the UI thread (the text stack lives there), so
 * its time is a frame the resident waits for after "打印回执". Per printer
 * width and language: the first render (the receipt's font sizes opened),
 * then RENDERS renders (p50 / p99 / max), and the ESC/POS encoding of the
 * result (p50 / p99), which the printer's thread may do. Also the bytes
 * sent and the paper used. Prints figures; never fails on time.
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/diag.h"
#include "i18n/i18n.h"
#include "print/escpos.h"
#include "print/raster.h"
#include "print/receipt.h"
#include "ui/text.h"
#include "../support/receipt_samples.h"

#define RENDERS 50
#define TARGET_P99_MS 100.0     /* one tap to paper: well under a second */

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
    int i = (int)(p * (n - 1) + 0.5);
    return sorted[i];
}

static bool bench(const char *name, const receipt *rc, int width, int dpi)
{
    receipt_format f = {width, dpi};
    char why[256];
    double t0 = now_ms();
    raster *r = receipt_render(rc, &f, NULL, why, sizeof why);
    double first = now_ms() - t0;
    if (!r) {
        fprintf(stderr, "bench_receipt: %s\n", why);
        return false;
    }
    int height = r->height;
    raster_free(r);
    double render[RENDERS], encode[RENDERS];
    size_t bytes = 0;
    for (int i = 0; i < RENDERS; i++) {
        t0 = now_ms();
        r = receipt_render(rc, &f, NULL, why, sizeof why);
        render[i] = now_ms() - t0;
        if (!r)
            return false;
        t0 = now_ms();
        unsigned char *b = escpos_encode(r, NULL, &bytes);
        encode[i] = now_ms() - t0;
        free(b);
        raster_free(r);
    }
    qsort(render, RENDERS, sizeof *render, cmp_double);
    qsort(encode, RENDERS, sizeof *encode, cmp_double);
    printf("  %-6s %4d dots @%d dpi: render first %.1f ms, p50 %.1f ms, p99 %.1f ms, max %.1f "
           "ms (p99 target %.0f ms: %s); ESC/POS encode p50 %.3f ms, p99 %.3f ms; "
           "%zu bytes, %.0f mm of paper\n",
           name, width, dpi, first, pct(render, RENDERS, 0.5), pct(render, RENDERS, 0.99),
           render[RENDERS - 1], TARGET_P99_MS,
           pct(render, RENDERS, 0.99) <= TARGET_P99_MS ? "met" : "missed",
           pct(encode, RENDERS, 0.5), pct(encode, RENDERS, 0.99), bytes, height * 25.4 / dpi);
    return true;
}

int main(void)
{
    setenv("TZ", "CST-8", 1);
    tzset();
    if (SDL_Init(0) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "bench_receipt: SDL/TTF: %s\n", SDL_GetError());
        return 1;
    }
    diag_list errors = DIAG_LIST_INIT;
    static const char langs[][8] = {"zh", "en"};
    if (!text_init(NULL, &errors) ||
        !i18n_load(KIOSK_SOURCE_DIR "/assets/strings", langs, 2, "zh", &errors)) {
        diag_print(&errors, stderr);
        return 1;
    }
    diag_clear(&errors);
    printf("bench_receipt: %d renders each (the kiosk's text stack, software renderer, "
           "1-bit threshold, QR), then ESC/POS\n", RENDERS);
    bool ok = bench("zh", &zh_receipt, 576, 203) && bench("zh", &zh_receipt, 384, 203) &&
              bench("en", &en_receipt, 576, 203) && bench("en", &en_receipt, 384, 203) &&
              bench("zh", &zh_receipt, 512, 180);
    i18n_unload();
    text_shutdown();
    TTF_Quit();
    SDL_Quit();
    return ok ? 0 : 1;
}
