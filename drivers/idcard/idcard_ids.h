/*
 * idcard_ids: which USB devices are ID-card readers, and how they talk.
 *
 * Kept apart from idcard_usb.h so that code configuring the reader thread
 * (the kiosk) does not need libusb's headers: only the driver's .c files
 * include libusb.
 */
#ifndef IDCARD_IDS_H
#define IDCARD_IDS_H

#include <stddef.h>
#include <stdint.h>

typedef enum idcard_link {
    IDCARD_LINK_BULK,           /* = READER_BULK in settings.h */
    IDCARD_LINK_HID             /* = READER_HID */
} idcard_link;

typedef struct idcard_usb_id {
    uint16_t vid, pid;
    idcard_link link;
} idcard_usb_id;

/* 0400:C35A bulk, 0316:5020 bulk, 10C4:0007 HID. */
extern const idcard_usb_id idcard_usb_default_ids[];
extern const size_t idcard_usb_default_count;

#endif
