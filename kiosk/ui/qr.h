/*
 * qr: the one QR encoder of the kiosk -- the guide's code on screen, the
 * receipt's on paper, the certificate's in its PDF and the receipt on
 * screen all go through it, so a link scans the same wherever it is shown.
 *
 * Error correction M (15 % of the code may be lost: a crease in a receipt,
 * glare on a screen) and case-sensitive 8-bit mode: links and codes are
 * encoded exactly as given, and UTF-8 text survives as bytes. The quiet
 * zone of 4 modules is the drawer's (QR_QUIET_MODULES).
 */
#ifndef KIOSK_QR_H
#define KIOSK_QR_H

#include <qrencode.h>

#define QR_QUIET_MODULES 4

/* text as a QR code (QRcode_free), or NULL for NULL, "" or text too long
 * for a QR code at level M. */
QRcode *qr_encode(const char *text);

#endif
