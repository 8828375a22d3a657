/*
 * receipt_store: every receipt kept for a reprint, and nothing more.
 *  - a receipt saved is loaded back by its number (any case) and by its
 *    outbox key, with every text, the code and the materials;
 *  - an identity that is not masked is refused, and nothing is written;
 *  - a number that could leave the directory is refused;
 *  - the file is mode 0600 and no temporary file is left;
 *  - purge removes what is older than the cutoff and keeps the rest;
 *  - each lists every kept receipt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>

#include "common/storage.h"
#include "outbox_fixture.h"
#include "print/receipt_store.h"

static char dir[] = "/tmp/test-receipt-store-XXXXXX";
static outbox_key *key;

static int setup(void **state)
{
    (void)state;
    key = outbox_fixture_open(dir);
    return key ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return outbox_fixture_close(key, dir);
}

static const char *const materials[] = {"居民身份证（原件，1份）", "户口簿（原件，1份）"};

static receipt sample(const char *no)
{
    return (receipt){
        .lang = "zh",
        .site_name = "文新街道便民服务中心",
        .service_name = "社会保障卡申领",
        .transaction_no = no,
        .time = 1795000000,
        .masked_name = "张*",
        .masked_id_number = "3301**********0014",
        .code_kind = RECEIPT_CODE_TICKET,
        .code = "A013",
        .next_steps = "请到3号窗口附近等候叫号",
        .materials = materials,
        .n_materials = 2,
        .qr_text = "https://platform.example/rate?txn=20261202-A013",
        .hotline = "12345",
    };
}

static void test_round_trip(void **state)
{
    (void)state;
    char why[300];
    receipt rc = sample("20261202-A013");
    assert_true(receipt_store_save(&rc, "3f2a0000-0000-4000-8000-000000000001", why, sizeof why));
    receipt_stored got;
    assert_true(receipt_store_load("20261202-a013", &got, why, sizeof why));   /* any case */
    assert_string_equal(got.rc.service_name, "社会保障卡申领");
    assert_string_equal(got.rc.masked_id_number, "3301**********0014");
    assert_string_equal(got.rc.code, "A013");
    assert_int_equal(got.rc.code_kind, RECEIPT_CODE_TICKET);
    assert_int_equal(got.rc.n_materials, 2);
    assert_string_equal(got.rc.materials[1], "户口簿（原件，1份）");
    assert_string_equal(got.rc.qr_text, rc.qr_text);
    assert_int_equal(got.rc.time, rc.time);
    receipt_stored_free(&got);
    /* by the outbox key as well */
    assert_true(receipt_store_load("3f2a0000-0000-4000-8000-000000000001", &got, why, sizeof why));
    assert_string_equal(got.rc.transaction_no, "20261202-A013");
    receipt_stored_free(&got);
    /* 0600, and nothing but the receipt in the directory */
    char path[600];
    assert_true(storage_path(RECEIPT_STORE_DIR "/20261202-A013.json", path, sizeof path));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(storage_path(RECEIPT_STORE_DIR "/", path, sizeof path));
    DIR *d = opendir(path);
    assert_non_null(d);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            files++;
    closedir(d);
    assert_int_equal(files, 1);
}

static void test_refusals(void **state)
{
    (void)state;
    char why[300];
    receipt rc = sample("20261202-B001");
    rc.masked_name = "张三";                         /* not masked */
    assert_false(receipt_store_save(&rc, NULL, why, sizeof why));
    rc = sample("20261202-B001");
    rc.masked_id_number = "330106199003070014";      /* not masked */
    assert_false(receipt_store_save(&rc, NULL, why, sizeof why));
    receipt_stored got;
    assert_false(receipt_store_load("20261202-B001", &got, why, sizeof why));
    assert_non_null(strstr(why, "no receipt"));
    rc = sample("../../etc/passwd");                /* out of the directory */
    assert_false(receipt_store_save(&rc, NULL, why, sizeof why));
    assert_false(receipt_store_load("../outbox", &got, why, sizeof why));
}

static void count(const receipt_stored *s, void *ctx)
{
    (void)s;
    (*(int *)ctx)++;
}

static void test_purge(void **state)
{
    (void)state;
    char why[300], path[600];
    receipt old = sample("20261101-C001"), young = sample("20261202-C002");
    assert_true(receipt_store_save(&old, NULL, why, sizeof why));
    assert_true(receipt_store_save(&young, NULL, why, sizeof why));
    assert_true(storage_path(RECEIPT_STORE_DIR "/20261101-C001.json", path, sizeof path));
    time_t now = time(NULL);
    struct utimbuf t = {now - 40 * 86400, now - 40 * 86400};
    assert_int_equal(utime(path, &t), 0);
    int before = 0;
    receipt_store_each(count, &before);
    assert_int_equal(receipt_store_purge(now - 30 * 86400), 1);
    int after = 0;
    receipt_store_each(count, &after);
    assert_int_equal(after, before - 1);
    receipt_stored got;
    assert_false(receipt_store_load("20261101-C001", &got, why, sizeof why));
    assert_true(receipt_store_load("20261202-C002", &got, why, sizeof why));
    receipt_stored_free(&got);
}

/* The UI's way: queued, written by the store's thread, in order; a
 * refused receipt is refused at once; stop writes what is queued. */
static void test_queue(void **state)
{
    (void)state;
    char why[300];
    const char *numbers[] = {"20261202-Q001", "20261202-Q002", "20261202-Q003"};
    for (int i = 0; i < 3; i++) {
        receipt rc = sample(numbers[i]);
        assert_true(receipt_store_queue(&rc, NULL, why, sizeof why));
    }
    receipt_store_flush();
    receipt_stored got;
    for (int i = 0; i < 3; i++) {
        assert_true(receipt_store_load(numbers[i], &got, why, sizeof why));
        receipt_stored_free(&got);
    }
    receipt bad = sample("20261202-Q004");
    bad.masked_id_number = "330106199001010014";
    assert_false(receipt_store_queue(&bad, NULL, why, sizeof why));
    assert_non_null(strstr(why, "not masked"));
    receipt last = sample("20261202-Q005");
    assert_true(receipt_store_queue(&last, NULL, why, sizeof why));
    receipt_store_stop();
    assert_true(receipt_store_load("20261202-Q005", &got, why, sizeof why));
    receipt_stored_free(&got);
    /* and it starts again */
    receipt again = sample("20261202-Q006");
    assert_true(receipt_store_queue(&again, NULL, why, sizeof why));
    receipt_store_stop();
    assert_true(receipt_store_load("20261202-Q006", &got, why, sizeof why));
    receipt_stored_free(&got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_purge),
        cmocka_unit_test(test_queue),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
