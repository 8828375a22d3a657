#include "common/lang.h"

static bool lower(char c) { return c >= 'a' && c <= 'z'; }

static bool alnum(char c)
{
    return lower(c) || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool lang_code_ok(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && lower(s[i]))
        i++;
    if (i < 2 || i > 3)
        return false;
    if (i == len)
        return true;
    if (s[i] != '-')
        return false;
    size_t sub = len - i - 1;
    if (sub < 2 || sub > 4)
        return false;
    for (size_t k = i + 1; k < len; k++)
        if (!alnum(s[k]))
            return false;
    return true;
}
