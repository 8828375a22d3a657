/*
 * catalog: the service catalogue (事项清单) and its one-time guides (办事指南),
 * loaded from the JSON file technicians maintain (default config/catalog.json).
 *
 * The catalogue is immutable once loaded: the UI holds a pointer to one
 * catalog and a reload builds a new one beside it, swapping only when the new
 * file validated completely. A kiosk therefore never shows half a catalogue.
 *
 * Every problem in the file is reported as FILE:LINE:COLUMN with the service
 * id and the field (e.g. "services[3] (id 3301-SB-002) materials[1].count:
 * must be a whole number from 1 to 99"), never by crashing.
 */
#ifndef KIOSK_CATALOG_H
#define KIOSK_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/form.h"
#include "catalog/ltext.h"
#include "common/diag.h"
#include "common/lang.h"

typedef enum material_form {
    MATERIAL_ORIGINAL,          /* 原件 */
    MATERIAL_COPY,              /* 复印件 */
    MATERIAL_ORIGINAL_AND_COPY, /* 原件及复印件 */
    MATERIAL_ELECTRONIC         /* 电子材料 / 电子证照 */
} material_form;

typedef struct catalog_material {
    ltext name;
    int count;          /* 1..99 */
    material_form form;
    ltext notes;        /* may be empty */
} catalog_material;

typedef struct catalog_category {
    char *id;           /* [a-z0-9-]+, unique */
    ltext name;
    char *icon;         /* pictogram: assets/icons/<icon>.icon (ui/icons.h), may be NULL */
    size_t *services;   /* indexes into catalog.services, in file order */
    size_t n_services;
    char *search_text;  /* the name in each language, folded, joined by '\n' */
} catalog_category;

typedef struct catalog_service {
    char *id;           /* national service-item code where one exists; unique */
    ltext name;
    ltext department;
    size_t category;    /* index into catalog.categories */
    bool kiosk;         /* can be completed at this kiosk */
    bool needs_identity;/* sign-in with ID card needed before handling */
    ltext summary;      /* one sentence: what the service is; may be empty */
    ltext *conditions;  size_t n_conditions;   /* 受理条件, >= 1 */
    catalog_material *materials; size_t n_materials; /* 申请材料, >= 0 */
    ltext *steps;       size_t n_steps;        /* 办理流程, >= 1 */
    int legal_days;     /* 法定时限 in working days; 0 = on the spot (即办); -1 = none set by law */
    int promised_days;  /* 承诺时限 in working days; 0 = on the spot; <= legal_days when both set */
    ltext fees;         /* 收费标准, e.g. 不收费 */
    ltext window;       /* 办理窗口 */
    ltext address;      /* 办理地点 */
    char *phone;        /* 咨询电话, digits and - only */
    ltext hours;        /* 办理时间 */
    char *online_url;   /* 网上办理 link (https://...), may be NULL */
    char **keywords;    size_t n_keywords;     /* extra search words, any language */
    char **pinyin;      size_t n_pinyin;       /* syllables separated by spaces,
                                                  e.g. "she bao jiao fei" */
    catalog_form *form; /* the application done at the kiosk (form.h); NULL
                           for a guide only */
    char *certificate;  /* the kind of certificate the platform issues for
                           it ("si_enrolment": the online service
                           /v1/certificates), shown to the signed-in
                           resident; NULL for none */
    /* Search keys derived at load time (folded, see below); owned. */
    char *search_text;      /* names, keywords, department, joined by '\n' */
    char *search_pinyin;    /* full pinyin of each entry, joined by '\n' */
    char *search_initials;  /* initials of each entry, joined by '\n' */
    char *search_loose;     /* search_pinyin with the sounds residents mix
                               up merged (catalog_search_loosen) */
    /* Layout of the search keys, relied on by catalog_search: search_text
     * has exactly name.n + n_keywords + department.n + summary.n lines, in
     * this order: the name in each language present (name.items order, so
     * line i is in name.items[i].lang), each keyword, the department in
     * each language present, the summary in each language present (the
     * guide text searched). Each line is folded with
     * catalog_fold -- which keeps one space between words, so an English
     * query can still be matched word by word; search_pinyin and
     * search_initials have one line per pinyin entry, without spaces. */
} catalog_service;

typedef struct catalog {
    char *path;         /* file it came from (as given) */
    char *version;      /* free text from the file, e.g. "2026.11" */
    catalog_category *categories; size_t n_categories;
    catalog_service *services;    size_t n_services;
    /* Every pair of adjacent non-ASCII characters in the search keys, as
     * (first << 32 | second) code points, sorted: catalog_search splits a
     * Chinese query into words where a pair occurs nowhere. */
    unsigned long long *search_pairs; size_t n_search_pairs;
    /* The help request (帮办代办) the help dialog offers on every screen:
     * root member "help_service", a service id; -1 when not set. It must
     * have a form and need no sign-in. */
    long help_service;
    /* search-words.json from beside the catalogue file, or NULL. */
    struct search_words *words;
} catalog;

/* Files larger than this are refused unread: a catalogue of a few hundred
 * services is well under 1 MiB, so anything bigger is the wrong file. */
#define CATALOG_MAX_FILE_SIZE (16u * 1024u * 1024u)

/* One kiosk site's services: a subdistrict centre lists a few hundred, the
 * largest provincial catalogues a few thousand items per site (the shipped
 * one has 56). 5,000 leaves room for any real site and keeps the loaded
 * catalogue within the memory figures below. More is refused, before the
 * file is parsed, at the list's FILE:LINE:COL: "services: 45,000 services;
 * a catalogue lists at most 5,000 services (one site's, not a province's)". */
#define CATALOG_MAX_SERVICES 5000u
/* Tiles on the home screen: the shipped catalogue has 14; a provincial
 * list of themes about 30. */
#define CATALOG_MAX_CATEGORIES 100u
/* jansson's tree of the file while it is checked (malloc's chunks; the
 * tree costs 4 to 9 times its text). The shipped catalogue's guides copied
 * to the 16 MiB file limit (4,604 services, the most real guides fit in)
 * take 73.6 MiB; a file whose tree passes this limit (tiny values by the
 * million) is refused where reading stopped. So a check or a load peaks at
 * about the text (16 MiB) + this + the loaded catalogue (26.8 MB for those
 * 4,604 guides): 118 MB measured for the largest real file, 141 MB for the
 * worst one refused (tests/bench/bench_catalog_mem). After a load the text
 * and the tree are given back (catalog_load: malloc_trim). */
#define CATALOG_MAX_TREE (96u * 1024u * 1024u)

/* Reads and validates FILE. Returns a new catalog (free with catalog_free),
 * or NULL with every problem found appended to errors (it does not stop at
 * the first). A catalog is returned only when errors got nothing new. */
catalog *catalog_load(const char *path, diag_list *errors);

/* Same for text in memory; name is used in messages in place of a path. */
catalog *catalog_parse(const char *text, size_t len, const char *name,
                       diag_list *errors);

/* Reads FILE whole into a new NUL-terminated buffer (free with free()) for
 * catalog_parse, setting *len. Reads at most CATALOG_MAX_FILE_SIZE + 1 bytes,
 * so an oversized file costs bounded memory and catalog_parse reports it.
 * Returns NULL with one problem appended to errors when FILE cannot be
 * opened or read -- which lets `kioskctl catalog check` tell "cannot read"
 * (exit 2) from "read, and invalid" (exit 1). */
char *catalog_read_file(const char *path, size_t *len, diag_list *errors);

void catalog_free(catalog *c);

/* For each category whose icon has() says has no picture, appends a
 * warning at the "icon" value's LINE:COL in the catalogue file at path
 * (read again only when there is one): "warning: categories[8] (id x) icon:
 * no file ICON_DIR/NAME.icon; the tile shows the generic pictogram". The catalogue
 * knows icon names, not pictures: the caller passes the icon set's test. */
void catalog_check_icons(const catalog *c, const char *path, const char *icon_dir,
                         bool (*has)(const void *user, const char *name), const void *user,
                         diag_list *warnings);

/* Loads SEARCH_WORDS_FILE from the directory of catalog_path (the
 * catalogue's own file) into c->words, checking it against c. A missing
 * file is no problem (search works without it); an unreadable or invalid
 * one appends its problems to errors and returns false. catalog_load calls
 * this; callers of catalog_parse that have a path may. */
bool catalog_attach_words(catalog *c, const char *catalog_path, diag_list *errors);

/* NULL when absent. */
const catalog_service *catalog_find(const catalog *c, const char *id);

/* The UI strings key naming a material form ("material.copy", ...), for
 * tr(); "" for a value outside the enum. The words themselves are in the
 * strings files, so the catalogue holds no UI words. */
const char *catalog_form_key(material_form f);

/* Folds text for searching, into out (size bytes, always NUL-terminated when
 * size > 0): ASCII and full-width Latin letters, digits and punctuation
 * (Ａ, ｓ, ８) become ASCII lower case, every run of white space (including
 * the ideographic space U+3000) becomes one space, and leading and trailing
 * space is dropped. Other characters are copied unchanged; output that does
 * not fit is cut at a character boundary. Returns the length written. The
 * search keys and catalog_search's query both go through this, so they
 * always agree. */
size_t catalog_fold(const char *in, char *out, size_t size);

/* Merges, in a-z pinyin (folded, without spaces), the sounds residents
 * mix up when they spell: zh ch sh become z c s and ng becomes n, so
 * "sebao" meets "shebao" and "gongjijing" meets "gongjijin". Writes into
 * out (size bytes, NUL-terminated), keeping '\n'; returns the length. */
size_t catalog_loosen(const char *in, char *out, size_t size);

#endif
