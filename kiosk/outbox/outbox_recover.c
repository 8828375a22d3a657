/*
 * outbox_recover: see outbox_recover.h.
 *
 * The SQLite file format (https://www.sqlite.org/fileformat2.html) in the
 * few parts needed here: the page size in the header, table-leaf pages
 * (type 13) with their cell pointer arrays, cells of payload length, rowid
 * and payload (spilling to a chain of overflow pages past a local limit),
 * records of a header of serial types followed by the values, and WAL
 * frames of a 24-byte header (page number, salts) and one page image.
 */
#include "outbox/outbox_recover.h"
#include "common/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WAL_HEADER 32
#define FRAME_HEADER 24
#define PAGE_LEAF_TABLE 13
/* outbox columns in the order the migrations create them (a row written
 * before migration 2 has only the first 15) */
enum {
    C_SEQ, C_KEY, C_KIND, C_ITEM, C_PAYLOAD, C_SEALED, C_NAME, C_ID, C_PHONE, C_WALL,
    C_MONO, C_STATE, C_ATTEMPTS, C_NEXT, C_ERROR, C_BOOT, C_SYNCED, C_ADDRESS, C_DONE,
    N_COLS_V2, N_COLS_V1 = C_BOOT
};

typedef struct image {
    const unsigned char *data;
    uint32_t pgno;
} image;

typedef struct scan {
    uint32_t psize, usable;
    const unsigned char **page;   /* newest image of each page number, or NULL */
    uint32_t npages;
    image *order;                 /* every image, in the order to read */
    size_t norder;
    char (*seen)[OUTBOX_UUID_SIZE]; /* open-addressing set of keys */
    size_t seen_cap, seen_n;
    outbox_recover_stats st;
} scan;

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A SQLite varint at p (at most 9 bytes, not past end); 0 bytes on error. */
static int varint(const unsigned char *p, const unsigned char *end, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 9; i++) {
        if (p + i >= end)
            return 0;
        if (i == 8) {
            *out = v << 8 | p[i];
            return 9;
        }
        v = v << 7 | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) {
            *out = v;
            return i + 1;
        }
    }
    return 0;
}

static bool valid_page_size(uint32_t s)
{
    return s >= 512 && s <= 65536 && (s & (s - 1)) == 0;
}

/* ---- keys seen ---------------------------------------------------------- */

static uint64_t hash_key(const char *k)
{
    uint64_t h = 1469598103934665603ull;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

/* True when key was new (and is now remembered). */
static bool seen_add(scan *s, const char *key)
{
    if (s->seen_n * 2 >= s->seen_cap) {
        size_t cap = s->seen_cap ? s->seen_cap * 2 : 1024;
        char(*t)[OUTBOX_UUID_SIZE] = calloc(cap, sizeof *t);
        if (!t)
            return true; /* a repeat is harmless: salvage skips known keys */
        for (size_t i = 0; i < s->seen_cap; i++)
            if (s->seen[i][0]) {
                size_t j = hash_key(s->seen[i]) & (cap - 1);
                while (t[j][0])
                    j = (j + 1) & (cap - 1);
                memcpy(t[j], s->seen[i], OUTBOX_UUID_SIZE);
            }
        free(s->seen);
        s->seen = t;
        s->seen_cap = cap;
    }
    size_t j = hash_key(key) & (s->seen_cap - 1);
    while (s->seen[j][0]) {
        if (!strcmp(s->seen[j], key))
            return false;
        j = (j + 1) & (s->seen_cap - 1);
    }
    snprintf(s->seen[j], OUTBOX_UUID_SIZE, "%s", key);
    s->seen_n++;
    return true;
}

/* ---- records ------------------------------------------------------------ */

typedef struct value {
    enum { V_NULL, V_INT, V_REAL, V_BLOB, V_TEXT } type;
    int64_t i;
    const unsigned char *p;
    size_t n;
} value;

/* Decodes the values of a record into v[0..*nv); false when malformed. */
static bool record(const unsigned char *p, size_t len, value *v, int max, int *nv)
{
    const unsigned char *end = p + len;
    uint64_t hsize;
    int k = varint(p, end, &hsize);
    if (!k || hsize < (uint64_t)k || hsize > len)
        return false;
    const unsigned char *h = p + k, *hend = p + hsize, *body = hend;
    int n = 0;
    while (h < hend) {
        uint64_t t;
        int m = varint(h, hend, &t);
        if (!m || n == max)
            return false;
        h += m;
        value *x = &v[n++];
        memset(x, 0, sizeof *x);
        static const int int_sizes[] = {0, 1, 2, 3, 4, 6, 8};
        if (t == 0) {
            x->type = V_NULL;
        } else if (t <= 6) {
            size_t sz = (size_t)int_sizes[t];
            if ((size_t)(end - body) < sz)
                return false;
            uint64_t u = (body[0] & 0x80) ? UINT64_MAX : 0; /* sign */
            for (size_t i = 0; i < sz; i++)
                u = u << 8 | body[i];
            x->type = V_INT;
            x->i = (int64_t)u;
            body += sz;
        } else if (t == 7) {
            if (end - body < 8)
                return false;
            x->type = V_REAL;
            body += 8;
        } else if (t == 8 || t == 9) {
            x->type = V_INT;
            x->i = t == 9;
        } else if (t >= 12) {
            uint64_t sz = (t - 12) / 2;
            if ((uint64_t)(end - body) < sz)
                return false;
            x->type = t % 2 ? V_TEXT : V_BLOB;
            x->p = body;
            x->n = (size_t)sz;
            body += sz;
        } else {
            return false; /* 10 and 11 are reserved */
        }
    }
    *nv = n;
    return true;
}

static bool text_into(const value *v, char *out, size_t size, bool may_be_empty)
{
    if (v->type != V_TEXT || v->n >= size || (!may_be_empty && v->n == 0) ||
        memchr(v->p, '\0', v->n))
        return false;
    memcpy(out, v->p, v->n);
    out[v->n] = '\0';
    return true;
}

static bool is_uuid(const char *k)
{
    if (strlen(k) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? k[i] != '-' : !strchr("0123456789abcdef", k[i]))
            return false;
    }
    return true;
}

/* The record as an outbox row, when it has the shape of one. */
static bool as_row(const value *v, int n, int64_t rowid, outbox_row *r)
{
    memset(r, 0, sizeof *r);
    if (n != N_COLS_V1 && n != N_COLS_V2)
        return false;
    char state[16];
    bool ok = (v[C_SEQ].type == V_NULL || v[C_SEQ].type == V_INT) &&
              text_into(&v[C_KEY], r->key, sizeof r->key, false) && is_uuid(r->key) &&
              text_into(&v[C_KIND], r->kind, sizeof r->kind, false) &&
              text_into(&v[C_ITEM], r->item_code, sizeof r->item_code, true) &&
              v[C_PAYLOAD].type == V_TEXT &&
              (v[C_SEALED].type == V_BLOB || v[C_SEALED].type == V_NULL) &&
              text_into(&v[C_NAME], r->masked.name, sizeof r->masked.name, true) &&
              text_into(&v[C_ID], r->masked.id_number, sizeof r->masked.id_number, true) &&
              text_into(&v[C_PHONE], r->masked.phone, sizeof r->masked.phone, true) &&
              v[C_WALL].type == V_INT && v[C_MONO].type == V_INT &&
              text_into(&v[C_STATE], state, sizeof state, false) &&
              outbox_state_parse(state, &r->state) && v[C_ATTEMPTS].type == V_INT &&
              v[C_NEXT].type == V_INT &&
              text_into(&v[C_ERROR], r->last_error, sizeof r->last_error, true);
    if (ok && n == N_COLS_V2)
        ok = text_into(&v[C_BOOT], r->boot_id, sizeof r->boot_id, true) &&
             v[C_SYNCED].type == V_INT &&
             text_into(&v[C_ADDRESS], r->masked.address, sizeof r->masked.address, true) &&
             v[C_DONE].type == V_INT;
    if (!ok)
        return false;
    r->seq = rowid;
    r->created_wall = v[C_WALL].i;
    r->created_mono_ms = v[C_MONO].i;
    r->attempts = (int)v[C_ATTEMPTS].i;
    r->next_attempt = v[C_NEXT].i;
    if (n == N_COLS_V2) {
        r->wall_synced = v[C_SYNCED].i != 0;
        r->done_at = v[C_DONE].i;
    }
    r->payload = malloc(v[C_PAYLOAD].n + 1);
    if (!r->payload)
        return false;
    memcpy(r->payload, v[C_PAYLOAD].p, v[C_PAYLOAD].n);
    r->payload[v[C_PAYLOAD].n] = '\0';
    if (v[C_SEALED].type == V_BLOB && v[C_SEALED].n) {
        if (!(r->sealed = malloc(v[C_SEALED].n))) {
            outbox_row_clear(r);
            return false;
        }
        memcpy(r->sealed, v[C_SEALED].p, v[C_SEALED].n);
        r->sealed_len = v[C_SEALED].n;
    }
    return true;
}

/* ---- pages -------------------------------------------------------------- */

/* The whole payload of a cell into buf (malloc'd), following its overflow
 * chain through the newest page images; NULL when it cannot be had. */
static unsigned char *cell_payload(scan *s, const unsigned char *page, const unsigned char *c,
                                   uint64_t plen, size_t *out_len)
{
    const unsigned char *pend = page + s->usable;
    uint32_t u = s->usable, x = u - 35;
    uint64_t local = plen;
    if (plen > x) {
        uint32_t m = ((u - 12) * 32 / 255) - 23;
        uint64_t k = m + ((plen - m) % (u - 4));
        local = k <= x ? k : m;
    }
    bool spills = local < plen;
    if (c + local + (spills ? 4 : 0) > pend || plen > 64u * 1024 * 1024)
        return NULL;
    unsigned char *buf = malloc((size_t)plen ? (size_t)plen : 1);
    if (!buf)
        return NULL;
    memcpy(buf, c, (size_t)local);
    size_t got = (size_t)local;
    uint32_t next = spills ? be32(c + local) : 0;
    for (uint32_t hops = 0; got < plen; hops++) {
        if (next == 0 || next > s->npages || !s->page[next - 1] || hops > s->npages) {
            free(buf);
            return NULL;
        }
        const unsigned char *o = s->page[next - 1];
        size_t take = plen - got < u - 4 ? (size_t)(plen - got) : u - 4;
        memcpy(buf + got, o + 4, take);
        got += take;
        next = be32(o);
    }
    *out_len = got;
    return buf;
}

/* Reports every outbox row on one page image; false when fn said stop. */
static bool page_rows(scan *s, const image *im, outbox_row_fn fn, void *user)
{
    const unsigned char *p = im->data;
    uint32_t hdr = im->pgno == 1 ? 100 : 0;
    if (p[hdr] != PAGE_LEAF_TABLE)
        return true;
    uint32_t ncells = be16(p + hdr + 3);
    if (hdr + 8 + 2 * ncells > s->usable)
        return true;
    for (uint32_t i = 0; i < ncells; i++) {
        uint32_t off = be16(p + hdr + 8 + 2 * i);
        if (off < hdr + 8 + 2 * ncells || off >= s->usable)
            continue;
        const unsigned char *c = p + off, *end = p + s->usable;
        uint64_t plen, rowid;
        int a = varint(c, end, &plen);
        int b = a ? varint(c + a, end, &rowid) : 0;
        if (!b)
            continue;
        size_t len = 0;
        unsigned char *payload = cell_payload(s, p, c + a + b, plen, &len);
        if (!payload)
            continue;
        s->st.cells++;
        value v[N_COLS_V2];
        int nv = 0;
        outbox_row row;
        bool stop = false;
        if (record(payload, len, v, N_COLS_V2, &nv) && as_row(v, nv, (int64_t)rowid, &row)) {
            if (seen_add(s, row.key)) {
                s->st.rows++;
                stop = !fn(user, &row);
            }
            outbox_row_clear(&row);
        }
        free(payload);
        if (stop)
            return false;
    }
    return true;
}

static bool add_image(scan *s, const unsigned char *data, uint32_t pgno)
{
    image *t = realloc(s->order, (s->norder + 1) * sizeof *t);
    if (!t)
        return false;
    s->order = t;
    s->order[s->norder++] = (image){data, pgno};
    return true;
}

bool outbox_recover_buffers(const unsigned char *db, size_t db_len, const unsigned char *wal,
                            size_t wal_len, outbox_row_fn fn, void *user,
                            outbox_recover_stats *stats)
{
    scan s = {0};
    /* the page size: the file's header, else the WAL's, else SQLite's default */
    uint32_t psize = 4096, reserved = 0;
    bool wal_ok = wal && wal_len >= WAL_HEADER && (be32(wal) & ~1u) == 0x377f0682u;
    if (db && db_len >= 100 && !memcmp(db, "SQLite format 3", 16)) {
        uint32_t h = be16(db + 16);
        h = h == 1 ? 65536 : h;
        if (valid_page_size(h)) {
            psize = h;
            reserved = db[20];
        }
    } else if (wal_ok && valid_page_size(be32(wal + 8))) {
        psize = be32(wal + 8);
    }
    if (reserved >= psize - 480)
        reserved = 0;
    s.psize = psize;
    s.usable = psize - reserved;

    size_t ndb = db ? db_len / psize : 0;
    size_t nframes = wal_ok ? (wal_len - WAL_HEADER) / (FRAME_HEADER + psize) : 0;
    uint32_t maxpg = (uint32_t)(ndb > UINT32_MAX ? UINT32_MAX : ndb);
    for (size_t f = 0; f < nframes; f++) {
        uint32_t pg = be32(wal + WAL_HEADER + f * (FRAME_HEADER + psize));
        if (pg > maxpg && pg <= ndb + nframes)
            maxpg = pg;
    }
    s.npages = maxpg;
    s.page = calloc(maxpg ? maxpg : 1, sizeof *s.page);
    bool ok = s.page != NULL;
    for (size_t i = 0; ok && i < ndb; i++)
        s.page[i] = db + i * psize;
    /* frames of the WAL's current generation carry its salts; they are
     * newer than the main file, and later frames newer than earlier ones */
    for (int pass = 0; ok && pass < 2; pass++) {
        for (size_t f = nframes; ok && f-- > 0;) {
            const unsigned char *fh = wal + WAL_HEADER + f * (FRAME_HEADER + psize);
            uint32_t pg = be32(fh);
            bool current = !memcmp(fh + 8, wal + 16, 8);
            if (pg == 0 || pg > maxpg || current != (pass == 0))
                continue;
            ok = add_image(&s, fh + FRAME_HEADER, pg);
        }
    }
    for (size_t f = 0; ok && f < nframes; f++) {
        const unsigned char *fh = wal + WAL_HEADER + f * (FRAME_HEADER + psize);
        uint32_t pg = be32(fh);
        if (pg && pg <= maxpg && !memcmp(fh + 8, wal + 16, 8))
            s.page[pg - 1] = fh + FRAME_HEADER;
    }
    for (size_t i = 0; ok && i < ndb; i++)
        ok = add_image(&s, db + i * psize, (uint32_t)(i + 1));
    for (size_t i = 0; ok && i < s.norder; i++) {
        s.st.pages++;
        if (!page_rows(&s, &s.order[i], fn, user))
            break;
    }
    if (stats)
        *stats = s.st;
    free(s.page);
    free(s.order);
    free(s.seen);
    return ok;
}

/* The whole of a file in memory (*buf NULL when it is empty or missing);
 * false with errno only when it exists and cannot be read. */
static bool slurp(const char *path, unsigned char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    struct stat st;
    char why[200];
    int fd = textfile_open(path, 0, &st, why, sizeof why);
    if (fd < 0)
        return errno == ENOENT;
    bool ok = true;
    if (ok && st.st_size > 0) {
        *buf = malloc((size_t)st.st_size);
        ok = *buf != NULL;
        while (ok && *len < (size_t)st.st_size) {
            ssize_t r = read(fd, *buf + *len, (size_t)st.st_size - *len);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break; /* shorter than it said: read what there is */
            *len += (size_t)r;
        }
    }
    int e = errno;
    close(fd);
    errno = e;
    return ok;
}

bool outbox_recover_file(const char *path, outbox_row_fn fn, void *user,
                         outbox_recover_stats *stats, char *why, size_t wsize)
{
    size_t db_len, wal_len;
    unsigned char *db, *wal;
    struct stat st;
    if (stat(path, &st) != 0 || !slurp(path, &db, &db_len)) {
        snprintf(why, wsize, "%s: %s", path, strerror(errno));
        return false;
    }
    char walpath[4200];
    snprintf(walpath, sizeof walpath, "%s-wal", path);
    if (!slurp(walpath, &wal, &wal_len)) {
        /* the main file alone still holds most rows */
        wal = NULL;
        wal_len = 0;
    }
    bool ok = outbox_recover_buffers(db, db_len, wal, wal_len, fn, user, stats);
    if (!ok)
        snprintf(why, wsize, "%s: out of memory", path);
    free(db);
    free(wal);
    return ok;
}
