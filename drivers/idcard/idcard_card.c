/*
 * idcard_card: see idcard_card.h.
 */
#include "idcard_card.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GB 3304-1991 codes 01..56 in code order, as the card prints them (without
 * the 族 suffix), plus the two special codes. */
static const char *const nations[56] = {
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
    "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
    "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
    "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
};

const char *idcard_nation_name(const char *code)
{
    if (!code || code[0] < '0' || code[0] > '9' || code[1] < '0' ||
        code[1] > '9' || code[2] != '\0')
        return NULL;
    int n = (code[0] - '0') * 10 + (code[1] - '0');
    if (n >= 1 && n <= 56)
        return nations[n - 1];
    if (n == 97)
        return "其他";
    if (n == 98)
        return "外国血统中国籍人士";
    return NULL;
}

idcard_identity *idcard_identity_new(void)
{
    idcard_identity *id = calloc(1, sizeof *id);
    if (id) {
        id->issue_count = -1;
        id->renewal_count = -1;
    }
    return id;
}

void idcard_identity_clear(idcard_identity *id)
{
    if (!id)
        return;
    if (id->photo) {
        explicit_bzero(id->photo, id->photo_len);
        free(id->photo);
    }
    if (id->fingerprint) {
        explicit_bzero(id->fingerprint, id->fingerprint_len);
        free(id->fingerprint);
    }
    /* explicit_bzero rather than memset: the struct is usually freed right
     * after, and a memset before free() is a dead store the optimiser may
     * remove, leaving the name and number in freed heap. */
    explicit_bzero(id, sizeof *id);
}

void idcard_identity_wipe(idcard_identity *id)
{
    if (!id)
        return;
    idcard_identity_clear(id);
    free(id);
}

const char *idcard_type_name(idcard_type t)
{
    switch (t) {
    case IDCARD_TYPE_RESIDENT: return "resident";
    case IDCARD_TYPE_HKMOTW: return "hkmotw";
    case IDCARD_TYPE_FOREIGN_2017: return "foreign2017";
    case IDCARD_TYPE_FOREIGN_2023: return "foreign2023";
    }
    return "unknown";
}

/* ---- text block decoding ---------------------------------------------- */

typedef struct parse_ctx {
    const uint8_t *text;
    char *err;
    size_t err_size;
    int rc;
} parse_ctx;

static void set_err(parse_ctx *c, int rc, size_t offset, const char *field,
                    const char *rule)
{
    if (c->rc)
        return;   /* keep the first problem: it is the one to fix */
    c->rc = rc;
    if (c->err && c->err_size)
        snprintf(c->err, c->err_size, "byte %zu (%s): %s", offset, field, rule);
}

static size_t put_utf8(char *out, size_t pos, unsigned cp)
{
    if (cp < 0x80) {
        out[pos++] = (char)cp;
    } else if (cp < 0x800) {
        out[pos++] = (char)(0xC0 | cp >> 6);
        out[pos++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[pos++] = (char)(0xE0 | cp >> 12);
        out[pos++] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[pos++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[pos++] = (char)(0xF0 | cp >> 18);
        out[pos++] = (char)(0x80 | (cp >> 12 & 0x3F));
        out[pos++] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[pos++] = (char)(0x80 | (cp & 0x3F));
    }
    return pos;
}

/* Decodes UCS-2LE from one or two byte ranges (the Y card splits the English
 * name) into UTF-8, trimming the space/NUL padding at both ends. Surrogate
 * pairs are accepted because rare-character names (生僻字) may use them. The
 * out buffers in idcard_identity are sized 3 bytes per unit + 1, so the
 * size check below only guards against layout mistakes. */
static void decode_ranges(parse_ctx *c, const char *field, size_t off1,
                          size_t len1, size_t off2, size_t len2,
                          char *out, size_t out_size)
{
    uint16_t units[64];
    size_t offs[64];
    size_t n = 0;
    for (size_t part = 0; part < 2; part++) {
        size_t off = part ? off2 : off1, len = part ? len2 : len1;
        for (size_t i = 0; i + 1 < len && n < 64; i += 2) {
            units[n] = (uint16_t)(c->text[off + i] | c->text[off + i + 1] << 8);
            offs[n++] = off + i;
        }
    }
    size_t lo = 0, hi = n;
    while (hi > lo && (units[hi - 1] == 0x0020 || units[hi - 1] == 0x0000))
        hi--;
    while (lo < hi && units[lo] == 0x0020)
        lo++;
    size_t pos = 0;
    out[0] = '\0';
    for (size_t i = lo; i < hi; i++) {
        unsigned cp = units[i];
        if (cp < 0x20 || cp == 0x7F) {
            set_err(c, IDCARD_PARSE_ENCODING, offs[i], field,
                    "control character in text");
            out[0] = '\0';
            goto out;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i + 1 >= hi || units[i + 1] < 0xDC00 || units[i + 1] > 0xDFFF) {
                set_err(c, IDCARD_PARSE_ENCODING, offs[i], field,
                        "high surrogate without a low surrogate");
                out[0] = '\0';
                goto out;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (units[i + 1] - 0xDC00);
            i++;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            set_err(c, IDCARD_PARSE_ENCODING, offs[i], field,
                    "low surrogate without a high surrogate");
            out[0] = '\0';
            goto out;
        }
        if (pos + 5 > out_size) {
            set_err(c, IDCARD_PARSE_FIELD, offs[i], field, "text too long");
            out[0] = '\0';
            goto out;
        }
        pos = put_utf8(out, pos, cp);
    }
    out[pos] = '\0';
out:
    /* the field in UCS-2 on the reader thread's stack: a later call of
     * another depth would not overwrite it (issue 13 item 8) */
    explicit_bzero(units, sizeof units);
}

static void decode(parse_ctx *c, const char *field, size_t off, size_t len,
                   char *out, size_t out_size)
{
    decode_ranges(c, field, off, len, 0, 0, out, out_size);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return s[n] == '\0';
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool idcard_parse_date(const char *s, idcard_date *out)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || !all_digits(s, 8))
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[4] - '0') * 10 + (s[5] - '0');
    int d = (s[6] - '0') * 10 + (s[7] - '0');
    if (y < 1800 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1] + (m == 2 && is_leap(y));
    if (d > max)
        return false;
    out->year = y;
    out->month = m;
    out->day = d;
    return true;
}

int idcard_date_compare(idcard_date a, idcard_date b)
{
    long ka = a.year * 10000L + a.month * 100L + a.day;
    long kb = b.year * 10000L + b.month * 100L + b.day;
    return ka < kb ? -1 : ka > kb;
}

/* A date field: blank leaves year 0; "长期" sets *long_term when allowed. */
static void parse_date_field(parse_ctx *c, const char *field, size_t off,
                             idcard_date *out, bool *long_term)
{
    char s[64];
    decode(c, field, off, 16, s, sizeof s);
    if (c->rc || s[0] == '\0')
        return;
    if (long_term && strcmp(s, "长期") == 0) {
        *long_term = true;
        return;
    }
    if (!idcard_parse_date(s, out))
        set_err(c, IDCARD_PARSE_FIELD, off, field,
                long_term ? "not a date YYYYMMDD nor 长期"
                          : "not a date YYYYMMDD");
}

static void parse_sex(parse_ctx *c, size_t off, idcard_sex *out)
{
    char s[8];
    decode(c, "sex", off, 2, s, sizeof s);
    if (c->rc)
        return;
    if (!strcmp(s, "1"))
        *out = IDCARD_SEX_MALE;
    else if (!strcmp(s, "2"))
        *out = IDCARD_SEX_FEMALE;
    else if (!strcmp(s, "") || !strcmp(s, "0") || !strcmp(s, "9"))
        *out = IDCARD_SEX_UNKNOWN;
    else
        set_err(c, IDCARD_PARSE_FIELD, off, "sex", "not 1, 2, 0 or 9");
}

/* Two-digit counters (issue count, renewal count); blank gives -1. */
static void parse_count(parse_ctx *c, const char *field, size_t off, int *out)
{
    char s[8];
    decode(c, field, off, 4, s, sizeof s);
    if (c->rc)
        return;
    *out = -1;
    if (s[0] == '\0')
        return;
    if (!all_digits(s, strlen(s)) || strlen(s) > 2) {
        set_err(c, IDCARD_PARSE_FIELD, off, field, "not a two-digit count");
        return;
    }
    *out = atoi(s);
}

static void check_id18(parse_ctx *c, size_t off, const char *field,
                       const char *s)
{
    if (s[0] == '\0')
        return;
    if (strlen(s) != 18) {
        set_err(c, IDCARD_PARSE_FIELD, off, field, "not 18 characters");
        return;
    }
    for (int i = 0; i < 17; i++)
        if (s[i] < '0' || s[i] > '9') {
            set_err(c, IDCARD_PARSE_FIELD, off + (size_t)i * 2, field,
                    "not 17 digits and a check character");
            return;
        }
    if (!((s[17] >= '0' && s[17] <= '9') || s[17] == 'X' || s[17] == 'x'))
        set_err(c, IDCARD_PARSE_FIELD, off + 34, field,
                "check character is not a digit or X");
}

static void check_alnum(parse_ctx *c, size_t off, const char *field,
                        const char *s, bool letters_only)
{
    for (size_t i = 0; s[i]; i++) {
        char ch = s[i];
        bool letter = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
        bool digit = ch >= '0' && ch <= '9';
        if (!(letter || (digit && !letters_only))) {
            set_err(c, IDCARD_PARSE_FIELD, off, field,
                    letters_only ? "not Latin letters" : "not letters and digits");
            return;
        }
    }
}

static void parse_nation(parse_ctx *c, idcard_identity *out, bool required)
{
    char code[8];
    decode(c, "nation", 32, 4, code, sizeof code);
    if (c->rc)
        return;
    if (code[0] == '\0' && !required)
        return;
    const char *name = idcard_nation_name(code);
    if (!name) {
        set_err(c, IDCARD_PARSE_FIELD, 32, "nation",
                "not a GB 3304 code (01-56, 97, 98)");
        return;
    }
    memcpy(out->nation_code, code, 3);
    snprintf(out->nation, sizeof out->nation, "%s", name);
}

/* Resident layout, shared by resident cards and J permits up to byte 220. */
static void parse_resident_part(parse_ctx *c, idcard_identity *out, bool j)
{
    decode(c, "name", 0, 30, out->name, sizeof out->name);
    parse_sex(c, 30, &out->sex);
    parse_nation(c, out, !j);
    parse_date_field(c, "birth", 36, &out->birth, NULL);
    decode(c, "address", 52, 70, out->address, sizeof out->address);
    decode(c, "id_number", 122, 36, out->id_number, sizeof out->id_number);
    if (!c->rc)
        check_id18(c, 122, "id_number", out->id_number);
    decode(c, "authority", 158, 30, out->authority, sizeof out->authority);
    parse_date_field(c, "valid_from", 188, &out->valid_from, NULL);
    parse_date_field(c, "valid_to", 204, &out->valid_to, &out->long_term);
}

static void parse_foreign_2017(parse_ctx *c, idcard_identity *out)
{
    decode(c, "name_en", 0, 120, out->name_en, sizeof out->name_en);
    parse_sex(c, 120, &out->sex);
    decode(c, "permit_number", 122, 30, out->id_number, sizeof out->id_number);
    if (!c->rc)
        check_alnum(c, 122, "permit_number", out->id_number, false);
    decode(c, "nationality", 152, 6, out->nationality, sizeof out->nationality);
    if (!c->rc)
        check_alnum(c, 152, "nationality", out->nationality, true);
    decode(c, "name", 158, 30, out->name, sizeof out->name);
    parse_date_field(c, "valid_from", 188, &out->valid_from, NULL);
    parse_date_field(c, "valid_to", 204, &out->valid_to, &out->long_term);
    parse_date_field(c, "birth", 220, &out->birth, NULL);
    decode(c, "card_version", 236, 4, out->card_version, sizeof out->card_version);
    decode(c, "authority_code", 240, 8, out->authority_code,
           sizeof out->authority_code);
}

static void parse_foreign_2023(parse_ctx *c, idcard_identity *out)
{
    decode(c, "name", 0, 30, out->name, sizeof out->name);
    parse_sex(c, 30, &out->sex);
    parse_count(c, "renewal_count", 32, &out->renewal_count);
    parse_date_field(c, "birth", 36, &out->birth, NULL);
    decode_ranges(c, "name_en", 52, 70, 220, 22, out->name_en, sizeof out->name_en);
    decode(c, "id_number", 122, 36, out->id_number, sizeof out->id_number);
    if (!c->rc)
        check_id18(c, 122, "id_number", out->id_number);
    parse_date_field(c, "valid_from", 188, &out->valid_from, NULL);
    parse_date_field(c, "valid_to", 204, &out->valid_to, &out->long_term);
    decode(c, "nationality", 242, 6, out->nationality, sizeof out->nationality);
    if (!c->rc)
        check_alnum(c, 242, "nationality", out->nationality, true);
}

/* Zeroes the decoded fields but keeps the photo and fingerprint buffers,
 * which belong to whoever attached them. */
static void clear_fields(idcard_identity *id)
{
    uint8_t *photo = id->photo, *fp = id->fingerprint;
    size_t photo_len = id->photo_len, fp_len = id->fingerprint_len;
    explicit_bzero(id, sizeof *id);
    id->photo = photo;
    id->photo_len = photo_len;
    id->fingerprint = fp;
    id->fingerprint_len = fp_len;
    id->issue_count = -1;
    id->renewal_count = -1;
}

int idcard_parse_text(const uint8_t *text, size_t len, idcard_identity *out,
                      char *err, size_t err_size)
{
    parse_ctx c = {text, err, err_size, 0};
    if (err && err_size)
        err[0] = '\0';
    clear_fields(out);
    if (!text || len < IDCARD_TEXT_LEN) {
        set_err(&c, IDCARD_PARSE_SHORT, len, "text",
                "text block shorter than 256 bytes");
        return c.rc;
    }
    uint16_t flag = (uint16_t)(text[248] | text[249] << 8);
    switch (flag) {
    case ' ': case 0x0000:
        out->type = IDCARD_TYPE_RESIDENT;
        parse_resident_part(&c, out, false);
        break;
    case 'J':
        out->type = IDCARD_TYPE_HKMOTW;
        parse_resident_part(&c, out, true);
        decode(&c, "pass_number", 220, 18, out->pass_number, sizeof out->pass_number);
        if (!c.rc)
            check_alnum(&c, 220, "pass_number", out->pass_number, false);
        parse_count(&c, "issue_count", 238, &out->issue_count);
        break;
    case 'I':
        out->type = IDCARD_TYPE_FOREIGN_2017;
        parse_foreign_2017(&c, out);
        break;
    case 'Y':
        out->type = IDCARD_TYPE_FOREIGN_2023;
        parse_foreign_2023(&c, out);
        break;
    default:
        set_err(&c, IDCARD_PARSE_CARD_TYPE, 248, "card_type",
                "card-type flag is not blank, J, I or Y");
        break;
    }
    if (c.rc)
        clear_fields(out);
    return c.rc;
}

/* ---- check digit and validity ----------------------------------------- */

char idcard_check_digit(const char *id17)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
    if (!id17)
        return '\0';
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (id17[i] < '0' || id17[i] > '9')
            return '\0';
        sum += (id17[i] - '0') * weights[i];
    }
    return map[sum % 11];
}

bool idcard_check_digit_ok(const char *id)
{
    if (!id || strlen(id) != 18)
        return false;
    char want = idcard_check_digit(id);
    char got = id[17] == 'x' ? 'X' : id[17];
    return want != '\0' && got == want;
}

idcard_validity idcard_check_validity(const idcard_identity *id,
                                      idcard_date today)
{
    if (id->valid_from.year && idcard_date_compare(today, id->valid_from) < 0)
        return IDCARD_NOT_YET_VALID;
    if (id->long_term)
        return IDCARD_VALID;
    if (!id->valid_to.year)
        return IDCARD_DATES_MISSING;
    return idcard_date_compare(today, id->valid_to) > 0 ? IDCARD_EXPIRED
                                                        : IDCARD_VALID;
}

const char *idcard_validity_key(idcard_validity v)
{
    switch (v) {
    case IDCARD_VALID: return NULL;
    case IDCARD_EXPIRED: return "card.expired";
    case IDCARD_NOT_YET_VALID: return "card.not_yet_valid";
    case IDCARD_DATES_MISSING: return "card.unreadable";
    }
    return "card.unreadable";
}

/* ---- masking ------------------------------------------------------------ */

/* Length in bytes of the UTF-8 sequence starting with lead byte b; invalid
 * lead bytes count as one so masking never stalls on bad input. */
static size_t utf8_len(unsigned char b)
{
    if (b < 0x80) return 1;
    if ((b & 0xE0) == 0xC0) return 2;
    if ((b & 0xF0) == 0xE0) return 3;
    if ((b & 0xF8) == 0xF0) return 4;
    return 1;
}

/* Appends n bytes if they fit with the NUL; returns the new position. */
static size_t append(char *out, size_t size, size_t pos, const char *s, size_t n)
{
    if (pos + n + 1 > size)
        return pos;
    memcpy(out + pos, s, n);
    out[pos + n] = '\0';
    return pos + n;
}

/* Splits s into code points: starts[i] and lens[i]; returns the count (at
 * most max; the rest is ignored, names are far shorter). */
static size_t split_cps(const char *s, size_t *starts, size_t *lens, size_t max)
{
    size_t n = 0, i = 0, total = strlen(s);
    while (i < total && n < max) {
        size_t l = utf8_len((unsigned char)s[i]);
        if (i + l > total)
            l = total - i;
        starts[n] = i;
        lens[n++] = l;
        i += l;
    }
    return n;
}

void idcard_mask_name(const char *name, char *out, size_t out_size)
{
    if (!out || !out_size)
        return;
    out[0] = '\0';
    if (!name)
        return;
    bool ascii = true;
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p >= 0x80)
            ascii = false;
    size_t pos = 0;
    if (ascii) {
        /* Each word keeps its first letter: "SAMPLE, ANNA" -> "S*****, A***".
         * A word is a run of letters and digits; anything else (space,
         * comma, hyphen, apostrophe) is kept and starts a new word, so
         * "O'NEIL-SMITH" -> "O'N***-S****". The initials are what a holder
         * recognises as theirs; the rest stays hidden from onlookers. */
        bool word_start = true;
        for (const char *p = name; *p; p++) {
            char ch = *p;
            bool alnum = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                         (ch >= '0' && ch <= '9');
            if (alnum && !word_start)
                ch = '*';
            word_start = !alnum;
            pos = append(out, out_size, pos, &ch, 1);
        }
        return;
    }
    size_t starts[128], lens[128];
    size_t n = split_cps(name, starts, lens, 128);
    if (n == 0)
        return;
    if (n == 1) {
        append(out, out_size, 0, "*", 1);
        return;
    }
    pos = append(out, out_size, pos, name + starts[0], lens[0]);
    size_t stars = n == 2 ? 1 : n - 2;
    for (size_t i = 0; i < stars; i++)
        pos = append(out, out_size, pos, "*", 1);
    if (n > 2)
        append(out, out_size, pos, name + starts[n - 1], lens[n - 1]);
}

void idcard_mask_number(const char *number, char *out, size_t out_size)
{
    if (!out || !out_size)
        return;
    out[0] = '\0';
    if (!number)
        return;
    size_t starts[128], lens[128];
    size_t n = split_cps(number, starts, lens, 128);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        bool keep = n >= 12 && (i < 4 || i >= n - 4);
        if (keep)
            pos = append(out, out_size, pos, number + starts[i], lens[i]);
        else
            pos = append(out, out_size, pos, "*", 1);
    }
}
