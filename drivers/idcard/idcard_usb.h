/*
 * idcard_usb: the libusb-1.0 transport for GA 467 readers.
 *
 * Two link kinds exist in the field:
 *  - BULK: a vendor-specific interface (class 0xFF) with one bulk OUT and
 *    one bulk IN endpoint (typically 0x02 / 0x81), 64-byte packets; GA 467
 *    frames travel as-is.
 *  - HID: the frames are tunnelled in 64-byte HID reports. The tunnel used
 *    here is an ASSUMPTION pieced together from public descriptions of
 *    10C4:0007-style readers, not verified on hardware (see README.md):
 *      report[0]        0x88 on requests (the reader's flag is not checked)
 *      report[1]        payload length n, 0..60
 *      report[2..2+n)   a slice of the GA 467 byte stream
 *      report[2+n..4+n) 16-bit sum of report[0..2+n), big-endian
 *    Reports go out on the interrupt OUT endpoint, or as SET_REPORT control
 *    transfers when the interface has none. idcard_hid_pack/unpack hold the
 *    whole assumption, so a correction is local.
 *
 * Which devices are readers is configuration, not code: the caller passes a
 * table of VID:PID + link kind (kiosk.conf `[idcard] readers`, converted by
 * the kiosk from its reader_id table; idcard_usb_default_ids is the built-in
 * default). The driver mirrors settings.h's reader_id rather than including
 * it so that drivers/ never depends on kiosk/.
 */
#ifndef IDCARD_USB_H
#define IDCARD_USB_H

#include <libusb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idcard_ids.h"
#include "idcard_session.h"

#define IDCARD_HID_REPORT 64
#define IDCARD_HID_PAYLOAD 60
#define IDCARD_HID_REQUEST_FLAG 0x88

/* Packs up to 60 payload bytes into one report; returns the bytes packed. */
size_t idcard_hid_pack(const uint8_t *payload, size_t len,
                       uint8_t report[IDCARD_HID_REPORT]);

/* Validates a report and points *payload at its bytes; returns the payload
 * length, or IDCARD_ERR_LENGTH / IDCARD_ERR_CHECKSUM. */
int idcard_hid_unpack(const uint8_t report[IDCARD_HID_REPORT],
                      const uint8_t **payload);

/* Index in ids of the entry matching dev's VID:PID, or -1. */
int idcard_usb_match(libusb_device *dev, const idcard_usb_id *ids, size_t n);

typedef struct idcard_usb idcard_usb;

/* Opens dev, finds the interface and endpoints for link from the
 * descriptors, detaches a kernel driver if one is bound (usbhid grabs HID
 * readers) and claims the interface. Returns an idcard_result; on failure
 * err (may be NULL) says why in technician terms, e.g. a permission hint. */
int idcard_usb_open(libusb_device *dev, idcard_link link, idcard_usb **out,
                    char *err, size_t err_size);

/* Releases the interface, reattaches the kernel driver it detached, closes
 * and frees. Safe after the device has gone. NULL is fine. */
void idcard_usb_close(idcard_usb *u);

/* Fills a transport whose write/read run on u (u must outlive it). Reads ask
 * for the session's read size rounded down to whole packets, so one bulk
 * transfer returns a whole answer up to the reader's short packet. */
void idcard_usb_transport(idcard_usb *u, idcard_transport *out);

/* "0400:c35a" */
const char *idcard_usb_name(const idcard_usb *u);
libusb_device *idcard_usb_device(const idcard_usb *u);

/* True once a transfer has reported LIBUSB_ERROR_NO_DEVICE. */
bool idcard_usb_gone(const idcard_usb *u);

/* Calls fn for every device in ctx's list that matches ids; returns the
 * number found. */
size_t idcard_usb_scan(libusb_context *ctx, const idcard_usb_id *ids, size_t n,
                       void (*fn)(void *user, libusb_device *dev,
                                  const idcard_usb_id *id),
                       void *user);

#endif
