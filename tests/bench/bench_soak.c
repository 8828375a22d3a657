/*
 * bench_soak: memory over thousands of complete resident sessions in one
 * kiosk process (issue 13: "a soak benchmark of at least 2,000 complete
 * resident sessions ... reports RSS per 1,000 sessions").
 *
 * The real kiosk (kiosk_core) runs headless at 1080 x 1920 with
 * tests/e2e/portrait.conf on the virtual clock, on a fresh data directory
 * under /tmp, and one script (the harness of kiosk/script, the same lines
 * as tests/e2e/NAME.kiosk) is run again and again against the same app. One
 * session is what a resident does:
 *   - sign in: 刷身份证登录, the demo card `resident` on the simulated
 *     reader (idreader's `card` verb), 继续办理, the card lifted;
 *   - browse: a category (社会保险) and a guide (社保参保证明打印);
 *   - search: pinyin initials `sbjf`, the guide of 社会保险费缴纳;
 *   - a transaction: the help request form (请工作人员帮助) typed with the
 *     pinyin keyboard and the digit keys, submitted to the outbox, rated;
 *   - the idle reset: 91 s to the warning, 31 s more to the reset (the
 *     config's idle_timeout 90 + idle_warning 30), identity gone.
 * Printed: VmRSS and VmHWM after the warm-up (100 sessions) and after
 * every 1,000, the growth per 1,000 sessions after the warm-up (target:
 * under 1 MB), the heap in use (mallinfo2: tells a leak, which grows it,
 * from fragmentation, which grows RSS only), sessions per second and the
 * data directory on disk (the outbox grows by one record per session; that
 * is disk, not memory).
 *
 *   bench_soak [SESSIONS] [--warmup N] [--every N] [--keep]
 *
 * SESSIONS defaults to 2,000. --keep leaves the data directory. The
 * kiosk's own log (the reader's lines, one per card) goes to LOG in the
 * data directory; a failed session prints the harness's message and the
 * log's end, and the bench exits 1. Figures only: nothing fails on time.
 */
#include <dirent.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "catalog/catalog.h"
#include "catalog/form.h"
#include "catalog/ltext.h"
#include "common/clock.h"
#include "common/storage.h"
#include "registry/registry.h"
#include "script/script.h"
#include "settings/settings.h"
#include "proc_status.h"

#define CONFIG_PATH KIOSK_SOURCE_DIR "/tests/e2e/portrait.conf"
#define TARGET_GROWTH_MB 1.0

static const char session_script[] =
    "# one resident session (bench_soak)\n"
    "screen home\n"
    "tap 刷身份证登录\n"
    "screen signin\n"
    "card resident\n"
    "expect 身份核验成功\n"
    "tap 继续办理\n"
    "screen home\n"
    "card-remove\n"
    "expect 张* · 退出登录\n"
    "# browse: a category and a guide\n"
    "scroll-to 社会保险\n"
    "tap 社会保险\n"
    "screen category\n"
    "tap 社保参保证明打印\n"
    "screen guide\n"
    "tap 首页\n"
    "screen home\n"
    "# search by pinyin initials\n"
    "tap 搜索事项\n"
    "screen search\n"
    "type sbjf\n"
    "expect 社会保险费缴纳\n"
    "tap 社会保险费缴纳\n"
    "screen guide\n"
    "tap 首页\n"
    "screen home\n"
    "# a transaction: the help request, to the outbox\n"
    "tap 帮助\n"
    "scroll-to 请工作人员帮助\n"
    "tap 请工作人员帮助\n"
    "screen form\n"
    "keyboard pinyin\n"
    "tap s\ntap h\ntap e\ntap b\ntap a\ntap o\n"
    "tap 社保\n"
    "type 卡\n"
    "tap 下一项\n"
    "expect 手机号码\n"
    "tap 1\ntap 3\ntap 8\ntap 0\ntap 0\ntap 1\ntap 3\ntap 8\ntap 0\ntap 0\ntap 0\n"
    "tap 下一项\n"
    "expect 怎么称呼您\n"
    "tap w\ntap a\ntap n\ntap g\n"
    "tap 王\n"
    "tap 检查并确认\n"
    "expect 请确认以下内容\n"
    "tap 确认提交\n"
    "wait 100\n"
    "expect 已提交\n"
    "tap 完成，返回首页\n"
    "screen rating\n"
    "tap 满意\n"
    "tap 完成，返回首页\n"
    "screen home\n"
    "# the idle reset: warning after idle_timeout, reset after idle_warning\n"
    "wait 91000\n"
    "expect 您还需要更多时间吗？\n"
    "wait 31000\n"
    "screen home\n"
    "expect-not 张*\n";

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Bytes of every regular file under dir (the outbox, keys, receipts). */
static long long dir_bytes(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    long long sum = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (lstat(p, &st))
            continue;
        if (S_ISDIR(st.st_mode))
            sum += dir_bytes(p);
        else if (S_ISREG(st.st_mode))
            sum += st.st_size;
    }
    closedir(d);
    return sum;
}

static FILE *out;    /* the real standard output; stdout goes to the log */

typedef struct mark {
    int sessions;
    long rss_kb, hwm_kb;
    size_t heap;        /* mallinfo2: bytes in use */
    size_t arena;       /* mallinfo2: bytes the main arena + mmaps hold */
    long long sqlite;   /* sqlite3_memory_used: SQLite's share of the heap */
    double t;
    long long disk;
} mark;

static mark take(int sessions, const char *dir)
{
    struct mallinfo2 mi = mallinfo2();
    mark m = {sessions, proc_status_kb("VmRSS"), proc_status_kb("VmHWM"), mi.uordblks + mi.hblkhd,
              mi.arena + mi.hblkhd, sqlite3_memory_used(), now_s(), dir_bytes(dir)};
    return m;
}

static void print_mark(const char *what, const mark *m, const mark *prev)
{
    fprintf(out, "  %-22s %6d sessions  VmRSS %7.1f MB  VmHWM %7.1f MB  heap in use %6.1f MB"
           " (SQLite %5.2f MB, arena %5.1f MB)  data dir %5.2f MB", what, m->sessions,
           m->rss_kb / 1024.0, m->hwm_kb / 1024.0, m->heap / 1048576.0,
           m->sqlite / 1048576.0, m->arena / 1048576.0,
           m->disk / 1048576.0);
    if (prev && m->t > prev->t)
        fprintf(out, "  %.2f sessions/s", (m->sessions - prev->sessions) / (m->t - prev->t));
    fprintf(out, "\n");
}

static app A;
static settings cfg;

/* Runs one session with stdout (one line per run) and stderr (the
 * kiosk's threads) sent to the log; on failure shows the log's end. */
static int run_session(const script *sc, const char *shots, const char *log, int *saved)
{
    fflush(stdout);
    fflush(stderr);
    int rc = script_run(sc, &A, shots);
    fflush(stdout);
    fflush(stderr);
    if (rc) {
        dup2(saved[0], 1);
        dup2(saved[1], 2);
        fprintf(stderr, "bench_soak: a session failed; the end of %s:\n", log);
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "tail -n 30 '%s' >&2", log);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_soak: cannot show %s\n", log);
    }
    return rc;
}

int main(int argc, char **argv)
{
    int sessions = 2000, warmup = 100, every = 1000;
    bool keep = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--warmup") && i + 1 < argc)
            warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--every") && i + 1 < argc)
            every = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--keep"))
            keep = true;
        else if (argv[i][0] != '-' && atoi(argv[i]) > 0)
            sessions = atoi(argv[i]);
        else {
            fprintf(stderr, "usage: bench_soak [SESSIONS] [--warmup N] [--every N] [--keep]\n");
            return 2;
        }
    }
    if (warmup < 1 || warmup >= sessions || every < 1) {
        fprintf(stderr, "bench_soak: need 1 <= warm-up < sessions and --every >= 1\n");
        return 2;
    }

    char dir[] = "/tmp/bench_soak.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char data[sizeof dir + 16], shots[sizeof dir + 16], path[sizeof dir + 32],
        log[sizeof dir + 16];
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(shots, sizeof shots, "%s/shots", dir);
    snprintf(path, sizeof path, "%s/session.kiosk", dir);
    snprintf(log, sizeof log, "%s/LOG", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs(session_script, f) < 0 || fclose(f)) {
        perror(path);
        return 1;
    }

    diag_list errs = DIAG_LIST_INIT;
    if (!settings_load(&cfg, CONFIG_PATH, &errs)) {
        diag_print(&errs, stderr);
        return 1;
    }
    free(cfg.data_dir);
    cfg.data_dir = strdup(data);
    if (!storage_open(data, &errs)) {
        diag_print(&errs, stderr);
        return 1;
    }
    ltext_set_fallback(cfg.fallback_lang);
    form_set_languages((const char (*)[LANG_CODE_SIZE])cfg.langs, (size_t)cfg.n_langs);
    catalog *cat = catalog_load(cfg.catalog_path, &errs);
    if (!cat) {
        diag_print(&errs, stderr);
        return 1;
    }
    clock_use_virtual(0);
    app_setup su = {.cfg = &cfg, .cat = cat, .headless = true};
    registry_setup(&su);
    script sc = {0};
    if (!script_load(&sc, path, &errs)) {
        diag_print(&errs, stderr);
        return 1;
    }

    /* the kiosk's output to the log from here on */
    int saved[2] = {dup(1), dup(2)};
    int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (lfd < 0 || saved[0] < 0 || saved[1] < 0) {
        perror(log);
        return 1;
    }
    out = fdopen(saved[0], "w");
    setvbuf(out, NULL, _IOLBF, 0);
    dup2(lfd, 1);
    dup2(lfd, 2);
    close(lfd);

    mark start = take(0, data);
    if (!app_init(&A, &su)) {
        dup2(saved[1], 2);
        fprintf(stderr, "bench_soak: the kiosk did not start (see %s)\n", log);
        return 1;
    }
    mark started = take(0, data);
    fprintf(out, "soak: %d complete sessions (sign in, a category and a guide, search sbjf, "
                 "the help request to the outbox, rating, idle reset) in one kiosk process,\n"
                 "      headless 1080x1920, virtual clock, warm-up %d, data in %s\n",
            sessions, warmup, data);
    (void)start;

    print_mark("started", &started, NULL);
    fflush(out);

    mark warm = started, prev = started;
    double t0 = now_s();
    for (int s = 1; s <= sessions; s++) {
        if (run_session(&sc, shots, log, saved)) {
            fprintf(stderr, "bench_soak: session %d of %d failed\n", s, sessions);
            return 1;
        }
        if (s == warmup || s % every == 0 || s == sessions) {
            mark m = take(s, data);
            if (s == warmup) {
                print_mark("after warm-up", &m, &started);
                warm = m;
            } else {
                char what[40];
                snprintf(what, sizeof what, "after %d", s);
                print_mark(what, &m, &prev);
                double per = (m.rss_kb - warm.rss_kb) / 1024.0 * 1000.0 /
                             (double)(s - warm.sessions);
                double heap_per = ((double)m.heap - (double)warm.heap) / 1048576.0 * 1000.0 /
                                  (double)(s - warm.sessions);
                fprintf(out, "  %-22s VmRSS %+.3f MB, heap in use %+.3f MB per 1,000 sessions "
                       "since the warm-up  [target < %.0f MB: %s]\n", "", per, heap_per,
                       TARGET_GROWTH_MB, per < TARGET_GROWTH_MB ? "met" : "MISSED");
            }
            fflush(out);
            prev = m;
        }
    }
    double secs = now_s() - t0;
    mark end = take(sessions, data);
    fprintf(out, "  %d sessions in %.1f s: %.2f sessions/s (%.0f ms each); outbox and keys on "
           "disk %.2f MB (%.0f bytes per session)\n", sessions, secs, sessions / secs,
           1000.0 * secs / sessions, end.disk / 1048576.0,
           (double)(end.disk - started.disk) / sessions);
    fflush(out);

    app_shutdown(&A);
    script_free(&sc);
    settings_free(&cfg);
    storage_close();
    dup2(saved[1], 2);
    if (!keep) {
        char cmd[sizeof dir + 16];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        return system(cmd) == 0 ? 0 : 1;
    }
    fprintf(out, "  kept %s\n", dir);
    return 0;
}
