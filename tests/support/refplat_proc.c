/*
 * refplat_proc: see refplat_proc.h.
 */
#include "refplat_proc.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

double refplat_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void refplat_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

bool refplat_start(refplat_proc *p, const char *script, const char *dir)
{
    char portfile[1100], db[1100];
    snprintf(portfile, sizeof portfile, "%s/plat.port", dir);
    snprintf(db, sizeof db, "%s/plat.db", dir);
    unlink(portfile);
    unlink(db);
    p->port = 0;
    char *argv[] = {"python3", (char *)script, "--port", "0", "--port-file", portfile,
                    "--db", db, "--quiet", NULL};
    if (posix_spawnp(&p->pid, "python3", NULL, NULL, argv, environ) != 0) {
        p->pid = 0;
        return false;
    }
    /* the platform writes the file once it listens (atomically) */
    for (int i = 0; i < 200 && !p->port; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            if (fscanf(f, "%d", &p->port) != 1)
                p->port = 0;
            fclose(f);
        }
        if (!p->port)
            refplat_sleep_ms(50);
    }
    if (!p->port)
        refplat_stop(p);
    return p->port != 0;
}

void refplat_stop(refplat_proc *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        waitpid(p->pid, NULL, 0);
    }
    p->pid = 0;
}
