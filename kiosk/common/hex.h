/*
 * hex: hexadecimal digits, for the parsers of outside input (JSON \u
 * escapes, reader VID:PID tables).
 */
#ifndef KIOSK_HEX_H
#define KIOSK_HEX_H

/* 0..15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else (including
 * EOF and bytes >= 0x80, so callers may pass a raw byte or an int). */
int hex_digit(int c);

#endif
