/*
 * handwriting: recognising one handwritten Chinese character (手写) from
 * the ink on the pad, with the zinnia engine and the Tegaki model for
 * Simplified Chinese (Debian package tegaki-zinnia-simplified-chinese).
 *
 * For residents who cannot type pinyin: the pad UI calls
 * handwriting_recognize after every stroke and offers the candidates.
 *
 * Threads: zinnia's recogniser is not documented as thread-safe, and a
 * handwriting keeps one scratch character between calls, so a handwriting
 * is used by one thread at a time (the UI thread). Several handwritings
 * may be used by several threads.
 */
#ifndef KIOSK_HANDWRITING_H
#define KIOSK_HANDWRITING_H

#include <stddef.h>

#include "ime/ink.h"

/* Where Debian's tegaki-zinnia-simplified-chinese installs the model. */
#define HANDWRITING_MODEL_DEFAULT "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"

typedef struct handwriting handwriting;

/* Opens the zinnia model at model_path. NULL with a clear message in err
 * (naming the path and the Debian package tegaki-zinnia-simplified-chinese)
 * when it is missing or unreadable, or when memory runs out. err may be
 * NULL when err_size is 0. */
handwriting *handwriting_open(const char *model_path, char *err, size_t err_size);

void handwriting_close(handwriting *h);          /* NULL is fine */

#define HANDWRITING_CAND_SIZE 8                   /* one character in UTF-8 with its NUL */

/* Up to max candidates, best first, for the ink (empty ink: 0). Each
 * candidate is one character. Returns the count. A stroke still being
 * drawn counts as written so far. */
size_t handwriting_recognize(handwriting *h, const ink *k, char out[][HANDWRITING_CAND_SIZE],
                             size_t max);

#endif
