#include "ui/qr.h"

#include <stddef.h>

QRcode *qr_encode(const char *text)
{
    if (!text || !*text)
        return NULL;
    return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}
