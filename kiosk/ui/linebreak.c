#include "linebreak.h"

#include "common/utf8.h"

bool linebreak_is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) ||   /* radicals, CJK punct, kana, ideographs */
           (cp >= 0xAC00 && cp <= 0xD7AF) ||   /* Hangul */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility ideographs */
           (cp >= 0xFE30 && cp <= 0xFE4F) ||   /* vertical forms */
           (cp >= 0xFF00 && cp <= 0xFFEF) ||   /* full-width forms */
           (cp >= 0x20000 && cp <= 0x3FFFF);   /* extension planes */
}

bool linebreak_is_closing(uint32_t cp)
{
    switch (cp) {
    case 0xFF0C: case 0x3002: case 0x3001: case 0xFF1A: case 0xFF1B: /* ，。、：； */
    case 0xFF01: case 0xFF1F: case 0xFF09: case 0x300B: case 0x300D: /* ！？）》」 */
    case 0x300F: case 0x3011: case 0x3015: case 0x3009: case 0x3017: /* 』】〕〉〗 */
    case 0x201D: case 0x2019: case 0x2026: case 0xFF05: case 0xFF0E: /* ”’…％． */
    case 0x30FC: case 0x3005: case 0xFF3D: case 0xFF5D:             /* ー々］｝ */
    case ',': case '.': case ';': case ':': case '!': case '?':
    case ')': case ']': case '}': case '%':
        return true;
    default:
        return false;
    }
}

bool linebreak_is_opening(uint32_t cp)
{
    switch (cp) {
    case 0xFF08: case 0x300A: case 0x300C: case 0x300E: case 0x3010: /* （《「『【 */
    case 0x3014: case 0x3008: case 0x3016: case 0x201C: case 0x2018: /* 〔〈〖“‘ */
    case 0xFF3B: case 0xFF5B:                                       /* ［｛ */
    case '(': case '[': case '{':
        return true;
    default:
        return false;
    }
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0x3000;
}

/* May a line break between prev and cur (before cur)? */
static bool may_break(uint32_t prev, uint32_t cur)
{
    if (is_space(cur) || linebreak_is_closing(cur) || linebreak_is_opening(prev))
        return false;
    if (is_space(prev))
        return true;
    if (linebreak_is_cjk(prev) || linebreak_is_cjk(cur))
        return true;
    /* inside long Latin tokens (URLs, codes): after a separator */
    return (prev == '/' || prev == '-') && !linebreak_is_closing(cur);
}

static void store(linebreak_line *lines, size_t max_lines, size_t n,
                  size_t start, size_t len, int width)
{
    if (n < max_lines) {
        lines[n].start = start;
        lines[n].len = len;
        lines[n].width = width;
    }
}

size_t linebreak_wrap(const char *text, int max_width,
                      linebreak_advance_fn advance, void *ctx,
                      linebreak_line *lines, size_t max_lines)
{
    size_t n = 0;
    const char *p = text;

    while (*p) {
        /* spaces at the start of a (soft-wrapped) line are dropped */
        for (;;) {
            const char *t = p;
            if (!is_space(utf8_next(&t)))
                break;
            p = t;
        }
        if (!*p)
            break;

        const char *line_start = p;
        int width = 0;
        /* best break seen so far: end of the visible text and where the next
         * line starts, with the width up to it */
        const char *brk_end = NULL, *brk_next = NULL;
        int brk_width = 0;
        /* visible end: excludes trailing spaces */
        const char *vis_end = p;
        int vis_width = 0;
        uint32_t vis_last = 0;      /* the character at vis_end */
        /* last resort for a word wider than the line: the latest point
         * that does not put a closing mark first or an opening mark last */
        const char *split_end = NULL, *split_next = NULL;
        int split_width = 0;
        uint32_t prev = 0;
        const char *cur = p;
        const char *line_end = NULL, *next = NULL;
        int line_width = 0;

        for (;;) {
            const char *here = cur;
            uint32_t cp = utf8_next(&cur);
            if (cp == 0) {
                line_end = vis_end;
                next = here;
                line_width = vis_width;
                break;
            }
            if (cp == '\n') {
                line_end = vis_end;
                next = cur;
                line_width = vis_width;
                break;
            }
            /* an opening mark followed by spaces still may not end a line */
            if (prev && may_break(prev, cp) && here > line_start &&
                !linebreak_is_opening(vis_last)) {
                brk_end = vis_end;
                brk_next = here;
                brk_width = vis_width;
            }
            if (prev && here > line_start && !is_space(cp) &&
                !linebreak_is_closing(cp) && !linebreak_is_opening(vis_last)) {
                split_end = vis_end;
                split_next = here;
                split_width = vis_width;
            }
            int adv = advance(ctx, cp);
            if (!is_space(cp) && width + adv > max_width && here > line_start) {
                if (brk_end && brk_end > line_start) {
                    line_end = brk_end;
                    next = brk_next;
                    line_width = brk_width;
                } else if (split_end) {
                    /* no allowed break: split the word, keeping a closing
                     * mark with the character before it */
                    line_end = split_end;
                    next = split_next;
                    line_width = split_width;
                } else {
                    /* nowhere better: split the word here (spaces before
                     * it are not part of the line) */
                    line_end = vis_end;
                    next = here;
                    line_width = vis_width;
                }
                break;
            }
            width += adv;
            if (!is_space(cp)) {
                vis_end = cur;
                vis_width = width;
                vis_last = cp;
            }
            prev = cp;
        }
        store(lines, max_lines, n, (size_t)(line_start - text),
              (size_t)(line_end - line_start), line_width);
        n++;
        p = next;
        /* a hard break right at the end still ends the text */
    }
    return n;
}
