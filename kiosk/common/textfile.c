#include "common/textfile.h"

#include <errno.h>
#include <fcntl.h>
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

char *textfile_read(const char *path, size_t max_size, const char *what,
                    size_t *len, diag_list *errors)
{
    *len = 0;
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer; fstat below then refuses it without reading. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        diag_add(errors, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        diag_add(errors, path, 0, 0, "cannot read: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        diag_add(errors, path, 0, 0, "cannot read: %s", strerror(EISDIR));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_add(errors, path, 0, 0,
                 "cannot read: not a regular file (a FIFO, device or socket)");
        close(fd);
        return NULL;
    }
    /* Regular files never block; reading in blocking mode keeps read()'s
     * short counts simple. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);

    char limit[32];
    format_size(max_size, limit, sizeof limit);
    if ((unsigned long long)st.st_size > (unsigned long long)max_size) {
        diag_add(errors, path, 0, 0, "file is larger than %s; is this really %s?",
                 limit, what ? what : "the right file");
        close(fd);
        return NULL;
    }
    /* The size may change while reading (a file being replaced): read up
     * to one byte past the limit and judge what actually arrived. */
    size_t cap = (size_t)st.st_size + 1 < max_size + 1 ? (size_t)st.st_size + 1
                                                      : max_size + 1;
    char *buf = malloc(cap + 1);
    if (!buf) {
        diag_add(errors, path, 0, 0, "out of memory reading the file");
        close(fd);
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
                diag_add(errors, path, 0, 0, "out of memory reading the file");
                close(fd);
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
            close(fd);
            diag_add(errors, path, 0, 0, "cannot read: %s", strerror(e));
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (n > max_size) {
        free(buf);
        diag_add(errors, path, 0, 0, "file is larger than %s; is this really %s?",
                 limit, what ? what : "the right file");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
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
