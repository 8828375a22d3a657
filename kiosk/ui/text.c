#include "text.h"

#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/utf8.h"

/* Debian's CJK fonts, best first. Face 2 of the Noto Sans CJK collection is
 * Simplified Chinese; its glyph shapes follow the mainland standard (GB
 * 18030), which the JP/KR/TC faces of the same file do not. */
static const struct { const char *regular, *bold; int index; } font_candidates[] = {
    {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2},
    {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", NULL, 0},
    {"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", NULL, 0},
};

/* The screens use about a dozen (size, weight) pairs in normal and large
 * mode; the printed receipt adds its own, in dots at the printer's
 * resolution. Faces are only allocated when used. */
#define MAX_FACES 40
#define TEXTURE_BUDGET (12u * 1024u * 1024u)

/* One open font per weight, switched between pixel sizes with
 * TTF_SetFontSize: every open face of the CJK collection costs about 2.6 MB
 * and 2 ms, and the type scale has eight sizes. A switch drops SDL_ttf's
 * glyph cache, which matters little here: advances are cached below and
 * rendered lines are cached as textures, so glyphs are rasterised about
 * once per line anyway. */
typedef struct face {
    int px;
    text_weight weight;
    TTF_Font *font;     /* shared with every face of this weight */
    int line_height, height;
    int16_t *adv[0x110000 >> 8];  /* per 256-code-point block, lazily */
} face;

typedef struct entry {
    struct entry *next_hash;
    struct entry *prev_lru, *next_lru;
    uint32_t hash;
    int px;
    text_weight weight;
    uint32_t rgba;
    SDL_Renderer *renderer;
    SDL_Texture *tex;
    int w, h;
    size_t bytes;
    size_t len;
    bool priv;          /* drawn as the resident's own words (text_private) */
    char text[];
} entry;

#define HASH_SIZE 2048

static struct {
    char *path[2];
    int index[2];
    TTF_Font *font[2];
    int font_px[2];
    face *faces[MAX_FACES];
    int n_faces;
    entry *buckets[HASH_SIZE];
    entry *lru_head, *lru_tail;  /* head = most recently used */
    size_t bytes, count, hits, misses;
    bool private_mode;  /* text_private: lines drawn now are the resident's */
} T;

static bool readable(const char *p)
{
    return p && access(p, R_OK) == 0;
}

bool text_init(const text_font_spec *spec, diag_list *errors)
{
    const char *reg = NULL, *bold = NULL;
    int reg_i = 0, bold_i = 0;
    if (spec && spec->regular) {
        if (!readable(spec->regular)) {
            diag_add(errors, spec->regular, 0, 0, "font file not readable");
            return false;
        }
        reg = spec->regular;
        reg_i = spec->regular_index;
    } else {
        for (size_t i = 0; i < sizeof font_candidates / sizeof *font_candidates; i++)
            if (readable(font_candidates[i].regular)) {
                reg = font_candidates[i].regular;
                reg_i = font_candidates[i].index;
                if (readable(font_candidates[i].bold)) {
                    bold = font_candidates[i].bold;
                    bold_i = font_candidates[i].index;
                }
                break;
            }
        if (!reg) {
            diag_add(errors, "fonts", 0, 0,
                     "no Chinese font found: install fonts-noto-cjk or "
                     "fonts-wqy-microhei, or set [fonts] regular");
            return false;
        }
    }
    if (spec && spec->bold) {
        if (!readable(spec->bold)) {
            diag_add(errors, spec->bold, 0, 0, "font file not readable");
            return false;
        }
        bold = spec->bold;
        bold_i = spec->bold_index;
    }
    if (!bold) {
        bold = reg;
        bold_i = reg_i;
    }
    /* Opened now, so a missing face index is reported before the first
     * frame; kept open for the life of the kiosk. */
    T.font[TEXT_REGULAR] = TTF_OpenFontIndex(reg, 20, reg_i);
    if (!T.font[TEXT_REGULAR]) {
        diag_add(errors, reg, 0, 0, "cannot open face %d: %s", reg_i, TTF_GetError());
        return false;
    }
    T.font_px[TEXT_REGULAR] = 20;
    if (!strcmp(bold, reg) && bold_i == reg_i) {
        T.font[TEXT_BOLD] = NULL;       /* same face: share it */
    } else {
        T.font[TEXT_BOLD] = TTF_OpenFontIndex(bold, 20, bold_i);
        if (!T.font[TEXT_BOLD]) {
            diag_add(errors, bold, 0, 0, "cannot open face %d: %s", bold_i, TTF_GetError());
            return false;
        }
        T.font_px[TEXT_BOLD] = 20;
    }
    T.path[TEXT_REGULAR] = strdup(reg);
    T.path[TEXT_BOLD] = strdup(bold);
    T.index[TEXT_REGULAR] = reg_i;
    T.index[TEXT_BOLD] = bold_i;
    return T.path[0] && T.path[1];
}

const char *text_font_path(text_weight w)
{
    return T.path[w];
}

/* Puts the shared font of f's weight at f's size. */
static bool face_size(face *f)
{
    int slot = T.font[f->weight] ? (int)f->weight : TEXT_REGULAR;
    if (T.font_px[slot] == f->px)
        return true;
    if (TTF_SetFontSize(T.font[slot], f->px) != 0) {
        SDL_LogError(SDL_LOG_CATEGORY_APPLICATION, "font size %d: %s", f->px, TTF_GetError());
        return false;
    }
    T.font_px[slot] = f->px;
    return true;
}

static face *face_get(int px, text_weight w)
{
    if (px < 6)
        px = 6;
    for (int i = 0; i < T.n_faces; i++)
        if (T.faces[i]->px == px && T.faces[i]->weight == w)
            return T.faces[i];
    if (T.n_faces == MAX_FACES) {
        /* The theme only uses a few sizes; running out means a bug
         * elsewhere. Reuse the closest size rather than fail. */
        face *best = T.faces[0];
        for (int i = 1; i < T.n_faces; i++)
            if (abs(T.faces[i]->px - px) < abs(best->px - px))
                best = T.faces[i];
        return best;
    }
    face *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->px = px;
    f->weight = w;
    f->font = T.font[w] ? T.font[w] : T.font[TEXT_REGULAR];
    if (!face_size(f)) {
        free(f);
        return NULL;
    }
    f->line_height = TTF_FontLineSkip(f->font);
    f->height = TTF_FontHeight(f->font);
    T.faces[T.n_faces++] = f;
    return f;
}

int text_advance(int px, text_weight w, uint32_t cp)
{
    face *f = face_get(px, w);
    if (!f || cp >= 0x110000)
        return 0;
    int16_t **blk = &f->adv[cp >> 8];
    if (!*blk) {
        *blk = malloc(256 * sizeof **blk);
        if (!*blk)
            return px / 2;
        for (int i = 0; i < 256; i++)
            (*blk)[i] = -1;
    }
    int16_t *a = &(*blk)[cp & 0xFF];
    if (*a < 0) {
        int minx, maxx, miny, maxy, adv = 0;
        if (!face_size(f) ||
            TTF_GlyphMetrics32(f->font, cp, &minx, &maxx, &miny, &maxy, &adv) != 0)
            adv = px / 2;
        *a = (int16_t)adv;
    }
    return *a;
}

int text_width(const char *s, size_t len, int px, text_weight w)
{
    const char *p = s, *end = s + len;
    int width = 0;
    while (p < end && *p)
        width += text_advance(px, w, utf8_next(&p));
    return width;
}

int text_line_height(int px, text_weight w)
{
    face *f = face_get(px, w);
    /* CJK text reads better with more leading than the font's own skip */
    return f ? (int)(f->line_height * 1.1) : px * 3 / 2;
}

int text_ascent_box(int px, text_weight w)
{
    face *f = face_get(px, w);
    return f ? f->height : px * 4 / 3;
}

static uint32_t hash_of(const char *s, size_t len, int px, text_weight w, uint32_t rgba)
{
    uint32_t h = 2166136261u;          /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    h = (h ^ (uint32_t)px) * 16777619u;
    h = (h ^ (uint32_t)w) * 16777619u;
    h = (h ^ rgba) * 16777619u;
    return h;
}

static void lru_unlink(entry *e)
{
    if (e->prev_lru)
        e->prev_lru->next_lru = e->next_lru;
    else
        T.lru_head = e->next_lru;
    if (e->next_lru)
        e->next_lru->prev_lru = e->prev_lru;
    else
        T.lru_tail = e->prev_lru;
    e->prev_lru = e->next_lru = NULL;
}

static void lru_push_front(entry *e)
{
    e->next_lru = T.lru_head;
    e->prev_lru = NULL;
    if (T.lru_head)
        T.lru_head->prev_lru = e;
    T.lru_head = e;
    if (!T.lru_tail)
        T.lru_tail = e;
}

static void entry_destroy(entry *e)
{
    entry **pp = &T.buckets[e->hash % HASH_SIZE];
    while (*pp && *pp != e)
        pp = &(*pp)->next_hash;
    if (*pp)
        *pp = e->next_hash;
    lru_unlink(e);
    if (e->tex)
        SDL_DestroyTexture(e->tex);
    T.bytes -= e->bytes;
    T.count--;
    /* The key is the line's text, which may be what a resident typed:
     * freed memory keeps it otherwise (issue 13 item 8). */
    explicit_bzero(e, sizeof *e + e->len + 1);
    free(e);
}

static void evict_to_budget(void)
{
    /* Never evict the entry just drawn (the head): a single line larger than
     * the budget must still show. */
    while (T.bytes > TEXTURE_BUDGET && T.lru_tail && T.lru_tail != T.lru_head)
        entry_destroy(T.lru_tail);
}

void text_draw(SDL_Renderer *r, const char *s, size_t len, int x, int y,
               int px, text_weight w, SDL_Color c)
{
    if (len == 0)
        return;
    uint32_t rgba = (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
    uint32_t h = hash_of(s, len, px, w, rgba);
    entry *e = T.buckets[h % HASH_SIZE];
    for (; e; e = e->next_hash)
        if (e->hash == h && e->len == len && e->px == px && e->weight == w &&
            e->rgba == rgba && e->renderer == r && !memcmp(e->text, s, len))
            break;
    if (e) {
        T.hits++;
        e->priv |= T.private_mode;
        lru_unlink(e);
        lru_push_front(e);
    } else {
        T.misses++;
        face *f = face_get(px, w);
        if (!f)
            return;
        char *tmp = malloc(len + 1);
        if (!tmp)
            return;
        memcpy(tmp, s, len);
        tmp[len] = '\0';
        SDL_Surface *surf = face_size(f) ? TTF_RenderUTF8_Blended(f->font, tmp, c) : NULL;
        explicit_bzero(tmp, len);   /* may be typed text: see entry_destroy */
        free(tmp);
        if (!surf)
            return;
        SDL_Texture *tex = SDL_CreateTextureFromSurface(r, surf);
        int sw = surf->w, sh = surf->h;
        SDL_FreeSurface(surf);
        if (!tex)
            return;
        e = malloc(sizeof *e + len + 1);
        if (!e) {
            SDL_DestroyTexture(tex);
            return;
        }
        memset(e, 0, sizeof *e);
        e->hash = h;
        e->px = px;
        e->weight = w;
        e->rgba = rgba;
        e->renderer = r;
        e->tex = tex;
        e->w = sw;
        e->h = sh;
        e->bytes = (size_t)sw * (size_t)sh * 4u;
        e->len = len;
        e->priv = T.private_mode;
        memcpy(e->text, s, len);
        e->text[len] = '\0';
        e->next_hash = T.buckets[h % HASH_SIZE];
        T.buckets[h % HASH_SIZE] = e;
        lru_push_front(e);
        T.bytes += e->bytes;
        T.count++;
        evict_to_budget();
    }
    SDL_Rect dst = {x, y, e->w, e->h};
    SDL_RenderCopy(r, e->tex, NULL, &dst);
}

void text_flush(void)
{
    while (T.lru_head)
        entry_destroy(T.lru_head);
}

void text_private(bool on)
{
    T.private_mode = on;
}

void text_forget_private(void)
{
    for (entry *e = T.lru_head, *next; e; e = next) {
        next = e->next_lru;
        if (e->priv)
            entry_destroy(e);
    }
}

void text_flush_renderer(SDL_Renderer *r)
{
    for (entry *e = T.lru_head, *next; e; e = next) {
        next = e->next_lru;
        if (e->renderer == r)
            entry_destroy(e);
    }
}

void text_shutdown(void)
{
    text_flush();
    for (int i = 0; i < T.n_faces; i++) {
        for (size_t b = 0; b < sizeof T.faces[i]->adv / sizeof *T.faces[i]->adv; b++)
            free(T.faces[i]->adv[b]);
        free(T.faces[i]);
    }
    T.n_faces = 0;
    for (int w = 0; w < 2; w++) {
        if (T.font[w])
            TTF_CloseFont(T.font[w]);
        T.font[w] = NULL;
        T.font_px[w] = 0;
    }
    free(T.path[0]);
    free(T.path[1]);
    T.path[0] = T.path[1] = NULL;
}

text_stats text_get_stats(void)
{
    text_stats s = {T.count, T.bytes, T.hits, T.misses, (size_t)T.n_faces};
    return s;
}
