/*
 * certificate_samples: a Chinese and an English certificate of enrolment
 * as the reference platform issues them (platform/seed.json: fictional
 * people), shared by the certificate test, the print test and the
 * benchmark so all of them look at the same pages.
 */
#ifndef KIOSK_TEST_CERTIFICATE_SAMPLES_H
#define KIOSK_TEST_CERTIFICATE_SAMPLES_H

#include <time.h>

#include "print/certificate.h"

/* 2026-12-02 09:20:11 in Beijing */
#define CERT_SAMPLE_PRINTED ((time_t)1796174411)

static const certificate_field zh_cert_fields[] = {
    {{"参保险种", "Insurance"}, "企业职工基本养老保险、失业保险、工伤保险"},
    {{"参保状态", "Status"}, "正常参保"},
    {{"参保单位", "Employer"}, "杭州示例科技有限公司"},
    {{"首次参保年月", "First enrolled"}, "2012-07"},
    {{"累计缴费月数", "Months paid"}, "172"},
    {{"最近缴费年月", "Last paid"}, "2026-10"},
};

static const certificate_doc zh_certificate = {
    .lang = "zh",
    .kind = "si_enrolment",
    .title = {"社会保险参保证明", "Social Insurance Enrolment Certificate"},
    .number = "SB330106-2026-004711",
    .holder_name = "张三",
    .id_number = "330106199003070014",
    .issued_at = "2026-12-02T09:15:00+08:00",
    .issuer = {"杭州市西湖区社会保险管理服务中心（演示）",
               "Xihu District Social Insurance Service Centre, Hangzhou (demo)"},
    .fields = zh_cert_fields,
    .n_fields = sizeof zh_cert_fields / sizeof *zh_cert_fields,
    .verify_url = "https://verify.example.com/zwfw/SB330106-2026-004711?code=54dafd9c5ba35b43",
    .printed_at = CERT_SAMPLE_PRINTED,
    .kiosk_id = "ZJ-HZ-XH-0007",
};

static const certificate_field en_cert_fields[] = {
    {{"参保险种", "Insurance"}, "企业职工基本养老保险、失业保险、工伤保险"},
    {{"参保状态", "Status"}, "正常参保"},
    {{"参保单位", "Employer"}, "示例国际贸易（杭州）有限公司"},
    {{"首次参保年月", "First enrolled"}, "2023-09"},
    {{"累计缴费月数", "Months paid"}, "39"},
    {{"最近缴费年月", "Last paid"}, "2026-11"},
};

/* A foreign resident's certificate in English: the platform's values stay
 * as it wrote them (Chinese), the labels and the page's words are English. */
static const certificate_doc en_certificate = {
    .lang = "en",
    .kind = "si_enrolment",
    .title = {"社会保险参保证明", "Social Insurance Enrolment Certificate"},
    .number = "SB330106-2026-004712",
    .holder_name = "安娜 (SAMPLE, ANNA)",
    .id_number = "933124198804150025",
    .issued_at = "2026-12-02T09:15:00+08:00",
    .issuer = {"杭州市西湖区社会保险管理服务中心（演示）",
               "Xihu District Social Insurance Service Centre, Hangzhou (demo)"},
    .fields = en_cert_fields,
    .n_fields = sizeof en_cert_fields / sizeof *en_cert_fields,
    .verify_url = "https://verify.example.com/zwfw/SB330106-2026-004712?code=0b9e31d2a7c44f18",
    .printed_at = CERT_SAMPLE_PRINTED,
    .kiosk_id = "ZJ-HZ-XH-0007",
};

#endif
