/*
 * voice_engine: the engine table and the per-utterance process.
 */
/* pipe2 and posix_spawn_file_actions_addclosefrom_np (glibc 2.34) */
#define _GNU_SOURCE
#include "voice/voice_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* espeak-ng (and the classic espeak, same options): -v voice, -s words
 * per minute, -b 1 = the input is UTF-8, --stdout = WAV on standard
 * output. The text comes on standard input, never on the command line:
 * no length limit from argv, and nothing the resident typed is visible in
 * the process list. */
static void espeak_argv(const char *command, const char *voice, int rate, char **argv,
                        char *store, size_t store_size)
{
    int n = 0;
    size_t used = 0;
    argv[n++] = (char *)command;
    argv[n++] = "-b";
    argv[n++] = "1";
    argv[n++] = "-v";
    argv[n++] = (char *)voice;
    argv[n++] = "-s";
    int w = snprintf(store + used, store_size - used, "%d", rate);
    argv[n++] = store + used;
    used += (size_t)w + 1;
    argv[n++] = "--stdout";
    argv[n] = NULL;
}

static const voice_engine engines[] = {
    {"espeak-ng", espeak_argv},
    {"espeak", espeak_argv},
};

const voice_engine *voice_engine_find(const char *command)
{
    const char *base = strrchr(command, '/');
    base = base ? base + 1 : command;
    for (size_t i = 0; i < sizeof engines / sizeof *engines; i++)
        if (!strcmp(base, engines[i].name))
            return &engines[i];
    return NULL;
}

static bool executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

bool voice_engine_locate(const char *command, char *path, size_t size)
{
    if (!command[0])
        return false;
    if (strchr(command, '/')) {
        if (strlen(command) >= size || !executable(command))
            return false;
        snprintf(path, size, "%s", command);
        return true;
    }
    const char *env = getenv("PATH");
    const char *dirs = env && env[0] ? env : "/usr/local/bin:/usr/bin:/bin";
    for (const char *d = dirs; *d;) {
        const char *end = strchr(d, ':');
        size_t len = end ? (size_t)(end - d) : strlen(d);
        if (len && len + 1 + strlen(command) < size) {
            snprintf(path, size, "%.*s/%s", (int)len, d, command);
            if (executable(path))
                return true;
        }
        d += len + (end ? 1 : 0);
    }
    return false;
}

bool voice_proc_start(voice_proc *p, const voice_engine *e, const char *path, const char *voice,
                      int rate, const char *text, char *why, size_t why_size)
{
    p->pid = -1;
    p->out = -1;
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC)) {
        snprintf(why, why_size, "pipe: %s", strerror(errno));
        return false;
    }
    if (pipe2(out, O_CLOEXEC)) {
        snprintf(why, why_size, "pipe: %s", strerror(errno));
        close(in[0]);
        close(in[1]);
        return false;
    }
    char *argv[VOICE_ENGINE_ARGS];
    char store[64];
    e->argv(path, voice, rate, argv, store, sizeof store);

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    /* the engine's complaints go nowhere: it runs for every screen, and
     * a missing voice is reported once, by the kiosk, as a status */
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    /* nothing else of the kiosk's -- the outbox database, the reader's
     * USB handle, the log -- is the engine's business */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    /* A default signal state: the kiosk blocks or ignores some signals
     * (SIGPIPE, its own SIGTERM handling) that the engine must not inherit. */
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(in[0]);
    close(out[1]);
    if (rc) {
        snprintf(why, why_size, "cannot start %s: %s", path, strerror(rc));
        close(in[1]);
        close(out[0]);
        return false;
    }
    /* The text fits the pipe's buffer (utterances stay under 4 KiB, a pipe
     * holds 64 KiB), so this write never waits on the engine. An engine
     * that died at once makes it fail with EPIPE; SIGPIPE is blocked around
     * the writes and a pending one taken, so the kiosk does not die of it. */
    size_t len = strlen(text), done = 0;
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    while (done < len) {
        ssize_t w = write(in[1], text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    if (done < len || len == 0 || text[len - 1] != '\n') {
        ssize_t ignored = write(in[1], "\n", 1);
        (void)ignored;
    }
    /* a SIGPIPE raised by those writes is pending in this thread: take it */
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(in[1]);
    fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
    p->pid = pid;
    p->out = out[0];
    return true;
}

long voice_proc_read(voice_proc *p, void *buf, size_t n, int timeout_ms)
{
    if (p->out < 0)
        return -1;
    for (;;) {
        ssize_t r = read(p->out, buf, n);
        if (r >= 0)
            return (long)r;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return -1;
        struct pollfd pf = {p->out, POLLIN, 0};
        int pr = poll(&pf, 1, timeout_ms);
        if (pr == 0)
            return -2;
        if (pr < 0 && errno != EINTR)
            return -1;
    }
}

int voice_proc_end(voice_proc *p, bool kill_it)
{
    int status = -1;
    if (p->out >= 0) {
        close(p->out);
        p->out = -1;
    }
    if (p->pid > 0) {
        if (kill_it)
            kill(p->pid, SIGKILL);
        while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {
        }
        p->pid = -1;
    }
    return status;
}
