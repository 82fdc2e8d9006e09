//! 文案 — every string the pages show, in simplified Chinese (the default) and
//! English, in one catalogue. A page asks `Msg::X.in_(lang)`; a string missing from
//! the catalogue does not compile.

/// The language of the pages, kept in the `anju_lang` cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文 — the default.
    #[default]
    Zh,
    English,
}

impl Lang {
    /// The cookie's value for this language.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::English => "en",
        }
    }

    /// The language a cookie value names; Chinese for anything else.
    pub fn from_code(code: &str) -> Lang {
        if code == "en" {
            Lang::English
        } else {
            Lang::Zh
        }
    }

    /// The HTML `lang` attribute.
    pub fn html(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::English => "en",
        }
    }

    /// The other language (what the switch offers).
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::English,
            Lang::English => Lang::Zh,
        }
    }

    /// One of a bilingual pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::English => en,
        }
    }

    /// A domain message in this language.
    pub fn message(self, message: &domain::message::Message) -> &str {
        self.pick(&message.zh, &message.en)
    }
}

macro_rules! catalogue {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A string of the pages.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            /// The string in `lang`.
            pub fn in_(self, lang: Lang) -> &'static str {
                match self { $(Msg::$key => lang.pick($zh, $en)),* }
            }
        }
    };
}

catalogue! {
    AppName => "安居 · 新市民信息平台", "Anju · New citizens platform";
    SwitchLanguage => "English", "中文";
    Login => "登录", "Log in";
    Logout => "退出", "Log out";
    LoginName => "登录名", "Login";
    Password => "口令", "Password";
    WrongLogin => "登录名或口令错误", "Wrong login or password";
    FormExpired => "表单已失效（缺少或错误的校验令牌），请重新提交", "The form has expired (missing or wrong check token); please submit it again";
    Home => "首页", "Home";
    Dashboard => "目标看板", "Dashboard";
    Search => "查找人员", "Find a person";
    Register => "来人登记", "Register an arrival";
    Records => "非人员对象", "Records";
    Welcome => "您好", "Hello";
    YourUnit => "管辖范围", "Your area";
    YourRole => "角色", "Role";
    YourDepartment => "部门", "Department";
    RoleAdministrator => "系统管理员", "Administrator";
    RoleOfficer => "外管办工作人员", "Officer";
    RoleStationStaff => "服务站工作人员", "Station staff";
    RoleDepartmentManager => "部门数据管理员", "Department data manager";
    RoleLeader => "领导", "Leader";
    DeptPublicSecurity => "公安", "Public security";
    DeptLabour => "劳动和社会保障", "Labour and social security";
    DeptEducation => "教育", "Education";
    DeptHealth => "卫生", "Health";
    DeptFamilyPlanning => "计生", "Family planning";
    DeptTradeUnion => "工会", "Trade unions";
    DeptJustice => "司法", "Justice";
    DeptStatistics => "统计", "Statistics";
    WhatToDo => "常用功能", "What you can do";
    TodayFigures => "今日指标", "Indicators today";
    Indicator => "指标", "Indicator";
    Value => "数值", "Value";
    Fraction => "分子/分母", "Numerator/denominator";
    Target => "本年目标", "This year's target";
    Gap => "差距", "Gap";
    Band => "状态", "Status";
    BandGreen => "达标", "Met";
    BandYellow => "接近", "Close";
    BandRed => "未达标", "Short";
    BandNoTarget => "无目标", "No target";
    BandNoData => "无数据", "No data";
    AsOf => "截至日期", "As of";
    Show => "查看", "Show";
    Unit => "单位", "Unit";
    QuarterlyTrend => "季度走势（红线为目标）", "Quarterly trend (red: target)";
    ChildUnits => "下级单位对比（红线为目标）", "Units below compared (red: target)";
    DistrictRanking => "各区排名", "Districts ranked";
    Rank => "名次", "Rank";
    Male => "男", "male";
    Female => "女", "female";
    FactResidence => "居住", "Residence";
    FactEmployment => "就业", "Employment";
    FactLabourContract => "劳动合同", "Labour contract";
    FactInsurance => "社会保险", "Social insurance";
    FactHighRiskJob => "高危行业岗位", "High-risk job";
    FactUnionMembership => "工会会员", "Union member";
    FactSkillsTraining => "技能培训", "Skills training";
    FactSchooling => "就学", "Schooling";
    FactVaccinationCertificate => "预防接种证查验", "Vaccination certificate checked";
    FactImmunisation => "计划免疫", "Immunised for age";
    FactChildCare => "儿童保健", "Child health care";
    FactPregnancy => "孕产期", "Pregnancy";
    FactMaternalCare => "孕产妇保健", "Maternal care";
    FactTbCase => "结核病", "Tuberculosis case";
    FactTbTreatment => "结核病免费治疗", "Free TB treatment";
    FactMarried => "已婚", "Married";
    FactFamilyPlanningService => "计划生育服务", "Family-planning service";
    FactFamilyPlanningCertificate => "婚育证明查验", "Marriage and childbearing certificate checked";
    FactFamilyPlanningContract => "计划生育合同", "Family-planning contract";
    FactLegalEducation => "法制和公民教育", "Legal and civic education";
    FactResidencePermit => "暂住证/居住证", "Residence permit";
    HousingZone => "集中居住区（点）", "Concentrated zone";
    HousingRented => "出租私房", "Rented private house";
    HousingDormitory => "单位宿舍", "Employer's dormitory";
    HousingOwn => "自购房", "Own home";
    SchoolPublic => "公办学校", "Public school";
    SchoolPrivate => "民办学校", "Private school";
    SchoolMigrantChildren => "民工子弟学校", "Migrant children's school";
    MonthlyWage => "月工资（元）", "Monthly wage (yuan)";
    SourceStation => "服务站录入", "Entered at a station";
    SourceImport => "部门导入", "Department import";
    PermitStepTitle => "居住证办理", "Residence permit";
    SourceCli => "命令行", "Command line";
    SourceDemo => "演示数据", "Demo data";
    MoveTitle => "迁移", "Move";
    EmployerTitle => "变更用人单位", "New employer";
    AddFact => "新增信息", "New fact";
    EndFact => "终止信息", "Fact ended";
    DepartureTitle => "离开", "Departure";
    Family => "家庭关系", "Family link";
    CorrectionTitle => "更正", "Correction";
    VoidFact => "作废信息", "Void a fact";
    EndOneFact => "终止一项信息（如合同到期）", "End one fact (e.g. a contract ends)";
    LastDay => "最后一天", "Last day";
    CorrectDates => "更正信息的起止日期", "Correct a fact's dates";
    Spouse => "配偶", "Spouse";
    Parent => "父母", "Parent";
    Child => "子女", "Child";
    Relation => "关系", "Relation";
    RelativeHint => "亲属的公民身份号码或人员编号", "The relative's ID number or person number";
    NoFamily => "尚未登记家庭关系", "No family links recorded";
    AddFamily => "登记家庭关系", "Link a family member";
    Name => "姓名", "Name";
    Reason => "原因", "Reason";
    SaveRecord => "保存对象", "Record saved";
    ReportValue => "上报数值", "Value reported";
    NoPlace => "（无）", "(none)";
    Housing => "居住方式", "Housing";
    Village => "村（社区）", "Village or community";
    Place => "居住区/出租房/单位", "Zone, rented house or employer";
    ResidentId => "公民身份号码", "ID number";
    BirthDate => "出生日期", "Birth date";
    Sex => "性别", "Sex";
    Origin => "户籍地", "Hukou origin";
    ArrivalDate => "登记（来到）日期", "Arrival date";
    Employer => "用人单位", "Employer";
    SearchHint => "公民身份号码或姓名", "ID number or name";
    NoHits => "管辖范围内没有找到", "Nobody found in your area";
    Present => "在住", "Present";
    NextPage => "下一页", "Next page";
    PickerHint => "编号或名称的一部分", "Number or part of the name";
    FirstPage => "第一页", "First page";
    Yes => "是", "yes";
    No => "否", "no";
    Facts => "信息", "Facts";
    Fact => "信息", "Fact";
    From => "起始日期", "From";
    To => "终止日期", "To";
    HoldsToday => "今日有效", "Holds today";
    Timeline => "事件时间线", "Timeline";
    RecordedAt => "录入时间", "Recorded at";
    What => "事件", "What";
    RecordedBy => "录入人", "Recorded by";
    Source => "来源", "Source";
    WhatHappened => "登记变动", "Record what happened";
    FromDay => "自何日起", "From the day";
    School => "学校类别", "School";
    Vaccination => "预防接种", "Vaccination";
    LeftOn => "离开日期", "Left on";
    Save => "保存", "Save";
    KindEmployer => "用人单位", "Employers";
    KindLandlord => "房东", "Landlords";
    KindRentalHouse => "出租房", "Rental houses";
    KindZone => "集中居住区（点）", "Concentrated zones";
    KindSettlement => "聚居点", "Settlements";
    KindStaff => "工作人员", "Staff";
    AddRecord => "新增", "Add";
    UnionSince => "建立工会日期", "Union since";
    LetterSigned => "签订责任书日期", "Responsibility letter signed on";
    Address => "地址", "Address";
    RegisteredOn => "出租登记日期", "Registered as a rental on";
    EntrustedFrom => "委托服务社起始", "Entrusted to the cooperative from";
    EntrustedTo => "委托服务社终止", "Entrusted until";
    Area => "面积（平方米）", "Area (m²)";
    Capacity => "可容纳人数", "Capacity";
    Migrants => "外来人口数", "Migrants";
    MediationSince => "建立调解组织日期", "Mediation organisation since";
    StaffRole => "岗位", "Post";
    RegistrationAssistant => "户口协管员", "Household-registration assistant";
    InformationOfficer => "信息员", "Information officer";
    IsMigrant => "本人为外来人口", "Is a migrant";
    TrainedOn => "培训日期（逗号分隔）", "Trained on (dates, comma-separated)";
    Imports => "数据导入", "Data import";
    ImportKind => "部门模板", "Department's template";
    ImportFile => "文件", "File";
    Encoding => "CSV 编码", "CSV encoding";
    EncodingDetect => "自动识别", "Detect";
    ImportMode => "有错误行时", "When rows are bad";
    AllOrNothing => "全部无误才写入（默认）", "Write nothing unless every row is good (default)";
    ValidRowsOnly => "只写入无误的行，跳过其余", "Write the good rows, skip the others";
    DryRun => "只检查，不写入", "Check only, write nothing";
    StartImport => "开始导入", "Import";
    Templates => "下载导入模板", "Import templates";
    YourImports => "本服务器启动以来您的导入", "Your imports since this server started";
    ImportHistory => "导入记录", "Import history";
    ImportOutcome => "结果", "Outcome";
    NoImportsYet => "尚无导入", "None yet";
    ImportState => "状态", "State";
    NoImportRole => "您的角色不导入部门文件", "Your role imports no department files";
    ImportRunning => "进行中", "Running";
    ImportDone => "已完成", "Done";
    ImportFailed => "失败", "Failed";
    ImportReading => "正在读取文件", "Reading the file";
    StageChecking => "正在检查各行", "Checking the rows";
    StageWriting => "正在检查并写入", "Checking and writing";
    RowsUnit => "行", "rows";
    RowsPerSecond => "行/秒", "rows a second";
    TimeLeft => "预计还需", "time left";
    ImportWritten => "已写入", "Written";
    ImportNothingNew => "无新内容，库中已有", "Nothing new: the registry holds it all";
    ImportDryRun => "仅检查，未写入", "Checked only: nothing written";
    ImportNothingWritten => "有错误行，未写入任何行", "Rows are bad: nothing written";
    ImportUnfinished => "未完成：仍在进行，或已中断（再次导入同一文件即可完成，各行只写入一次）", "Unfinished: still running, or cut off (import the same file again to finish it, each row once)";
    RowsInFile => "文件行数", "Rows in the file";
    RowsAdded => "已写入", "Added";
    RowsWouldAdd => "可写入", "Would add";
    RowsAlready => "库中已有", "Already in the registry";
    RowsEnded => "其中：结束原有信息", "Of which: ended a fact";
    RowsCorrected => "其中：更正结束日期", "Of which: corrected a last day";
    RowsMoved => "其中：迁移", "Of which: moved a person";
    RowsWithErrors => "错误行", "Rows with errors";
    RowsSkipped => "已跳过的行", "Rows skipped";
    ErrorsAsXlsx => "下载错误行（XLSX：原因，及可在“待改行”表中改正后重新导入的原行）", "The bad rows as XLSX: why, and the rows themselves on the sheet 待改行, to put right there and import again";
    MoreErrorsInXlsx => "此处只列出前 200 个错误行，全部见 XLSX", "Only the first 200 bad rows are listed here; the XLSX has them all";
    Row => "行号", "Row";
    Column => "列", "Column";
    DownloadFigures => "下载本表", "Download these figures";
    ForPublication => "公开版 XLSX（小数抑制）", "XLSX for publication (small counts suppressed)";
    DownloadPersons => "本单位人员名单", "This unit's persons";
    Error => "出错了", "Something went wrong";
    BackHome => "返回首页", "Back to the home page";
}
