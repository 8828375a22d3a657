/*
 * catalog: the catalogue's rules -- its schema, limits, cross-references
 * and derived search keys -- and the catalog's lifetime.
 *
 * The loader walks jansson's tree once with a json_check context, building
 * the catalog as it goes; json_check reports every problem it meets with
 * FILE:LINE:COL and the path, and never stops at the first one. This file
 * says only what a catalogue is: which fields, which limits, which ids must
 * be unique and what refers to what.
 *
 * Ownership: everything hanging off a catalog is owned by it and freed by
 * catalog_free. While loading, strings are copied out of the jansson tree as
 * they validate, so the tree can be dropped before returning.
 */
#include "catalog/catalog.h"
#include "catalog/json_check.h"
#include "catalog/json_pos.h"
#include "catalog/search_words.h"
#include "common/textfile.h"
#include "common/utf8.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

/* Limits in characters (code points), not bytes. A name must fit a home
 * screen tile or a title line; Latin and other narrow scripts get twice the
 * room of CJK (see json_check_text), being about half as wide in the kiosk fonts.
 * Longer texts wrap and scroll, so their limit only stops a runaway field
 * (a whole document pasted into "fees") from stalling the layout code. */
enum {
    NAME_WIDE_MAX = 64,
    NAME_NARROW_MAX = 128,
    TEXT_MAX = 2000,
    SERVICE_ID_MAX = 64,
    CATEGORY_ID_MAX = 32,
    ICON_MAX = 32,
    VERSION_MAX = 32,
    PHONE_MAX = 32,
    URL_MAX = 512,
    CERTIFICATE_MAX = 32,
    KEYWORD_MAX = 64,   /* English keywords run longer than Chinese ones */
    PINYIN_MAX = 128,
    LIST_MAX = 50,      /* conditions, materials, steps, keywords, pinyin */
    COUNT_MIN = 1,
    COUNT_MAX = 99,
    LEGAL_DAYS_MIN = -1,
    DAYS_MAX = 3650,
};

/* ---- the schema ------------------------------------------------------ */

static void walk_category(json_check *v, json_t *obj, catalog_category *cat)
{
    if (!json_check_object(v, obj, "must be an object {\"id\": ..., \"name\": ...}"))
        return;
    const char *id = json_check_string(v, obj, "id", true, CATEGORY_ID_MAX,
                                       JSON_CHECK_LOWER_ID);
    if (id) {
        cat->id = json_check_dup(v, id);
        json_check_set_id(v, cat->id);
    }
    static const char *const keys[] = {"id", "name", "icon"};
    json_check_keys(v, obj, keys, sizeof keys / sizeof keys[0]);
    json_check_text(v, obj, "name", true, NAME_WIDE_MAX, NAME_NARROW_MAX, &cat->name);
    const char *icon = json_check_string(v, obj, "icon", false, ICON_MAX,
                                         JSON_CHECK_LOWER_ID);
    if (icon)
        cat->icon = json_check_dup(v, icon);
}

static const char *const form_names[] = {
    [MATERIAL_ORIGINAL] = "original",
    [MATERIAL_COPY] = "copy",
    [MATERIAL_ORIGINAL_AND_COPY] = "original_and_copy",
    [MATERIAL_ELECTRONIC] = "electronic",
};

static void walk_material(json_check *v, json_t *obj, catalog_material *m)
{
    if (!json_check_object(v, obj,
            "must be an object {\"name\": ..., \"count\": ..., \"form\": ...}"))
        return;
    static const char *const keys[] = {"name", "count", "form", "notes"};
    json_check_keys(v, obj, keys, sizeof keys / sizeof keys[0]);
    json_check_text(v, obj, "name", true, NAME_WIDE_MAX, NAME_NARROW_MAX, &m->name);
    json_check_int(v, obj, "count", COUNT_MIN, COUNT_MAX, &m->count);
    int form = json_check_enum(v, obj, "form", form_names,
                               sizeof form_names / sizeof form_names[0]);
    if (form >= 0)
        m->form = (material_form)form;
    json_check_text(v, obj, "notes", false, TEXT_MAX, TEXT_MAX, &m->notes);
}

static void walk_time_limit(json_check *v, json_t *obj, catalog_service *s)
{
    json_t *tl = json_check_member(v, obj, "time_limit", true);
    if (!tl)
        return;
    json_check_push_key(v, "time_limit");
    if (json_check_object(v, tl,
            "must be an object {\"legal_days\": ..., \"promised_days\": ...}")) {
        static const char *const keys[] = {"legal_days", "promised_days"};
        json_check_keys(v, tl, keys, 2);
        bool legal_ok = json_check_int(v, tl, "legal_days", LEGAL_DAYS_MIN,
                                       DAYS_MAX, &s->legal_days);
        bool promised_ok = json_check_int(v, tl, "promised_days", 0, DAYS_MAX,
                                          &s->promised_days);
        /* A promise is a shortening of the legal limit; promising more
         * than the law allows is a data-entry error (often swapped). */
        if (legal_ok && promised_ok && s->legal_days >= 0 &&
            s->promised_days > s->legal_days) {
            json_check_push_key(v, "promised_days");
            json_check_report(v, "must not be more than legal_days (%d), got %d",
                              s->legal_days, s->promised_days);
            json_check_pop(v);
        }
    }
    json_check_pop(v);
}

static void check_url(json_check *v, json_t *obj, catalog_service *s)
{
    const char *url = json_check_string(v, obj, "online_url", false, URL_MAX,
                                        JSON_CHECK_ANY);
    if (!url)
        return;
    /* Only https: the link becomes a QR code the resident opens on a phone,
     * and a government service must not be reachable over plain http. */
    if (strncmp(url, "https://", 8) != 0 || url[8] == '\0' || strpbrk(url, " \t")) {
        char got[JSON_CHECK_GOT_SIZE];
        json_check_quote(url, got, sizeof got);
        json_check_push_key(v, "online_url");
        json_check_report(v, "must be an https:// address without spaces, got %s", got);
        json_check_pop(v);
        return;
    }
    s->online_url = json_check_dup(v, url);
}

/* "certificate": a kind the platform issues (a-z, 0-9 and _), shown at
 * the kiosk to the resident it belongs to: so only on a service done here
 * that signs the resident in. */
static void check_certificate(json_check *v, json_t *obj, catalog_service *s)
{
    const char *kind = json_check_string(v, obj, "certificate", false, CERTIFICATE_MAX,
                                         JSON_CHECK_ANY);
    if (!kind)
        return;
    bool ok = true;
    for (const char *c = kind; *c; c++)
        ok &= (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
    json_check_push_key(v, "certificate");
    if (!ok) {
        char got[JSON_CHECK_GOT_SIZE];
        json_check_quote(kind, got, sizeof got);
        json_check_report(v, "must be a certificate kind of a-z, 0-9 and _ "
                             "(e.g. \"si_enrolment\"), got %s", got);
    } else if (!s->kiosk || !s->needs_identity) {
        json_check_report(v, "a certificate is shown to the signed-in resident: the service "
                             "needs \"kiosk\": true and \"needs_identity\": true");
    } else {
        s->certificate = json_check_dup(v, kind);
    }
    json_check_pop(v);
}

/* "she bao jiao fei": syllables of a-z separated by single spaces. */
static bool is_pinyin(const char *s)
{
    if (!*s || *s == ' ')
        return false;
    for (; *s; s++) {
        if (*s == ' ') {
            if (s[1] == ' ' || s[1] == '\0')
                return false;
        } else if (*s < 'a' || *s > 'z') {
            return false;
        }
    }
    return true;
}

static void walk_service(json_check *v, json_t *obj, catalog_service *s,
                         const char **category_ref)
{
    if (!json_check_object(v, obj, "must be an object {\"id\": ..., \"name\": ..., ...}"))
        return;
    /* The id first, so every later message can name the service. */
    const char *id = json_check_string(v, obj, "id", true, SERVICE_ID_MAX,
                                       JSON_CHECK_ID);
    if (id) {
        s->id = json_check_dup(v, id);
        json_check_set_id(v, s->id);
    }
    static const char *const keys[] = {
        "id", "name", "department", "category", "kiosk", "needs_identity",
        "summary", "conditions", "materials", "steps", "time_limit", "fees",
        "window", "address", "phone", "hours", "online_url", "keywords",
        "pinyin", "form", "certificate",
    };
    json_check_keys(v, obj, keys, sizeof keys / sizeof keys[0]);
    json_check_text(v, obj, "name", true, NAME_WIDE_MAX, NAME_NARROW_MAX, &s->name);
    json_check_text(v, obj, "department", true, NAME_WIDE_MAX, NAME_NARROW_MAX,
                    &s->department);
    *category_ref = json_check_string(v, obj, "category", true, CATEGORY_ID_MAX,
                                      JSON_CHECK_ANY);
    json_check_bool(v, obj, "kiosk", &s->kiosk);
    json_check_bool(v, obj, "needs_identity", &s->needs_identity);
    json_check_text(v, obj, "summary", false, TEXT_MAX, TEXT_MAX, &s->summary);
    s->conditions = json_check_text_list(v, obj, "conditions", LIST_MAX,
                                         TEXT_MAX, TEXT_MAX,
                                         "must list at least one condition",
                                         &s->n_conditions);

    json_t *mats = json_check_array(v, obj, "materials", true, 0, LIST_MAX, NULL);
    if (mats) {
        size_t n = json_array_size(mats);
        s->materials = json_check_alloc(v, n, sizeof *s->materials);
        if (s->materials) {
            s->n_materials = n;
            json_check_push_key(v, "materials");
            for (size_t i = 0; i < n; i++) {
                json_check_push_index(v, i);
                walk_material(v, json_array_get(mats, i), &s->materials[i]);
                json_check_pop(v);
            }
            json_check_pop(v);
        }
    }

    s->steps = json_check_text_list(v, obj, "steps", LIST_MAX, TEXT_MAX, TEXT_MAX,
                                    "must list at least one step", &s->n_steps);
    walk_time_limit(v, obj, s);
    json_check_text(v, obj, "fees", true, TEXT_MAX, TEXT_MAX, &s->fees);
    json_check_text(v, obj, "window", true, TEXT_MAX, TEXT_MAX, &s->window);
    json_check_text(v, obj, "address", true, TEXT_MAX, TEXT_MAX, &s->address);
    const char *phone = json_check_string(v, obj, "phone", true, PHONE_MAX,
                                          JSON_CHECK_PHONE);
    if (phone)
        s->phone = json_check_dup(v, phone);
    json_check_text(v, obj, "hours", true, TEXT_MAX, TEXT_MAX, &s->hours);
    check_url(v, obj, s);
    s->keywords = json_check_string_list(v, obj, "keywords", LIST_MAX,
                                         KEYWORD_MAX, NULL, NULL, &s->n_keywords);
    s->pinyin = json_check_string_list(v, obj, "pinyin", LIST_MAX, PINYIN_MAX,
                                       is_pinyin,
                                       "must be lower-case pinyin: syllables of "
                                       "a-z separated by single spaces, e.g. "
                                       "\"she bao jiao fei\"", &s->n_pinyin);
    s->form = form_walk(v, obj, s->id, s->kiosk, s->needs_identity);
    check_certificate(v, obj, s);
}

/* ---- cross-references ------------------------------------------------ */

typedef struct id_ref {
    const char *id;
    size_t index;
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

/* Sorts the valid ids of one list and reports every repeat at the later
 * entry. Returns the sorted refs (the caller frees) for lookups, and sets
 * dup[i] for every entry that repeats an earlier id. */
static id_ref *check_unique(json_check *v, const char *list, size_t n,
                            const char *(*id_at)(const catalog *, size_t),
                            const catalog *cat, bool *dup, size_t *n_refs)
{
    *n_refs = 0;
    id_ref *refs = json_check_alloc(v, n, sizeof *refs);
    if (!refs)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = id_at(cat, i);
        if (id)
            refs[k++] = (id_ref){id, i};
    }
    qsort(refs, k, sizeof *refs, cmp_id_ref);
    for (size_t i = 1, first = 0; i < k; i++) {
        if (strcmp(refs[i].id, refs[first].id) != 0) {
            first = i;
            continue;
        }
        dup[refs[i].index] = true;
        json_check_push_key(v, list);
        json_check_push_index(v, refs[i].index);
        json_check_set_id(v, refs[i].id);
        json_check_push_key(v, "id");
        json_check_report(v, "duplicate id, already used by %s[%zu]", list,
                          refs[first].index);
        json_check_pop(v);
        json_check_pop(v);
        json_check_pop(v);
    }
    *n_refs = k;
    return refs;
}

static const char *category_id_at(const catalog *c, size_t i)
{
    return c->categories[i].id;
}

static const char *service_id_at(const catalog *c, size_t i)
{
    return c->services[i].id;
}

/* Index of the first category with this id in the sorted refs, or -1. */
static long lookup_category(const id_ref *refs, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(refs[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && !strcmp(refs[lo].id, id))
        return (long)refs[lo].index;
    return -1;
}

static void link_services(json_check *v, catalog *cat,
                          const char **category_refs, bool services_listed)
{
    bool *cat_dup = json_check_alloc(v, cat->n_categories, sizeof *cat_dup);
    bool *svc_dup = json_check_alloc(v, cat->n_services, sizeof *svc_dup);
    size_t *counts = json_check_alloc(v, cat->n_categories, sizeof *counts);
    size_t n_cat_refs = 0, n_svc_refs = 0;
    id_ref *cat_refs = NULL, *svc_refs = NULL;
    if (!cat_dup || !svc_dup || !counts)
        goto out;
    cat_refs = check_unique(v, "categories", cat->n_categories, category_id_at,
                            cat, cat_dup, &n_cat_refs);
    svc_refs = check_unique(v, "services", cat->n_services, service_id_at,
                            cat, svc_dup, &n_svc_refs);
    if (!cat_refs || !svc_refs)
        goto out;

    for (size_t i = 0; i < cat->n_services; i++) {
        catalog_service *s = &cat->services[i];
        if (!category_refs[i])
            continue;
        long c = lookup_category(cat_refs, n_cat_refs, category_refs[i]);
        if (c >= 0) {
            s->category = (size_t)c;
            counts[c]++;
            continue;
        }
        char got[JSON_CHECK_GOT_SIZE];
        json_check_quote(category_refs[i], got, sizeof got);
        json_check_push_key(v, "services");
        json_check_push_index(v, i);
        json_check_set_id(v, s->id);
        json_check_push_key(v, "category");
        json_check_report(v, "unknown category %s; it must be the id of one of "
                          "the categories", got);
        json_check_pop(v);
        json_check_pop(v);
        json_check_pop(v);
        category_refs[i] = NULL; /* unresolved: listed in no category */
    }

    for (size_t c = 0; c < cat->n_categories; c++) {
        catalog_category *k = &cat->categories[c];
        k->services = json_check_alloc(v, counts[c], sizeof *k->services);
        if (!k->services)
            goto out;
        /* An empty category would be a home-screen tile leading nowhere.
         * Not judged when the services list itself is missing or empty,
         * or every category would be reported for one problem there. */
        if (counts[c] == 0 && k->id && !cat_dup[c] && services_listed) {
            json_check_push_key(v, "categories");
            json_check_push_index(v, c);
            json_check_set_id(v, k->id);
            json_check_report(v,
                   "no service is in this category, so its home-screen tile "
                   "would lead nowhere; add a service or remove the category");
            json_check_pop(v);
            json_check_pop(v);
        }
    }
    for (size_t i = 0; i < cat->n_services; i++) {
        if (!category_refs[i])
            continue;
        catalog_category *k = &cat->categories[cat->services[i].category];
        if (k->services && k->n_services < counts[cat->services[i].category])
            k->services[k->n_services++] = i;
    }
out:
    free(cat_refs);
    free(svc_refs);
    free(cat_dup);
    free(svc_dup);
    free(counts);
}

/* The help dialog's "ask staff" button opens this service's form for
 * anyone, signed in or not, so it must have one and need no card. */
static void link_help_service(json_check *v, json_t *root, catalog *cat)
{
    cat->help_service = -1;
    const char *id = json_check_string(v, root, "help_service", false, SERVICE_ID_MAX,
                                       JSON_CHECK_ID);
    if (!id)
        return;
    const catalog_service *s = catalog_find(cat, id);
    const char *why = !s ? "is not the id of any service"
                      : !s->form ? "names a service without a form"
                      : s->needs_identity ? "names a service that needs sign-in; anyone "
                                            "must be able to ask for help"
                      : NULL;
    if (why) {
        char got[JSON_CHECK_GOT_SIZE];
        json_check_quote(id, got, sizeof got);
        json_check_push_key(v, "help_service");
        json_check_report(v, "%s %s", got, why);
        json_check_pop(v);
        return;
    }
    cat->help_service = (long)(s - cat->services);
}

static void walk_root(json_check *v, json_t *root, catalog *cat)
{
    if (!json_check_object(v, root,
            "the catalogue must be an object {\"version\": ..., \"categories\": "
            "[...], \"services\": [...]}"))
        return;
    static const char *const keys[] = {"version", "categories", "services",
                                       "help_service"};
    json_check_keys(v, root, keys, 4);
    const char *version = json_check_string(v, root, "version", true, VERSION_MAX,
                                            JSON_CHECK_ANY);
    if (version)
        cat->version = json_check_dup(v, version);

    json_t *cats = json_check_array(v, root, "categories", true, 1,
                                    CATALOG_MAX_CATEGORIES,
                                    "must list at least one category");
    if (cats) {
        size_t n = json_array_size(cats);
        cat->categories = json_check_alloc(v, n, sizeof *cat->categories);
        if (cat->categories) {
            cat->n_categories = n;
            json_check_push_key(v, "categories");
            for (size_t i = 0; i < n; i++) {
                json_check_push_index(v, i);
                walk_category(v, json_array_get(cats, i), &cat->categories[i]);
                json_check_pop(v);
            }
            json_check_pop(v);
        }
    }

    json_t *svcs = json_check_array(v, root, "services", true, 1,
                                    CATALOG_MAX_SERVICES,
                                    "must list at least one service");
    const char **category_refs = NULL;
    if (svcs) {
        size_t n = json_array_size(svcs);
        cat->services = json_check_alloc(v, n, sizeof *cat->services);
        /* category ids as written, resolved once all categories are known;
         * they point into the tree, which outlives this function */
        category_refs = json_check_alloc(v, n, sizeof *category_refs);
        if (cat->services && category_refs) {
            cat->n_services = n;
            json_check_push_key(v, "services");
            for (size_t i = 0; i < n; i++) {
                json_check_push_index(v, i);
                walk_service(v, json_array_get(svcs, i), &cat->services[i],
                             &category_refs[i]);
                json_check_pop(v);
            }
            json_check_pop(v);
        }
    }
    if (!v->oom)
        link_services(v, cat, category_refs,
                      svcs && json_array_size(svcs) > 0);
    free(category_refs);
    link_help_service(v, root, cat);
}

/* ---- derived search keys ----------------------------------------------- */

size_t catalog_fold(const char *in, char *out, size_t size)
{
    if (!out || size == 0)
        return 0;
    const unsigned char *p = (const unsigned char *)(in ? in : "");
    size_t o = 0;
    bool space = false;
    out[0] = '\0';
    while (*p) {
        char ascii = 0;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
            *p == '\f' || *p == '\v') {
            space = true;
            p++;
            continue;
        }
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            space = true; /* U+3000 IDEOGRAPHIC SPACE */
            p += 3;
            continue;
        }
        const unsigned char *ch = p;
        size_t n;
        if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF) {
            ascii = (char)(0x21 + (p[2] - 0x81)); /* U+FF01..U+FF3F */
            ch = (const unsigned char *)&ascii;
            n = 1;
            p += 3;
        } else if (p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E) {
            ascii = (char)(0x60 + (p[2] - 0x80)); /* U+FF40..U+FF5E */
            ch = (const unsigned char *)&ascii;
            n = 1;
            p += 3;
        } else {
            /* a lead byte and the continuation bytes that actually follow
             * it, so a broken sequence never swallows an ASCII letter */
            size_t max = utf8_seq_len(*p);
            n = 1;
            while (n < max && (p[n] & 0xC0) == 0x80)
                n++;
            p += n;
            if (n == 1) {
                ascii = (char)*ch;
                ch = (const unsigned char *)&ascii;
            }
        }
        if (n == 1 && ascii >= 'A' && ascii <= 'Z')
            ascii = (char)(ascii - 'A' + 'a');
        size_t need = n + (space && o > 0);
        if (need >= size - o)
            break; /* cut at a character boundary */
        if (space && o > 0)
            out[o++] = ' ';
        space = false;
        memcpy(out + o, ch, n);
        o += n;
        out[o] = '\0';
    }
    return o;
}

/* Joins parts, each folded, with '\n'. Folding never lengthens text, so the
 * sum of the lengths is enough room. */
static char *join_folded(json_check *v, const char *const *parts, size_t n)
{
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += strlen(parts[i] ? parts[i] : "") + 1;
    char *buf = json_check_alloc(v, total, 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf[o++] = '\n';
        o += catalog_fold(parts[i], buf + o, total - o);
    }
    buf[o] = '\0';
    return buf;
}

size_t catalog_loosen(const char *in, char *out, size_t size)
{
    if (!out || size == 0)
        return 0;
    size_t o = 0;
    for (const char *p = in ? in : ""; *p && o + 1 < size; p++) {
        /* zh ch sh -> z c s; ng -> n: the pairs residents from the south
         * (and many from the north) do not tell apart when they spell */
        if (*p == 'h' && o > 0 && (out[o - 1] == 'z' || out[o - 1] == 'c' ||
                                   out[o - 1] == 's'))
            continue;
        if (*p == 'g' && o > 0 && out[o - 1] == 'n')
            continue;
        out[o++] = *p;
    }
    out[o] = '\0';
    return o;
}

static void derive_search_keys(json_check *v, catalog_service *s)
{
    size_t n_parts = s->name.n + s->n_keywords + s->department.n + s->summary.n;
    const char **parts = json_check_alloc(v, n_parts, sizeof *parts);
    if (!parts)
        return;
    size_t k = 0;
    for (size_t i = 0; i < s->name.n; i++)
        parts[k++] = s->name.items[i].text;
    for (size_t i = 0; i < s->n_keywords; i++)
        parts[k++] = s->keywords[i];
    for (size_t i = 0; i < s->department.n; i++)
        parts[k++] = s->department.items[i].text;
    for (size_t i = 0; i < s->summary.n; i++)
        parts[k++] = s->summary.items[i].text;
    s->search_text = join_folded(v, parts, n_parts);
    free(parts);

    size_t total = 1;
    for (size_t i = 0; i < s->n_pinyin; i++)
        total += strlen(s->pinyin[i]) + 1;
    s->search_pinyin = json_check_alloc(v, total, 1);
    s->search_initials = json_check_alloc(v, total, 1);
    if (!s->search_pinyin || !s->search_initials)
        return;
    size_t op = 0, oi = 0;
    for (size_t i = 0; i < s->n_pinyin; i++) {
        if (i) {
            s->search_pinyin[op++] = '\n';
            s->search_initials[oi++] = '\n';
        }
        /* validated: a-z syllables separated by single spaces */
        for (const char *p = s->pinyin[i]; *p; p++) {
            if (*p == ' ')
                continue;
            s->search_pinyin[op++] = *p;
            if (p == s->pinyin[i] || p[-1] == ' ')
                s->search_initials[oi++] = *p;
        }
    }
    s->search_pinyin[op] = '\0';
    s->search_initials[oi] = '\0';
    s->search_loose = json_check_alloc(v, total, 1);
    if (s->search_loose)
        catalog_loosen(s->search_pinyin, s->search_loose, total);
}

static void derive_category_keys(json_check *v, catalog_category *k)
{
    const char **parts = json_check_alloc(v, k->name.n, sizeof *parts);
    if (!parts)
        return;
    for (size_t i = 0; i < k->name.n; i++)
        parts[i] = k->name.items[i].text;
    k->search_text = join_folded(v, parts, k->name.n);
    free(parts);
}

typedef struct pair_set {
    unsigned long long *items;
    size_t n, cap;
    bool oom;
} pair_set;

static void add_pairs(pair_set *ps, const char *text)
{
    uint32_t prev = 0;
    for (const char *p = text ? text : ""; *p;) {
        uint32_t cp = utf8_next(&p);
        if (cp >= 0x80 && prev >= 0x80) {
            if (ps->n == ps->cap) {
                size_t cap = ps->cap ? ps->cap * 2 : 1024;
                unsigned long long *g = realloc(ps->items, cap * sizeof *g);
                if (!g) {
                    ps->oom = true;
                    return;
                }
                ps->items = g;
                ps->cap = cap;
            }
            ps->items[ps->n++] = (unsigned long long)prev << 32 | cp;
        }
        prev = cp;
    }
}

static int cmp_pair(const void *a, const void *b)
{
    unsigned long long x = *(const unsigned long long *)a;
    unsigned long long y = *(const unsigned long long *)b;
    return (x > y) - (x < y);
}

/* The sorted, distinct character pairs of every search key (catalog.h). */
static void derive_pairs(json_check *v, catalog *cat)
{
    pair_set ps = {0};
    for (size_t i = 0; i < cat->n_services; i++)
        add_pairs(&ps, cat->services[i].search_text);
    for (size_t i = 0; i < cat->n_categories; i++)
        add_pairs(&ps, cat->categories[i].search_text);
    if (ps.oom) {
        free(ps.items);
        v->oom = true;
        return;
    }
    if (ps.n)
        qsort(ps.items, ps.n, sizeof *ps.items, cmp_pair);
    size_t k = 0;
    for (size_t i = 0; i < ps.n; i++)
        if (k == 0 || ps.items[k - 1] != ps.items[i])
            ps.items[k++] = ps.items[i];
    cat->search_pairs = ps.items;
    cat->n_search_pairs = k;
}

/* ---- file level -------------------------------------------------------- */

/* Entries of the root object's "services" and "categories" lists, counted
 * in one pass over the text without building anything, so that a file
 * with too many is refused before jansson's tree (4 to 9 times the text)
 * is made. Offsets are those of the member names; SIZE_MAX when absent.
 * Text that is not JSON is counted as far as it goes: jansson then says
 * what is wrong with it. */
typedef struct list_count {
    size_t n;
    size_t at;
} list_count;

static void count_root_lists(const char *t, size_t len, list_count *svcs,
                             list_count *cats)
{
    *svcs = (list_count){0, SIZE_MAX};
    *cats = (list_count){0, SIZE_MAX};
    size_t depth = 0;
    list_count *pending = NULL, *counting = NULL;
    size_t key_at = 0;
    bool want = false;      /* in the counted list, before an entry */
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (c == '"') {
            size_t start = i++;
            while (i < len && t[i] != '"')
                i += t[i] == '\\' ? 2 : 1;
            /* A string cut off by the end of the text (a lone backslash
             * can step past it) is no key: jansson reports it. */
            if (i >= len)
                break;
            if (depth == 2 && counting && want) {
                counting->n++;
                want = false;
            }
            if (depth == 1) {
                size_t n = i - start - 1;
                pending = n == 8 && !memcmp(t + start + 1, "services", 8)     ? svcs
                          : n == 10 && !memcmp(t + start + 1, "categories", 10) ? cats
                                                                                 : NULL;
                key_at = start;
            }
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':')
            continue;
        if (depth == 2 && counting && want && c != ']' && c != ',') {
            counting->n++;
            want = false;
        }
        if (c == '{' || c == '[') {
            if (depth == 1 && c == '[' && pending && pending->at == SIZE_MAX) {
                counting = pending;
                counting->at = key_at;
                want = true;
            }
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 2)
                counting = NULL;
            if (depth)
                depth--;
        } else if (c == ',') {
            if (depth == 1)
                pending = NULL;
            else if (depth == 2 && counting)
                want = true;
        }
    }
}

static bool too_many(const char *text, size_t len, const char *name,
                     const list_count *lc, const char *key, size_t max,
                     const char *what, diag_list *errors)
{
    if (lc->n <= max)
        return false;
    int line = 0, col = 0;
    json_pos_seg path[] = {{key, 0}};
    json_pos_find(text, len, path, 1, true, &line, &col);
    char n[32], m[32];
    diag_group_digits(lc->n, n, sizeof n);
    diag_group_digits(max, m, sizeof m);
    diag_add(errors, name, line, col, "%s: %s %s; a catalogue lists at most %s %s "
             "(one site's, not a province's)", key, n, what, m, what);
    return true;
}

catalog *catalog_parse(const char *text, size_t len, const char *name,
                       diag_list *errors)
{
    if (!name)
        name = "";
    if (!text) {
        text = "";
        len = 0;
    }
    if (len > CATALOG_MAX_FILE_SIZE) {
        diag_add(errors, name, 0, 0,
                 "file is larger than 16 MiB; a catalogue of a few hundred "
                 "services is well under 1 MiB -- is this the right file?");
        return NULL;
    }
    list_count svcs, cats;
    count_root_lists(text, len, &svcs, &cats);
    bool over = too_many(text, len, name, &cats, "categories", CATALOG_MAX_CATEGORIES,
                         "categories", errors);
    if (too_many(text, len, name, &svcs, "services", CATALOG_MAX_SERVICES, "services",
                 errors) || over)
        return NULL;
    json_t *root = json_check_load_bounded(text, len, name, CATALOG_MAX_TREE,
                                           "a service catalogue", errors);
    if (!root)
        return NULL;

    catalog *cat = calloc(1, sizeof *cat);
    json_check v;
    json_check_init(&v, text, len, name, errors);
    if (!cat) {
        v.oom = true;
    } else {
        cat->path = json_check_dup(&v, name);
        walk_root(&v, root, cat);
        for (size_t i = 0; i < cat->n_services && !v.problems && !v.oom; i++)
            derive_search_keys(&v, &cat->services[i]);
        for (size_t i = 0; i < cat->n_categories && !v.problems && !v.oom; i++)
            derive_category_keys(&v, &cat->categories[i]);
        if (!v.problems && !v.oom)
            derive_pairs(&v, cat);
    }
    json_decref(root);

    bool ok = json_check_finish(&v);
    if (v.oom)
        diag_add(errors, name, 0, 0, "out of memory while loading the catalogue");
    if (!ok) {
        catalog_free(cat);
        return NULL;
    }
    return cat;
}

char *catalog_read_file(const char *path, size_t *len, diag_list *errors)
{
    return textfile_read(path, CATALOG_MAX_FILE_SIZE, "a service catalogue",
                         len, errors);
}

catalog *catalog_load(const char *path, diag_list *errors)
{
    size_t len;
    char *text = catalog_read_file(path, &len, errors);
    if (!text)
        return NULL;
    catalog *c = catalog_parse(text, len, path, errors);
    free(text);
    if (c && !catalog_attach_words(c, path, errors)) {
        catalog_free(c);
        c = NULL;
    }
#ifdef __GLIBC__
    /* The text and jansson's tree (together up to 16 MiB + CATALOG_MAX_TREE)
     * are free now, but in the middle of the heap, among the catalogue's
     * own blocks, so malloc keeps the pages: a kiosk that loaded a large
     * catalogue once held 4 to 5 times the catalogue for good. Give them
     * back (every arena: the loader thread has its own). */
    malloc_trim(0);
#endif
    return c;
}

bool catalog_attach_words(catalog *c, const char *catalog_path, diag_list *errors)
{
    if (!c || !catalog_path)
        return true;
    const char *slash = strrchr(catalog_path, '/');
    size_t dir = slash ? (size_t)(slash - catalog_path) + 1 : 0;
    size_t size = dir + sizeof SEARCH_WORDS_FILE;
    char *path = malloc(size);
    if (!path) {
        diag_add(errors, catalog_path, 0, 0, "out of memory");
        return false;
    }
    memcpy(path, catalog_path, dir);
    memcpy(path + dir, SEARCH_WORDS_FILE, sizeof SEARCH_WORDS_FILE);
    bool ok = true;
    if (access(path, F_OK) == 0) {
        size_t len;
        char *text = textfile_read(path, CATALOG_MAX_FILE_SIZE, "a search words file",
                                   &len, errors);
        search_words *w = text ? search_words_parse(text, len, path, c, errors) : NULL;
        free(text);
        ok = w != NULL;
        search_words_free(c->words);
        c->words = w;
    }
    free(path);
    return ok;
}

void catalog_free(catalog *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_categories; i++) {
        catalog_category *k = &c->categories[i];
        free(k->id);
        ltext_free(&k->name);
        free(k->icon);
        free(k->services);
        free(k->search_text);
    }
    free(c->categories);
    free(c->search_pairs);
    search_words_free(c->words);
    for (size_t i = 0; i < c->n_services; i++) {
        catalog_service *s = &c->services[i];
        free(s->id);
        ltext_free(&s->name);
        ltext_free(&s->department);
        ltext_free(&s->summary);
        for (size_t j = 0; j < s->n_conditions; j++)
            ltext_free(&s->conditions[j]);
        free(s->conditions);
        for (size_t j = 0; j < s->n_materials; j++) {
            ltext_free(&s->materials[j].name);
            ltext_free(&s->materials[j].notes);
        }
        free(s->materials);
        for (size_t j = 0; j < s->n_steps; j++)
            ltext_free(&s->steps[j]);
        free(s->steps);
        ltext_free(&s->fees);
        ltext_free(&s->window);
        ltext_free(&s->address);
        free(s->phone);
        ltext_free(&s->hours);
        free(s->online_url);
        free(s->certificate);
        for (size_t j = 0; j < s->n_keywords; j++)
            free(s->keywords[j]);
        free(s->keywords);
        for (size_t j = 0; j < s->n_pinyin; j++)
            free(s->pinyin[j]);
        free(s->pinyin);
        free(s->search_text);
        free(s->search_pinyin);
        free(s->search_initials);
        free(s->search_loose);
        form_free(s->form);
    }
    free(c->services);
    free(c->path);
    free(c->version);
    free(c);
}

/* ---- lookups and display helpers ------------------------------------ */

/* A linear scan: a few hundred services, looked up when a screen opens. */
const catalog_service *catalog_find(const catalog *c, const char *id)
{
    if (!c || !id)
        return NULL;
    for (size_t i = 0; i < c->n_services; i++)
        if (c->services[i].id && !strcmp(c->services[i].id, id))
            return &c->services[i];
    return NULL;
}

const char *catalog_form_key(material_form f)
{
    static const char *const keys[] = {
        [MATERIAL_ORIGINAL] = "material.original",
        [MATERIAL_COPY] = "material.copy",
        [MATERIAL_ORIGINAL_AND_COPY] = "material.original_and_copy",
        [MATERIAL_ELECTRONIC] = "material.electronic",
    };
    return (unsigned)f < sizeof keys / sizeof keys[0] ? keys[f] : "";
}

void catalog_check_icons(const catalog *c, const char *path, const char *icon_dir,
                         bool (*has)(const void *user, const char *name), const void *user,
                         diag_list *warnings)
{
    char *text = NULL;
    size_t len = 0;
    bool read = false;
    for (size_t i = 0; c && i < c->n_categories; i++) {
        const catalog_category *k = &c->categories[i];
        if (!k->icon || has(user, k->icon))
            continue;
        if (!read) {    /* positions only when something is to be said */
            diag_list ignored = DIAG_LIST_INIT;
            text = textfile_read(path, CATALOG_MAX_FILE_SIZE, "a service catalogue", &len,
                                 &ignored);
            diag_clear(&ignored);
            read = true;
        }
        int line = 0, col = 0;
        json_pos_seg at[3] = {{"categories", 0}, {NULL, i}, {"icon", 0}};
        if (!text || json_pos_find(text, len, at, 3, false, &line, &col) != 3)
            line = col = 0;
        diag_add(warnings, path, line, col,
                 "warning: categories[%zu] (id %s) icon: no file %s/%s.icon; the tile "
                 "shows the generic pictogram",
                 i, k->id ? k->id : "?", icon_dir, k->icon);
    }
    free(text);
}
