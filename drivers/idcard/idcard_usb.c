/*
 * idcard_usb: see idcard_usb.h.
 */
#include "idcard_usb.h"
#include "common/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const idcard_usb_id idcard_usb_default_ids[] = {
    {0x0400, 0xC35A, IDCARD_LINK_BULK},
    {0x0316, 0x5020, IDCARD_LINK_BULK},
    {0x10C4, 0x0007, IDCARD_LINK_HID},
};
const size_t idcard_usb_default_count =
    sizeof idcard_usb_default_ids / sizeof idcard_usb_default_ids[0];

struct idcard_usb {
    libusb_device *dev;         /* referenced */
    libusb_device_handle *h;
    idcard_link link;
    int iface;
    bool detached;              /* we detached a kernel driver: reattach */
    bool claimed;
    bool gone;
    uint8_t ep_in, ep_out;      /* ep_out 0: HID without interrupt OUT */
    uint16_t in_packet;         /* wMaxPacketSize of ep_in */
    char name[16];
};

size_t idcard_hid_pack(const uint8_t *payload, size_t len,
                       uint8_t report[IDCARD_HID_REPORT])
{
    if (len > IDCARD_HID_PAYLOAD)
        len = IDCARD_HID_PAYLOAD;
    memset(report, 0, IDCARD_HID_REPORT);
    report[0] = IDCARD_HID_REQUEST_FLAG;
    report[1] = (uint8_t)len;
    if (len)
        memcpy(report + 2, payload, len);
    unsigned sum = 0;
    for (size_t i = 0; i < 2 + len; i++)
        sum += report[i];
    report[2 + len] = (uint8_t)(sum >> 8);
    report[3 + len] = (uint8_t)sum;
    return len;
}

int idcard_hid_unpack(const uint8_t report[IDCARD_HID_REPORT],
                      const uint8_t **payload)
{
    size_t len = report[1];
    if (len > IDCARD_HID_PAYLOAD)
        return IDCARD_ERR_LENGTH;
    unsigned sum = 0;
    for (size_t i = 0; i < 2 + len; i++)
        sum += report[i];
    unsigned got = (unsigned)report[2 + len] << 8 | report[3 + len];
    if ((sum & 0xFFFF) != got)
        return IDCARD_ERR_CHECKSUM;
    *payload = report + 2;
    return (int)len;
}

int idcard_usb_match(libusb_device *dev, const idcard_usb_id *ids, size_t n)
{
    struct libusb_device_descriptor dd;
    if (libusb_get_device_descriptor(dev, &dd) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (ids[i].vid == dd.idVendor && ids[i].pid == dd.idProduct)
            return (int)i;
    return -1;
}

static int map_error(idcard_usb *u, int r)
{
    switch (r) {
    case LIBUSB_ERROR_NO_DEVICE:
        if (u)
            u->gone = true;
        return IDCARD_ERR_DEVICE_GONE;
    case LIBUSB_ERROR_TIMEOUT:
        return IDCARD_ERR_TIMEOUT;
    case LIBUSB_ERROR_NO_MEM:
        return IDCARD_ERR_NOMEM;
    default:
        return IDCARD_ERR_IO;
    }
}

/* Looks through one altsetting for the endpoints link needs. */
static bool pick_endpoints(const struct libusb_interface_descriptor *alt,
                           idcard_link link, uint8_t *in, uint8_t *out,
                           uint16_t *in_packet)
{
    uint8_t want = link == IDCARD_LINK_BULK ? LIBUSB_TRANSFER_TYPE_BULK
                                            : LIBUSB_TRANSFER_TYPE_INTERRUPT;
    *in = *out = 0;
    for (int e = 0; e < alt->bNumEndpoints; e++) {
        const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];
        if ((ep->bmAttributes & 0x03) != want)
            continue;
        if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) {
            if (!*in) {
                *in = ep->bEndpointAddress;
                *in_packet = ep->wMaxPacketSize & 0x7FF;
            }
        } else if (!*out) {
            *out = ep->bEndpointAddress;
        }
    }
    return link == IDCARD_LINK_BULK ? (*in && *out) : *in != 0;
}

/* Finds the interface: the vendor class (0xFF) for bulk readers, HID (3)
 * for HID readers; a second pass accepts any class with the right endpoints
 * because some bulk readers report class 0 on their only interface. */
static bool find_interface(const struct libusb_config_descriptor *cfg,
                           idcard_link link, int *iface, int *altsetting,
                           uint8_t *in, uint8_t *out, uint16_t *in_packet)
{
    uint8_t cls = link == IDCARD_LINK_BULK ? LIBUSB_CLASS_VENDOR_SPEC
                                           : LIBUSB_CLASS_HID;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < cfg->bNumInterfaces; i++)
            for (int a = 0; a < cfg->interface[i].num_altsetting; a++) {
                const struct libusb_interface_descriptor *alt =
                    &cfg->interface[i].altsetting[a];
                if (pass == 0 && alt->bInterfaceClass != cls)
                    continue;
                if (pick_endpoints(alt, link, in, out, in_packet)) {
                    *iface = alt->bInterfaceNumber;
                    *altsetting = alt->bAlternateSetting;
                    return true;
                }
            }
    return false;
}

int idcard_usb_open(libusb_device *dev, idcard_link link, idcard_usb **out,
                    char *err, size_t err_size)
{
    char dummy[8];
    if (!err) {
        err = dummy;
        err_size = sizeof dummy;
    }
    err[0] = '\0';
    *out = NULL;
    struct libusb_device_descriptor dd;
    int r = libusb_get_device_descriptor(dev, &dd);
    if (r != 0) {
        snprintf(err, err_size, "device descriptor: %s", libusb_error_name(r));
        return map_error(NULL, r);
    }
    idcard_usb *u = calloc(1, sizeof *u);
    if (!u)
        return IDCARD_ERR_NOMEM;
    u->link = link;
    u->iface = -1;
    snprintf(u->name, sizeof u->name, "%04x:%04x", dd.idVendor, dd.idProduct);

    struct libusb_config_descriptor *cfg = NULL;
    r = libusb_get_active_config_descriptor(dev, &cfg);
    if (r != 0)
        r = libusb_get_config_descriptor(dev, 0, &cfg);
    if (r != 0) {
        snprintf(err, err_size, "%s: configuration descriptor: %s", u->name,
                 libusb_error_name(r));
        free(u);
        return map_error(NULL, r);
    }
    int alt = 0;
    bool found = find_interface(cfg, link, &u->iface, &alt, &u->ep_in,
                                &u->ep_out, &u->in_packet);
    libusb_free_config_descriptor(cfg);
    if (!found) {
        snprintf(err, err_size, "%s: no %s interface with the endpoints a "
                 "reader needs", u->name,
                 link == IDCARD_LINK_BULK ? "bulk (class 0xFF)" : "HID");
        free(u);
        return IDCARD_ERR_IO;
    }
    if (!u->in_packet)
        u->in_packet = 64;

    r = libusb_open(dev, &u->h);
    if (r != 0) {
        if (r == LIBUSB_ERROR_ACCESS)
            snprintf(err, err_size, "%s: permission denied; install "
                     "config/99-kiosk-idcard.rules (see drivers/idcard/"
                     "README.md)", u->name);
        else
            snprintf(err, err_size, "%s: open: %s", u->name, libusb_error_name(r));
        free(u);
        return map_error(NULL, r);
    }
    u->dev = libusb_ref_device(dev);

    /* usbhid binds HID readers; a vendor-class reader normally has no
     * driver. LIBUSB_ERROR_NOT_SUPPORTED (no kernel-driver support, e.g. an
     * emulated device) just means there is nothing to detach. */
    if (libusb_kernel_driver_active(u->h, u->iface) == 1) {
        r = libusb_detach_kernel_driver(u->h, u->iface);
        if (r != 0) {
            snprintf(err, err_size, "%s: detach kernel driver: %s", u->name,
                     libusb_error_name(r));
            int res = map_error(u, r);
            idcard_usb_close(u);
            return res;
        }
        u->detached = true;
    }
    r = libusb_claim_interface(u->h, u->iface);
    if (r != 0) {
        snprintf(err, err_size, "%s: claim interface %d: %s%s", u->name,
                 u->iface, libusb_error_name(r),
                 r == LIBUSB_ERROR_BUSY ? " (another program holds the reader)" : "");
        int res = map_error(u, r);
        idcard_usb_close(u);
        return res;
    }
    u->claimed = true;
    if (alt != 0) {
        r = libusb_set_interface_alt_setting(u->h, u->iface, alt);
        if (r != 0) {
            snprintf(err, err_size, "%s: alternate setting %d: %s", u->name,
                     alt, libusb_error_name(r));
            int res = map_error(u, r);
            idcard_usb_close(u);
            return res;
        }
    }
    *out = u;
    return IDCARD_OK;
}

void idcard_usb_close(idcard_usb *u)
{
    if (!u)
        return;
    if (u->h) {
        /* After an unplug these fail with NO_DEVICE; nothing to undo then. */
        if (u->claimed && !u->gone)
            libusb_release_interface(u->h, u->iface);
        if (u->detached && !u->gone)
            libusb_attach_kernel_driver(u->h, u->iface);
        libusb_close(u->h);
    }
    if (u->dev)
        libusb_unref_device(u->dev);
    free(u);
}

const char *idcard_usb_name(const idcard_usb *u)
{
    return u->name;
}

libusb_device *idcard_usb_device(const idcard_usb *u)
{
    return u->dev;
}

bool idcard_usb_gone(const idcard_usb *u)
{
    return u->gone;
}

/* The kiosk's clock (common/clock.h), so the script harness's virtual time
 * drives this file's deadlines too. */
/* ---- bulk ----------------------------------------------------------------- */

static int bulk_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    idcard_usb *u = ctx;
    int actual = 0;
    int r = libusb_bulk_transfer(u->h, u->ep_out, (unsigned char *)buf,
                                 (int)len, &actual, (unsigned)timeout_ms);
    if (r == LIBUSB_ERROR_PIPE)
        libusb_clear_halt(u->h, u->ep_out);   /* then report the failure */
    if (r != 0)
        return map_error(u, r);
    return actual;
}

static int bulk_read(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
    idcard_usb *u = ctx;
    /* Whole packets only: a device sending more than the buffer holds would
     * otherwise end the transfer with LIBUSB_ERROR_OVERFLOW. */
    size_t want = cap - cap % u->in_packet;
    if (want == 0)
        return IDCARD_ERR_IO;
    long long deadline = (long long)clock_now_ms() + timeout_ms;
    for (;;) {
        int actual = 0;
        long long left = deadline - (long long)clock_now_ms();
        if (left < 1)
            left = 1;
        int r = libusb_bulk_transfer(u->h, u->ep_in, buf, (int)want, &actual,
                                     (unsigned)left);
        if (actual > 0)
            return actual;    /* even on timeout: those bytes are real */
        if (r == LIBUSB_ERROR_PIPE)
            libusb_clear_halt(u->h, u->ep_in);
        if (r != 0)
            return map_error(u, r);
        /* A zero-length packet ends nothing we wait for: read on. */
        if ((long long)clock_now_ms() >= deadline)
            return IDCARD_ERR_TIMEOUT;
    }
}

/* ---- HID ------------------------------------------------------------------ */

static int hid_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    idcard_usb *u = ctx;
    size_t off = 0;
    while (off < len) {
        uint8_t report[IDCARD_HID_REPORT];
        size_t n = idcard_hid_pack(buf + off, len - off, report);
        int r;
        if (u->ep_out) {
            int actual = 0;
            r = libusb_interrupt_transfer(u->h, u->ep_out, report, sizeof report,
                                          &actual, (unsigned)timeout_ms);
        } else {
            /* SET_REPORT(Output, id 0) on the interface */
            r = libusb_control_transfer(u->h, 0x21, 0x09, 0x0200,
                                        (uint16_t)u->iface, report, sizeof report,
                                        (unsigned)timeout_ms);
            r = r < 0 ? r : 0;
        }
        if (r != 0)
            return map_error(u, r);
        off += n;
    }
    return (int)len;
}

static int hid_read_report(idcard_usb *u, uint8_t *buf, size_t cap, long long deadline,
                           uint8_t report[IDCARD_HID_REPORT])
{
    for (;;) {
        int actual = 0;
        long long left = deadline - (long long)clock_now_ms();
        if (left < 1)
            left = 1;
        int r = libusb_interrupt_transfer(u->h, u->ep_in, report, IDCARD_HID_REPORT,
                                          &actual, (unsigned)left);
        if (r != 0)
            return map_error(u, r);
        if (actual == IDCARD_HID_REPORT) {
            const uint8_t *payload;
            int n = idcard_hid_unpack(report, &payload);
            if (n < 0)
                return n;
            if (n > 0) {
                if ((size_t)n > cap)
                    return IDCARD_ERR_LENGTH;
                memcpy(buf, payload, (size_t)n);
                return n;
            }
        }
        if ((long long)clock_now_ms() >= deadline)
            return IDCARD_ERR_TIMEOUT;
    }
}

static int hid_read(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
    uint8_t report[IDCARD_HID_REPORT];
    int r = hid_read_report(ctx, buf, cap, (long long)clock_now_ms() + timeout_ms, report);
    /* a report carries up to 63 bytes of the card's text block or photo:
     * wiped before the stack frame is given up (issue 13 item 8) */
    explicit_bzero(report, sizeof report);
    return r;
}

void idcard_usb_transport(idcard_usb *u, idcard_transport *out)
{
    out->ctx = u;
    if (u->link == IDCARD_LINK_HID) {
        out->write = hid_write;
        out->read = hid_read;
    } else {
        out->write = bulk_write;
        out->read = bulk_read;
    }
}

size_t idcard_usb_scan(libusb_context *ctx, const idcard_usb_id *ids, size_t n,
                       void (*fn)(void *user, libusb_device *dev,
                                  const idcard_usb_id *id),
                       void *user)
{
    libusb_device **list;
    ssize_t cnt = libusb_get_device_list(ctx, &list);
    if (cnt < 0)
        return 0;
    size_t found = 0;
    for (ssize_t i = 0; i < cnt; i++) {
        int m = idcard_usb_match(list[i], ids, n);
        if (m < 0)
            continue;
        found++;
        if (fn)
            fn(user, list[i], &ids[m]);
    }
    libusb_free_device_list(list, 1);
    return found;
}
