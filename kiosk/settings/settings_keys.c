/*
 * settings_keys: the table of every kiosk.conf key -- section, name, type,
 * range, default and help text -- and looking keys up in it. Adding a key
 * is one row here (and its field in struct settings).
 */
#include "settings/settings_internal.h"

#include <string.h>

static const char *const simulate_choices[] = {"auto", "on", "off", NULL};
static const char *const renderer_choices[] = {"software", "accelerated", NULL};

/* Each row is one key. The default is text exactly as a technician would
 * write it, and goes through the same parser as the file: settings_defaults
 * and "an empty kiosk.conf" cannot disagree. */
#define F(field) offsetof(settings, field)
#define KEY_INT(sec, name, field, lo, hi, def, unit_, help) \
    {{sec, name, "int", def, help}, KT_INT, F(field), 0, lo, hi, unit_, NULL, PC_NONE}
#define KEY_BOOL(sec, name, field, def, help) \
    {{sec, name, "bool", def, help}, KT_BOOL, F(field), 0, 0, 1, NULL, NULL, PC_NONE}
#define KEY_DOUBLE(sec, name, field, lo, hi, def, help) \
    {{sec, name, "double", def, help}, KT_DOUBLE, F(field), 0, lo, hi, NULL, NULL, PC_NONE}
#define KEY_STRING(sec, name, field, minlen, def, help) \
    {{sec, name, "string", def, help}, KT_STRING, F(field), 0, minlen, SETTINGS_MAX_VALUE, NULL, NULL, PC_NONE}
#define KEY_PHONE(sec, name, field, def, help) \
    {{sec, name, "phone", def, help}, KT_PHONE, F(field), 0, 3, 20, NULL, NULL, PC_NONE}
#define KEY_PATH(sec, name, field, minlen, check_, def, help) \
    {{sec, name, "path", def, help}, KT_PATH, F(field), 0, minlen, SETTINGS_MAX_VALUE, NULL, NULL, check_}
#define KEY_ENUM(sec, name, field, choices_, def, help) \
    {{sec, name, "enum", def, help}, KT_ENUM, F(field), 0, 0, 0, NULL, choices_, PC_NONE}
#define KEY_LANG(sec, name, field, def, help) \
    {{sec, name, "lang", def, help}, KT_LANG, F(field), 0, 0, 0, NULL, NULL, PC_NONE}
#define KEY_LTEXT(sec, name, field, count, def, help) \
    {{sec, name, "lang-text", def, help}, KT_LTEXT, F(field), F(count), 1, SETTINGS_MAX_VALUE, NULL, NULL, PC_NONE}
#define KEY_LANGS(sec, name, field, count, def, help) \
    {{sec, name, "lang-list", def, help}, KT_LANGS, F(field), F(count), 1, SETTINGS_MAX_LANGS, NULL, NULL, PC_NONE}
#define KEY_READERS(sec, name, field, count, def, help) \
    {{sec, name, "reader-list", def, help}, KT_READERS, F(field), F(count), 0, SETTINGS_MAX_READERS, NULL, NULL, PC_NONE}
#define KEY_CODE(sec, name, field, lo, hi, def, example, help) \
    {{sec, name, "code", def, help}, KT_CODE, F(field), 0, lo, hi, example, NULL, PC_NONE}
#define KEY_DIGITS(sec, name, field, lo, hi, def, example, help) \
    {{sec, name, "digits", def, help}, KT_DIGITS, F(field), 0, lo, hi, example, NULL, PC_NONE}
#define KEY_REASONS(sec, name, field, count, def, help) \
    {{sec, name, "reason-list", def, help}, KT_REASONS, F(field), F(count), 1, SETTINGS_MAX_REASONS, NULL, NULL, PC_NONE}

const key_def settings_keys[] = {
    KEY_INT("display", "width", width, 480, 7680, "1080", "pixels", "Screen width in pixels (屏幕宽度); portrait screens are narrower than tall"),
    KEY_INT("display", "height", height, 480, 7680, "1920", "pixels", "Screen height in pixels (屏幕高度); set width and height together"),
    KEY_BOOL("display", "fullscreen", fullscreen, "yes", "Cover the whole screen without a window frame (全屏); no is for testing on a desktop"),
    KEY_INT("display", "display_index", display_index, 0, 7, "0", NULL, "Which monitor to use when several are connected, 0 = the first (显示器编号)"),
    KEY_BOOL("display", "show_cursor", show_cursor, "no", "Show the mouse pointer (显示鼠标指针); no on a touch screen"),
    KEY_ENUM("display", "renderer", renderer, renderer_choices, "software", "How frames are drawn (渲染方式): software = CPU, same on every panel PC; accelerated = GPU driver, only with a real GPU"),
    KEY_DOUBLE("display", "panel_inches", panel_inches, 10.0, 100.0, "21.5", "Visible diagonal of the panel in inches (屏幕尺寸); gives the pixel size the a11y check measures targets with"),
    KEY_PATH("fonts", "regular", font_regular, 0, PC_FILE, "", "Font file for body text (常规字体); empty = auto: Noto Sans CJK face 2, else WenQuanYi Micro Hei face 0"),
    KEY_INT("fonts", "regular_index", font_regular_index, 0, 15, "2", NULL, "Face inside the regular .ttc collection, used when regular is set (字体序号); 2 = Simplified Chinese in Noto Sans CJK"),
    KEY_PATH("fonts", "bold", font_bold, 0, PC_FILE, "", "Font file for headings (粗体); empty = auto: Noto Sans CJK Bold face 2, else the regular font"),
    KEY_INT("fonts", "bold_index", font_bold_index, 0, 15, "2", NULL, "Face inside the bold .ttc collection, used when bold is set"),
    KEY_DOUBLE("fonts", "scale", font_scale, 0.75, 1.5, "1.0", "Multiplies every text size (字号缩放); 1.0 = as designed, at most two decimals"),
    KEY_LANGS("ui", "languages", langs, n_langs, "zh, en", "UI languages, comma separated (界面语言), each with assets/strings/<code>.json; the first is the default"),
    KEY_LANG("ui", "fallback_language", fallback_lang, "zh", "Language shown where a text lacks the UI language (后备语言); one of languages"),
    KEY_BOOL("ui", "large_font", large_font, "no", "Start every session in large-font mode (大字模式)"),
    KEY_BOOL("ui", "high_contrast", high_contrast, "no", "Start every session in high-contrast colours (高对比度)"),
    KEY_LTEXT("ui", "site_name.zh", site_names, n_site_names, "文新街道便民服务中心", "Site name shown on the home screen (网点名称), one site_name.<code> line per language"),
    KEY_LTEXT("ui", "site_name.en", site_names, n_site_names, "Wenxin Subdistrict Service Centre", "Site name in English; a language without a site_name line shows the fallback's"),
    KEY_PHONE("ui", "hotline", hotline, "12345", "Help phone number shown on every screen (服务热线); digits and '-'"),
    KEY_LTEXT("ui", "staff_location.zh", staff_locations, n_staff_locations, "工作人员在服务大厅咨询台，请前往咨询。", "Where to find staff (工作人员位置), shown by the call-staff button without a help_service; one staff_location.<code> line per language"),
    KEY_LTEXT("ui", "staff_location.en", staff_locations, n_staff_locations, "Staff are at the information desk in the service hall.", "Where to find staff, in English; a language without a staff_location line shows the fallback's"),
    KEY_INT("session", "idle_timeout", idle_timeout, 15, 1800, "90", "seconds", "No touch for this long opens the 'need more time?' dialog (空闲超时)"),
    KEY_INT("session", "idle_warning", idle_warning, 20, 300, "30", "seconds", "Countdown in that dialog before the session ends and its data is cleared (超时倒计时); less than idle_timeout"),
    KEY_INT("session", "attract_after", attract_after, 10, 3600, "120", "seconds", "No touch on the home screen for this long starts the attract loop (待机轮播)"),
    KEY_PATH("catalog", "path", catalog_path, 1, PC_FILE, "catalog.json", "Service catalogue JSON file (事项清单); must exist and be readable"),
    KEY_PATH("paths", "data_dir", data_dir, 1, PC_DIR_OR_PARENT, "../var", "Writable directory for logs and counters (数据目录); created if missing, its parent must exist"),
    KEY_PATH("paths", "assets_dir", assets_dir, 1, PC_DIR, "../assets", "Directory of images, icons and UI strings (资源目录); must exist"),
    KEY_ENUM("idcard", "simulate", idcard_simulate, simulate_choices, "auto", "ID card reader simulation (身份证读卡器模拟): auto = only when no reader is found, on = always, off = never"),
    KEY_BOOL("idcard", "remove_ends_session", idcard_remove_ends_session, "no", "Taking the card off the reader ends the session (取卡结束会话)"),
    KEY_INT("idcard", "transfer_timeout_ms", idcard_timeout_ms, 50, 10000, "1000", "milliseconds", "Timeout of one USB transfer to the reader (读卡超时)"),
    KEY_READERS("idcard", "readers", readers, n_readers, "0400:c35a/bulk, 0316:5020/bulk, 10c4:0007/hid", "USB readers to look for: VID:PID/transport, hex as lsusb shows it, transport bulk or hid"),
    KEY_PATH("input", "rime_data", rime_data, 1, PC_NONE, "/usr/share/rime-data", "Rime's shared data for pinyin input (拼音输入数据), Debian package rime-data-luna-pinyin; when missing, pinyin is unavailable and letters still work"),
    KEY_PATH("input", "handwriting_model", handwriting_model, 1, PC_NONE, "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model", "Zinnia model for handwriting input (手写识别模型), Debian package tegaki-zinnia-simplified-chinese; when missing, handwriting is unavailable"),
    KEY_INT("outbox", "max_waiting", outbox_max_waiting, 0, 1000000, "5000", "rows", "Most transactions waiting to be sent (待上传上限); when reached, residents are sent to a window; 0 = no cap"),
    KEY_INT("outbox", "max_age_days", outbox_max_age_days, 0, 365, "14", "days", "Oldest a waiting transaction may be before new ones are refused (最长积压天数); 0 = no cap"),
    KEY_INT("outbox", "retention_days", outbox_retention_days, 1, 365, "7", "days", "Acknowledged transactions are erased after this (保留天数), securely, with the WAL truncated"),
    KEY_STRING("platform", "endpoint", platform_endpoint, 0, "", "Platform base URL (平台地址), https://host[:port][/prefix]; http only on loopback; empty = none: transactions wait here"),
    KEY_PATH("platform", "ca_file", platform_ca_file, 0, PC_FILE, "", "PEM file of the CA(s) that sign the platform's certificate (平台CA证书); empty = the system's CAs"),
    KEY_PATH("platform", "client_cert", platform_client_cert, 0, PC_FILE, "", "PEM client certificate for mutual TLS (终端证书); set with client_key"),
    KEY_PATH("platform", "client_key", platform_client_key, 0, PC_FILE, "", "PEM private key of client_cert (终端私钥), readable by the kiosk only"),
    KEY_STRING("platform", "pins", platform_pins, 0, "", "Accepted platform public keys (公钥固定), sha256//BASE64 separated by ';'; list the next key before rotating; empty = none"),
    KEY_PATH("platform", "token_file", platform_token_file, 0, PC_FILE, "", "File holding a bearer token sent as Authorization (访问令牌); empty = none"),
    KEY_STRING("platform", "device_id", platform_device_id, 0, "", "This kiosk's identifier at the platform (终端编号); empty = derived from /etc/machine-id"),
    KEY_INT("platform", "connect_timeout", platform_connect_timeout, 1, 60, "5", "seconds", "Longest wait for a connection and TLS handshake (连接超时)"),
    KEY_INT("platform", "timeout", platform_timeout, 2, 300, "20", "seconds", "Longest a whole request may take (请求超时); longer is a failure and is retried"),
    KEY_INT("platform", "batch_records", platform_batch_records, 1, 1000, "200", "records", "Most transactions in one upload (每批条数)"),
    KEY_INT("platform", "batch_kib", platform_batch_kib, 4, 8192, "512", "KiB", "Largest upload body (每批大小)"),
    KEY_INT("platform", "retry_after_max", platform_retry_after_max, 1, 86400, "600", "seconds", "Longest wait the platform may ask for with Retry-After (最长等待)"),
    KEY_INT("platform", "backoff_max", platform_backoff_max, 1, 3600, "300", "seconds", "Longest wait between failed tries (最长重试间隔); waits grow from 1 s, with full jitter"),
    KEY_INT("platform", "online_deadline", platform_online_deadline, 1, 60, "8", "seconds", "Longest a resident waits for an online service (在线业务时限) before being told what else to do"),
    KEY_STRING("rating", "url", rating_url, 1, "{endpoint}/rate?txn={txn}&item={item}&t={time}&dev={device}", "Signed link for rating later (补充评价链接); placeholders, each a whole parameter value: {endpoint} {txn} {item} {time} {device}, {sig}"),
    KEY_ENUM("rating", "scheme", rating_code_scheme, rating_scheme_names, "gbt39046", "Satisfaction codes (满意度代码): gbt39046 = 1 非常满意 .. 5 非常不满意 (GB/T 39046 A.8); provincial = 5 .. 1"),
    KEY_STRING("rating", "codes", rating_codes, 0, "", "Five codes in level order, 非常满意 first, instead of the scheme's (自定义满意度代码); empty = the scheme's"),
    KEY_CODE("rating", "channel_code", rating_channel_code, 1, 8, "5", "5", "Rating channel code (评价渠道): 5 = 政务大厅其他终端, the nearest code the standards give a self-service terminal"),
    KEY_CODE("rating", "source_code", rating_source_code, 0, 32, "", "ZWFW-01", "Data source code the platform issued for this system (数据来源); empty = none sent"),
    KEY_DIGITS("rating", "region_code", rating_region_code, 6, 9, "330106", "330106", "Administrative division of the site (行政区划代码): the county's 6 digits (GB/T 2260) or a township's 9"),
    KEY_BOOL("rating", "after_guide", rating_after_guide, "no", "Also offer the rating after a resident read a guide, not only after a transaction (查看指南后评价)"),
    KEY_INT("rating", "max_age_days", rating_max_age_days, 1, 365, "30", "days", "How long the link on a receipt takes a rating (补充评价期限)"),
    KEY_REASONS("rating", "reasons", reasons, n_reasons, "attitude, efficiency, materials, system, waiting, other", "Reasons offered for a poor rating (差评原因), in order; each needs reason.ID.code and reason.ID.<lang> labels"),
    KEY_BOOL("voice", "enabled", voice_enabled, "yes", "Spoken prompts on every screen (语音播报); no = the kiosk never speaks"),
    KEY_STRING("voice", "engine", voice_engine, 1, "espeak-ng", "Speech engine, command or path (语音引擎): espeak-ng (Debian espeak-ng) or espeak; voices come from the strings files"),
    KEY_INT("voice", "rate", voice_rate, 80, 400, "175", "words per minute", "Speaking rate (语速); 175 = the engine's own, about 3.5 Chinese characters a second"),
    KEY_INT("voice", "volume", voice_volume, 0, 100, "60", "percent", "Volume every session starts at (默认音量), 0..100; 0 = silent until a resident asks"),
    KEY_INT("voice", "keypad_volume", voice_keypad_volume, 1, 100, "60", "percent", "Volume a silent kiosk switches to on keypad use or elder mode (键盘操作音量)"),
};

const size_t settings_n_keys = sizeof settings_keys / sizeof settings_keys[0];

/* In file order; every key's section must be one of these (a unit test
 * checks), and settings_write walks this list. */
const settings_section settings_sections[] = {
    {"display", "The screen (显示屏)"},
    {"fonts", "Fonts (字体)"},
    {"ui", "What the user sees (界面)"},
    {"session", "Session timing in seconds (会话)"},
    {"catalog", "Service catalogue (事项清单)"},
    {"paths", "Directories (目录)"},
    {"idcard", "ID card reader (身份证读卡器)"},
    {"input", "Chinese text entry (中文输入)"},
    {"outbox", "Transactions kept until the platform has them (待上传事务)"},
    {"platform", "The government platform: uploads and online services (政务服务平台)"},
    {"rating", "Service ratings after a transaction (好差评)"},
    {"voice", "Spoken prompts (语音播报)"},
};

const int settings_n_sections =
    (int)(sizeof settings_sections / sizeof settings_sections[0]);

/* The enum is stored through an int lvalue (the table has no per-type
 * setter); this keeps that honest if the enum ever grows a wider value. */
_Static_assert(sizeof(simulate_mode) == sizeof(int), "enum stored as int");
_Static_assert(sizeof(renderer_mode) == sizeof(int), "enum stored as int");
_Static_assert(sizeof(rating_scheme) == sizeof(int), "enum stored as int");

size_t settings_key_count(void)
{
    return settings_n_keys;
}

const settings_key *settings_key_at(size_t i)
{
    return i < settings_n_keys ? &settings_keys[i].pub : NULL;
}

_Static_assert(sizeof settings_keys / sizeof settings_keys[0] <=
               SETTINGS_MAX_KEYS, "raise SETTINGS_MAX_KEYS");

int settings_key_line(const settings *s, const char *section, const char *name)
{
    for (size_t i = 0; i < settings_n_keys; i++)
        if (!strcmp(settings_keys[i].pub.section, section) &&
            !strcmp(settings_keys[i].pub.name, name))
            return s->key_line[i];
    return 0;
}

int settings_find_key(int section, const char *name)
{
    for (size_t i = 0; i < settings_n_keys; i++)
        if (!strcmp(settings_keys[i].pub.section, settings_sections[section].name) &&
            !strcmp(settings_keys[i].pub.name, name))
            return (int)i;
    return -1;
}

/* Index of the key whose value lives at offset (for the cross-key rules). */
int settings_key_at_offset(size_t offset)
{
    for (size_t i = 0; i < settings_n_keys; i++)
        if (settings_keys[i].offset == offset)
            return (int)i;
    return -1;
}

/* The lang-text row whose family ("site_name") the key NAME.LANG belongs
 * to, for a LANG without a row of its own; -1 when none. */
int settings_find_family(int section, const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot)
        return -1;
    size_t flen = (size_t)(dot - name);
    for (size_t i = 0; i < settings_n_keys; i++)
        if (settings_keys[i].type == KT_LTEXT &&
            !strcmp(settings_keys[i].pub.section, settings_sections[section].name) &&
            !strncmp(settings_keys[i].pub.name, name, flen) &&
            settings_keys[i].pub.name[flen] == '.')
            return (int)i;
    return -1;
}

/* "site_name.en" -> the code after the family name's '.', or NULL. */
const char *settings_lang_of_key(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? dot + 1 : NULL;
}
