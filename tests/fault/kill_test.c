/*
 * Kill test: runs `kioskctl queue probe 1000000` on one data directory,
 * SIGKILLs it at a random moment 5-80 ms after its first commit, and checks
 * after every trial that each key it printed as committed is in the
 * database, integrity_check is ok, and no probe is stored under two keys.
 * KILL_TRIALS (default 200) sets the number of trials.
 *
 * usage: kill_test KIOSKCTL CONFIG DATA_DIR
 */
#include <signal.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char **keys;
static size_t n_keys, cap_keys;

static void add_key(const char *k)
{
    if (n_keys == cap_keys) {
        cap_keys = cap_keys ? cap_keys * 2 : 1024;
        keys = realloc(keys, cap_keys * sizeof *keys);
    }
    keys[n_keys++] = strdup(k);
}

static int check(const char *db_path)
{
    sqlite3 *h;
    if (sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s\n", db_path);
        return 1;
    }
    sqlite3_busy_timeout(h, 5000);
    int bad = 0;
    sqlite3_stmt *st;
    sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
    if (sqlite3_step(st) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), "ok")) {
        fprintf(stderr, "integrity_check failed\n");
        bad = 1;
    }
    sqlite3_finalize(st);
    sqlite3_prepare_v2(h, "SELECT count(*) - count(DISTINCT payload) FROM outbox", -1, &st, NULL);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 0) {
        fprintf(stderr, "a probe is stored under two keys\n");
        bad = 1;
    }
    sqlite3_finalize(st);
    sqlite3_prepare_v2(h, "SELECT 1 FROM outbox WHERE key = ?", -1, &st, NULL);
    for (size_t i = 0; i < n_keys; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, keys[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            fprintf(stderr, "committed key %s is missing\n", keys[i]);
            bad = 1;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return bad;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: kill_test KIOSKCTL CONFIG DATA_DIR\n");
        return 2;
    }
    int trials = getenv("KILL_TRIALS") ? atoi(getenv("KILL_TRIALS")) : 200;
    char db_path[4096];
    snprintf(db_path, sizeof db_path, "%s/outbox.db", argv[3]);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    double t0 = now_ms();
    for (int t = 0; t < trials; t++) {
        int fds[2];
        if (pipe(fds) != 0)
            return 2;
        pid_t pid = fork();
        if (pid == 0) {
            dup2(fds[1], 1);
            close(fds[0]);
            close(fds[1]);
            execl(argv[1], argv[1], "queue", "probe", "1000000", "--config", argv[2],
                  "--data-dir", argv[3], (char *)NULL);
            _exit(127);
        }
        close(fds[1]);
        FILE *f = fdopen(fds[0], "r");
        char line[128];
        int delay = 5 + rand() % 76;
        double deadline = 0;
        bool killed = false;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "committed ", 10))
                continue;
            line[strcspn(line, "\n")] = '\0';
            add_key(line + 10);
            if (!deadline)
                deadline = now_ms() + delay;
            if (!killed && now_ms() >= deadline) {
                kill(pid, SIGKILL);
                killed = true; /* lines already in the pipe are still read */
            }
        }
        fclose(f);
        if (!killed)
            kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        if (!WIFSIGNALED(status)) {
            fprintf(stderr, "trial %d: probe ended by itself (status %d)\n", t, status);
            return 1;
        }
        if (check(db_path))
            return 1;
    }
    printf("kill test: %d trials, %zu committed keys all present, integrity ok, no "
           "duplicates (%.1f s)\n",
           trials, n_keys, (now_ms() - t0) / 1000);
    return 0;
}
