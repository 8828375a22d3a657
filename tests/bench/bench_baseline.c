/*
 * bench_baseline: the reference the kiosk's start-up is judged against.
 *
 * A bare SDL2 + SDL2_ttf program and nothing else: dummy video driver,
 * software renderer, 1080 x 1920, Noto Sans CJK SC (face 2 of the
 * collection), a title bar and a 12-button home screen with blended CJK
 * labels, one present, then exit. Whatever the kiosk spends beyond this is
 * its own (catalogue, strings, layout, caches), which is what the ratios in
 * RESULTS.md are about.
 *
 * Prints human-readable figures, then one machine-readable line
 *   BENCH_BASELINE main_ns=... present_ns=... exit_ns=... hwm_kb=...
 * (CLOCK_MONOTONIC, system-wide) that bench_ui parses when it spawns this
 * program to compare whole-process times. It never fails on time.
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WIDTH 1080
#define HEIGHT 1920
#define FONT_PATH "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define FONT_FACE 2     /* Simplified Chinese */

static uint64_t bench_now_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A "Key:   123 kB" line of /proc/self/status, in kB; -1 when absent. */
static long bench_status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    size_t klen = strlen(key);
    long v = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, klen) && line[klen] == ':') {
            v = strtol(line + klen + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

/* Time from exec to now via /proc/self/stat starttime (field 22, clock
 * ticks since boot on the CLOCK_BOOTTIME scale). Only 1/CLK_TCK resolution
 * (10 ms on Debian), so bench_ui's spawn measurement is the precise one. */
static double bench_since_exec_ms(uint64_t boot_now_ns)
{
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f)
        return -1;
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command name may contain spaces: fields restart after ')' */
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p++;
    unsigned long long start = 0;
    for (int field = 3; field <= 22; field++) {
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (field == 22)
            start = v;
        if (field == 3) {   /* state is a letter, not a number */
            while (*p == ' ')
                p++;
            end = p + 1;
        }
        p = end;
    }
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0 || start == 0)
        return -1;
    double start_ms = (double)start * 1000.0 / (double)hz;
    return (double)boot_now_ns / 1e6 - start_ms;
}

static const char *const labels[12] = {
    "社会保险", "医疗保障", "住房公积金", "户籍办理", "出入境证件", "婚姻登记",
    "残疾人服务", "退役军人", "税务服务", "社会救助", "就业创业", "不动产登记",
};

/* Renders one line of text centred in r; the surface is converted to a
 * texture exactly as any SDL2_ttf program would, with no caching. */
static void baseline_draw_label(SDL_Renderer *ren, TTF_Font *font, const char *s,
                                SDL_Color c, SDL_Rect r)
{
    SDL_Surface *surf = TTF_RenderUTF8_Blended(font, s, c);
    if (!surf)
        return;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(ren, surf);
    if (tex) {
        SDL_Rect dst = {r.x + (r.w - surf->w) / 2, r.y + (r.h - surf->h) / 2, surf->w,
                        surf->h};
        SDL_RenderCopy(ren, tex, NULL, &dst);
        SDL_DestroyTexture(tex);
    }
    SDL_FreeSurface(surf);
}

int main(void)
{
    uint64_t main_ns = bench_now_ns(CLOCK_MONOTONIC);
    double exec_to_main = bench_since_exec_ms(bench_now_ns(CLOCK_BOOTTIME));

    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "bench_baseline: init: %s\n", SDL_GetError());
        return 1;
    }
    SDL_Window *win = SDL_CreateWindow("baseline", 0, 0, WIDTH, HEIGHT, SDL_WINDOW_HIDDEN);
    SDL_Renderer *ren = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    /* two sizes, like any real screen: a title and the button labels */
    TTF_Font *title = TTF_OpenFontIndex(FONT_PATH, 46, FONT_FACE);
    TTF_Font *body = TTF_OpenFontIndex(FONT_PATH, 36, FONT_FACE);
    if (!ren || !title || !body) {
        fprintf(stderr, "bench_baseline: %s\n", SDL_GetError());
        return 1;
    }

    SDL_SetRenderDrawColor(ren, 0xF2, 0xF5, 0xFA, 255);
    SDL_RenderClear(ren);
    SDL_Rect bar = {0, 0, WIDTH, 196};
    SDL_SetRenderDrawColor(ren, 0x16, 0x59, 0xB8, 255);
    SDL_RenderFillRect(ren, &bar);
    SDL_Color white = {255, 255, 255, 255};
    baseline_draw_label(ren, title, "政务服务自助终端", white, bar);

    /* 3 columns x 4 rows of large touch buttons under the title */
    const int cols = 3, gap = 20, pad = 32;
    int bw = (WIDTH - 2 * pad - (cols - 1) * gap) / cols;
    int bh = 300;
    for (int i = 0; i < 12; i++) {
        SDL_Rect b = {pad + (i % cols) * (bw + gap), 260 + (i / cols) * (bh + gap), bw, bh};
        SDL_SetRenderDrawColor(ren, 0x16, 0x59, 0xB8, 255);
        SDL_RenderFillRect(ren, &b);
        baseline_draw_label(ren, body, labels[i], white, b);
    }
    SDL_RenderPresent(ren);
    uint64_t present_ns = bench_now_ns(CLOCK_MONOTONIC);

    TTF_CloseFont(body);
    TTF_CloseFont(title);
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    TTF_Quit();
    SDL_Quit();
    uint64_t exit_ns = bench_now_ns(CLOCK_MONOTONIC);
    long hwm = bench_status_kb("VmHWM");

    printf("bench_baseline: bare SDL2 + SDL2_ttf, dummy driver, software renderer, "
           "%dx%d, 12 CJK buttons\n", WIDTH, HEIGHT);
    if (exec_to_main >= 0)
        printf("  exec to main          %8.1f ms  (/proc starttime, 10 ms resolution)\n",
               exec_to_main);
    printf("  main to first present %8.2f ms\n", (double)(present_ns - main_ns) / 1e6);
    printf("  main to exit          %8.2f ms\n", (double)(exit_ns - main_ns) / 1e6);
    printf("  peak RSS (VmHWM)      %8.1f MB\n", (double)hwm / 1024.0);
    printf("BENCH_BASELINE main_ns=%llu present_ns=%llu exit_ns=%llu hwm_kb=%ld\n",
           (unsigned long long)main_ns, (unsigned long long)present_ns,
           (unsigned long long)exit_ns, hwm);
    return 0;
}
