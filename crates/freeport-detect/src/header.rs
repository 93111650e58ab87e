//! Header evidence: what a column name says about its content, in English, Chinese and pinyin
//! abbreviations (`sfzh` 身份证号, `xm` 姓名, `sjh` 手机号, `dh` 电话, `dz` 地址, `csrq` 出生日期).
//!
//! Long keywords (Chinese words, English words of 4+ letters) match anywhere in the normalised
//! header through one Aho-Corasick automaton; short abbreviations (`dob`, `ssn`, `xm`) must be a
//! whole token, so `xm` does not fire inside `xml_id`.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// One header keyword.
#[derive(Debug, Clone, Copy)]
struct Keyword {
    word: &'static str,
    category: &'static str,
    /// 0..1: how strongly the keyword alone indicates the category.
    weight: f64,
}

const fn k(word: &'static str, category: &'static str, weight: f64) -> Keyword {
    Keyword {
        word,
        category,
        weight,
    }
}

/// Keywords matched as substrings (≥ 4 ASCII letters or any Han text).
const SUBSTRING: &[Keyword] = &[
    // Chinese identity documents.
    k("身份证", "id.cn.resident_id", 0.95),
    k("身份證", "id.cn.resident_id", 0.95),
    k("证件号", "id.cn.resident_id", 0.6),
    k("公民身份号码", "id.cn.resident_id", 0.95),
    k("idcard", "id.cn.resident_id", 0.8),
    k("shenfenzheng", "id.cn.resident_id", 0.95),
    k("居住证", "id.cn.hmt_residence_permit", 0.9),
    k("港澳台", "id.cn.hmt_residence_permit", 0.6),
    k("永久居留", "id.cn.foreigner_pr", 0.95),
    k("护照", "id.cn.passport", 0.9),
    k("passport", "id.us.passport", 0.8),
    // A passport header names the document, not the issuing country: both passport
    // categories get the header, and the value formats decide between them.
    k("护照", "id.us.passport", 0.7),
    k("passport", "id.cn.passport", 0.7),
    k("通行证", "id.cn.travel_permit", 0.9),
    k("回乡证", "id.cn.travel_permit", 0.95),
    k("台胞证", "id.cn.travel_permit", 0.95),
    k("信用代码", "org.cn.uscc", 0.95),
    k("社会信用", "org.cn.uscc", 0.9),
    k("uscc", "org.cn.uscc", 0.95),
    // Names.
    k("姓名", "person.name", 0.95),
    k("名字", "person.name", 0.8),
    k("联系人", "person.name", 0.7),
    k("客户名", "person.name", 0.8),
    k("患者", "person.name", 0.4),
    k("fullname", "person.name", 0.95),
    k("firstname", "person.name", 0.9),
    k("lastname", "person.name", 0.9),
    k("surname", "person.name", 0.9),
    k("givenname", "person.name", 0.9),
    k("customername", "person.name", 0.9),
    k("patientname", "person.name", 0.95),
    k("name", "person.name", 0.55),
    k("username", "online.account", 0.9),
    k("userid", "online.account", 0.8),
    k("用户名", "online.account", 0.9),
    k("账号名", "online.account", 0.8),
    // Contact.
    k("手机", "contact.phone", 0.95),
    k("电话", "contact.phone", 0.95),
    k("联系方式", "contact.phone", 0.7),
    k("phone", "contact.phone", 0.95),
    k("mobile", "contact.phone", 0.9),
    k("telephone", "contact.phone", 0.95),
    k("cell", "contact.phone", 0.5),
    k("邮箱", "contact.email", 0.95),
    k("电子邮件", "contact.email", 0.95),
    k("email", "contact.email", 0.95),
    k("mail", "contact.email", 0.7),
    k("地址", "contact.address", 0.95),
    k("住址", "contact.address", 0.95),
    k("address", "contact.address", 0.9),
    k("street", "contact.address", 0.9),
    k("邮编", "location.postal_code", 0.95),
    k("邮政编码", "location.postal_code", 0.95),
    k("postcode", "location.postal_code", 0.95),
    k("postal", "location.postal_code", 0.9),
    // Dates of birth.
    k("出生", "person.birth_date", 0.95),
    k("生日", "person.birth_date", 0.95),
    k("birth", "person.birth_date", 0.95),
    // US identifiers.
    k("social", "id.us.ssn", 0.6),
    k("itin", "id.us.itin", 0.9),
    k("medicare", "id.us.mbi", 0.8),
    k("driver", "id.us.driver_license", 0.9),
    k("licence", "id.us.driver_license", 0.6),
    k("license", "id.us.driver_license", 0.6),
    k("驾驶证", "id.us.driver_license", 0.6),
    k("驾照", "id.us.driver_license", 0.6),
    k("routing", "fin.routing_number", 0.95),
    k("employer", "org.us.ein", 0.6),
    // Finance.
    k("银行卡", "fin.payment_card", 0.95),
    k("卡号", "fin.payment_card", 0.8),
    k("信用卡", "fin.payment_card", 0.95),
    k("card", "fin.payment_card", 0.7),
    k("creditcard", "fin.payment_card", 0.95),
    k("银行账", "fin.bank_account", 0.9),
    k("账号", "fin.bank_account", 0.6),
    k("账户", "fin.bank_account", 0.6),
    k("account", "fin.bank_account", 0.4),
    k("iban", "fin.iban", 0.95),
    // Online and device.
    k("ip地址", "online.ip_address", 0.95),
    k("ipaddr", "online.ip_address", 0.95),
    k("macaddr", "online.mac_address", 0.95),
    k("mac地址", "online.mac_address", 0.95),
    k("imei", "device.imei", 0.95),
    k("设备号", "device.id", 0.7),
    k("网址", "online.url", 0.9),
    k("链接", "online.url", 0.8),
    k("website", "online.url", 0.8),
    // Location.
    k("纬度", "location.precise", 0.95),
    k("经度", "location.precise", 0.95),
    k("坐标", "location.precise", 0.9),
    k("latitude", "location.precise", 0.95),
    k("longitude", "location.precise", 0.95),
    k("coord", "location.precise", 0.8),
    // Vehicles.
    k("车牌", "vehicle.plate", 0.95),
    k("号牌", "vehicle.plate", 0.95),
    k("plate", "vehicle.plate", 0.9),
    k("车架号", "vehicle.vin", 0.95),
    // Health and genomic.
    k("诊断", "health.diagnosis", 0.95),
    k("diagnos", "health.diagnosis", 0.95),
    k("icd10", "health.diagnosis", 0.95),
    k("基因型", "genomic.variant", 0.95),
    k("genotype", "genomic.variant", 0.95),
    k("allele", "genomic.variant", 0.8),
    k("位点", "genomic.variant", 0.7),
    k("sequence", "genomic.sequence", 0.6),
    k("序列", "genomic.sequence", 0.8),
    k("provider", "health.provider_npi", 0.3),
    // Header-only categories (no value detector; values are checked for plausibility).
    k("年龄", "person.age", 0.95),
    k("性别", "person.gender", 0.95),
    k("gender", "person.gender", 0.95),
    k("民族", "person.ethnicity", 0.95),
    k("ethnicity", "person.ethnicity", 0.95),
    k("宗教", "person.religion", 0.95),
    k("religio", "person.religion", 0.95),
    k("信仰", "person.religion", 0.8),
    k("婚姻", "person.marital_status", 0.95),
    k("marital", "person.marital_status", 0.95),
    k("犯罪", "person.criminal_record", 0.9),
    k("前科", "person.criminal_record", 0.95),
    k("criminal", "person.criminal_record", 0.9),
    k("conviction", "person.criminal_record", 0.9),
    k("收入", "fin.income", 0.9),
    k("工资", "fin.income", 0.9),
    k("薪", "fin.income", 0.7),
    k("income", "fin.income", 0.9),
    k("salary", "fin.income", 0.95),
    k("征信", "fin.credit", 0.95),
    k("信用分", "fin.credit", 0.9),
    k("creditscore", "fin.credit", 0.95),
    k("病历号", "health.medical_record_number", 0.95),
    k("住院号", "health.medical_record_number", 0.9),
    k("medicalrecord", "health.medical_record_number", 0.95),
    k("用药", "health.medication", 0.9),
    k("药品", "health.medication", 0.7),
    k("medication", "health.medication", 0.95),
    k("检验结果", "health.lab_result", 0.9),
    k("化验", "health.lab_result", 0.8),
    k("labresult", "health.lab_result", 0.95),
    k("医保卡", "health.plan_beneficiary_id", 0.9),
    k("memberid", "health.plan_beneficiary_id", 0.6),
    k("设备id", "device.id", 0.9),
    k("deviceid", "device.id", 0.95),
    k("androidid", "device.id", 0.95),
    k("cookie", "online.cookie", 0.9),
    k("学历", "education.record", 0.9),
    k("毕业院校", "education.record", 0.9),
    k("education", "education.record", 0.8),
    k("职业", "employment.record", 0.8),
    // HR records (GB/T 35273-2020 Table B.1 lists 职业, 职位, 工作单位 as personal information).
    k("部门", "employment.record", 0.8),
    k("职位", "employment.record", 0.85),
    k("职务", "employment.record", 0.85),
    k("岗位", "employment.record", 0.85),
    k("职级", "employment.record", 0.85),
    k("入职", "employment.record", 0.9),
    k("离职", "employment.record", 0.9),
    k("用工", "employment.record", 0.8),
    k("department", "employment.record", 0.7),
    k("hiredate", "employment.record", 0.9),
    k("工号", "id.internal", 0.9),
    k("员工编号", "id.internal", 0.95),
    k("员工号", "id.internal", 0.9),
    k("employeeid", "id.internal", 0.9),
    k("employeenumber", "id.internal", 0.9),
    k("staffid", "id.internal", 0.9),
    // GB/T 2260 administrative-division codes: six digits that name a county or district.
    k("行政区划", "location.coarse", 0.9),
    k("区划代码", "location.coarse", 0.9),
    k("地区代码", "location.coarse", 0.85),
    k("工作单位", "employment.record", 0.8),
    k("occupation", "employment.record", 0.8),
    k("jobtitle", "employment.record", 0.8),
    k("公司名称", "org.name", 0.9),
    k("单位名称", "org.name", 0.9),
    k("companyname", "org.name", 0.9),
    k("轨迹", "location.trajectory", 0.9),
    k("trajectory", "location.trajectory", 0.9),
    k("人脸", "biometric.face", 0.9),
    k("faceimage", "biometric.face", 0.9),
    k("指纹", "biometric.fingerprint", 0.95),
    k("fingerprint", "biometric.fingerprint", 0.95),
    k("声纹", "biometric.voiceprint", 0.95),
    k("voiceprint", "biometric.voiceprint", 0.95),
    // Places coarser than 1,000 m: city, county, district, province, neighbourhood.
    k("城市", "location.coarse", 0.9),
    k("所在市", "location.coarse", 0.9),
    k("省份", "location.coarse", 0.9),
    k("所在省", "location.coarse", 0.9),
    k("区县", "location.coarse", 0.9),
    k("县区", "location.coarse", 0.9),
    k("街道", "location.coarse", 0.8),
    k("社区", "location.coarse", 0.7),
    k("居住地", "location.coarse", 0.85),
    k("所在地", "location.coarse", 0.8),
    k("province", "location.coarse", 0.9),
    k("county", "location.coarse", 0.9),
    k("district", "location.coarse", 0.85),
    k("neighborhood", "location.coarse", 0.9),
    k("neighbourhood", "location.coarse", 0.9),
    k("township", "location.coarse", 0.8),
    // Body measurements and laboratory values.
    k("体重指数", "health.body_measurement", 0.95),
    k("身高", "health.body_measurement", 0.9),
    k("体重", "health.body_measurement", 0.9),
    k("血压", "health.body_measurement", 0.95),
    k("收缩压", "health.body_measurement", 0.95),
    k("舒张压", "health.body_measurement", 0.95),
    k("心率", "health.body_measurement", 0.9),
    k("脉搏", "health.body_measurement", 0.9),
    k("血型", "health.body_measurement", 0.9),
    k("腰围", "health.body_measurement", 0.9),
    k("waist", "health.body_measurement", 0.9),
    k("bloodpressure", "health.body_measurement", 0.95),
    k("systolic", "health.body_measurement", 0.95),
    k("diastolic", "health.body_measurement", 0.95),
    k("heartrate", "health.body_measurement", 0.9),
    k("pulse", "health.body_measurement", 0.8),
    k("bloodtype", "health.body_measurement", 0.9),
    k("height", "health.body_measurement", 0.6),
    k("weight", "health.body_measurement", 0.6),
    k("glucose", "health.lab_result", 0.9),
    k("血糖", "health.lab_result", 0.95),
    k("cholesterol", "health.lab_result", 0.9),
    k("胆固醇", "health.lab_result", 0.95),
    k("hba1c", "health.lab_result", 0.95),
    k("血红蛋白", "health.lab_result", 0.9),
    k("hemoglobin", "health.lab_result", 0.9),
    k("haemoglobin", "health.lab_result", 0.9),
    k("creatinine", "health.lab_result", 0.9),
    k("肌酐", "health.lab_result", 0.95),
    k("白细胞", "health.lab_result", 0.9),
    k("红细胞", "health.lab_result", 0.9),
    k("血小板", "health.lab_result", 0.9),
    k("platelet", "health.lab_result", 0.9),
    k("triglycer", "health.lab_result", 0.9),
    k("甘油三酯", "health.lab_result", 0.95),
    k("尿酸", "health.lab_result", 0.9),
    k("转氨酶", "health.lab_result", 0.9),
    k("insulin", "health.lab_result", 0.8),
    k("serum", "health.lab_result", 0.7),
    // Death, marriage, politics, sex life.
    k("death", "person.death_date", 0.95),
    k("died", "person.death_date", 0.9),
    k("deceased", "person.death_date", 0.8),
    k("死亡", "person.death_date", 0.95),
    k("去世", "person.death_date", 0.95),
    k("逝世", "person.death_date", 0.95),
    k("married", "person.marital_status", 0.9),
    k("marriage", "person.marital_status", 0.9),
    k("divorce", "person.marital_status", 0.9),
    k("widow", "person.marital_status", 0.8),
    k("婚", "person.marital_status", 0.9),
    k("politic", "person.political_affiliation", 0.9),
    k("政治", "person.political_affiliation", 0.95),
    k("党派", "person.political_affiliation", 0.95),
    k("党员", "person.political_affiliation", 0.9),
    k("ideolog", "person.political_affiliation", 0.9),
    k("partisan", "person.political_affiliation", 0.9),
    k("sexlife", "person.sex_life", 0.95),
    k("性生活", "person.sex_life", 0.95),
    k("性行为", "person.sex_life", 0.95),
    k("性伴侣", "person.sex_life", 0.95),
    k("extramarital", "person.sex_life", 0.95),
    k("affair", "person.sex_life", 0.8),
    k("sexualpartner", "person.sex_life", 0.95),
    k("sexualactivity", "person.sex_life", 0.95),
    k("sexualbehavio", "person.sex_life", 0.95),
    k("sexualorientation", "person.sexual_orientation", 0.95),
    k("性取向", "person.sexual_orientation", 0.95),
    k("lgbt", "person.sexual_orientation", 0.8),
    k("信教", "person.religion", 0.9),
    k("denomination", "person.religion", 0.7),
    // Numbers an organisation assigns to a person.
    k("会员", "id.internal", 0.9),
    k("客户编号", "id.internal", 0.9),
    k("客户号", "id.internal", 0.85),
    k("患者编号", "id.internal", 0.9),
    k("患者id", "id.internal", 0.9),
    k("学号", "id.internal", 0.9),
    k("customerid", "id.internal", 0.9),
    k("customerno", "id.internal", 0.9),
    k("custid", "id.internal", 0.85),
    k("clientid", "id.internal", 0.85),
    k("patientid", "id.internal", 0.9),
    k("patientno", "id.internal", 0.9),
    k("patientnumber", "id.internal", 0.9),
    k("studentid", "id.internal", 0.9),
    k("participantid", "id.internal", 0.9),
    k("subjectid", "id.internal", 0.85),
    k("受试者编号", "id.internal", 0.9),
    k("member", "id.internal", 0.7),
    k("bankaccount", "fin.bank_account", 0.95),
    k("accountnumber", "fin.bank_account", 0.8),
    k("accountno", "fin.bank_account", 0.8),
    k("acctno", "fin.bank_account", 0.85),
    k("开户", "fin.bank_account", 0.8),
    // Free text.
    k("备注", "communication.content", 0.6),
    k("留言", "communication.content", 0.8),
    k("聊天", "communication.content", 0.9),
    k("comment", "communication.content", 0.6),
    k("message", "communication.content", 0.8),
    k("note", "communication.content", 0.5),
];

/// Keywords that must equal a whole token of the header.
const TOKEN: &[Keyword] = &[
    k("sfz", "id.cn.resident_id", 0.95),
    k("sfzh", "id.cn.resident_id", 0.95),
    k("sfzhm", "id.cn.resident_id", 0.95),
    k("zjhm", "id.cn.resident_id", 0.7),
    k("xm", "person.name", 0.9),
    k("name", "person.name", 0.9),
    k("sjh", "contact.phone", 0.95),
    k("sjhm", "contact.phone", 0.95),
    k("dh", "contact.phone", 0.9),
    k("lxdh", "contact.phone", 0.95),
    k("tel", "contact.phone", 0.95),
    k("dz", "contact.address", 0.9),
    k("zz", "contact.address", 0.6),
    k("addr", "contact.address", 0.9),
    k("csrq", "person.birth_date", 0.95),
    k("dob", "person.birth_date", 0.95),
    k("bday", "person.birth_date", 0.95),
    k("yx", "contact.email", 0.7),
    k("hz", "id.cn.passport", 0.5),
    k("hzh", "id.cn.passport", 0.8),
    k("cph", "vehicle.plate", 0.95),
    k("yhk", "fin.payment_card", 0.9),
    k("yhkh", "fin.payment_card", 0.95),
    k("pan", "fin.payment_card", 0.6),
    k("cc", "fin.payment_card", 0.4),
    k("ssn", "id.us.ssn", 0.95),
    k("itin", "id.us.itin", 0.95),
    k("ein", "org.us.ein", 0.95),
    k("fein", "org.us.ein", 0.95),
    k("tin", "id.us.itin", 0.4),
    k("aba", "fin.routing_number", 0.95),
    k("rtn", "fin.routing_number", 0.8),
    k("npi", "health.provider_npi", 0.95),
    k("mbi", "id.us.mbi", 0.95),
    k("hicn", "id.us.mbi", 0.6),
    k("dl", "id.us.driver_license", 0.8),
    k("dln", "id.us.driver_license", 0.9),
    k("zip", "location.postal_code", 0.95),
    k("zipcode", "location.postal_code", 0.95),
    k("yb", "location.postal_code", 0.8),
    k("ip", "online.ip_address", 0.95),
    k("mac", "online.mac_address", 0.9),
    k("url", "online.url", 0.9),
    k("lat", "location.precise", 0.95),
    k("lng", "location.precise", 0.95),
    k("lon", "location.precise", 0.95),
    k("long", "location.precise", 0.6),
    k("wd", "location.precise", 0.5),
    k("jd", "location.precise", 0.5),
    k("vin", "vehicle.vin", 0.95),
    k("icd", "health.diagnosis", 0.9),
    k("dx", "health.diagnosis", 0.7),
    k("rsid", "genomic.variant", 0.95),
    k("snp", "genomic.variant", 0.9),
    k("dna", "genomic.sequence", 0.9),
    k("seq", "genomic.sequence", 0.7),
    k("iban", "fin.iban", 0.95),
    k("imei", "device.imei", 0.95),
    k("email", "contact.email", 0.95),
    k("phone", "contact.phone", 0.95),
    k("mobile", "contact.phone", 0.95),
    k("fax", "contact.phone", 0.8),
    k("age", "person.age", 0.9),
    k("nl", "person.age", 0.8),
    k("sex", "person.gender", 0.95),
    k("xb", "person.gender", 0.9),
    k("mz", "person.ethnicity", 0.7),
    k("race", "person.ethnicity", 0.9),
    k("mrn", "health.medical_record_number", 0.95),
    k("city", "location.coarse", 0.9),
    k("state", "location.coarse", 0.7),
    k("town", "location.coarse", 0.8),
    k("region", "location.coarse", 0.6),
    k("省", "location.coarse", 0.9),
    k("市", "location.coarse", 0.9),
    k("区", "location.coarse", 0.8),
    k("县", "location.coarse", 0.9),
    k("bmi", "health.body_measurement", 0.95),
    k("bp", "health.body_measurement", 0.7),
    k("sbp", "health.body_measurement", 0.9),
    k("dbp", "health.body_measurement", 0.9),
    k("ldl", "health.lab_result", 0.9),
    k("hdl", "health.lab_result", 0.9),
    k("wbc", "health.lab_result", 0.9),
    k("rbc", "health.lab_result", 0.9),
    k("hgb", "health.lab_result", 0.9),
    k("dod", "person.death_date", 0.9),
    k("hyzk", "person.marital_status", 0.9),
    k("educ", "education.record", 0.8),
    k("gpa", "education.record", 0.9),
    k("zzmm", "person.political_affiliation", 0.9),
    k("zjxy", "person.religion", 0.9),
    k("party", "person.political_affiliation", 0.6),
    k("vote", "person.political_affiliation", 0.7),
    k("acct", "fin.bank_account", 0.8),
    k("idfa", "device.id", 0.95),
    k("oaid", "device.id", 0.95),
    k("udid", "device.id", 0.95),
];

/// Headers that name something other than personal data even though a keyword matches
/// (`order_id`, `sku`, `amount`): they cancel keyword evidence.
const NEGATIVE: &[&str] = &[
    "订单",
    "order",
    "sku",
    "金额",
    "amount",
    "price",
    "价格",
    "timestamp",
    "时间",
    "created",
    "updated",
    "商品",
    "product",
    "流水",
    "serial",
    "批次",
    "batch",
];

static AUTOMATON: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(SUBSTRING.iter().map(|k| k.word))
        .ok()
});

/// A header keyword that matched, as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderHit {
    /// The keyword (from the dictionary, not from data).
    pub keyword: &'static str,
    /// The category it speaks for.
    pub category: &'static str,
    /// Weight 0..1.
    pub weight: f64,
}

/// The normalised header and its tokens (see [`normalise`]).
pub(crate) fn tokens(header: &str) -> (String, Vec<String>) {
    normalise(header)
}

/// Lower-cases and drops separators; tokens split on `_ - . space` and camelCase boundaries.
fn normalise(header: &str) -> (String, Vec<String>) {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in header.trim().chars() {
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            tokens.push(std::mem::take(&mut cur));
        }
        if c.is_alphanumeric() {
            // Split between ASCII and Han runs too (`身份证号sfzh`).
            if let Some(last) = cur.chars().last()
                && last.is_ascii() != c.is_ascii()
            {
                tokens.push(std::mem::take(&mut cur));
            }
            cur.extend(c.to_lowercase());
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        } else {
            if !cur.is_empty() {
                tokens.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    (tokens.concat(), tokens)
}

/// Header evidence for `header`: the strongest hit per category, strongest first.
#[must_use]
pub fn header_hits(header: &str) -> Vec<HeaderHit> {
    let (joined, tokens) = normalise(header);
    let mut hits: Vec<HeaderHit> = Vec::new();
    let mut add = |kw: &Keyword| {
        if let Some(h) = hits.iter_mut().find(|h| h.category == kw.category) {
            if kw.weight > h.weight {
                h.weight = kw.weight;
                h.keyword = kw.word;
            }
        } else {
            hits.push(HeaderHit {
                keyword: kw.word,
                category: kw.category,
                weight: kw.weight,
            });
        }
    };
    for kw in TOKEN {
        if tokens.iter().any(|t| t == kw.word) || joined == kw.word {
            add(kw);
        }
    }
    if let Some(ac) = AUTOMATON.as_ref() {
        for m in ac.find_overlapping_iter(&joined) {
            if let Some(kw) = SUBSTRING.get(m.pattern().as_usize()) {
                add(kw);
            }
        }
    }
    if NEGATIVE.iter().any(|n| joined.contains(n)) {
        for h in &mut hits {
            h.weight *= 0.2;
        }
    }
    hits.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then(a.category.cmp(b.category))
    });
    hits
}

/// Detectors whose match on a column name cannot be a name: an identifier that passes its own
/// rules. Dates, URLs and bare numbers are left out (pivot tables head columns with dates and
/// years, and `http://…` can name a source).
const NEVER_A_NAME: &[&str] = &[
    "cn.resident_id",
    "cn.resident_id_15",
    "cn.hmt_residence_permit",
    "cn.foreigner_pr",
    "cn.uscc",
    "cn.mobile",
    "cn.landline",
    "cn.plate",
    "us.ssn",
    "us.itin",
    "us.mbi",
    "us.phone",
    "email",
    "ipv4",
    "ipv6",
    "mac",
    "imei",
    "iban",
    "payment_card",
    "vin",
];

/// Why a column name is a value rather than a name (a header row that is really the first row
/// of data), or `None`. The reason names a detector or a shape, never the value: it goes into
/// an error message.
#[must_use]
pub fn header_looks_like_data(header: &str) -> Option<String> {
    let h = header.trim();
    if h.is_empty() {
        return None;
    }
    let cell = crate::detector::Cell::new(h);
    for d in crate::detector::DETECTORS {
        if NEVER_A_NAME.contains(&d.name) && (d.check)(&cell).is_some() {
            return Some(format!("passes the {} validator ({})", d.name, d.category));
        }
    }
    // A long number (an account, order or member number) is no column name.
    if cell.digits >= 7 && cell.digits == cell.chars {
        return Some("is a number of 7 or more digits".to_owned());
    }
    None
}

/// Whether a column name is itself a value of the category its column holds (`张三` over a
/// column of names, `1985-03-02` over birth dates) and names no category: then the header row
/// is a row of data.
#[must_use]
pub fn header_is_value_of(header: &str, category: &str) -> bool {
    let h = header.trim();
    if h.is_empty() || !header_hits(h).is_empty() {
        return false;
    }
    let cell = crate::detector::Cell::new(h);
    crate::detector::DETECTORS
        .iter()
        .any(|d| d.category == category && (d.check)(&cell).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_that_are_data() {
        for data in [
            "13812345678",
            "138-1234-5678",
            "11010519491231002X",
            "zhang.san@example.com",
            "(415) 555-0132",
            "219-09-9998",
            "4111 1111 1111 1111",
            "192.168.1.20",
            "6222021234567890",
        ] {
            assert!(header_looks_like_data(data).is_some(), "{data}");
        }
        // Every dictionary keyword, and headers of real tables, are names.
        for name in SUBSTRING.iter().chain(TOKEN).map(|k| k.word).chain([
            "2019",
            "2020-01",
            "2024-06-30",
            "c07",
            "Q3 2024",
            "id",
            "iata",
            "latitude",
            "elevation",
            "BMI",
            "血压",
            "column_1",
            "金额",
            "1st",
            "http://example.org/x",
        ]) {
            assert_eq!(
                header_looks_like_data(name),
                None,
                "{name}: {:?}",
                header_looks_like_data(name)
            );
        }
        assert!(header_is_value_of("张三", "person.name"));
        assert!(header_is_value_of("1985-03-02", "person.birth_date"));
        assert!(!header_is_value_of("姓名", "person.name"));
        assert!(!header_is_value_of("金额", "fin.income"));
        assert!(!header_is_value_of("birth_date", "person.birth_date"));
    }

    fn top(h: &str) -> Option<&'static str> {
        header_hits(h)
            .first()
            .filter(|x| x.weight >= 0.5)
            .map(|x| x.category)
    }

    #[test]
    fn english_chinese_pinyin() {
        assert_eq!(top("身份证号"), Some("id.cn.resident_id"));
        assert_eq!(top("sfzh"), Some("id.cn.resident_id"));
        assert_eq!(top("SFZH"), Some("id.cn.resident_id"));
        assert_eq!(top("xm"), Some("person.name"));
        assert_eq!(top("sjh"), Some("contact.phone"));
        assert_eq!(top("lxdh"), Some("contact.phone"));
        assert_eq!(top("dz"), Some("contact.address"));
        assert_eq!(top("csrq"), Some("person.birth_date"));
        assert_eq!(top("customer_phone"), Some("contact.phone"));
        assert_eq!(top("DateOfBirth"), Some("person.birth_date"));
        assert_eq!(top("patient_ssn"), Some("id.us.ssn"));
        assert_eq!(top("Email Address"), Some("contact.email"));
        assert_eq!(top("手机号码"), Some("contact.phone"));
        assert_eq!(top("lat"), Some("location.precise"));
        assert_eq!(top("年龄"), Some("person.age"));
        assert_eq!(top("customer_age"), Some("person.age"));
        assert_eq!(top("性别"), Some("person.gender"));
        assert_eq!(top("民族"), Some("person.ethnicity"));
        let both = header_hits("护照号码");
        assert!(both.iter().any(|h| h.category == "id.us.passport"));
        assert!(both.iter().any(|h| h.category == "id.cn.passport"));
    }

    #[test]
    fn no_false_hits() {
        assert_eq!(top("c07"), None);
        assert_eq!(top("xml_id"), None);
        assert_eq!(top("order_no"), None);
        assert_eq!(top("amount"), None);
        assert_eq!(top("product_name"), None, "negative word cancels `name`");
        assert_eq!(top("platform"), None);
        assert_eq!(top("page"), None, "`age` is a whole-token keyword");
        assert_eq!(top("usage"), None);
    }
}
