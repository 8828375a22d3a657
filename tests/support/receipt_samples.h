/*
 * receipt_samples: a Chinese and an English receipt as a service centre
 * would print them (queue ticket / appointment, long names, next steps with
 * Chinese punctuation to break around, materials), shared by the receipt
 * test and the benchmark so both measure the same thing. The identity is
 * already masked, as receipt_render requires.
 */
#ifndef KIOSK_TEST_RECEIPT_SAMPLES_H
#define KIOSK_TEST_RECEIPT_SAMPLES_H

#include <time.h>

#include "print/receipt.h"

/* 2026-12-02 09:15 in Beijing */
#define SAMPLE_TIME ((time_t)1796174100)

static const char *const zh_materials[] = {
    "居民户口簿原件及复印件各1份",
    "本人近期免冠一寸彩色照片2张",
    "银行卡（社会保障卡金融账户）复印件1份，须与本人姓名一致。",
};

static const receipt zh_receipt = {
    .lang = "zh",
    .site_name = "西湖区文新街道便民服务中心",
    .service_name = "城乡居民基本养老保险参保登记",
    .transaction_no = "ZW20261202-0031",
    .time = SAMPLE_TIME,
    .masked_name = "张*",
    .masked_id_number = "3301**********0014",
    .code_kind = RECEIPT_CODE_TICKET,
    .code = "A013",
    .next_steps = "工作人员将在3个工作日内审核您的申请，结果以短信告知。如需补充材料，"
                  "请在收到短信后10个工作日内到3号窗口办理（周一至周五9:00—17:00，"
                  "法定节假日除外）。",
    .materials = zh_materials,
    .n_materials = 3,
    .qr_text = "https://zwfw.example.gov.cn/progress/ZW20261202-0031?k=7f3a9c2e",
    .hotline = "12345",
};

static const char *const en_materials[] = {
    "Household register (hukou booklet): the original and one copy",
    "Two recent colour passport photos",
    ("A copy of your bank card (the financial account of your social security card), "
     "in your own name."),
};

static const receipt en_receipt = {
    .lang = "en",
    .site_name = "Wenxin Subdistrict Citizen Service Centre",
    .service_name = "Enrolment in the Basic Pension Insurance for Urban and Rural Residents",
    .transaction_no = "ZW20261202-0032",
    .time = SAMPLE_TIME,
    .masked_name = "J*** S****",
    .masked_id_number = "9110**********0021",
    .code_kind = RECEIPT_CODE_APPOINTMENT,
    .code = "YY20261207-0041",
    .next_steps = "Staff will review your application within 3 working days and tell you the "
                  "result by text message. If anything is missing, please bring it to window 3 "
                  "within 10 working days (Monday to Friday, 9:00-17:00).",
    .materials = en_materials,
    .n_materials = 3,
    .qr_text = "https://zwfw.example.gov.cn/progress/ZW20261202-0032?k=0b91d4e6",
    .hotline = "12345",
};

#endif
