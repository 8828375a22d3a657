/*
 * Fuzz target: a UI strings file as it arrives (assets/strings/<lang>.json,
 * written by translators) on arbitrary bytes: i18n_check_text runs the
 * encoding check, jansson, the visible-text rule and the position finder
 * for every problem, exactly as i18n_load does for each file. The same
 * bytes also go through text_check_visible directly (invalid UTF-8 and NUL
 * bytes included) and the character-position finder on the first member.
 * Everything is freed, so LeakSanitizer reports any leak as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/json_pos.h"
#include "common/textcheck.h"
#include "i18n/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    diag_list errors = DIAG_LIST_INIT;
    bool ok = i18n_check_text(text, size, "fuzz.json", &errors);
    char buf[1400];
    for (size_t i = 0; i < errors.count; i++)
        diag_format(&errors.items[i], buf, sizeof buf);
    /* a refusal always says why (warnings aside, a success says nothing) */
    if (!ok && errors.count == 0)
        abort();
    if (ok && errors.count != 0)
        abort();
    diag_clear(&errors);

    /* the rule on raw bytes: a problem is always inside the text */
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    for (unsigned flags = 0; flags < 4; flags++) {
        text_problem p;
        if (!text_check_visible(copy, size, flags, &p)) {
            if (p.offset > size || (p.what == NULL && p.cp != 0))
                abort();
            text_problem_describe(&p, buf, sizeof buf);
        }
    }
    free(copy);

    /* the character finder, indexed and not, must agree */
    static const json_pos_seg path[] = {{"a", 0}};
    int l1, c1, l2, c2;
    size_t at = size ? data[0] : 0;
    int f1 = json_pos_find_char(text, size, path, 1, at, &l1, &c1);
    json_pos_index *ix = json_pos_index_new(text, size);
    if (ix) {
        int f2 = json_pos_index_find_char(ix, path, 1, at, &l2, &c2);
        if (f1 != f2 || l1 != l2 || c1 != c2)
            abort();
        json_pos_index_free(ix);
    }
    return 0;
}
