/*
 * bench_voice: the speech path (issue 12), measured through the real kiosk.
 *
 * The kiosk runs headless at 1080 x 1920 with --speech (each utterance to
 * a WAV file, through the real engine, espeak-ng), and the bench changes
 * screens the way a resident does: home -> search -> home -> a category,
 * in Chinese and in English. It prints
 *   - screen change -> first sound: from app_push to the first block of
 *     samples handed on (the frame drawn, the prompt composed, the engine
 *     started and its first samples read), p50 / p95 / max;
 *   - CPU while speaking: the kiosk's and the engine processes' CPU time
 *     over the seconds of speech produced (a real device plays in real
 *     time, so this is the share of one core while the kiosk speaks);
 *   - memory: the kiosk's VmRSS growth over the utterances, and the
 *     largest engine process (getrusage of the children).
 * Figures only: nothing fails on time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "catalog/catalog.h"
#include "common/clock.h"
#include "registry/registry.h"
#include "screens/screens.h"
#include "voice/voice.h"
#include "proc_status.h"

#define CONFIG_PATH KIOSK_SOURCE_DIR "/tests/e2e/portrait.conf"
#define ROUNDS 20

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static double cpu_s(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void print_series(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("  %-40s p50 %7.1f  p95 %7.1f  max %7.1f ms  (%d)\n", what, v[n / 2],
           v[(int)(n * 0.95)], v[n - 1], n);
}

/* The engine on its own, for its peak memory: VmHWM of its process read
 * while it runs (per address space, so it starts afresh at exec; the
 * children's figure of getrusage is no good here, since a forked child
 * counts the kiosk's pages until it execs). The engine gets a line of
 * text and speaks it; its input stays open until the figure is read. */
static long engine_hwm_kb(const char *engine, const char *voice, const char *text)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execlp(engine, engine, "-b", "1", "-v", voice, "--stdout", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    ssize_t w = write(in[1], text, strlen(text));
    (void)w;
    /* the first samples came: the voice is loaded and speaking */
    char buf[65536];
    ssize_t got = read(out[0], buf, sizeof buf);
    (void)got;
    usleep(200000);
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    long kb = -1;
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    close(in[1]);
    while (read(out[0], buf, sizeof buf) > 0) {
    }
    close(out[0]);
    int status;
    waitpid(pid, &status, 0);
    return kb;
}

static app A;
static settings cfg;

/* One screen change: push cls, draw, and wait for the speech. Returns the
 * ms from the push to the first sound (-1 when none), adds the seconds of
 * sound made to *secs. */
static double change(const screen_class *cls, intptr_t arg, double *secs)
{
    uint32_t seq = voice_next_seq();
    uint64_t t0 = now_us();
    if (cls)
        app_push(&A, cls, arg);
    else
        app_go_home(&A);
    app_pump(&A);
    voice_wait_idle(30000);
    voice_said h[4];
    int n = voice_history(h, 4);
    for (int i = n - 1; i >= 0; i--) {
        if (h[i].seq < seq)
            break;
        if (!h[i].cut && !h[i].failed && h[i].rate) {
            *secs += (double)h[i].frames / h[i].rate;
            return h[i].first_audio_at_us ? (h[i].first_audio_at_us - t0) / 1000.0 : -1;
        }
    }
    return -1;
}

int main(void)
{
    char dir[] = "/tmp/bench_voice.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(&cfg, CONFIG_PATH, &errs)) {
        diag_print(&errs, stderr);
        return 1;
    }
    catalog *cat = catalog_load(cfg.catalog_path, &errs);
    if (!cat) {
        diag_print(&errs, stderr);
        return 1;
    }
    free(cfg.data_dir);
    cfg.data_dir = strdup(dir);
    clock_use_virtual(0);
    app_setup su = {.cfg = &cfg, .cat = cat, .headless = true, .speech_dir = dir};
    registry_setup(&su);
    if (!app_init(&A, &su)) {
        fprintf(stderr, "bench_voice: the kiosk did not start\n");
        return 1;
    }
    app_pump(&A);
    voice_wait_idle(30000);
    if (!voice_running()) {
        fprintf(stderr, "bench_voice: no voice (is espeak-ng installed?)\n");
        return 1;
    }
    printf("voice: screen change -> first sound, %d rounds of 4 screens per language, "
           "engine %s, rate %d wpm, WAV sink\n", ROUNDS, cfg.voice_engine, cfg.voice_rate);
    long rss0 = proc_status_kb("VmRSS");
    double self0 = cpu_s(RUSAGE_SELF), kids0 = cpu_s(RUSAGE_CHILDREN), secs = 0;
    static double v[ROUNDS * 4];
    const char *langs[] = {"zh", "en"};
    for (int l = 0; l < 2; l++) {
        app_set_lang(&A, langs[l]);
        int n = 0;
        for (int r = 0; r < ROUNDS; r++) {
            double ms;
            if ((ms = change(&screen_search, 0, &secs)) >= 0)
                v[n++] = ms;
            if ((ms = change(NULL, 0, &secs)) >= 0)
                v[n++] = ms;
            if ((ms = change(&screen_category, 0, &secs)) >= 0)
                v[n++] = ms;
            if ((ms = change(NULL, 0, &secs)) >= 0)
                v[n++] = ms;
        }
        char what[64];
        snprintf(what, sizeof what, "%s: push -> first sound", langs[l]);
        if (n)
            print_series(what, v, n);
    }
    double self = cpu_s(RUSAGE_SELF) - self0, kids = cpu_s(RUSAGE_CHILDREN) - kids0;
    printf("  CPU while speaking: kiosk %.3f s + engine %.3f s for %.1f s of speech "
           "= %.1f%% of one core\n", self, kids, secs, secs > 0 ? 100 * (self + kids) / secs : 0);
    printf("  memory: kiosk VmRSS %+.1f MB over %d utterances and screens (%.1f MB now); "
           "the engine process: %.1f MB (cmn), %.1f MB (en-us) peak\n",
           (proc_status_kb("VmRSS") - rss0) / 1024.0, ROUNDS * 8, proc_status_kb("VmRSS") / 1024.0,
           engine_hwm_kb(cfg.voice_engine, "cmn", "请将身份证放在读卡器感应区。\n") / 1024.0,
           engine_hwm_kb(cfg.voice_engine, "en-us", "Place your ID card on the reader.\n") /
               1024.0);
    app_shutdown(&A);
    settings_free(&cfg);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
