/*
 * Benchmark: checking a 16 MiB catalogue with 200 problems (issue 13 item
 * 3). Until the position index, every problem re-scanned the text from its
 * start to find its LINE:COL, so 200 problems near the end of a 16 MiB
 * file cost 200 scans of it. Prints:
 *   - catalog_parse of the grown file: no problem, 200 problems in the
 *     last 200 services, 200 problems in the first 200 (as the kiosk and
 *     `kioskctl catalog check` run it now: one index per check);
 *   - the 200 position lookups alone, the old way (json_pos_find from the
 *     start each time) and the new one (index built once, then lookups),
 *     so "before" = check now - lookups now + lookups the old way.
 * The file is the shipped catalogue with its services copied (new ids)
 * up to just under CATALOG_MAX_FILE_SIZE, one member per line as
 * technicians' editors write it. Never fails on time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "catalog/catalog.h"
#include "catalog/json_pos.h"

#define PROBLEMS 200

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The shipped catalogue with n services; those in [bad_from, bad_from +
 * PROBLEMS) get an unknown field (one problem each). */
static char *grow(json_t *orig, size_t n, size_t bad_from)
{
    json_t *root = json_deep_copy(orig);
    json_t *svcs = json_object_get(root, "services");
    size_t base = json_array_size(svcs);
    for (size_t i = base; i < n; i++) {
        json_t *s = json_deep_copy(json_array_get(svcs, i % base));
        char id[32];
        snprintf(id, sizeof id, "bench-%05zu", i);
        json_object_set_new(s, "id", json_string(id));
        json_array_append_new(svcs, s);
    }
    for (size_t i = bad_from; i < bad_from + PROBLEMS && i < n; i++)
        json_object_set_new(json_array_get(svcs, i), "no_such_field", json_integer(1));
    char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return text;
}

static double free_s;   /* catalog_free of the last catalogue that loaded */

static double check(const char *text, size_t *problems)
{
    diag_list errors = DIAG_LIST_INIT;
    double t0 = now_s();
    catalog *c = catalog_parse(text, strlen(text), "bench.json", &errors);
    double t = now_s() - t0;
    *problems = errors.count;
    if (c) {
        t0 = now_s();
        catalog_free(c);
        free_s = now_s() - t0;
    }
    diag_clear(&errors);
    return t;
}

int main(void)
{
    json_error_t err;
    json_t *orig = json_load_file(KIOSK_SOURCE_DIR "/config/catalog.json",
                                  JSON_PRESERVE_ORDER, &err);
    if (!orig) {
        fprintf(stderr, "bench_catalog_check: %s\n", err.text);
        return 1;
    }
    /* services per 16 MiB: measure one dump of twice the shipped size */
    size_t base = json_array_size(json_object_get(orig, "services"));
    char *probe = grow(orig, 2 * base, SIZE_MAX / 2);
    double per = (double)strlen(probe) / (double)(2 * base);
    free(probe);
    size_t n = (size_t)((double)(CATALOG_MAX_FILE_SIZE - 256 * 1024) / per);

    char *clean = grow(orig, n, SIZE_MAX / 2);
    char *at_end = grow(orig, n, n - PROBLEMS);
    char *at_start = grow(orig, n, 0);
    json_decref(orig);
    size_t p0, p1, p2;
    double t_clean = check(clean, &p0);
    double t_end = check(at_end, &p1);
    double t_start = check(at_start, &p2);

    /* the 200 lookups alone: old way and new way */
    size_t len = strlen(at_end);
    double t0 = now_s();
    int line = 0, col = 0;
    for (size_t i = n - PROBLEMS; i < n; i++) {
        json_pos_seg path[] = {{"services", 0}, {NULL, i}, {"no_such_field", 0}};
        json_pos_find(at_end, len, path, 3, true, &line, &col);
    }
    double t_old = now_s() - t0;
    t0 = now_s();
    json_pos_index *ix = json_pos_index_new(at_end, len);
    for (size_t i = n - PROBLEMS; ix && i < n; i++) {
        json_pos_seg path[] = {{"services", 0}, {NULL, i}, {"no_such_field", 0}};
        json_pos_index_find(ix, path, 3, true, &line, &col);
    }
    json_pos_index_free(ix);
    double t_new = now_s() - t0;

    printf("catalogue check, %zu services, %.1f MiB (bench_catalog_check)\n", n,
           (double)len / (1024.0 * 1024.0));
    printf("  no problem                          %7.3f s\n", t_clean);
    printf("  freeing it (done on the loader thread after a swap) %7.3f s\n", free_s);
    printf("  %d problems in the last %d services %7.3f s  (%zu lines reported)\n",
           PROBLEMS, PROBLEMS, t_end, p1);
    printf("  %d problems in the first %d         %7.3f s  (%zu lines reported)\n",
           PROBLEMS, PROBLEMS, t_start, p2);
    printf("  the %d positions alone: one scan each (before) %7.3f s, "
           "one index (now) %7.3f s\n", PROBLEMS, t_old, t_new);
    printf("  => problems at the end, before the index: about %.3f s; now %.3f s "
           "(%.0fx)\n", t_end - t_new + t_old, t_end,
           (t_end - t_new + t_old) / (t_end > 0 ? t_end : 1));
    printf("  last position: %d:%d\n", line, col);
    free(clean);
    free(at_end);
    free(at_start);
    return 0;
}
