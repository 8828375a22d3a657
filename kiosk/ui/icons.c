/*
 * icons: see icons.h. Parsing turns every shape into triangles in design
 * units at once, so a bad file is refused at load (and by --check-config)
 * with the line and column of the value at fault, and drawing a tile only
 * scales a vertex list.
 */
#include "ui/icons.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/textfile.h"
#include "ui/ui.h"

#define MAX_POINTS 64           /* points of one poly or path */
#define MAX_SHAPES 64           /* shapes in one icon */
#define MAX_VERTS (3 * 4096)    /* triangle corners in one icon */
#define MAX_TOKENS (2 + 2 * MAX_POINTS + 1)
#define PI_F 3.14159265358979f

typedef struct icon {
    char name[ICONS_NAME_MAX + 1];
    float *xy;      /* n corners (x, y), three per triangle, design units */
    size_t n;
} icon;

struct icons {
    icon items[ICONS_MAX + 1];  /* the generic one plus the folder's */
    size_t n;
    SDL_Vertex *buf;            /* drawing scratch (UI thread) */
    size_t buf_cap;
};

/* The fallback: four rounded squares, a neutral "something" that never
 * reads as a letter or as another category. */
static const char generic_text[] =
    "rect 8 8 14 14 3\nrect 26 8 14 14 3\nrect 8 26 14 14 3\nrect 26 26 14 14 3\n";

/* ---- triangles -------------------------------------------------------------- */

typedef struct tris {
    float *xy;
    size_t n, cap;      /* corners */
    bool full;          /* MAX_VERTS reached, or out of memory */
} tris;

typedef struct pt {
    float x, y;
} pt;

static void tri(tris *t, pt a, pt b, pt c)
{
    if (t->full)
        return;
    if (t->n + 3 > MAX_VERTS) {
        t->full = true;
        return;
    }
    if (t->n + 3 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 96;
        float *xy = realloc(t->xy, cap * 2 * sizeof *xy);
        if (!xy) {
            t->full = true;
            return;
        }
        t->xy = xy;
        t->cap = cap;
    }
    float *v = t->xy + t->n * 2;
    v[0] = a.x, v[1] = a.y, v[2] = b.x, v[3] = b.y, v[4] = c.x, v[5] = c.y;
    t->n += 3;
}

static void quad(tris *t, pt a, pt b, pt c, pt d)
{
    tri(t, a, b, c);
    tri(t, a, c, d);
}

/* Segments for a full circle of radius r (design units): enough that a
 * 48-unit pictogram at a few hundred pixels shows no corners. */
static int circle_segments(float r)
{
    int n = 12 + (int)(r * 2.0f);
    return n > 64 ? 64 : n;
}

static void disc(tris *t, pt c, float r)
{
    int n = circle_segments(r);
    pt prev = {c.x + r, c.y};
    for (int i = 1; i <= n; i++) {
        float a = 2.0f * PI_F * (float)i / (float)n;
        pt p = {c.x + r * cosf(a), c.y + r * sinf(a)};
        tri(t, c, prev, p);
        prev = p;
    }
}

static void arc_band(tris *t, pt c, float r, float a0, float a1, float width)
{
    float ri = r - width / 2, ro = r + width / 2;
    if (ri < 0)
        ri = 0;
    float span = a1 - a0;
    int n = (int)ceilf((float)circle_segments(ro) * span / 360.0f);
    if (n < 2)
        n = 2;
    float rad0 = a0 * PI_F / 180.0f, step = span * PI_F / 180.0f / (float)n;
    pt pi = {c.x + ri * cosf(rad0), c.y + ri * sinf(rad0)};
    pt po = {c.x + ro * cosf(rad0), c.y + ro * sinf(rad0)};
    for (int i = 1; i <= n; i++) {
        float a = rad0 + step * (float)i;
        pt qi = {c.x + ri * cosf(a), c.y + ri * sinf(a)};
        pt qo = {c.x + ro * cosf(a), c.y + ro * sinf(a)};
        quad(t, pi, po, qo, qi);
        pi = qi;
        po = qo;
    }
}

/* A thick segment without ends (the caller adds round ones). */
static void segment(tris *t, pt a, pt b, float width)
{
    float dx = b.x - a.x, dy = b.y - a.y, len = sqrtf(dx * dx + dy * dy);
    if (len <= 0)
        return;
    float nx = -dy / len * width / 2, ny = dx / len * width / 2;
    quad(t, (pt){a.x + nx, a.y + ny}, (pt){b.x + nx, b.y + ny}, (pt){b.x - nx, b.y - ny},
         (pt){a.x - nx, a.y - ny});
}

/* A convex polygon, fanned from its first point. */
static void fan(tris *t, const pt *p, int n)
{
    for (int i = 1; i + 1 < n; i++)
        tri(t, p[0], p[i], p[i + 1]);
}

static void rounded_rect(tris *t, float x, float y, float w, float h, float r)
{
    if (r <= 0) {
        quad(t, (pt){x, y}, (pt){x + w, y}, (pt){x + w, y + h}, (pt){x, y + h});
        return;
    }
    /* the outline as a convex polygon: a quarter circle at each corner */
    pt p[4 * 17];
    int n = 0, seg = circle_segments(r) / 4;
    if (seg < 2)
        seg = 2;
    if (seg > 16)
        seg = 16;
    const pt centre[4] = {{x + w - r, y + r}, {x + w - r, y + h - r}, {x + r, y + h - r},
                          {x + r, y + r}};
    for (int k = 0; k < 4; k++) {
        float base = -90.0f + 90.0f * (float)k;     /* top-right corner first */
        for (int i = 0; i <= seg; i++) {
            float a = (base + 90.0f * (float)i / (float)seg) * PI_F / 180.0f;
            p[n++] = (pt){centre[k].x + r * cosf(a), centre[k].y + r * sinf(a)};
        }
    }
    fan(t, p, n);
}

static double cross(pt o, pt a, pt b)
{
    return ((double)a.x - o.x) * ((double)b.y - o.y) - ((double)a.y - o.y) * ((double)b.x - o.x);
}

static int sign(double v)
{
    return v > 1e-9 ? 1 : v < -1e-9 ? -1 : 0;
}

static bool on_segment(pt a, pt b, pt p)
{
    return fminf(a.x, b.x) <= p.x && p.x <= fmaxf(a.x, b.x) && fminf(a.y, b.y) <= p.y &&
           p.y <= fmaxf(a.y, b.y);
}

/* Whether segments ab and cd meet anywhere, ends included. */
static bool segments_meet(pt a, pt b, pt c, pt d)
{
    int d1 = sign(cross(a, b, c)), d2 = sign(cross(a, b, d));
    int d3 = sign(cross(c, d, a)), d4 = sign(cross(c, d, b));
    if (d1 * d2 < 0 && d3 * d4 < 0)
        return true;
    return (d1 == 0 && on_segment(a, b, c)) || (d2 == 0 && on_segment(a, b, d)) ||
           (d3 == 0 && on_segment(c, d, a)) || (d4 == 0 && on_segment(c, d, b));
}

/* Drops repeated points and points on the line through their neighbours:
 * neither changes the shape, and both would stop ear clipping. Returns
 * the number left. */
static int simplify(pt *p, int n)
{
    bool changed = true;
    while (changed && n >= 3) {
        changed = false;
        for (int i = 0; i < n && n >= 3; i++) {
            pt prev = p[(i + n - 1) % n], next = p[(i + 1) % n];
            bool same = p[i].x == next.x && p[i].y == next.y;
            if (same || sign(cross(prev, p[i], next)) == 0) {
                memmove(p + i, p + i + 1, (size_t)(n - i - 1) * sizeof *p);
                n--;
                changed = true;
                i--;
            }
        }
    }
    return n;
}

static bool inside_or_on(pt a, pt b, pt c, pt p, int orient)
{
    return sign(cross(a, b, p)) * orient >= 0 && sign(cross(b, c, p)) * orient >= 0 &&
           sign(cross(c, a, p)) * orient >= 0;
}

/* A simple polygon cut into triangles by ear clipping: O(n^3) for at most
 * 64 points. Returns an error message, or NULL when done. */
static const char *polygon(tris *t, pt *p, int n)
{
    n = simplify(p, n);
    if (n < 3)
        return "the polygon has no area (its points lie on one line)";
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            bool adjacent = j == i + 1 || (i == 0 && j == n - 1);
            if (!adjacent && segments_meet(p[i], p[(i + 1) % n], p[j], p[(j + 1) % n]))
                return "the polygon's edges cross or touch: draw it as two shapes";
        }
    double area = 0;
    for (int i = 0; i < n; i++)
        area += cross((pt){0, 0}, p[i], p[(i + 1) % n]);
    int orient = sign(area);
    if (orient == 0)
        return "the polygon has no area";
    int idx[MAX_POINTS];
    for (int i = 0; i < n; i++)
        idx[i] = i;
    int m = n;
    while (m > 3) {
        bool cut = false;
        for (int i = 0; i < m && !cut; i++) {
            pt a = p[idx[(i + m - 1) % m]], b = p[idx[i]], c = p[idx[(i + 1) % m]];
            if (sign(cross(a, b, c)) != orient)
                continue;
            bool ear = true;
            for (int k = 0; k < m && ear; k++) {
                pt q = p[idx[k]];
                if ((q.x == a.x && q.y == a.y) || (q.x == b.x && q.y == b.y) ||
                    (q.x == c.x && q.y == c.y))
                    continue;
                ear = !inside_or_on(a, b, c, q, orient);
            }
            if (!ear)
                continue;
            tri(t, a, b, c);
            memmove(idx + i, idx + i + 1, (size_t)(m - i - 1) * sizeof *idx);
            m--;
            cut = true;
        }
        if (!cut)
            return "the polygon cannot be cut into triangles: draw it as simpler shapes";
    }
    tri(t, p[idx[0]], p[idx[1]], p[idx[2]]);
    return NULL;
}

/* ---- parsing ---------------------------------------------------------------- */

typedef struct token {
    const char *s;
    size_t len;
    int col;        /* 1-based, in characters */
} token;

typedef struct parser {
    const char *file;
    diag_list *errors;
    int line;
    int shapes;
    bool bad;
    tris t;
} parser;

static void problem(parser *p, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(parser *p, int col, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->bad = true;
    diag_add(p->errors, p->file, p->line, col, "%s", msg);
}

/* A decimal number: optional '-', digits, optional '.' and digits; at most
 * 6 digits on each side (a 48-unit grid needs no more). */
static bool number(const token *tk, float *out)
{
    size_t i = 0;
    bool neg = tk->len > 0 && tk->s[0] == '-';
    if (neg)
        i++;
    double v = 0, scale = 1;
    int whole = 0, frac = 0;
    for (; i < tk->len && tk->s[i] >= '0' && tk->s[i] <= '9'; i++, whole++)
        v = v * 10 + (tk->s[i] - '0');
    if (i < tk->len && tk->s[i] == '.') {
        for (i++; i < tk->len && tk->s[i] >= '0' && tk->s[i] <= '9'; i++, frac++) {
            scale /= 10;
            v += (tk->s[i] - '0') * scale;
        }
    }
    if (i != tk->len || whole + frac == 0 || whole > 6 || frac > 6)
        return false;
    *out = (float)(neg ? -v : v);
    return true;
}

/* The token quoted in a message only when it is plain printable ASCII:
 * a message is one clean line whatever the file holds. */
static const char *printable(const token *tk, char *buf, size_t size)
{
    if (tk->len > 24)
        return NULL;
    for (size_t i = 0; i < tk->len; i++)
        if ((unsigned char)tk->s[i] < 0x21 || (unsigned char)tk->s[i] > 0x7e)
            return NULL;
    snprintf(buf, size, "%.*s", (int)tk->len, tk->s);
    return buf;
}

enum { V_COORD, V_LENGTH, V_WIDTH, V_RADIUS, V_ANGLE };

/* Reads the value of token tk as kind; false after reporting. */
static bool value(parser *p, const token *tk, int kind, const char *what, float *out)
{
    char buf[32];
    if (!number(tk, out)) {
        const char *q = printable(tk, buf, sizeof buf);
        char msg[96];
        snprintf(msg, sizeof msg, "%s%s%s", q ? "'" : "", q ? q : "this value", q ? "'" : "");
        problem(p, tk->col, "%s is not a number (write 12 or 12.5)", msg);
        return false;
    }
    float v = *out;
    const char *rule = NULL;
    switch (kind) {
    case V_COORD:
        if (v < 0 || v > ICONS_GRID)
            rule = "must be on the 48 x 48 grid (0 to 48)";
        break;
    case V_LENGTH:
        if (v <= 0 || v > ICONS_GRID)
            rule = "must be more than 0 and at most 48";
        break;
    case V_WIDTH:
        if (v <= 0 || v > ICONS_GRID / 2)
            rule = "must be more than 0 and at most 24";
        break;
    case V_RADIUS:
        if (v < 0 || v > ICONS_GRID / 2)
            rule = "must be 0 to 24";
        break;
    case V_ANGLE:
        if (v < -360 || v > 720)
            rule = "must be -360 to 720 degrees";
        break;
    }
    if (rule) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s %s", what, rule);
        problem(p, tk->col, "%s", msg);
        return false;
    }
    return true;
}

static bool count_is(parser *p, const token *tk, int n_args, int want, int want_opt,
                     const char *usage)
{
    if (n_args == want || (want_opt >= 0 && n_args == want_opt))
        return true;
    char msg[160];
    snprintf(msg, sizeof msg, "'%.*s' takes %s (%d value%s found)", (int)tk->len, tk->s, usage,
             n_args, n_args == 1 ? "" : "s");
    problem(p, tk->col, "%s", msg);
    return false;
}

/* Points from tk[0..2n) into pts; false after reporting. */
static bool points(parser *p, const token *tk, int n, pt *pts)
{
    for (int i = 0; i < n; i++)
        if (!value(p, &tk[2 * i], V_COORD, "x", &pts[i].x) ||
            !value(p, &tk[2 * i + 1], V_COORD, "y", &pts[i].y))
            return false;
    return true;
}

/* Every shape stays on the grid, strokes' width included (a ring or an arc
 * as if it were the whole ring): a pictogram never draws outside the
 * square it is given. */
static bool fits(parser *p, const token *cmd, float x0, float y0, float x1, float y1)
{
    if (x0 >= 0 && y0 >= 0 && x1 <= ICONS_GRID && y1 <= ICONS_GRID)
        return true;
    problem(p, cmd->col, "'%.*s' goes past the 48 x 48 grid (count half the width of strokes)",
            (int)cmd->len, cmd->s);
    return false;
}

static void shape(parser *p, const token *tk, int n_tok)
{
    const token *cmd = &tk[0];
    const token *arg = tk + 1;
    int n = n_tok - 1;
    float v[6];
    pt pts[MAX_POINTS + 1];
#define IS(word) (cmd->len == sizeof(word) - 1 && !memcmp(cmd->s, word, cmd->len))
    if (++p->shapes > MAX_SHAPES) {
        char lim[16];
        snprintf(lim, sizeof lim, "%d", MAX_SHAPES);
        problem(p, cmd->col, "more than %s shapes in one icon", lim);
        return;
    }
    if (IS("circle")) {
        if (!count_is(p, cmd, n, 3, -1, "3 values: cx cy r") ||
            !value(p, &arg[0], V_COORD, "cx", &v[0]) ||
            !value(p, &arg[1], V_COORD, "cy", &v[1]) ||
            !value(p, &arg[2], V_LENGTH, "r", &v[2]) ||
            !fits(p, cmd, v[0] - v[2], v[1] - v[2], v[0] + v[2], v[1] + v[2]))
            return;
        disc(&p->t, (pt){v[0], v[1]}, v[2]);
    } else if (IS("ring") || IS("arc")) {
        bool ring = IS("ring");
        if (!count_is(p, cmd, n, ring ? 4 : 6, -1,
                      ring ? "4 values: cx cy r width" : "6 values: cx cy r a0 a1 width") ||
            !value(p, &arg[0], V_COORD, "cx", &v[0]) ||
            !value(p, &arg[1], V_COORD, "cy", &v[1]) ||
            !value(p, &arg[2], V_LENGTH, "r", &v[2]))
            return;
        v[3] = 0, v[4] = 360;
        if (!ring && (!value(p, &arg[3], V_ANGLE, "a0", &v[3]) ||
                      !value(p, &arg[4], V_ANGLE, "a1", &v[4])))
            return;
        if (!value(p, &arg[ring ? 3 : 5], V_WIDTH, "width", &v[5]))
            return;
        if (v[4] <= v[3] || v[4] - v[3] > 360) {
            problem(p, arg[4].col, "%s", "a1 must be more than a0, by at most 360 degrees");
            return;
        }
        float out = v[2] + v[5] / 2;
        if (!fits(p, cmd, v[0] - out, v[1] - out, v[0] + out, v[1] + out))
            return;
        arc_band(&p->t, (pt){v[0], v[1]}, v[2], v[3], v[4], v[5]);
    } else if (IS("rect")) {
        if (!count_is(p, cmd, n, 4, 5, "4 or 5 values: x y w h [r]") ||
            !value(p, &arg[0], V_COORD, "x", &v[0]) ||
            !value(p, &arg[1], V_COORD, "y", &v[1]) ||
            !value(p, &arg[2], V_LENGTH, "w", &v[2]) ||
            !value(p, &arg[3], V_LENGTH, "h", &v[3]))
            return;
        v[4] = 0;
        if (n == 5 && !value(p, &arg[4], V_RADIUS, "r", &v[4]))
            return;
        if (v[0] + v[2] > ICONS_GRID || v[1] + v[3] > ICONS_GRID) {
            problem(p, arg[2].col, "%s", "the rectangle goes past the 48 x 48 grid");
            return;
        }
        if (v[4] > fminf(v[2], v[3]) / 2) {
            problem(p, arg[4].col, "%s", "r must be at most half the width and the height");
            return;
        }
        rounded_rect(&p->t, v[0], v[1], v[2], v[3], v[4]);
    } else if (IS("poly")) {
        if (n < 6 || n % 2 || n > 2 * MAX_POINTS) {
            count_is(p, cmd, n, -1, -1, "3 to 64 points: x1 y1 x2 y2 x3 y3 ...");
            return;
        }
        if (!points(p, arg, n / 2, pts))
            return;
        const char *why = polygon(&p->t, pts, n / 2);
        if (why)
            problem(p, cmd->col, "%s", why);
    } else if (IS("line") || IS("path")) {
        bool line = IS("line");
        int np = line ? 2 : (n - 1) / 2;
        if (line ? !count_is(p, cmd, n, 5, -1, "5 values: x1 y1 x2 y2 width")
                 : (n < 5 || n % 2 == 0 || np > MAX_POINTS)) {
            if (!line)
                count_is(p, cmd, n, -1, -1, "a width and 2 to 64 points: width x1 y1 x2 y2 ...");
            return;
        }
        float width;
        if (!value(p, line ? &arg[4] : &arg[0], V_WIDTH, "width", &width) ||
            !points(p, line ? arg : arg + 1, np, pts))
            return;
        for (int i = 0; i < np; i++)
            if (!fits(p, cmd, pts[i].x - width / 2, pts[i].y - width / 2, pts[i].x + width / 2,
                      pts[i].y + width / 2))
                return;
        for (int i = 0; i < np; i++) {
            if (i + 1 < np)
                segment(&p->t, pts[i], pts[i + 1], width);
            disc(&p->t, pts[i], width / 2);     /* round joins and ends */
        }
    } else {
        char buf[32];
        const char *q = printable(cmd, buf, sizeof buf);
        char msg[96];
        snprintf(msg, sizeof msg, "%s%s%s", q ? "unknown shape '" : "unknown shape",
                 q ? q : "", q ? "'" : "");
        problem(p, cmd->col, "%s (circle, ring, arc, rect, poly, line or path)", msg);
        return;
    }
#undef IS
    if (p->t.full) {
        char lim[16];
        snprintf(lim, sizeof lim, "%d", MAX_VERTS / 3);
        problem(p, cmd->col, "the icon needs more than %s triangles: use fewer or smaller shapes",
                lim);
    }
}

static int column(const char *line, const char *at)
{
    int col = 1;
    for (const char *q = line; q < at; q++)
        if (((unsigned char)*q & 0xC0) != 0x80)
            col++;
    return col;
}

static void parse_line(parser *p, const char *s, size_t len)
{
    token tk[MAX_TOKENS];
    int n = 0;
    size_t i = 0;
    while (i < len && s[i] != '#') {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '#')
            i++;
        if (n == MAX_TOKENS) {
            problem(p, column(s, s + start), "%s",
                    "too many values on one line (a shape has at most 64 points)");
            return;
        }
        tk[n++] = (token){s + start, i - start, column(s, s + start)};
    }
    if (n > 0)
        shape(p, tk, n);
}

static bool valid_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > ICONS_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
              name[i] == '-'))
            return false;
    return true;
}

static icon *find(icons *set, const char *name)
{
    for (size_t i = 0; set && name && i < set->n; i++)
        if (!strcmp(set->items[i].name, name))
            return &set->items[i];
    return NULL;
}

bool icons_add(icons *set, const char *name, const char *text, size_t len, const char *file,
               diag_list *errors)
{
    if (!set || !name || !valid_name(name)) {
        diag_add(errors, file, 0, 0, "an icon name is 1 to %d of a-z, 0-9 and '-'",
                 ICONS_NAME_MAX);
        return false;
    }
    if (len > ICONS_FILE_MAX) {
        diag_add(errors, file, 0, 0, "more than %d bytes; is this really an icon?",
                 ICONS_FILE_MAX);
        return false;
    }
    if (!textfile_check(text, len, file, 0, errors))
        return false;
    parser p = {.file = file, .errors = errors};
    const char *s = text, *end = text + len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *eol = nl ? nl : end;
        p.line++;
        parse_line(&p, s, (size_t)(eol - s));
        s = nl ? nl + 1 : end;
    }
    if (!p.bad && p.shapes == 0) {
        diag_add(errors, file, 0, 0, "no shapes: an icon needs at least one line such as "
                                     "'circle 24 24 10'");
        p.bad = true;
    }
    icon *slot = find(set, name);
    if (!p.bad && !slot && set->n == ICONS_MAX + 1) {
        diag_add(errors, file, 0, 0, "more than %d icons", ICONS_MAX);
        p.bad = true;
    }
    if (p.bad) {
        free(p.t.xy);
        return false;
    }
    if (!slot) {
        slot = &set->items[set->n++];
        snprintf(slot->name, sizeof slot->name, "%s", name);
    } else {
        free(slot->xy);
    }
    slot->xy = p.t.xy;
    slot->n = p.t.n;
    return true;
}

icons *icons_new(void)
{
    icons *set = calloc(1, sizeof *set);
    if (!set)
        return NULL;
    diag_list errors = DIAG_LIST_INIT;
    bool ok = icons_add(set, ICONS_GENERIC, generic_text, sizeof generic_text - 1,
                        "(built-in generic icon)", &errors);
    diag_clear(&errors);
    if (!ok) {          /* only when out of memory: the text is fixed */
        icons_free(set);
        return NULL;
    }
    return set;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

icons *icons_load(const char *dir, diag_list *errors)
{
    icons *set = icons_new();
    if (!set)
        return NULL;
    DIR *d = opendir(dir);
    if (!d) {
        diag_add(errors, dir, 0, 0, "cannot open the icon folder: %s", strerror(errno));
        return set;
    }
    char *names[ICONS_MAX + 1];
    size_t n = 0;
    bool too_many = false;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l <= 5 || strcmp(e->d_name + l - 5, ".icon"))
            continue;
        if (n == ICONS_MAX) {
            too_many = true;
            continue;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (too_many)
        diag_add(errors, dir, 0, 0, "more than %d .icon files; the first %d by name are used",
                 ICONS_MAX, ICONS_MAX);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char path[4096], name[64];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t l = strlen(names[i]) - 5;
        snprintf(name, sizeof name, "%.*s", (int)(l < 63 ? l : 63), names[i]);
        free(names[i]);
        if (!valid_name(name)) {
            diag_add(errors, path, 0, 0,
                     "an icon file is named NAME.icon, NAME 1 to %d of a-z, 0-9 and '-'",
                     ICONS_NAME_MAX);
            continue;
        }
        size_t len;
        char *text = textfile_read(path, ICONS_FILE_MAX, "an icon", &len, errors);
        if (text)
            icons_add(set, name, text, len, path, errors);
        free(text);
    }
    return set;
}

bool icons_has(const icons *set, const char *name)
{
    return find((icons *)set, name) != NULL;
}

size_t icons_triangles(const icons *set, const char *name)
{
    const icon *ic = find((icons *)set, name);
    return ic ? ic->n / 3 : 0;
}

const float *icons_vertices(const icons *set, const char *name, size_t *n)
{
    const icon *ic = find((icons *)set, name);
    *n = ic ? ic->n : 0;
    return ic ? ic->xy : NULL;
}

void icons_free(icons *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        free(set->items[i].xy);
    free(set->buf);
    free(set);
}

void icons_draw(ui *u, const char *name, SDL_Rect r, SDL_Color c)
{
    icons *set = u->icons;
    const icon *ic = find(set, name);
    if (!ic)
        ic = find(set, ICONS_GENERIC);
    if (!ic || ic->n == 0 || r.w <= 0 || r.h <= 0)
        return;
    if (set->buf_cap < ic->n) {
        SDL_Vertex *b = realloc(set->buf, ic->n * sizeof *b);
        if (!b)
            return;
        set->buf = b;
        set->buf_cap = ic->n;
    }
    float side = (float)(r.w < r.h ? r.w : r.h), k = side / ICONS_GRID;
    float ox = (float)r.x + ((float)r.w - side) / 2, oy = (float)r.y + ((float)r.h - side) / 2;
    for (size_t i = 0; i < ic->n; i++)
        set->buf[i] = (SDL_Vertex){{ox + ic->xy[2 * i] * k, oy + ic->xy[2 * i + 1] * k},
                                   c, {0, 0}};
    SDL_SetRenderDrawBlendMode(u->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(u->r, NULL, set->buf, (int)ic->n, NULL, 0);
}
