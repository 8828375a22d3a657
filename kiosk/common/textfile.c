#include "common/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/utf8.h"

/* "16 MiB", "1024 KiB", "300 bytes": the limit as a technician reads it. */
static void format_size(size_t n, char *buf, size_t size)
{
    if (n >= 1024u * 1024u && n % (1024u * 1024u) == 0)
        snprintf(buf, size, "%zu MiB", n / (1024u * 1024u));
    else if (n >= 1024u && n % 1024u == 0)
        snprintf(buf, size, "%zu KiB", n / 1024u);
    else
        snprintf(buf, size, "%zu bytes", n);
}

int textfile_open(const char *path, int extra_flags, struct stat *st,
                  char *why, size_t why_size)
{
    struct stat own;
    if (!st)
        st = &own;
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer, forever; fstat below then refuses it without reading. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | extra_flags);
    if (fd < 0) {
        int e = errno;
        snprintf(why, why_size, "cannot open: %s", strerror(e));
        errno = e;
        return -1;
    }
    int e = 0;
    if (fstat(fd, st) != 0) {
        e = errno;
        snprintf(why, why_size, "cannot read: %s", strerror(e));
    } else if (S_ISDIR(st->st_mode)) {
        e = EISDIR;
        snprintf(why, why_size, "cannot read: %s", strerror(e));
    } else if (!S_ISREG(st->st_mode)) {
        e = EINVAL;
        snprintf(why, why_size, "cannot read: not a regular file (a FIFO, device "
                 "or socket); name a regular file");
    }
    /* Regular files never block; blocking mode keeps read()'s short counts
     * and stdio simple for the callers. */
    int fl = e ? -1 : fcntl(fd, F_GETFL);
    if (fl >= 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        e = errno;
        snprintf(why, why_size, "cannot read: %s", strerror(e));
    }
    if (e) {
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Reads fd to its end, keeping at most max_size bytes (one more is read to
 * tell "exactly the limit" from "more"). size_hint: the size fstat gave,
 * 0 when unknown (a pipe). name is the file, or "standard input". */
static char *read_bounded(int fd, const char *name, size_t max_size, const char *what,
                          size_t size_hint, size_t *len, diag_list *errors)
{
    char limit[32];
    format_size(max_size, limit, sizeof limit);
    /* The size may change while reading (a file being replaced): read up
     * to one byte past the limit and judge what actually arrived. */
    size_t cap = size_hint + 1 < max_size + 1 ? size_hint + 1 : max_size + 1;
    if (cap < 4096 && max_size + 1 >= 4096)
        cap = 4096;
    char *buf = malloc(cap + 1);
    if (!buf) {
        diag_add(errors, name, 0, 0, "out of memory reading the file");
        return NULL;
    }
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > max_size)
                break;
            size_t ncap = cap * 2 > max_size + 1 ? max_size + 1 : cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                diag_add(errors, name, 0, 0, "out of memory reading the file");
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            diag_add(errors, name, 0, 0, "cannot read: %s", strerror(e));
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > max_size) {
        free(buf);
        diag_add(errors, name, 0, 0, "%s than %s; is this really %s?",
                 strcmp(name, "standard input") ? "file is larger" : "more", limit,
                 what ? what : "the right file");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

char *textfile_read(const char *path, size_t max_size, const char *what,
                    size_t *len, diag_list *errors)
{
    *len = 0;
    struct stat st;
    char why[256];
    int fd = textfile_open(path, 0, &st, why, sizeof why);
    if (fd < 0) {
        diag_add(errors, path, 0, 0, "%s", why);
        return NULL;
    }
    if ((unsigned long long)st.st_size > (unsigned long long)max_size) {
        char limit[32];
        format_size(max_size, limit, sizeof limit);
        diag_add(errors, path, 0, 0, "file is larger than %s; is this really %s?",
                 limit, what ? what : "the right file");
        close(fd);
        return NULL;
    }
    char *buf = read_bounded(fd, path, max_size, what, (size_t)st.st_size, len, errors);
    close(fd);
    return buf;
}

char *textfile_read_stdin(size_t max_size, const char *what, size_t *len,
                          diag_list *errors)
{
    *len = 0;
    return read_bounded(STDIN_FILENO, "standard input", max_size, what, 0, len, errors);
}

void textfile_position(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

bool textfile_check(const char *text, size_t len, const char *name,
                    unsigned flags, diag_list *errors)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t start = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        if (!(flags & TEXTFILE_ALLOW_BOM)) {
            diag_add(errors, name, 1, 1,
                     "file starts with a byte order mark (BOM); save it as "
                     "UTF-8 without BOM");
            return false;
        }
        start = 3;
    }
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        diag_add(errors, name, 1, 1,
                 "file is UTF-16 encoded; save it as UTF-8 without BOM");
        return false;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int line, col;
        textfile_position(text, (size_t)(nul - text), &line, &col);
        diag_add(errors, name, line, col,
                 "file contains a NUL byte; it is not a text file, or not "
                 "UTF-8 (UTF-16?); save it as UTF-8");
        return false;
    }
    size_t bad = start + utf8_invalid_at(text + start, len - start);
    if (bad < len) {
        int line, col;
        textfile_position(text, bad, &line, &col);
        diag_add(errors, name, line, col,
                 "file is not valid UTF-8 (byte 0x%02X); save it as UTF-8, "
                 "not GBK or GB18030", u[bad]);
        return false;
    }
    return true;
}

char *textfile_load(const char *path, size_t max_size, const char *what,
                    unsigned flags, size_t *len, diag_list *errors)
{
    char *text = textfile_read(path, max_size, what, len, errors);
    if (text && !textfile_check(text, *len, path, flags, errors)) {
        free(text);
        *len = 0;
        return NULL;
    }
    return text;
}

bool textfile_read_exact(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}
