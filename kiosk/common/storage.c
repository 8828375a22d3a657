#include "common/storage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *open_dir;  /* owned; NULL until storage_open succeeds */

/* Creates and removes a file in dir: the only honest answer to "can the
 * kiosk write here?" (root passes access(W_OK) on a read-only mount). */
static bool write_probe(const char *dir, int *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/.kiosk-write-probe-XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof path) {
        *err = ENAMETOOLONG;
        return false;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        *err = errno;
        return false;
    }
    bool ok = write(fd, "k", 1) == 1;
    if (!ok)
        *err = errno;
    close(fd);
    unlink(path);
    return ok;
}

static void parent_of(const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s", path);
    size_t len = strlen(buf);
    while (len > 1 && buf[len - 1] == '/')
        buf[--len] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        snprintf(buf, size, ".");
    else
        slash[slash == buf ? 1 : 0] = '\0';
}

bool storage_check(const char *data_dir, char *why, size_t wsize)
{
    struct stat st;
    int err = 0;
    if (!data_dir || !*data_dir) {
        snprintf(why, wsize, "no data directory is configured");
        return false;
    }
    if (stat(data_dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            snprintf(why, wsize, "data directory %s is not a directory", data_dir);
            return false;
        }
        if (!write_probe(data_dir, &err)) {
            snprintf(why, wsize, "data directory %s is not writable: %s", data_dir,
                     strerror(err));
            return false;
        }
        return true;
    }
    if (errno != ENOENT) {
        snprintf(why, wsize, "data directory %s cannot be used: %s", data_dir,
                 strerror(errno));
        return false;
    }
    char parent[4096];
    parent_of(data_dir, parent, sizeof parent);
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, wsize, "data directory %s cannot be created: its parent %s "
                 "does not exist", data_dir, parent);
        return false;
    }
    /* the same probe in the parent: access() says yes to root even where
     * nothing can be created (a read-only mount, /proc) */
    if (!write_probe(parent, &err)) {
        snprintf(why, wsize, "data directory %s cannot be created in %s: %s",
                 data_dir, parent, strerror(err));
        return false;
    }
    return true;
}

bool storage_open(const char *data_dir, diag_list *errors)
{
    storage_close();
    const char *file = data_dir ? data_dir : "";
    if (!data_dir || !*data_dir) {
        diag_add(errors, file, 0, 0, "no data directory is configured");
        return false;
    }
    /* 0700: receipts and keys are nobody else's business on the box. */
    if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
        diag_add(errors, file, 0, 0, "data directory %s cannot be created: %s",
                 data_dir, strerror(errno));
        return false;
    }
    char why[4300];
    if (!storage_check(data_dir, why, sizeof why)) {
        diag_add(errors, file, 0, 0, "%s", why);
        return false;
    }
    open_dir = strdup(data_dir);
    if (!open_dir) {
        diag_add(errors, file, 0, 0, "out of memory");
        return false;
    }
    return true;
}

const char *storage_dir(void)
{
    return open_dir;
}

void storage_close(void)
{
    free(open_dir);
    open_dir = NULL;
}

static bool name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* Components of name_char_ok characters separated by single '/', none of
 * them "." or "..", an optional trailing '/'. */
static bool name_ok(const char *name)
{
    if (!name || !*name || *name == '/')
        return false;
    const char *p = name;
    while (*p) {
        const char *start = p;
        while (*p && *p != '/') {
            if (!name_char_ok(*p))
                return false;
            p++;
        }
        size_t n = (size_t)(p - start);
        if (n == 0 || (n == 1 && start[0] == '.') ||
            (n == 2 && start[0] == '.' && start[1] == '.'))
            return false;
        if (*p == '/')
            p++;
    }
    return true;
}

bool storage_path(const char *name, char *buf, size_t size)
{
    if (size)
        buf[0] = '\0';
    if (!open_dir || !name_ok(name)) {
        errno = EINVAL;
        return false;
    }
    int n = snprintf(buf, size, "%s/%s", open_dir, name);
    if (n < 0 || (size_t)n >= size) {
        if (size)
            buf[0] = '\0';
        errno = ENAMETOOLONG;
        return false;
    }
    /* Create each directory level after data_dir: every '/' in name ends
     * one (a trailing '/' ends the name itself). */
    size_t base = strlen(open_dir) + 1;
    for (size_t i = base; buf[i]; i++) {
        if (buf[i] != '/')
            continue;
        buf[i] = '\0';
        int rc = mkdir(buf, 0700);
        int e = errno;
        buf[i] = '/';
        if (rc != 0 && e != EEXIST) {
            buf[0] = '\0';
            errno = e;
            return false;
        }
    }
    return true;
}

static void sync_dir_of(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = '\0';
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

bool storage_create_once(const char *path, const void *bytes, size_t len, const char *what,
                         char *why, size_t wsize)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        snprintf(why, wsize, "%s %s cannot be created: %s", what, path, strerror(errno));
        return false;
    }
    bool ok = write(fd, bytes, len) == (ssize_t)len && fsync(fd) == 0;
    int werr = errno;
    close(fd);
    if (!ok) {
        unlink(tmp);
        snprintf(why, wsize, "%s %s cannot be written: %s", what, path, strerror(werr));
        return false;
    }
    if (link(tmp, path) != 0 && errno != EEXIST) {
        werr = errno;
        unlink(tmp);
        snprintf(why, wsize, "%s %s cannot be created: %s", what, path, strerror(werr));
        return false;
    }
    unlink(tmp);
    sync_dir_of(path);
    return true;
}
