/*
 * Fuzz target: a service's form (kiosk/catalog/form.c) as technicians write
 * it. The input is spliced in as the "form" of the one service of a fixed
 * catalogue (done at the kiosk, with sign-in, so every cross-check runs),
 * then checked by catalog_parse -- form_walk, json_check, the visible-text
 * rule and the position finder for every problem. When it loads, every
 * field's answer checker runs on answers cut from the input, and the
 * keyboard and lookup helpers on every field. Everything is freed, so
 * LeakSanitizer reports any leak as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/form.h"
#include "common/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char HEAD[] =
    "{\"version\": \"f\", \"categories\": [{\"id\": \"c\", \"name\": \"社会保险\"}],"
    " \"services\": [{\"id\": \"S1\", \"name\": {\"zh\": \"参保登记\", \"en\": \"Enrolment\"},"
    " \"department\": \"人社局\", \"category\": \"c\", \"kiosk\": true,"
    " \"needs_identity\": true, \"conditions\": [\"无\"], \"materials\": [],"
    " \"steps\": [\"办理\"], \"time_limit\": {\"legal_days\": 1, \"promised_days\": 1},"
    " \"fees\": \"不收费\", \"window\": \"1\", \"address\": \"1\", \"phone\": \"1\","
    " \"hours\": \"1\", \"form\": ";
static const char TAIL[] = "}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool langs_set;
    if (!langs_set) {
        static const char langs[2][LANG_CODE_SIZE] = {"zh", "en"};
        form_set_languages(langs, 2);
        langs_set = true;
    }
    size_t len = sizeof HEAD - 1 + size + sizeof TAIL - 1;
    char *text = malloc(len + 1);
    if (!text)
        return 0;
    memcpy(text, HEAD, sizeof HEAD - 1);
    memcpy(text + sizeof HEAD - 1, data, size);
    memcpy(text + sizeof HEAD - 1 + size, TAIL, sizeof TAIL);
    diag_list errors = DIAG_LIST_INIT;
    catalog *c = catalog_parse(text, len, "fuzz.json", &errors);
    char buf[1400];
    for (size_t i = 0; i < errors.count; i++)
        diag_format(&errors.items[i], buf, sizeof buf);
    if ((c == NULL) == (errors.count == 0))
        abort(); /* a refusal always says why; a success says nothing */
    diag_clear(&errors);
    if (c && c->n_services == 1 && c->services[0].form) {
        const catalog_form *f = c->services[0].form;
        /* answers: the input cut into pieces, and a few fixed ones */
        char piece[FORM_VALUE_MAX + 8];
        size_t n = size < sizeof piece - 1 ? size : sizeof piece - 1;
        memcpy(piece, data, n);
        piece[n] = '\0';
        const char *answers[] = {piece, "", "13800138000", "0571-87654321", "310000",
                                 "2026-02-29", "99", "yes", "a"};
        for (size_t i = 0; i < f->n_fields; i++) {
            const form_field *fd = &f->fields[i];
            for (size_t k = 0; k < sizeof answers / sizeof answers[0]; k++) {
                const char *why = NULL;
                long arg = 0;
                if (!form_value_ok(fd, answers[k], &why, &arg) && !why)
                    abort(); /* a refusal always names its reason */
            }
            form_keyboard(fd);
            if (form_find(f, fd->id) != fd)
                abort();
        }
    }
    catalog_free(c);
    free(text);
    return 0;
}
