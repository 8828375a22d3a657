/*
 * The ID-card driver through the REAL libusb API against the simulator,
 * attached at the usbdevfs ioctl level with umockdev.
 *
 * A UMockdevTestbed gets a USB device with the reader's sysfs attributes and
 * descriptors (0400:C35A, one class-0xFF interface, bulk OUT 0x02 / IN 0x81;
 * or a 10C4:0007 HID reader), and umockdev_testbed_attach_ioctl puts a live
 * handler behind its /dev/bus/usb node. libusb, preloaded by
 * umockdev-wrapper, opens that node and submits URBs; the handler answers
 * USBDEVFS_SUBMITURB / REAPURBNDELAY / DISCARDURB / CLAIMINTERFACE / ... by
 * running idcard_sim, the same byte machine the unit tests and the kiosk's
 * demo mode use. Unplugging completes the URBs in flight with -ESHUTDOWN and
 * fails later ioctls with ENODEV, as the kernel does, and removes the device
 * from the testbed with a "remove" uevent.
 *
 * Must run under `umockdev-wrapper`; exits 77 (ctest SKIP) with the reason
 * when the emulation is not there.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <umockdev.h>
#include <cmocka.h>

#include "idcard/idcard_reader.h"
#include "../support/idcard_events.h"
#include "idcard/idcard_sim.h"
#include "idcard/idcard_usb.h"

#define DEMO_DIR KIOSK_SOURCE_DIR "/assets/demo-cards/"
#define SYSPATH "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"

/* ---- the usbdevfs handler --------------------------------------------------- */

typedef struct urb {
    UMockdevIoctlData *data;    /* the struct usbdevfs_urb (owned ref) */
    UMockdevIoctlData *buf;     /* its buffer (owned ref) */
} urb;

typedef struct {
    UMockdevIoctlBase parent;
    idcard_sim *sim;
    bool hid;
    GQueue pending_in;          /* IN URBs waiting for simulator bytes */
    GQueue done;                /* completed, waiting to be reaped */
    unsigned submitted;         /* URBs submitted: USB transfers */
} SimUsb;

typedef struct {
    UMockdevIoctlBaseClass parent_class;
} SimUsbClass;

G_DEFINE_TYPE(SimUsb, sim_usb, UMOCKDEV_TYPE_IOCTL_BASE)

static struct usbdevfs_urb *urb_struct(urb *u)
{
    return (struct usbdevfs_urb *)u->data->data;
}

static void finish(SimUsb *s, urb *u, int status, int actual)
{
    urb_struct(u)->status = status;
    urb_struct(u)->actual_length = actual;
    g_queue_push_tail(&s->done, u);
}

/* Moves IN URBs that can be served now to the done queue. */
static void serve_in(SimUsb *s)
{
    while (!g_queue_is_empty(&s->pending_in)) {
        urb *u = g_queue_peek_head(&s->pending_in);
        struct usbdevfs_urb *raw = urb_struct(u);
        int n;
        if (s->hid) {
            uint8_t payload[IDCARD_HID_PAYLOAD];
            n = idcard_sim_host_read(s->sim, payload, sizeof payload, NULL);
            if (n > 0) {
                /* The reader's reports use the same layout; its flag is
                 * not checked by the host. */
                idcard_hid_pack(payload, (size_t)n, u->buf->data);
                n = IDCARD_HID_REPORT;
            }
        } else {
            n = idcard_sim_host_read(s->sim, u->buf->data,
                                     (size_t)raw->buffer_length, NULL);
        }
        if (n == 0)
            return;
        g_queue_pop_head(&s->pending_in);
        if (n < 0) {
            /* unplugged: what the kernel reports for URBs in flight */
            finish(s, u, -ESHUTDOWN, 0);
            while ((u = g_queue_pop_head(&s->pending_in)))
                finish(s, u, -ESHUTDOWN, 0);
            return;
        }
        finish(s, u, 0, n);
    }
}

static void free_urb(urb *u)
{
    g_object_unref(u->buf);
    g_object_unref(u->data);
    g_free(u);
}

static gboolean sim_usb_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client)
{
    SimUsb *s = (SimUsb *)base;
    gulong req = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
    GError *err = NULL;
    bool plugged = idcard_sim_plugged(s->sim);

    if (req == USBDEVFS_REAPURB || req == USBDEVFS_REAPURBNDELAY) {
        serve_in(s);
        urb *u = g_queue_pop_head(&s->done);
        if (!u) {
            umockdev_ioctl_client_complete(client, -1, plugged ? EAGAIN : ENODEV);
            return TRUE;
        }
        UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), &err);
        g_assert_no_error(err);
        umockdev_ioctl_data_set_ptr(ptr, 0, u->data);
        umockdev_ioctl_client_complete(client, 0, 0);
        g_object_unref(ptr);
        free_urb(u);
        return TRUE;
    }
    if (req == USBDEVFS_DISCARDURB) {
        gulong addr = *(gulong *)arg->data;
        for (GList *l = s->pending_in.head; l; l = l->next) {
            urb *u = l->data;
            if (u->data->client_addr == addr) {
                g_queue_delete_link(&s->pending_in, l);
                finish(s, u, -ENOENT, 0);
                umockdev_ioctl_client_complete(client, 0, 0);
                return TRUE;
            }
        }
        umockdev_ioctl_client_complete(client, -1, EINVAL);
        return TRUE;
    }
    if (!plugged) {
        /* After an unplug every other request fails like on a dead node. */
        umockdev_ioctl_client_complete(client, -1, ENODEV);
        return TRUE;
    }
    switch (req) {
    case USBDEVFS_GET_CAPABILITIES: {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), &err);
        g_assert_no_error(err);
        *(guint32 *)d->data = USBDEVFS_CAP_BULK_CONTINUATION |
                              USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                              USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
        umockdev_ioctl_client_complete(client, 0, 0);
        g_object_unref(d);
        return TRUE;
    }
    case USBDEVFS_GETDRIVER:
        umockdev_ioctl_client_complete(client, -1, ENODATA);   /* no driver bound */
        return TRUE;
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_RELEASEINTERFACE:
    case USBDEVFS_SETINTERFACE:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESETEP:
    case USBDEVFS_RESET:
        umockdev_ioctl_client_complete(client, 0, 0);
        return TRUE;
    case USBDEVFS_SUBMITURB: {
        UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &err);
        g_assert_no_error(err);
        struct usbdevfs_urb *raw = (struct usbdevfs_urb *)d->data;
        urb *u = g_new0(urb, 1);
        u->data = d;
        u->buf = umockdev_ioctl_data_resolve(d, offsetof(struct usbdevfs_urb, buffer),
                                             (gsize)raw->buffer_length, &err);
        g_assert_no_error(err);
        s->submitted++;
        raw = urb_struct(u);
        if (raw->endpoint & 0x80) {
            g_queue_push_tail(&s->pending_in, u);
        } else {
            int r;
            if (s->hid) {
                const uint8_t *payload;
                int n = raw->buffer_length == IDCARD_HID_REPORT
                            ? idcard_hid_unpack(u->buf->data, &payload) : -1;
                r = n < 0 ? n : idcard_sim_host_write(s->sim, payload, (size_t)n);
            } else {
                r = idcard_sim_host_write(s->sim, u->buf->data, (size_t)raw->buffer_length);
            }
            finish(s, u, r < 0 ? -EPROTO : 0, r < 0 ? 0 : raw->buffer_length);
        }
        umockdev_ioctl_client_complete(client, 0, 0);
        return TRUE;
    }
    default:
        fprintf(stderr, "sim usbdevfs: unhandled ioctl 0x%lx\n", req);
        return FALSE;
    }
}

static void sim_usb_class_init(SimUsbClass *klass)
{
    UMOCKDEV_IOCTL_BASE_CLASS(klass)->handle_ioctl = sim_usb_ioctl;
}

static void sim_usb_init(SimUsb *s)
{
    g_queue_init(&s->pending_in);
    g_queue_init(&s->done);
}

/* ---- the testbed --------------------------------------------------------------- */

static const uint8_t bulk_descriptors[] = {
    18, 1, 0x00, 0x02, 0, 0, 0, 64, 0x00, 0x04, 0x5A, 0xC3, 0x00, 0x01, 0, 0, 0, 1,
    9, 2, 32, 0, 1, 1, 0, 0x80, 50,
    9, 4, 0, 0, 2, 0xFF, 0, 0, 0,
    7, 5, 0x02, 0x02, 64, 0, 0,
    7, 5, 0x81, 0x02, 64, 0, 0,
};

static const uint8_t hid_descriptors[] = {
    18, 1, 0x00, 0x02, 0, 0, 0, 64, 0xC4, 0x10, 0x07, 0x00, 0x00, 0x01, 0, 0, 0, 1,
    9, 2, 41, 0, 1, 1, 0, 0x80, 50,
    9, 4, 0, 0, 2, 0x03, 0, 0, 0,
    9, 0x21, 0x11, 0x01, 0, 1, 0x22, 34, 0,
    7, 5, 0x81, 0x03, 64, 0, 1,
    7, 5, 0x01, 0x03, 64, 0, 1,
};

typedef struct bed {
    UMockdevTestbed *tb;
    idcard_sim *sim;
    SimUsb *handler;
    bool hid;
    bool present;
    int devnum;
} bed;

static bed B;

static void bed_plug(void)
{
    char hex[256] = "";
    const uint8_t *d = B.hid ? hid_descriptors : bulk_descriptors;
    size_t n = B.hid ? sizeof hid_descriptors : sizeof bulk_descriptors;
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    B.devnum++;   /* the kernel gives a replugged device a new address */
    char rec[1024];
    snprintf(rec, sizeof rec,
             "P: /devices/pci0000:00/0000:00:14.0/usb1/1-1\n"
             "N: bus/usb/001/%03d\n"
             "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
             "E: DEVNAME=/dev/bus/usb/001/%03d\n"
             "E: BUSNUM=001\nE: DEVNUM=%03d\n"
             "A: busnum=1\nA: devnum=%d\nA: dev=189:%d\nA: speed=12\n"
             "A: idVendor=%s\nA: idProduct=%s\n"
             "A: bConfigurationValue=1\nA: bNumConfigurations=1\n"
             "H: descriptors=%s\n",
             B.devnum, B.devnum, B.devnum, B.devnum, B.devnum,
             B.hid ? "10c4" : "0400", B.hid ? "0007" : "c35a", hex);
    GError *err = NULL;
    if (!umockdev_testbed_add_from_string(B.tb, rec, &err))
        fail_msg("add device: %s", err->message);
    char node[64];
    snprintf(node, sizeof node, "/dev/bus/usb/001/%03d", B.devnum);
    B.handler = g_object_new(sim_usb_get_type(), NULL);
    B.handler->sim = B.sim;
    B.handler->hid = B.hid;
    if (!umockdev_testbed_attach_ioctl(B.tb, node, UMOCKDEV_IOCTL_BASE(B.handler), &err))
        fail_msg("attach_ioctl: %s", err->message);
    idcard_sim_set_plugged(B.sim, true);
    umockdev_testbed_uevent(B.tb, SYSPATH, "add");
    B.present = true;
}

static void bed_unplug(void)
{
    if (!B.present)
        return;
    idcard_sim_set_plugged(B.sim, false);
    umockdev_testbed_uevent(B.tb, SYSPATH, "remove");
    umockdev_testbed_remove_device(B.tb, SYSPATH);
    /* The handler stays attached (the testbed holds it until it is freed):
     * detaching closes its socket, and a client still inside an ioctl on it
     * (the reader thread, racing the unplug) makes libumockdev-preload abort
     * with ECONNRESET. Attached and unplugged, it answers ENODEV like a dead
     * usbfs node, and the node itself is gone, so nothing new opens it. */
    g_object_unref(B.handler);
    B.handler = NULL;
    B.present = false;
}

static int bed_setup(bool hid)
{
    B.tb = umockdev_testbed_new();
    B.sim = idcard_sim_new(7);
    B.hid = hid;
    B.devnum = 1;
    bed_plug();
    return 0;
}

static void bed_teardown(void)
{
    bed_unplug();
    g_object_unref(B.tb);        /* handlers first: they point at the sim */
    idcard_sim_free(B.sim);
    memset(&B, 0, sizeof B);
}

static int setup_bulk(void **state) { (void)state; return bed_setup(false); }
static int setup_hid(void **state) { (void)state; return bed_setup(true); }
static int teardown(void **state) { (void)state; bed_teardown(); return 0; }

/* ---- direct: idcard_usb + session through libusb ------------------------------- */

typedef struct direct {
    libusb_context *ctx;
    idcard_usb *u;
    idcard_session s;
} direct;

static direct D;

static void found_cb(void *user, libusb_device *dev, const idcard_usb_id *id)
{
    libusb_device **out = user;
    if (!*out)
        *out = libusb_ref_device(dev);
    (void)id;
}

static void direct_open(void)
{
    assert_int_equal(libusb_init(&D.ctx), 0);
    libusb_device *dev = NULL;
    size_t n = idcard_usb_scan(D.ctx, idcard_usb_default_ids, idcard_usb_default_count,
                               found_cb, &dev);
    assert_int_equal(n, 1);
    int link = idcard_usb_match(dev, idcard_usb_default_ids, idcard_usb_default_count);
    assert_true(link >= 0);
    char err[160];
    int rc = idcard_usb_open(dev, idcard_usb_default_ids[link].link, &D.u, err, sizeof err);
    libusb_unref_device(dev);
    if (rc != IDCARD_OK)
        fail_msg("open: %s (%s)", idcard_result_name(rc), err);
    idcard_transport tr;
    idcard_usb_transport(D.u, &tr);
    idcard_session_init(&D.s, &tr);
    D.s.timeout_ms = 200;
}

static void direct_close(void)
{
    idcard_usb_close(D.u);
    libusb_exit(D.ctx);
    memset(&D, 0, sizeof D);
}

static void expect_read(const char *name)
{
    idcard_identity *id = NULL;
    int rc = idcard_session_read_card(&D.s, &id);
    if (rc != IDCARD_OK)
        fail_msg("read_card: %s (%s)", idcard_result_name(rc), D.s.detail);
    assert_string_equal(id->name, name);
    assert_int_equal(id->photo_len, 1024);
    idcard_identity_wipe(id);
}

static void test_usb_full_read(void **state)
{
    (void)state;
    assert_int_equal(idcard_sim_place_card(B.sim, DEMO_DIR "resident.json"), 0);
    direct_open();
    assert_string_equal(idcard_usb_name(D.u), B.hid ? "10c4:0007" : "0400:c35a");

    char sam[48];
    assert_int_equal(idcard_session_sam_id(&D.s, sam, sizeof sam), IDCARD_OK);
    assert_string_equal(sam, "05.01-20230101-0000123456-1234567890");
    assert_int_equal(idcard_session_sam_status(&D.s), IDCARD_OK);

    idcard_session_reset_stats(&D.s);
    unsigned urbs_before = B.handler->submitted;
    expect_read("张三");
    if (!B.hid) {
        /* one URB per transfer: 3 commands out, 3 answers in */
        assert_int_equal(D.s.transfers, 6);
        assert_int_equal(B.handler->submitted - urbs_before, 6);
    }
    print_message("full read: %u session transfers, %u URBs\n", D.s.transfers,
                  B.handler->submitted - urbs_before);

    idcard_sim_remove_card(B.sim);
    idcard_identity *id = NULL;
    assert_int_equal(idcard_session_read_card(&D.s, &id), IDCARD_ERR_NO_CARD);
    direct_close();
}

static void set_fault(idcard_sim_fault_kind kind, uint16_t cmd, int count)
{
    idcard_sim_fault f = {.kind = kind, .cmd = cmd, .count = count};
    idcard_sim_set_fault(B.sim, &f);
}

static void test_usb_faults(void **state)
{
    (void)state;
    assert_int_equal(idcard_sim_place_card(B.sim, DEMO_DIR "resident.json"), 0);
    direct_open();
    idcard_identity *id = NULL;

    set_fault(IDCARD_FAULT_BAD_CHECKSUM, GA467_CMD_READ, 1);
    expect_read("张三");
    set_fault(IDCARD_FAULT_BAD_CHECKSUM, GA467_CMD_READ, 0);
    assert_int_equal(idcard_session_read_card(&D.s, &id), IDCARD_ERR_CHECKSUM);

    set_fault(IDCARD_FAULT_WRONG_LENGTH, GA467_CMD_READ, 0);
    assert_int_equal(idcard_session_read_card(&D.s, &id), IDCARD_ERR_LENGTH);
    set_fault(IDCARD_FAULT_WRONG_LENGTH, GA467_CMD_FIND, 0);
    assert_int_equal(idcard_session_find(&D.s), IDCARD_ERR_LENGTH);

    set_fault(IDCARD_FAULT_GARBAGE, 0, 0);
    expect_read("张三");

    idcard_sim_fault slow = {.kind = IDCARD_FAULT_SLOW, .cmd = GA467_CMD_READ, .delay_ms = 50};
    idcard_sim_set_fault(B.sim, &slow);
    expect_read("张三");

    /* Timeouts go through libusb's own timeout and URB discard. */
    set_fault(IDCARD_FAULT_NO_ANSWER, GA467_CMD_SELECT, 1);
    expect_read("张三");
    set_fault(IDCARD_FAULT_NO_ANSWER, GA467_CMD_FIND, 0);
    D.s.retries = 0;
    assert_int_equal(idcard_session_find(&D.s), IDCARD_ERR_TIMEOUT);
    D.s.retries = 2;

    set_fault(IDCARD_FAULT_REMOVE_MID_READ, 0, 1);
    assert_int_equal(idcard_session_read_card(&D.s, &id), IDCARD_ERR_CARD_REMOVED);
    assert_int_equal(idcard_sim_place_card(B.sim, DEMO_DIR "resident.json"), 0);

    size_t n;
    const ga467_sw3_info *t = ga467_sw3_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (ga467_sw3_is_ok(t[i].code))
            continue;
        idcard_sim_fault f = {.kind = IDCARD_FAULT_SW3, .cmd = GA467_CMD_READ, .sw3 = t[i].code};
        idcard_sim_set_fault(B.sim, &f);
        assert_int_equal(idcard_session_read_card(&D.s, &id), IDCARD_ERR_SW3(t[i].code));
        assert_null(id);
    }
    idcard_sim_set_fault(B.sim, NULL);
    expect_read("张三");
    direct_close();
}

static void test_usb_unplug_mid_transfer(void **state)
{
    (void)state;
    assert_int_equal(idcard_sim_place_card(B.sim, DEMO_DIR "resident.json"), 0);
    direct_open();
    D.s.read_size = 64;   /* so the unplug falls between two IN transfers */
    set_fault(IDCARD_FAULT_UNPLUG_MID_TRANSFER, GA467_CMD_READ, 1);
    idcard_identity *id = NULL;
    assert_int_equal(idcard_session_read_card(&D.s, &id), IDCARD_ERR_DEVICE_GONE);
    assert_null(id);
    assert_true(idcard_usb_gone(D.u));
    bed_unplug();
    direct_close();   /* closing a handle whose device vanished is safe */

    bed_plug();
    direct_open();
    expect_read("张三");
    direct_close();
}

/* ---- the reader thread through libusb ------------------------------------------ */

static void log_line(void *user, const char *line)
{
    (void)user;
    print_message("  [reader] %s\n", line);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static idcard_event expect_event(idcard_event_type type, int timeout_ms)
{
    return events_expect(type, timeout_ms);
}

static void test_reader_thread_unplug_replug(void **state)
{
    (void)state;
    idcard_reader_config cfg;
    idcard_reader_config_init(&cfg);
    cfg.simulate = IDCARD_SIMULATE_OFF;
    cfg.poll_interval_ms = 50;
    cfg.transfer_timeout_ms = 300;
    cfg.log = log_line;
    idcard_reader *r = idcard_reader_start(&cfg, events_post, NULL);
    assert_non_null(r);
    assert_null(idcard_reader_sim(r));

    idcard_event ev = expect_event(IDCARD_EV_READER_ATTACHED, 2000);
    assert_string_equal(ev.reader, "0400:c35a");
    assert_false(ev.simulated);
    assert_string_equal(ev.sam_id, "05.01-20230101-0000123456-1234567890");

    assert_int_equal(idcard_sim_place_card(B.sim, DEMO_DIR "resident.json"), 0);
    expect_event(IDCARD_EV_CARD_READING, 2000);
    ev = expect_event(IDCARD_EV_CARD_READ, 2000);
    assert_string_equal(ev.identity->name, "张三");
    idcard_identity_wipe(ev.identity);
    idcard_sim_remove_card(B.sim);
    expect_event(IDCARD_EV_CARD_REMOVED, 2000);

    /* Unplug in the middle of the read answer. */
    set_fault(IDCARD_FAULT_UNPLUG_MID_TRANSFER, GA467_CMD_READ, 1);
    assert_int_equal(idcard_sim_place_card(B.sim, DEMO_DIR "resident.json"), 0);
    expect_event(IDCARD_EV_CARD_READING, 2000);
    ev = expect_event(IDCARD_EV_READER_LOST, 2000);
    assert_int_equal(ev.result, IDCARD_ERR_DEVICE_GONE);
    assert_string_equal(ev.message_key, "reader.unavailable");
    bed_unplug();

    /* Gone for a moment, then back: attached and reading within 2 s. */
    struct timespec pause = {0, 300 * 1000000L};
    nanosleep(&pause, NULL);
    long long t0 = now_ms();
    bed_plug();
    ev = expect_event(IDCARD_EV_READER_ATTACHED, 2000);
    assert_string_equal(ev.reader, "0400:c35a");
    expect_event(IDCARD_EV_CARD_READING, 2000);
    ev = expect_event(IDCARD_EV_CARD_READ, 2000);
    long long took = now_ms() - t0;
    assert_string_equal(ev.identity->name, "张三");
    idcard_identity_wipe(ev.identity);
    print_message("replug -> card read in %lld ms\n", took);
    assert_true(took <= 2000);

    /* Plain unplug with no transfer in flight: lost, then back again. */
    bed_unplug();
    expect_event(IDCARD_EV_READER_LOST, 2000);
    bed_plug();
    expect_event(IDCARD_EV_READER_ATTACHED, 2000);
    idcard_reader_stop(r);
    events_drain();
}

/* ---- kioskctl idcard probe, as a child process on the same testbed ------------ */

static int run_kioskctl(const char *config, char **out)
{
    char *argv[] = {KIOSKCTL_PATH, "idcard", "probe", (char *)config, NULL};
    int status = 0;
    GError *err = NULL;
    /* The child inherits LD_PRELOAD and UMOCKDEV_DIR, so its libusb sees
     * this testbed and its ioctls reach this process's handler. */
    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL,
                      &status, &err))
        fail_msg("spawn kioskctl: %s", err->message);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_kioskctl_probe(void **state)
{
    (void)state;
    char config[] = "/tmp/idcard-probe-XXXXXX.conf";
    int fd = g_mkstemp(config);
    assert_true(fd >= 0);
    const char *text = "[idcard]\nreaders = 0400:c35a/bulk\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);

    char *out = NULL;
    int rc = run_kioskctl(config, &out);
    print_message("%s", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "0400:c35a bus 1 address 2 (bulk): SAM "
                                "05.01-20230101-0000123456-1234567890, status ok"));
    g_free(out);

    bed_unplug();
    rc = run_kioskctl(config, &out);
    print_message("%s", out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "no reader found (looking for 0400:c35a/bulk)"));
    g_free(out);
    unlink(config);
}

int main(void)
{
    /* umockdev_in_mock_environment() answers false under umockdev-wrapper in
     * 0.17 as installed here, so look for the preload library itself. */
    const char *preload = getenv("LD_PRELOAD");
    if (!preload || !strstr(preload, "umockdev-preload")) {
        printf("SKIP: not running under umockdev-wrapper (LD_PRELOAD of "
               "libumockdev-preload); run: umockdev-wrapper %s\n", "test_idcard_umockdev");
        return 77;
    }
    /* Can libusb see an emulated device at all? If not, say why and skip
     * rather than fail on something this machine cannot do. */
    bed_setup(false);
    libusb_context *ctx;
    int rc = libusb_init(&ctx);
    if (rc != 0) {
        printf("SKIP: libusb_init failed under umockdev: %s\n", libusb_error_name(rc));
        bed_teardown();
        return 77;
    }
    size_t n = idcard_usb_scan(ctx, idcard_usb_default_ids, idcard_usb_default_count, NULL, NULL);
    libusb_exit(ctx);
    bed_teardown();
    if (n != 1) {
        printf("SKIP: libusb enumerated %zu emulated readers, expected 1\n", n);
        return 77;
    }

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_usb_full_read, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_usb_faults, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_usb_unplug_mid_transfer, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_usb_full_read, setup_hid, teardown),
        cmocka_unit_test_setup_teardown(test_reader_thread_unplug_replug, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_kioskctl_probe, setup_bulk, teardown),
    };
    return cmocka_run_group_tests_name("idcard_umockdev", tests, NULL, NULL);
}
