/*
 * Fuzz target for kiosk.conf parsing (settings_parse), with a round-trip
 * oracle: whatever the input, the settings it leaves behind (defaults plus
 * every valid key) must survive settings_write -> settings_parse unchanged.
 * That catches values the parser accepts but the writer cannot express.
 *
 * base_dir is /nonexistent so the file-system checks only ever stat/access
 * paths that (almost all) fail, and never create or open anything.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    settings s;
    diag_list errors = DIAG_LIST_INIT;
    settings_parse(&s, text, "fuzz.conf", "/nonexistent", &errors);
    /* Every diagnostic must format (and be one line). */
    char line[1400];
    for (size_t i = 0; i < errors.count; i++) {
        diag_format(&errors.items[i], line, sizeof line);
        if (strchr(errors.items[i].msg, '\n'))
            abort();
    }
    diag_clear(&errors);

    char *written = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&written, &len);
    if (f) {
        settings_write(&s, f);
        if (fclose(f) == 0) {
            settings back;
            settings_parse(&back, written, "written.conf", "/nonexistent", &errors);
            if (!settings_equal(&s, &back)) {
                fprintf(stderr, "round trip changed the settings; written file:\n%s\n", written);
                diag_print(&errors, stderr);
                abort();
            }
            settings_free(&back);
            diag_clear(&errors);
        }
        free(written);
    }
    settings_free(&s);
    free(text);
    return 0;
}
