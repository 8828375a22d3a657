/*
 * json_pos: LINE:COL of a value found by path in raw JSON text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/json_pos.h"

#define KEY(k) {(k), 0}
#define IDX(i) {NULL, (i)}
#define N(path) (sizeof(path) / sizeof(path)[0])

/* json_pos_find, checking that an index over the same text finds the same,
 * both on a fresh index and on one that has done a lookup before. */
static int find_both(const char *text, size_t len, const json_pos_seg *path,
                     size_t n, bool want_key, int *line, int *col)
{
    int got = json_pos_find(text, len, path, n, want_key, line, col);
    if (!text)
        return got;
    json_pos_index *ix = json_pos_index_new(text, len);
    assert_non_null(ix);
    for (int round = 0; round < 2; round++) {
        int l = -7, c = -7;
        int again = json_pos_index_find(ix, path, n, want_key, &l, &c);
        if (again != got || l != *line || c != *col)
            print_error("indexed: got %d at %d:%d, unindexed %d at %d:%d\n",
                        again, l, c, got, *line, *col);
        assert_int_equal(again, got);
        assert_int_equal(l, *line);
        assert_int_equal(c, *col);
    }
    json_pos_index_free(ix);
    return got;
}

/* Finds path in text and checks steps found and position. */
static void expect_at(const char *text, const json_pos_seg *path, size_t n,
                      bool want_key, int found, int line, int col)
{
    int l = -7, c = -7;
    int got = find_both(text, strlen(text), path, n, want_key, &l, &c);
    if (got != found || l != line || c != col)
        print_error("text %s: got %d steps at %d:%d, want %d at %d:%d\n", text,
                    got, l, c, found, line, col);
    assert_int_equal(got, found);
    assert_int_equal(l, line);
    assert_int_equal(c, col);
}

static void test_root(void **state)
{
    (void)state;
    expect_at("  \n  {\"a\": 1}", NULL, 0, false, 0, 2, 3);
    expect_at("42", NULL, 0, true, 0, 1, 1);
}

static void test_member_value_and_key(void **state)
{
    (void)state;
    const json_pos_seg p[] = {KEY("b")};
    /*          1234567890123 */
    expect_at("{\"a\": 1, \"b\": [2]}", p, N(p), false, 1, 1, 15);
    expect_at("{\"a\": 1, \"b\": [2]}", p, N(p), true, 1, 1, 10);
}

static void test_nested_path(void **state)
{
    (void)state;
    const char *text =
        "{\"services\": [\n"
        "  {\"id\": \"x\"},\n"
        "  {\"id\": \"y\",\n"
        "   \"materials\": [{\"count\": 1}, {\"count\": 0}]}]}";
    const json_pos_seg p[] = {KEY("services"), IDX(1), KEY("materials"), IDX(1),
                              KEY("count")};
    expect_at(text, p, N(p), false, 5, 4, 42);
    expect_at(text, p, N(p), true, 5, 4, 33);
    /* an index as the last step has no key: want_key gives the value */
    expect_at(text, p, 2, true, 2, 3, 3);
}

static void test_missing_member_points_at_brace(void **state)
{
    (void)state;
    const char *text = "{\"services\": [\n  {\"id\": \"x\", \"name\": \"n\"}]}";
    const json_pos_seg p[] = {KEY("services"), IDX(0), KEY("steps")};
    expect_at(text, p, N(p), false, 2, 2, 3);
    expect_at(text, p, N(p), true, 2, 2, 3);
    /* missing at the root */
    const json_pos_seg q[] = {KEY("version")};
    expect_at(" {}", q, N(q), false, 0, 1, 2);
}

static void test_index_out_of_range(void **state)
{
    (void)state;
    const json_pos_seg p[] = {KEY("a"), IDX(3)};
    expect_at("{\"a\": [1, 2]}", p, N(p), false, 1, 1, 7);
    expect_at("{\"a\": []}", p, N(p), false, 1, 1, 7);
}

static void test_wrong_kind_stops_at_value(void **state)
{
    (void)state;
    const json_pos_seg p[] = {KEY("a"), KEY("zh")};
    expect_at("{\"a\": \"text\"}", p, N(p), false, 1, 1, 7);
    const json_pos_seg q[] = {KEY("a"), IDX(0)};
    expect_at("{\"a\": {\"0\": 1}}", q, N(q), false, 1, 1, 7);
}

static void test_columns_count_characters(void **state)
{
    (void)state;
    /* 社会保险 is 4 characters, 12 bytes */
    const json_pos_seg p[] = {KEY("b")};
    expect_at("{\"a\": \"社会保险\", \"b\": 0}", p, N(p), false, 1, 1, 20);
    expect_at("{\"a\": \"社会保险\", \"b\": 0}", p, N(p), true, 1, 1, 15);
    /* a 4-byte character (U+1F600) is one column too */
    expect_at("{\"\xF0\x9F\x98\x80\": 1, \"b\": 0}", p, N(p), false, 1, 1, 15);
}

static void test_crlf_lines(void **state)
{
    (void)state;
    /* Only '\n' ends a line, as in jansson; '\r' is a character. */
    const json_pos_seg p[] = {KEY("b")};
    expect_at("{\"a\": 1,\r\n \"b\": 2}", p, N(p), false, 1, 2, 7);
}

static void test_escaped_keys(void **state)
{
    (void)state;
    const json_pos_seg p[] = {KEY("id")};
    expect_at("{\"\\u0069d\": 1}", p, N(p), false, 1, 1, 13);
    /* surrogate pair for U+1F600, compared as UTF-8 */
    const json_pos_seg q[] = {KEY("\xF0\x9F\x98\x80")};
    expect_at("{\"x\": 0, \"\\ud83d\\ude00\": 1}", q, N(q), false, 1, 1, 26);
    /* escapes in skipped strings: quotes and brackets inside them */
    const json_pos_seg r[] = {KEY("b")};
    expect_at("{\"a\": \"]}\\\"[{\", \"b\": 2}", r, N(r), false, 1, 1, 22);
    const json_pos_seg s[] = {KEY("a\"b")};
    expect_at("{\"a\\\"b\": 5}", s, N(s), false, 1, 1, 10);
    /* a prefix is not a match, nor is a longer key */
    const json_pos_seg t[] = {KEY("ab")};
    expect_at("{\"a\": 1, \"abc\": 2}", t, N(t), false, 0, 1, 1);
}

static void test_broken_escapes_do_not_match(void **state)
{
    (void)state;
    const json_pos_seg p[] = {KEY("id")};
    expect_at("{\"\\x69d\": 1}", p, N(p), false, 0, 1, 1);
    expect_at("{\"\\u00\": 1}", p, N(p), false, 0, 1, 1);
    expect_at("{\"\\ud83d\": 1, \"id\": 2}", p, N(p), false, 1, 1, 21);
    expect_at("{\"\\ude00\": 1, \"id\": 2}", p, N(p), false, 1, 1, 21);
    expect_at("{\"\\ud83d\\u0041\": 1, \"id\": 2}", p, N(p), false, 1, 1, 27);
}

static void test_duplicate_keys_first_wins(void **state)
{
    (void)state;
    const json_pos_seg p[] = {KEY("a")};
    expect_at("{\"a\": 1, \"a\": 2}", p, N(p), false, 1, 1, 7);
}

static void test_skips_nested_containers(void **state)
{
    (void)state;
    const json_pos_seg p[] = {KEY("b")};
    expect_at("{\"a\": {\"x\": [1, {\"y\": [[]]}], \"z\": \"}\"}, \"b\": true}",
              p, N(p), false, 1, 1, 47);
    const json_pos_seg q[] = {IDX(2)};
    expect_at("[[1, [2]], {\"k\": []}, null]", q, N(q), false, 1, 1, 23);
}

static void test_empty_text(void **state)
{
    (void)state;
    int line = 0, col = 0;
    assert_int_equal(find_both("", 0, NULL, 0, false, &line, &col), -1);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    assert_int_equal(find_both(" \n\t ", 4, NULL, 0, false, &line, &col), -1);
    assert_int_equal(line, 2);
    assert_int_equal(col, 3);
    assert_int_equal(find_both(NULL, 5, NULL, 0, false, &line, &col), -1);
}

static void test_length_is_respected(void **state)
{
    (void)state;
    /* The text is not NUL-terminated where len ends. */
    const char text[] = "{\"a\": 1, \"b\": 2}";
    const json_pos_seg p[] = {KEY("b")};
    int line, col;
    assert_int_equal(find_both(text, 8, p, 1, false, &line, &col), 0);
    assert_int_equal(find_both(text, sizeof text - 1, p, 1, false, &line, &col), 1);
    /* NUL bytes inside the text are just bytes */
    const char nul[] = "{\"a\": \"x\0y\", \"b\": 2}";
    assert_int_equal(find_both(nul, sizeof nul - 1, p, 1, false, &line, &col), 1);
    assert_int_equal(col, 19);
}

/* Malformed input: never crash, never loop, stop at the deepest step. */
static void test_malformed_input(void **state)
{
    (void)state;
    const json_pos_seg p[] = {KEY("a"), IDX(1), KEY("b")};
    static const char *const texts[] = {
        "{", "{\"", "{\"a", "{\"a\"", "{\"a\":", "{\"a\": [", "{\"a\": [1",
        "{\"a\": [1,", "{\"a\": [1, {", "{\"a\": [1, {\"b\"", "{\"a\": [1, {\"b\":",
        "{\"a\" 1}", "{\"a\": [1 2]}", "{\"a\": [1, {\"b\" 2}]}", "{a: 1}",
        "{\"a\": ]", "{\"a\": [}, {\"b\": 1}]}", "{\"a\": [\"unterminated",
        "{\"a\": [:, {\"b\": 1}]}", "}}}]]]", "{\"a\": [1, {\"b\": \\",
        "\xff\xfe{\"a\"", "{\"a\": [\x80\x80, {\"b\": 1}]}", "{\"a\": [1, {\"c\": 1,}]}",
        "{\"x\": \"\\", "{\"x\": \"\\u12", "{\"\\ud800\\", "{,}", "[,]",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        int line = 0, col = 0;
        int found = find_both(texts[i], strlen(texts[i]), p, N(p), true, &line,
                                  &col);
        assert_true(found >= -1 && found <= 3);
        assert_true(line >= 1 && col >= 1);
    }
    /* bracket kinds are not matched, only counted: still found */
    expect_at("{\"x\": [}, \"a\": [0, {\"b\": 7}]}", p, N(p), false, 3, 1, 26);
    /* ... so a stray closer ends the search at the object that holds it */
    expect_at("{\"x\": [0}], \"a\": [0, {\"b\": 7}]}", p, N(p), false, 0, 1, 1);
}

static void test_deep_nesting_without_recursion(void **state)
{
    (void)state;
    /* A million levels would exhaust the stack of a recursive skipper. */
    size_t depth = 1000000;
    size_t len = 2 * depth + 32;
    char *text = malloc(len + 1);
    assert_non_null(text);
    size_t o = 0;
    o += (size_t)sprintf(text, "{\"x\": ");
    memset(text + o, '[', depth);
    o += depth;
    memset(text + o, ']', depth);
    o += depth;
    o += (size_t)sprintf(text + o, ", \"y\": 1}");
    const json_pos_seg p[] = {KEY("y")};
    int line, col;
    assert_int_equal(find_both(text, o, p, 1, false, &line, &col), 1);
    assert_int_equal(line, 1);
    assert_int_equal(col, (int)(2 * depth + 14));
    /* and unterminated: runs off the end cleanly */
    assert_int_equal(find_both(text, 6 + depth, p, 1, false, &line, &col), 0);
    free(text);
}

/* A few MiB like a big catalogue, problems in its last 200 entries: every
 * position by construction (one entry per line), through one index, in file
 * order and then backwards (the order the memory of the last lookup does
 * not help). Then the same file on one line, as a minifier writes it. */
static void test_many_lookups_near_the_end(void **state)
{
    (void)state;
    enum { ENTRIES = 20000, PAD = 140, AT_END = 200 };
    size_t cap = (size_t)ENTRIES * (PAD + 64) + 64;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int minified = 0; minified < 2; minified++) {
        const char *nl = minified ? "" : "\n";
        size_t o = (size_t)sprintf(text, "{\"version\": \"1\",%s\"services\": [%s", nl, nl);
        size_t *col_of = malloc(ENTRIES * sizeof *col_of);
        assert_non_null(col_of);
        for (int k = 0; k < ENTRIES; k++) {
            /* the pad holds brackets and escaped quotes that must not count */
            col_of[k] = minified ? o + 1 : 1;
            o += (size_t)sprintf(text + o, "{\"id\": \"s%05d\", \"pad\": \"", k);
            for (int i = 0; i < PAD; i++)
                text[o++] = "[{x}]x"[i % 6];
            o += (size_t)sprintf(text + o, "\\\"\", \"n\": [%d]}%s%s", k,
                                 k + 1 < ENTRIES ? "," : "", nl);
        }
        o += (size_t)sprintf(text + o, "]}%s", nl);
        json_pos_index *ix = json_pos_index_new(text, o);
        assert_non_null(ix);
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1) {
                /* In file order (the order the checker reports in) the 200
                 * lookups stepped over a small part of the text: entries
                 * are jumped, an array resumes where it was, LINE:COL comes
                 * from a checkpoint. One scan from the start per problem
                 * stepped over 200 times the text. */
                size_t scanned = json_pos_index_scanned(ix);
                print_message("%s: 200 lookups in %zu bytes stepped over %zu\n",
                              minified ? "one line" : "one entry per line", o, scanned);
                assert_true(scanned < o / 10);
            }
            for (int j = 0; j < AT_END; j++) {
                int k = pass == 0 ? ENTRIES - AT_END + j : ENTRIES - 1 - j;
                json_pos_seg p[] = {KEY("services"), IDX((size_t)k), KEY("n")};
                int line = 0, col = 0;
                assert_int_equal(json_pos_index_find(ix, p, 3, true, &line, &col), 3);
                /* the key "n" sits 25 characters, the pad and 5 more
                 * (its escaped quote, closing quote, comma, space) after
                 * the entry's brace */
                int want_col = (int)col_of[k] + 25 + PAD + 5;
                assert_int_equal(line, minified ? 1 : k + 3);
                assert_int_equal(col, want_col);
            }
        }
        /* and the unindexed lookup agrees on the last one */
        json_pos_seg last[] = {KEY("services"), IDX(ENTRIES - 1), KEY("n"), IDX(0)};
        int l1, c1, l2, c2;
        assert_int_equal(json_pos_find(text, o, last, 4, false, &l1, &c1), 4);
        assert_int_equal(json_pos_index_find(ix, last, 4, false, &l2, &c2), 4);
        assert_int_equal(l1, l2);
        assert_int_equal(c1, c2);
        json_pos_index_free(ix);
        free(col_of);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root),
        cmocka_unit_test(test_member_value_and_key),
        cmocka_unit_test(test_nested_path),
        cmocka_unit_test(test_missing_member_points_at_brace),
        cmocka_unit_test(test_index_out_of_range),
        cmocka_unit_test(test_wrong_kind_stops_at_value),
        cmocka_unit_test(test_columns_count_characters),
        cmocka_unit_test(test_crlf_lines),
        cmocka_unit_test(test_escaped_keys),
        cmocka_unit_test(test_broken_escapes_do_not_match),
        cmocka_unit_test(test_duplicate_keys_first_wins),
        cmocka_unit_test(test_skips_nested_containers),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_length_is_respected),
        cmocka_unit_test(test_malformed_input),
        cmocka_unit_test(test_deep_nesting_without_recursion),
        cmocka_unit_test(test_many_lookups_near_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
