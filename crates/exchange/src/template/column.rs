//! 列 — the columns a department file may have: the Chinese header a file carries,
//! what the column holds (in both languages, for the template's explanation
//! sheet), an example, and the planner's fields whose refusals belong to it.

use domain::message::Message;

/// One kind of column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    ResidentId,
    Name,
    /// 登记日期 — the day of arrival and registration.
    Registered,
    /// 村（社区）代码 — a village or community.
    Village,
    Housing,
    Place,
    Permit,
    Category,
    Employer,
    School,
    From,
    To,
    /// 单位代码 — a unit at any level.
    Unit,
    ValueName,
    Value,
}

impl Column {
    /// The header a file carries.
    pub fn header(self) -> &'static str {
        match self {
            Column::ResidentId => "身份证号",
            Column::Name => "姓名",
            Column::Registered => "登记日期",
            Column::Village => "村（社区）代码",
            Column::Housing => "居住方式",
            Column::Place => "居住场所编号",
            Column::Permit => "暂住证号码",
            Column::Category => "信息类别",
            Column::Employer => "用人单位编号",
            Column::School => "学校类别",
            Column::From => "开始日期",
            Column::To => "结束日期",
            Column::Unit => "单位代码",
            Column::ValueName => "指标名称",
            Column::Value => "数值",
        }
    }

    /// Whether the column holds digits to keep as typed (ID numbers, codes,
    /// permit numbers): a workbook formats it as text, so that Excel neither
    /// rounds a long number nor drops a leading zero.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Column::ResidentId | Column::Village | Column::Unit | Column::Permit
        )
    }

    /// Other headers department systems give the column, taken as its own.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::ResidentId => &["身份证号码", "公民身份号码", "公民身份证号码"],
            Column::Registered => &["登记时间"],
            Column::Village => &["村（居）代码", "社区代码"],
            Column::From => &["起始日期", "开始时间"],
            Column::To => &["终止日期", "截止日期", "结束时间"],
            Column::Unit => &["区划代码"],
            _ => &[],
        }
    }

    /// Whether a file's header `text` is this column's: its header or one of
    /// its [`Column::aliases`]. Full-width letters, digits and brackets count
    /// as their ASCII forms, and spaces do not count: a header typed
    /// `村(社区)代码` or `身份证号 ` is `村（社区）代码`, `身份证号`.
    pub(crate) fn heads(self, text: &str) -> bool {
        std::iter::once(self.header())
            .chain(self.aliases().iter().copied())
            .any(|header| folded(text).eq(folded(header)))
    }

    /// What the column holds.
    pub fn explanation(self) -> Message {
        let (zh, en) = match self {
            Column::ResidentId => (
                "18 位公民身份号码，末位可为 X；请设为文本格式，以免 Excel 截断",
                "the 18-character resident ID number, the last may be X; format the column as text so Excel keeps every digit",
            ),
            Column::Name => (
                "姓名，1 至 50 个字符；关于已登记人员的表中须与该身份证号登记的姓名一致",
                "the name, 1 to 50 characters; in a file about registered persons, the name registered with the ID number",
            ),
            Column::Registered => (
                "来到本地登记的日期，格式 YYYY-MM-DD（也可写 YYYY/M/D、YYYYMMDD 或 YYYY年M月D日）",
                "the day of arrival and registration, YYYY-MM-DD (or YYYY/M/D, YYYYMMDD or YYYY年M月D日)",
            ),
            Column::Village => (
                "居住地村（社区）的 12 位区划代码",
                "the 12-digit code of the village or community lived in",
            ),
            Column::Housing => (
                "集中居住区、出租私房、单位宿舍 或 自购房",
                "集中居住区 (concentrated zone), 出租私房 (rented house), 单位宿舍 (employer dormitory) or 自购房 (own home)",
            ),
            Column::Place => (
                "居住场所在 Anju 中的对象编号：集中居住区、出租房或（宿舍的）用人单位；自购房不填",
                "the Anju record number of the zone, rental house or (for a dormitory) employer; empty for an own home",
            ),
            Column::Permit => (
                "暂住证号码，可不填",
                "the temporary residence permit number, may be empty",
            ),
            Column::Category => (
                "信息类别，取值见本表“可选值”",
                "what the row records, one of the values listed under 可选值",
            ),
            Column::Employer => (
                "用人单位在 Anju 中的对象编号（劳动合同必填）",
                "the Anju record number of the employer (required for a labour contract)",
            ),
            Column::School => (
                "公办学校、民办学校 或 民工子弟学校",
                "公办学校 (public), 民办学校 (private) or 民工子弟学校 (migrant children's school)",
            ),
            Column::From => (
                "开始日期（首日），格式 YYYY-MM-DD（也可写 YYYY/M/D、YYYYMMDD 或 YYYY年M月D日）",
                "the first day, YYYY-MM-DD (or YYYY/M/D, YYYYMMDD or YYYY年M月D日)",
            ),
            Column::To => (
                "结束日期（末日，含当天），仍在持续则不填；库中同一信息（同类别、同开始日期）已结束于另一日期的，以本表为准更正",
                "the last day (inclusive), empty while it still holds; where the registry holds the same fact (kind and first day) as ended on another day, this one corrects it",
            ),
            Column::Unit => (
                "上报单位的区划代码，任一级（市、区、镇、村）",
                "the division code of the unit reported for, at any level",
            ),
            Column::ValueName => (
                "指标名称，即政策文件中 value(名称) 的名称，如 migrant_offenders",
                "the value's name as the policy's value(NAME) uses it, e.g. migrant_offenders",
            ),
            Column::Value => (
                "非负整数（金额以分计）",
                "a whole number, 0 or more (money in fen)",
            ),
        };
        Message::new(zh, en)
    }

    /// A value that fits, for the template's example row.
    pub fn example(self) -> &'static str {
        match self {
            Column::ResidentId => "340102198705060012",
            Column::Name => "张三",
            Column::Registered | Column::From => "2024-03-01",
            Column::Village => "320211001001",
            Column::Housing => "自购房",
            Column::Place | Column::Permit | Column::To => "",
            Column::Category => "",
            Column::Employer => "1",
            Column::School => "公办学校",
            Column::Unit => "320211",
            Column::ValueName => "migrant_offenders",
            Column::Value => "12",
        }
    }

    /// Whether a refusal of the planner's `field` belongs to this column.
    pub(crate) fn answers(self, field: &str) -> bool {
        let fields: &[&str] = match self {
            Column::ResidentId => &["resident_id", "person"],
            Column::Name => &["name"],
            Column::Registered => &["on"],
            Column::Village => &["residence.unit", "unit"],
            Column::Place => &["residence.place"],
            Column::Permit => &["fact.number", "number"],
            Column::Category => &["fact", "kind"],
            Column::Employer => &["fact.employer", "employer"],
            Column::From => &["from", "on"],
            Column::To => &["to"],
            Column::Unit => &["unit"],
            Column::ValueName => &["name"],
            Column::Value => &["value"],
            Column::Housing | Column::School => &[],
        };
        fields.contains(&field)
    }
}

/// `text` without spaces, its full-width forms as ASCII.
fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|c| !c.is_whitespace()).map(narrow)
}

/// A full-width letter, digit or sign (U+FF01–U+FF5E, what a Chinese input
/// method types in full-width mode) as its ASCII form; any other character
/// as it is.
pub(super) fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}
