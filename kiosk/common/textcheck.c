/*
 * textcheck: the visible-text rule (see textcheck.h for the rule and why).
 */
#include "common/textcheck.h"
#include "common/utf8.h"

#include <stdio.h>

typedef struct cp_range {
    uint32_t lo, hi;
} cp_range;

/* Combining marks: Unicode 14 general categories Mn, Mc and Me, merged into
 * ranges (generated once from the Unicode Character Database with Python's
 * unicodedata module; regenerate when the fonts gain a newer Unicode). */
static const cp_range marks[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
    {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711}, {0x0730, 0x074A},
    {0x07A6, 0x07B0}, {0x07EB, 0x07F3}, {0x07FD, 0x07FD}, {0x0816, 0x0819},
    {0x081B, 0x0823}, {0x0825, 0x0827}, {0x0829, 0x082D}, {0x0859, 0x085B},
    {0x0898, 0x089F}, {0x08CA, 0x08E1}, {0x08E3, 0x0903}, {0x093A, 0x093C},
    {0x093E, 0x094F}, {0x0951, 0x0957}, {0x0962, 0x0963}, {0x0981, 0x0983},
    {0x09BC, 0x09BC}, {0x09BE, 0x09C4}, {0x09C7, 0x09C8}, {0x09CB, 0x09CD},
    {0x09D7, 0x09D7}, {0x09E2, 0x09E3}, {0x09FE, 0x09FE}, {0x0A01, 0x0A03},
    {0x0A3C, 0x0A3C}, {0x0A3E, 0x0A42}, {0x0A47, 0x0A48}, {0x0A4B, 0x0A4D},
    {0x0A51, 0x0A51}, {0x0A70, 0x0A71}, {0x0A75, 0x0A75}, {0x0A81, 0x0A83},
    {0x0ABC, 0x0ABC}, {0x0ABE, 0x0AC5}, {0x0AC7, 0x0AC9}, {0x0ACB, 0x0ACD},
    {0x0AE2, 0x0AE3}, {0x0AFA, 0x0AFF}, {0x0B01, 0x0B03}, {0x0B3C, 0x0B3C},
    {0x0B3E, 0x0B44}, {0x0B47, 0x0B48}, {0x0B4B, 0x0B4D}, {0x0B55, 0x0B57},
    {0x0B62, 0x0B63}, {0x0B82, 0x0B82}, {0x0BBE, 0x0BC2}, {0x0BC6, 0x0BC8},
    {0x0BCA, 0x0BCD}, {0x0BD7, 0x0BD7}, {0x0C00, 0x0C04}, {0x0C3C, 0x0C3C},
    {0x0C3E, 0x0C44}, {0x0C46, 0x0C48}, {0x0C4A, 0x0C4D}, {0x0C55, 0x0C56},
    {0x0C62, 0x0C63}, {0x0C81, 0x0C83}, {0x0CBC, 0x0CBC}, {0x0CBE, 0x0CC4},
    {0x0CC6, 0x0CC8}, {0x0CCA, 0x0CCD}, {0x0CD5, 0x0CD6}, {0x0CE2, 0x0CE3},
    {0x0D00, 0x0D03}, {0x0D3B, 0x0D3C}, {0x0D3E, 0x0D44}, {0x0D46, 0x0D48},
    {0x0D4A, 0x0D4D}, {0x0D57, 0x0D57}, {0x0D62, 0x0D63}, {0x0D81, 0x0D83},
    {0x0DCA, 0x0DCA}, {0x0DCF, 0x0DD4}, {0x0DD6, 0x0DD6}, {0x0DD8, 0x0DDF},
    {0x0DF2, 0x0DF3}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},
    {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC}, {0x0EC8, 0x0ECD}, {0x0F18, 0x0F19},
    {0x0F35, 0x0F35}, {0x0F37, 0x0F37}, {0x0F39, 0x0F39}, {0x0F3E, 0x0F3F},
    {0x0F71, 0x0F84}, {0x0F86, 0x0F87}, {0x0F8D, 0x0F97}, {0x0F99, 0x0FBC},
    {0x0FC6, 0x0FC6}, {0x102B, 0x103E}, {0x1056, 0x1059}, {0x105E, 0x1060},
    {0x1062, 0x1064}, {0x1067, 0x106D}, {0x1071, 0x1074}, {0x1082, 0x108D},
    {0x108F, 0x108F}, {0x109A, 0x109D}, {0x135D, 0x135F}, {0x1712, 0x1715},
    {0x1732, 0x1734}, {0x1752, 0x1753}, {0x1772, 0x1773}, {0x17B4, 0x17D3},
    {0x17DD, 0x17DD}, {0x180B, 0x180D}, {0x180F, 0x180F}, {0x1885, 0x1886},
    {0x18A9, 0x18A9}, {0x1920, 0x192B}, {0x1930, 0x193B}, {0x1A17, 0x1A1B},
    {0x1A55, 0x1A5E}, {0x1A60, 0x1A7C}, {0x1A7F, 0x1A7F}, {0x1AB0, 0x1ACE},
    {0x1B00, 0x1B04}, {0x1B34, 0x1B44}, {0x1B6B, 0x1B73}, {0x1B80, 0x1B82},
    {0x1BA1, 0x1BAD}, {0x1BE6, 0x1BF3}, {0x1C24, 0x1C37}, {0x1CD0, 0x1CD2},
    {0x1CD4, 0x1CE8}, {0x1CED, 0x1CED}, {0x1CF4, 0x1CF4}, {0x1CF7, 0x1CF9},
    {0x1DC0, 0x1DFF}, {0x20D0, 0x20F0}, {0x2CEF, 0x2CF1}, {0x2D7F, 0x2D7F},
    {0x2DE0, 0x2DFF}, {0x302A, 0x302F}, {0x3099, 0x309A}, {0xA66F, 0xA672},
    {0xA674, 0xA67D}, {0xA69E, 0xA69F}, {0xA6F0, 0xA6F1}, {0xA802, 0xA802},
    {0xA806, 0xA806}, {0xA80B, 0xA80B}, {0xA823, 0xA827}, {0xA82C, 0xA82C},
    {0xA880, 0xA881}, {0xA8B4, 0xA8C5}, {0xA8E0, 0xA8F1}, {0xA8FF, 0xA8FF},
    {0xA926, 0xA92D}, {0xA947, 0xA953}, {0xA980, 0xA983}, {0xA9B3, 0xA9C0},
    {0xA9E5, 0xA9E5}, {0xAA29, 0xAA36}, {0xAA43, 0xAA43}, {0xAA4C, 0xAA4D},
    {0xAA7B, 0xAA7D}, {0xAAB0, 0xAAB0}, {0xAAB2, 0xAAB4}, {0xAAB7, 0xAAB8},
    {0xAABE, 0xAABF}, {0xAAC1, 0xAAC1}, {0xAAEB, 0xAAEF}, {0xAAF5, 0xAAF6},
    {0xABE3, 0xABEA}, {0xABEC, 0xABED}, {0xFB1E, 0xFB1E}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0x101FD, 0x101FD}, {0x102E0, 0x102E0}, {0x10376, 0x1037A},
    {0x10A01, 0x10A03}, {0x10A05, 0x10A06}, {0x10A0C, 0x10A0F}, {0x10A38, 0x10A3A},
    {0x10A3F, 0x10A3F}, {0x10AE5, 0x10AE6}, {0x10D24, 0x10D27}, {0x10EAB, 0x10EAC},
    {0x10F46, 0x10F50}, {0x10F82, 0x10F85}, {0x11000, 0x11002}, {0x11038, 0x11046},
    {0x11070, 0x11070}, {0x11073, 0x11074}, {0x1107F, 0x11082}, {0x110B0, 0x110BA},
    {0x110C2, 0x110C2}, {0x11100, 0x11102}, {0x11127, 0x11134}, {0x11145, 0x11146},
    {0x11173, 0x11173}, {0x11180, 0x11182}, {0x111B3, 0x111C0}, {0x111C9, 0x111CC},
    {0x111CE, 0x111CF}, {0x1122C, 0x11237}, {0x1123E, 0x1123E}, {0x112DF, 0x112EA},
    {0x11300, 0x11303}, {0x1133B, 0x1133C}, {0x1133E, 0x11344}, {0x11347, 0x11348},
    {0x1134B, 0x1134D}, {0x11357, 0x11357}, {0x11362, 0x11363}, {0x11366, 0x1136C},
    {0x11370, 0x11374}, {0x11435, 0x11446}, {0x1145E, 0x1145E}, {0x114B0, 0x114C3},
    {0x115AF, 0x115B5}, {0x115B8, 0x115C0}, {0x115DC, 0x115DD}, {0x11630, 0x11640},
    {0x116AB, 0x116B7}, {0x1171D, 0x1172B}, {0x1182C, 0x1183A}, {0x11930, 0x11935},
    {0x11937, 0x11938}, {0x1193B, 0x1193E}, {0x11940, 0x11940}, {0x11942, 0x11943},
    {0x119D1, 0x119D7}, {0x119DA, 0x119E0}, {0x119E4, 0x119E4}, {0x11A01, 0x11A0A},
    {0x11A33, 0x11A39}, {0x11A3B, 0x11A3E}, {0x11A47, 0x11A47}, {0x11A51, 0x11A5B},
    {0x11A8A, 0x11A99}, {0x11C2F, 0x11C36}, {0x11C38, 0x11C3F}, {0x11C92, 0x11CA7},
    {0x11CA9, 0x11CB6}, {0x11D31, 0x11D36}, {0x11D3A, 0x11D3A}, {0x11D3C, 0x11D3D},
    {0x11D3F, 0x11D45}, {0x11D47, 0x11D47}, {0x11D8A, 0x11D8E}, {0x11D90, 0x11D91},
    {0x11D93, 0x11D97}, {0x11EF3, 0x11EF6}, {0x16AF0, 0x16AF4}, {0x16B30, 0x16B36},
    {0x16F4F, 0x16F4F}, {0x16F51, 0x16F87}, {0x16F8F, 0x16F92}, {0x16FE4, 0x16FE4},
    {0x16FF0, 0x16FF1}, {0x1BC9D, 0x1BC9E}, {0x1CF00, 0x1CF2D}, {0x1CF30, 0x1CF46},
    {0x1D165, 0x1D169}, {0x1D16D, 0x1D172}, {0x1D17B, 0x1D182}, {0x1D185, 0x1D18B},
    {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244}, {0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C},
    {0x1DA75, 0x1DA75}, {0x1DA84, 0x1DA84}, {0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF},
    {0x1E000, 0x1E006}, {0x1E008, 0x1E018}, {0x1E01B, 0x1E021}, {0x1E023, 0x1E024},
    {0x1E026, 0x1E02A}, {0x1E130, 0x1E136}, {0x1E2AE, 0x1E2AE}, {0x1E2EC, 0x1E2EF},
    {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A}, {0xE0100, 0xE01EF},
};

/* Format characters (Unicode 14 Cf) and what each kind does, for the
 * message. allowed marks the ones drawn as visible signs. */
typedef enum cf_kind {
    CF_REFUSED,
    CF_JOINER,      /* ZWNJ, ZWJ: only between two visible characters */
    CF_BIDI_MARK,   /* LRM, RLM, ALM: only in right-to-left text */
    CF_DRAWN,       /* prepended concatenation marks */
} cf_kind;

typedef struct cf_range {
    uint32_t lo, hi;
    cf_kind kind;
    const char *what;
} cf_range;

static const cf_range formats[] = {
    {0x00AD, 0x00AD, CF_REFUSED, "a soft hyphen, which is not shown"},
    {0x0600, 0x0605, CF_DRAWN, NULL},
    {0x061C, 0x061C, CF_BIDI_MARK, "an Arabic letter mark, a bidi control"},
    {0x06DD, 0x06DD, CF_DRAWN, NULL},
    {0x070F, 0x070F, CF_DRAWN, NULL},
    {0x0890, 0x0891, CF_DRAWN, NULL},
    {0x08E2, 0x08E2, CF_DRAWN, NULL},
    {0x180E, 0x180E, CF_REFUSED, "a Mongolian vowel separator, which is not shown"},
    {0x200B, 0x200B, CF_REFUSED, "a zero-width space, which is not shown"},
    {0x200C, 0x200D, CF_JOINER, "a zero-width joiner, allowed only between two visible characters"},
    {0x200E, 0x200F, CF_BIDI_MARK, "a direction mark, allowed only in right-to-left text"},
    {0x202A, 0x202C, CF_REFUSED, "a bidi embedding, which reorders the text around it"},
    {0x202D, 0x202E, CF_REFUSED, "a bidi override, which shows the text after it reversed"},
    {0x2060, 0x2064, CF_REFUSED, "an invisible word joiner or operator"},
    {0x2066, 0x2069, CF_REFUSED, "a bidi isolate, which reorders the text around it"},
    {0x206A, 0x206F, CF_REFUSED, "a deprecated format character"},
    {0xFEFF, 0xFEFF, CF_REFUSED, "a byte order mark (zero-width no-break space)"},
    {0xFFF9, 0xFFFB, CF_REFUSED, "an interlinear annotation character"},
    {0x110BD, 0x110BD, CF_DRAWN, NULL},
    {0x110CD, 0x110CD, CF_DRAWN, NULL},
    {0x13430, 0x13438, CF_REFUSED, "a hieroglyph format control"},
    {0x1BCA0, 0x1BCA3, CF_REFUSED, "a shorthand format control"},
    {0x1D173, 0x1D17A, CF_REFUSED, "a musical symbol format control"},
    {0xE0001, 0xE0001, CF_REFUSED, "a language tag"},
    {0xE0020, 0xE007F, CF_REFUSED, "a tag character, which is not shown"},
};

bool text_is_mark(uint32_t cp)
{
    size_t lo = 0, hi = sizeof marks / sizeof marks[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < marks[mid].lo)
            hi = mid;
        else if (cp > marks[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

static const cf_range *format_of(uint32_t cp)
{
    if (cp < 0x00AD || (cp > 0x206F && cp < 0xFEFF))
        return NULL;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (cp >= formats[i].lo && cp <= formats[i].hi)
            return &formats[i];
    return NULL;
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x00A0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

/* Blank even though they are not spaces, marks or format characters. */
static bool is_blank_glyph(uint32_t cp)
{
    return cp == 0x115F || cp == 0x1160 || cp == 0x2800 || cp == 0x3164 ||
           cp == 0xFFA0 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xE0100 && cp <= 0xE01EF) || cp == 0x034F;
}

/* Strong right-to-left scripts: Hebrew, Arabic, Syriac, Thaana, NKo,
 * Samaritan, Mandaic and their presentation forms and supplements. */
static bool is_rtl_letter(uint32_t cp)
{
    return (cp >= 0x0590 && cp <= 0x08FF && !text_is_mark(cp) && !format_of(cp)) ||
           (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFC) ||
           (cp >= 0x10800 && cp <= 0x10FFF) || (cp >= 0x1E800 && cp <= 0x1EFFF);
}

/* Drawn as something a reader sees (a letter, digit, sign, ideograph,
 * emoji, or a drawn format character). */
static bool is_visible(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_space(cp) ||
        is_blank_glyph(cp) || text_is_mark(cp) || cp == 0x2028 || cp == 0x2029)
        return false;
    const cf_range *f = format_of(cp);
    return !f || f->kind == CF_DRAWN;
}

/* The code point at s[*off] (advancing *off); a NUL inside len is U+0000. */
static uint32_t next_cp(const char *s, size_t len, size_t *off)
{
    if (s[*off] == '\0') {
        (*off)++;
        return 0;
    }
    const char *p = s + *off;
    uint32_t cp = utf8_next(&p);
    size_t n = (size_t)(p - (s + *off));
    *off += n ? n : 1;
    if (*off > len)
        *off = len;
    return cp;
}

static bool refuse(text_problem *p, uint32_t cp, size_t off, const char *what)
{
    if (p)
        *p = (text_problem){cp, off, what};
    return false;
}

/* Letters, digits and signs that need no table: printable ASCII but the
 * space, and the CJK ideographs and Hangul syllables that make up most of
 * a Chinese catalogue (no marks, no format characters in these ranges).
 * Keeps a 16 MiB catalogue's check from paying a table lookup per byte. */
static bool plainly_visible(uint32_t cp)
{
    return (cp > 0x20 && cp < 0x7F) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3);
}

/* Does s[0..len) hold a right-to-left letter? Only asked when a direction
 * mark turns up, which is rare. */
static bool has_rtl(const char *s, size_t len)
{
    for (size_t off = 0; off < len;)
        if (is_rtl_letter(next_cp(s, len, &off)))
            return true;
    return false;
}

bool text_check_visible(const char *s, size_t len, unsigned flags,
                        text_problem *p)
{
    if (!s)
        len = 0;
    int rtl = -1;       /* unknown until a direction mark needs it */
    bool visible = false;
    uint32_t prev = 0;  /* the code point before, 0 at the start */
    for (size_t off = 0; off < len;) {
        size_t at = off;
        uint32_t cp = next_cp(s, len, &off);
        if (plainly_visible(cp)) {
            visible = true;
            prev = cp;
            continue;
        }
        if (cp == 0xFFFD && (unsigned char)s[at] != 0xEF)
            return refuse(p, cp, at, "a byte that is not UTF-8");
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            if ((flags & TEXT_MULTI_LINE) && (cp == '\n' || cp == '\t')) {
                prev = cp;
                continue;
            }
            return refuse(p, cp, at, cp == '\n' || cp == '\r' || cp == '\t'
                                         ? "a line break or tab, in a one-line text"
                                         : "a control character");
        }
        if (cp == 0x2028 || cp == 0x2029)
            return refuse(p, cp, at, "a line or paragraph separator");
        if (cp == 0x3164 || cp == 0xFFA0)
            return refuse(p, cp, at, "a Hangul filler, which is blank");
        const cf_range *f = format_of(cp);
        if (f) {
            switch (f->kind) {
            case CF_REFUSED:
                return refuse(p, cp, at, f->what);
            case CF_BIDI_MARK:
                if (rtl < 0)
                    rtl = has_rtl(s, len);
                if (!rtl)
                    return refuse(p, cp, at, f->what);
                break;
            case CF_JOINER: {
                /* between two visible characters (a mark belongs to the
                 * character before it: KA, VIRAMA, ZWJ, SSA is fine) */
                size_t after = off;
                uint32_t next = after < len ? next_cp(s, len, &after) : 0;
                bool before_ok = prev && (is_visible(prev) || text_is_mark(prev));
                bool after_ok = next && is_visible(next);
                if (!before_ok || !after_ok)
                    return refuse(p, cp, at, f->what);
                break;
            }
            case CF_DRAWN:
                break;
            }
        }
        if (is_visible(cp))
            visible = true;
        prev = cp;
    }
    if ((flags & TEXT_NEED_VISIBLE) && !visible)
        return refuse(p, 0, 0, NULL);
    return true;
}

bool text_char_shown(const char *s, size_t seq)
{
    return seq > 0 && text_check_visible(s, seq, 0, NULL);
}

char *text_problem_describe(const text_problem *p, char *out, size_t size)
{
    if (!p->what)
        snprintf(out, size, "must contain at least one visible character (it has "
                 "only white space, combining marks or invisible characters)");
    else
        snprintf(out, size, "must not contain U+%04lX (%s)", (unsigned long)p->cp,
                 p->what);
    return out;
}
