//! The domain: a Book of Departments, each with Projects whose Funds and Indicators
//! come from one 绩效目标表 in a source document.

use crate::amount::Amount;
use serde::{Deserialize, Serialize};

/// One budget document (or several files of one document): a year's targets of one issuer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Book {
    /// Folder name under `content/`; also the URL segment. ASCII, validated.
    #[serde(skip)]
    pub slug: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub region: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issuer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    pub stage: Stage,
    /// What the amounts are written in; 万元 unless the book says 元.
    #[serde(default)]
    pub unit: crate::amount::Unit,
    /// Date printed on the cover (`2026年3月`), as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    #[serde(default)]
    pub sources: Vec<SourceFile>,
    /// The document's own prose (编制说明 and the like), as Markdown.
    #[serde(skip)]
    pub prose: String,
    #[serde(skip)]
    pub departments: Vec<Department>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// 草案: published for review; labelled as such on every page.
    Draft,
    #[default]
    Final,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "草案",
            Stage::Final => "正式",
        }
    }
}

/// A source file as imported: enough to prove which bytes the content came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SourceFile {
    pub file: String,
    pub sha256: String,
    pub encoding: String,
    pub layout: String,
    /// Lines of a text export; rows and paragraphs of an office file.
    pub lines: u32,
    /// Office files: what their numbered rows are (runs of consecutive rows of one table
    /// or sheet), so a row number reads as a place (`表3 第5行`). Empty for text exports,
    /// whose numbers are their lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<PlaceRun>,
    /// Rows whose reading the import had to guess (a label completed, a level inferred,
    /// a headless piece): findings that rest on them are for reviewers, not the public.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guessed: Vec<u32>,
}

/// Rows `line`, `line + 1`, … of a source are rows `row`, `row + 1`, … of one table,
/// sheet or run of paragraphs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PlaceRun {
    pub line: u32,
    /// `sheet`, `table`, `paragraph` or `page` (lines of a PDF page outside tables).
    pub kind: String,
    /// The sheet's name, `表3`, `第12页 表2` or `第12页`; empty for paragraphs.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub row: u32,
}

impl SourceFile {
    /// Row `line` as a person finds it, after the file name: `:12` for a text export,
    /// ` 表3 第5行`, `!Sheet1 第5行`, ` 第4段` for office files.
    pub fn place(&self, line: u32) -> String {
        place_in(&self.places, line)
    }
}

/// Row `line` of a source numbered by `runs` (see [`SourceFile::place`]).
pub fn place_in(runs: &[PlaceRun], line: u32) -> String {
    let i = runs.partition_point(|r| r.line <= line);
    match i.checked_sub(1).map(|i| &runs[i]) {
        None => format!(":{line}"),
        Some(r) => {
            let row = r.row + (line - r.line);
            match r.kind.as_str() {
                "sheet" => format!("!{} 第{row}行", r.name),
                "table" | "page" => format!(" {} 第{row}行", r.name),
                _ => format!(" 第{row}段"),
            }
        }
    }
}

/// Where something was read: file name and 1-based line.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceRef {
    pub file: String,
    pub line: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub end_line: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A budget unit (部门/单位). Its canonical name is the fullest spelling found; every
/// other spelling seen in the book is kept as an alias.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Department {
    #[serde(skip)]
    pub slug: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// True for the "未注明部门" bucket of tables that name no department.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unnamed: bool,
    /// First place the book mentions this unit; orders departments as the document does.
    pub source: SourceRef,
    /// The entry in the document's table of contents, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<ContentsEntry>,
    /// The department-level 整体支出绩效目标表, where the document has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall: Option<OverallTable>,
    #[serde(skip)]
    pub notes: String,
    #[serde(skip)]
    pub projects: Vec<Project>,
}

impl Department {
    /// The department without its projects (cheap: no project is cloned).
    pub fn without_projects(&self) -> Department {
        Department {
            slug: self.slug.clone(),
            name: self.name.clone(),
            code: self.code.clone(),
            aliases: self.aliases.clone(),
            unnamed: self.unnamed,
            source: self.source.clone(),
            contents: self.contents.clone(),
            overall: self.overall.clone(),
            notes: self.notes.clone(),
            projects: Vec::new(),
        }
    }
}

pub const UNNAMED_DEPARTMENT: &str = "未注明部门";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContentsEntry {
    /// The line as written, e.g. `101001 攀枝花市西区人民代表大会常务委员会办公室.....1`.
    pub text: String,
    pub line: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// A department-level 部门（单位）整体支出绩效目标表.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OverallTable {
    pub title: String,
    /// The unit's name as written in this table.
    pub name_as_written: String,
    pub source: SourceRef,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<Task>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amounts: Vec<FundRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<Indicator>,
}

/// A 年度主要任务 row of a department-level table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Task {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub content: String,
    pub line: u32,
}

/// One budget project's 绩效目标表.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Project {
    #[serde(skip)]
    pub slug: String,
    pub name: String,
    /// The department as written in this table (empty when the table names none).
    #[serde(default)]
    pub department: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub implementing_unit: String,
    /// `None` when the form has no goal field at all; `Some("")` when the field is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    /// 中期目标 / 长期目标 where the form has one beside the year's goal.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub long_goal: String,
    /// Fields of the form's own that the model does not name (项目属性, 项目期…), as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<ExtraField>,
    pub source: SourceRef,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<ProjectFlag>,
    pub funds: Funds,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Free Markdown notes (the body of the project file).
    #[serde(skip)]
    pub notes: String,
}

/// What the importer had to assume about a table; each is shown on the site.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum ProjectFlag {
    /// The table had no 项目名称: the name is a placeholder.
    PlaceholderName,
    /// The table had no title line (its title was replaced by other text).
    NoTitle,
    /// A headless piece of a table (no title, no name) left at a page break.
    Fragment,
    /// 主管部门 was empty; the project is grouped under its 实施单位.
    DepartmentFromImplementingUnit,
}

impl ProjectFlag {
    pub fn label(self) -> &'static str {
        match self {
            ProjectFlag::PlaceholderName => "表中未填项目名称",
            ProjectFlag::NoTitle => "表格缺少标题行",
            ProjectFlag::Fragment => "无表头的表格片段",
            ProjectFlag::DepartmentFromImplementingUnit => "主管部门为空，按实施单位归类",
        }
    }
}

/// A project's money, in the book's unit (万元 or 元).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Funds {
    /// 年度资金总额 / 合计.
    #[serde(default, skip_serializing_if = "Amount::is_empty")]
    pub total: Amount,
    /// 财政拨款 (or 当年财政拨款).
    #[serde(default, skip_serializing_if = "Amount::is_empty")]
    pub fiscal: Amount,
    /// 其中：上级补助.
    #[serde(default, skip_serializing_if = "Amount::is_empty")]
    pub fiscal_upper: Amount,
    /// 其中：本级安排.
    #[serde(default, skip_serializing_if = "Amount::is_empty")]
    pub fiscal_own: Amount,
    /// 结转资金.
    #[serde(default, skip_serializing_if = "Amount::is_empty")]
    pub carry_over: Amount,
    /// 其他资金 / 非财政拨款.
    #[serde(default, skip_serializing_if = "Amount::is_empty")]
    pub other: Amount,
    /// True on forms where 结转 sits beside 当年财政拨款 rather than inside 财政拨款, so
    /// total = fiscal + carry-over + other.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub carry_over_beside_fiscal: bool,
    /// Which of the rows above the form has at all (a row with an empty cell still counts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<FundKind>,
    /// First line of the funds block.
    #[serde(default)]
    pub line: u32,
    /// Rows that do not fit the fields above (a label written twice, an unknown label).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<FundRow>,
    /// The form's own label of a row where it is not the usual one (`合计` for the
    /// total, `非财政拨款` for other money), so pages and findings say what the form says.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub labels: std::collections::BTreeMap<FundKind, String>,
}

impl Funds {
    /// The row's label as the form writes it, where it differs from the usual one.
    pub fn form_label(&self, kind: FundKind) -> Option<&str> {
        self.labels.get(&kind).map(String::as_str)
    }

    /// The usual labels of each row (without `其中：`), which need not be kept.
    pub fn usual_labels(kind: FundKind) -> &'static [&'static str] {
        match kind {
            FundKind::Total => &["年度资金总额", "资金总额"],
            FundKind::Fiscal => &["财政拨款", "当年财政拨款"],
            FundKind::FiscalUpper => &["上级补助"],
            FundKind::FiscalOwn => &["本级安排"],
            FundKind::CarryOver => &["结转资金", "上年结转资金"],
            FundKind::Other => &["其他资金"],
            _ => &[],
        }
    }

    pub fn get(&self, kind: FundKind) -> Option<&Amount> {
        match kind {
            FundKind::Total => Some(&self.total),
            FundKind::Fiscal => Some(&self.fiscal),
            FundKind::FiscalUpper => Some(&self.fiscal_upper),
            FundKind::FiscalOwn => Some(&self.fiscal_own),
            FundKind::CarryOver => Some(&self.carry_over),
            FundKind::Other => Some(&self.other),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, kind: FundKind) -> Option<&mut Amount> {
        match kind {
            FundKind::Total => Some(&mut self.total),
            FundKind::Fiscal => Some(&mut self.fiscal),
            FundKind::FiscalUpper => Some(&mut self.fiscal_upper),
            FundKind::FiscalOwn => Some(&mut self.fiscal_own),
            FundKind::CarryOver => Some(&mut self.carry_over),
            FundKind::Other => Some(&mut self.other),
            _ => None,
        }
    }
}

/// A labelled amount as the form writes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FundRow {
    pub label: String,
    pub kind: FundKind,
    pub amount: Amount,
    pub line: u32,
}

/// What an amount row means, whatever its spelling.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum FundKind {
    Total,
    Fiscal,
    FiscalUpper,
    FiscalOwn,
    CarryOver,
    Other,
    /// Department-level: 人员经费.
    Personnel,
    /// Department-level: 公用经费.
    PublicExpense,
    /// Department-level: 基本支出合计.
    BasicTotal,
    /// Department-level: 项目支出.
    ProjectSpending,
    /// Department-level: 收入预算合计.
    IncomeTotal,
    /// Department-level: 支出预算合计.
    ExpenditureTotal,
    Unknown,
}

impl FundKind {
    /// The project form's rows below 资金总额, in form order.
    pub const SOURCES: [FundKind; 5] = [
        FundKind::Fiscal,
        FundKind::FiscalUpper,
        FundKind::FiscalOwn,
        FundKind::CarryOver,
        FundKind::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FundKind::Total => "资金总额",
            FundKind::Fiscal => "财政拨款",
            FundKind::FiscalUpper => "上级补助",
            FundKind::FiscalOwn => "本级安排",
            FundKind::CarryOver => "结转资金",
            FundKind::Other => "其他资金",
            FundKind::Personnel => "人员经费",
            FundKind::PublicExpense => "公用经费",
            FundKind::BasicTotal => "基本支出合计",
            FundKind::ProjectSpending => "项目支出",
            FundKind::IncomeTotal => "收入预算合计",
            FundKind::ExpenditureTotal => "支出预算合计",
            FundKind::Unknown => "其他行",
        }
    }
}

/// 一级指标 categories of 财预〔2021〕101号, with the older local names folded in
/// (项目完成 → 产出, 项目效益 → 效益).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level1 {
    #[serde(rename = "产出")]
    Output,
    #[serde(rename = "成本")]
    Cost,
    #[serde(rename = "效益")]
    Benefit,
    #[serde(rename = "满意度")]
    Satisfaction,
}

impl Level1 {
    pub const ALL: [Level1; 4] = [
        Level1::Output,
        Level1::Cost,
        Level1::Benefit,
        Level1::Satisfaction,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Level1::Output => "产出",
            Level1::Cost => "成本",
            Level1::Benefit => "效益",
            Level1::Satisfaction => "满意度",
        }
    }
}

/// 二级指标 categories.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level2 {
    #[serde(rename = "数量")]
    Quantity,
    #[serde(rename = "质量")]
    Quality,
    #[serde(rename = "时效")]
    Timeliness,
    #[serde(rename = "成本")]
    Cost,
    #[serde(rename = "经济效益")]
    Economic,
    #[serde(rename = "社会效益")]
    Social,
    #[serde(rename = "生态效益")]
    Ecological,
    #[serde(rename = "可持续影响")]
    Sustainability,
    #[serde(rename = "服务对象满意度")]
    Satisfaction,
}

impl Level2 {
    pub const ALL: [Level2; 9] = [
        Level2::Quantity,
        Level2::Quality,
        Level2::Timeliness,
        Level2::Cost,
        Level2::Economic,
        Level2::Social,
        Level2::Ecological,
        Level2::Sustainability,
        Level2::Satisfaction,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Level2::Quantity => "数量",
            Level2::Quality => "质量",
            Level2::Timeliness => "时效",
            Level2::Cost => "成本",
            Level2::Economic => "经济效益",
            Level2::Social => "社会效益",
            Level2::Ecological => "生态效益",
            Level2::Sustainability => "可持续影响",
            Level2::Satisfaction => "服务对象满意度",
        }
    }

    /// The 一级指标 this category belongs to under 财预〔2021〕101号.
    pub fn parent(self) -> Level1 {
        match self {
            Level2::Quantity | Level2::Quality | Level2::Timeliness => Level1::Output,
            Level2::Cost => Level1::Cost,
            Level2::Economic | Level2::Social | Level2::Ecological | Level2::Sustainability => {
                Level1::Benefit
            }
            Level2::Satisfaction => Level1::Satisfaction,
        }
    }

    /// Stable ASCII id for URLs and CSS classes.
    pub fn id(self) -> &'static str {
        match self {
            Level2::Quantity => "quantity",
            Level2::Quality => "quality",
            Level2::Timeliness => "timeliness",
            Level2::Cost => "cost",
            Level2::Economic => "economic",
            Level2::Social => "social",
            Level2::Ecological => "ecological",
            Level2::Sustainability => "sustainability",
            Level2::Satisfaction => "satisfaction",
        }
    }
}

/// One 三级指标 row: where it sits in the tree, its name and its 指标值.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Indicator {
    /// 一级指标 as written (carried down merged cells); empty when the table left it out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub level1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level1_category: Option<Level1>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub level2: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level2_category: Option<Level2>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// 指标值 as written; where the form splits it over columns (指标性质 / 指标值 /
    /// 计量单位), as they read together (`≥90%`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    pub line: u32,
    /// The form's own sign column (指标性质 / 指标方向: `≥`, `≤`, `=`, `定性`), as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub operator: String,
    /// The form's own unit column (计量单位 / 度量单位), as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// 权重 / 分值, as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub weight: String,
    /// 评分标准 / 指标标准或依据 / 指标解释, as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub standard: String,
    /// 备注, as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Any other column of the form (长期指标值, 上年实际值…), under its heading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<ExtraField>,
}

/// A column the form has and the model does not name: kept with its heading.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExtraField {
    pub label: String,
    pub value: String,
}

impl Indicator {
    /// True when the row sets something: a name or a value that is not a placeholder.
    pub fn is_set(&self) -> bool {
        !is_placeholder(&self.name) || !is_placeholder(&self.value)
    }
}

/// Empty cells and the fillers people type into them (`/`, `无`, `--`).
pub fn is_placeholder(s: &str) -> bool {
    // Letters, digits and ideographs survive NFKC and keying, and none is in a
    // placeholder but 无 and 暂: text with one is real without normalising it. Real text
    // shows one in its first characters, so this comes before trimming.
    if s.chars().any(|c| {
        c.is_ascii_alphanumeric()
            || (('\u{4E00}'..='\u{9FFF}').contains(&c) && c != '无' && c != '暂')
    }) {
        return false;
    }
    // Every placeholder is a few characters; skip the normaliser for longer text.
    let t = crate::text::clean(s);
    if t.len() > 16 {
        return false;
    }
    let k = crate::text::key(t);
    matches!(
        k.as_str(),
        "" | "/" | "//" | "-" | "--" | "—" | "——" | "无" | "暂无" | "\\"
    )
}

impl Book {
    /// The book's metadata without its departments (cheap: no project is cloned).
    pub fn clone_meta(&self) -> Book {
        Book {
            slug: self.slug.clone(),
            title: self.title.clone(),
            region: self.region.clone(),
            issuer: self.issuer.clone(),
            year: self.year,
            stage: self.stage,
            unit: self.unit,
            date: self.date.clone(),
            sources: self.sources.clone(),
            prose: self.prose.clone(),
            departments: Vec::new(),
        }
    }

    pub fn projects(&self) -> impl Iterator<Item = (&Department, &Project)> {
        self.departments
            .iter()
            .flat_map(|d| d.projects.iter().map(move |p| (d, p)))
    }

    /// `file.txt:12`, `目标表.docx 表3 第5行`: a file and row of this book's sources.
    pub fn locate(&self, file: &str, line: u32) -> String {
        match self.source(file) {
            Some(s) => format!("{file}{}", s.place(line)),
            None => format!("{file}:{line}"),
        }
    }

    /// Whether the import had to guess how to read this row (sorted `guessed`).
    pub fn guessed(&self, file: &str, line: u32) -> bool {
        self.source(file)
            .is_some_and(|s| s.guessed.binary_search(&line).is_ok())
    }

    /// The imported source file of that name.
    pub fn source(&self, file: &str) -> Option<&SourceFile> {
        self.sources.iter().find(|s| s.file == file)
    }

    pub fn project_count(&self) -> usize {
        self.departments.iter().map(|d| d.projects.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders_in_any_width_and_nothing_else() {
        for p in [
            "",
            " ",
            "/",
            "／",
            "//",
            "-",
            "－－",
            "—",
            "——",
            "无",
            "暂无",
            " 暂 无 ",
            "\\",
            "＼",
        ] {
            assert!(is_placeholder(p), "{p:?} is a placeholder");
        }
        for v in [
            "无锡",
            "2个",
            "a",
            "无1",
            "暂停",
            "——1",
            "≥90%",
            "/年",
            "全年无事故",
        ] {
            assert!(!is_placeholder(v), "{v:?} is a value");
        }
    }
}
