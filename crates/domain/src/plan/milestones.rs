//! Milestones from the Markdown plan, in every form the team writes them:
//! a table (`| ID | Milestone | Owner | Start | Target | Notes |`), bullets
//! (`- M1 (2025-09-26 → 2025-09-27): OIDC assume-role validated`) and a
//! numbered list under a heading that names milestones (`1. Restore
//! production auth … (Target: 2025-10-16)`, ids `M1…Mn` by position unless
//! the line gives one). When two forms name the same id, the table wins,
//! then the bullets: the more detailed form.
//!
//! A milestone is closed in its own form: `Done YYYY-MM-DD` in a table's
//! Notes cell, ` — Done YYYY-MM-DD` at the end of a list item.

use std::ops::Range;

use chrono::NaiveDate;

use super::lines::{Line, Lines};
use super::task::parse_iso_date;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub id: String,
    pub title: String,
    pub owner: Option<String>,
    pub start: Option<NaiveDate>,
    pub target: Option<NaiveDate>,
    pub notes: Option<String>,
    /// When it was closed (`Done 2025-10-18`).
    pub done: Option<NaiveDate>,
    /// 1-based line in the Markdown plan.
    pub line: u32,
    /// Where closing it is written.
    pub form: MilestoneForm,
}

/// How a milestone is written, and where its closing goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MilestoneForm {
    /// A table row; the bytes of its Notes cell (between the pipes).
    Table { notes: Option<Range<usize>> },
    /// A bullet or numbered item; where its line ends (before `\r\n`).
    Item { line_end: usize },
}

impl Milestone {
    /// Days until the target (negative when overdue).
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.target.map(|target| (target - today).num_days())
    }

    /// Open and past its target on `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done.is_none() && self.days_left(today).is_some_and(|left| left < 0)
    }

    /// How it stands, in words: `done 2025-10-18`, `overdue since
    /// 2025-10-06, 14 months`, `due in 5 days`, `due today`, `no target`.
    pub fn standing(&self, today: NaiveDate) -> String {
        if let Some(done) = self.done {
            return format!("done {done}");
        }
        match (self.target, self.days_left(today)) {
            (Some(target), Some(left)) if left < 0 => format!("overdue since {target}, {}", age(-left)),
            (_, Some(0)) => "due today".to_owned(),
            (_, Some(1)) => "due tomorrow".to_owned(),
            (_, Some(left)) => format!("due in {left} days"),
            _ => "no target date".to_owned(),
        }
    }
}

/// A span of days as a person says it: `3 days`, `5 weeks`, `14 months`,
/// `2 years`.
pub fn age(days: i64) -> String {
    let (count, unit) = match days {
        d if d < 14 => (d, "day"),
        d if d < 61 => (d / 7, "week"),
        // Rounded, as people count months and years.
        d if d < 730 => ((d * 12 + 182) / 365, "month"),
        d => ((d + 182) / 365, "year"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

/// One pass over the lines, each looked at by its first byte: a plan of
/// ten thousand task sections has a hundred thousand lines to pass over.
pub fn parse_milestones(markdown: &str) -> Vec<Milestone> {
    let mut reader = MilestoneReader::default();
    for line in Lines::new(markdown) {
        reader.line(markdown, line);
    }
    reader.finish()
}

/// Reads milestones a line at a time, in the same pass that reads the
/// task sections; a section's lines are a task's and never reach it.
#[derive(Default)]
pub(crate) struct MilestoneReader {
    milestones: Vec<Milestone>,
    listed: Vec<Milestone>,
    numbered: Vec<Milestone>,
    table: TableReader,
    in_numbered_list: bool,
}

impl MilestoneReader {
    pub(crate) fn line(&mut self, markdown: &str, line: Line) {
        let text = markdown[line.start()..line.end()].trim_ascii();
        match text.as_bytes().first() {
            None => {
                self.table.end();
                return;
            }
            Some(b'|') => {
                self.milestones.extend(self.table.row(markdown, &line));
                return;
            }
            Some(b'-' | b'*') => self.listed.extend(bullet_milestone(markdown, &line)),
            Some(b'0'..=b'9') => {
                if let Some(item) = numbered_item(text) {
                    if self.in_numbered_list {
                        self.numbered.push(numbered_milestone(item, self.numbered.len() + 1, &line));
                    }
                    self.table.end();
                    return;
                }
            }
            Some(_) => {}
        }
        self.table.end();
        self.in_numbered_list = names_milestones(text);
    }

    /// A task section ends a table or a list, as its heading line would.
    pub(crate) fn section(&mut self) {
        self.table.end();
        self.in_numbered_list = false;
    }

    pub(crate) fn finish(self) -> Vec<Milestone> {
        let MilestoneReader { mut milestones, listed, numbered, .. } = self;
        for milestone in listed.into_iter().chain(numbered) {
            if !milestones.iter().any(|m| m.id.eq_ignore_ascii_case(&milestone.id)) {
                milestones.push(milestone);
            }
        }
        milestones
    }
}

/// Header cells of a milestone table, by position.
struct TableShape {
    id: usize,
    title: usize,
    owner: Option<usize>,
    start: Option<usize>,
    target: Option<usize>,
    notes: Option<usize>,
}

impl TableShape {
    fn from_header(cells: &[(String, Range<usize>)]) -> Option<TableShape> {
        let find = |name: &str| cells.iter().position(|(c, _)| c.eq_ignore_ascii_case(name));
        Some(TableShape {
            id: find("id")?,
            title: find("milestone")?,
            owner: find("owner"),
            start: find("start"),
            target: find("target").or_else(|| find("target date")).or_else(|| find("due")),
            notes: find("notes"),
        })
    }

    fn milestone(&self, cells: &[(String, Range<usize>)], line: u32) -> Option<Milestone> {
        let cell =
            |index: Option<usize>| index.and_then(|i| cells.get(i)).map(|(c, _)| c.clone()).filter(|c| !c.is_empty());
        let id = cell(Some(self.id))?;
        let notes = cell(self.notes);
        Some(Milestone {
            id,
            title: cell(Some(self.title)).unwrap_or_default(),
            owner: cell(self.owner),
            start: cell(self.start).as_deref().and_then(parse_iso_date),
            target: cell(self.target).as_deref().and_then(parse_iso_date),
            done: notes.as_deref().and_then(done_date),
            notes,
            line,
            form: MilestoneForm::Table { notes: self.notes.and_then(|i| cells.get(i)).map(|(_, range)| range.clone()) },
        })
    }
}

/// Reads milestone tables row by row: a header that names the columns,
/// its separator row, then one milestone per row.
#[derive(Default)]
struct TableReader {
    shape: Option<TableShape>,
    in_table: bool,
}

impl TableReader {
    fn row(&mut self, markdown: &str, line: &Line) -> Option<Milestone> {
        let cells = table_cells(markdown, line)?;
        let first_row = !self.in_table;
        self.in_table = true;
        if first_row {
            self.shape = TableShape::from_header(&cells);
            return None;
        }
        let shape = self.shape.as_ref()?;
        (!is_separator_row(&cells)).then(|| shape.milestone(&cells, line.number)).flatten()
    }

    fn end(&mut self) {
        self.shape = None;
        self.in_table = false;
    }
}

/// The cells of a table row, trimmed, each with its raw byte range.
fn table_cells(markdown: &str, line: &Line) -> Option<Vec<(String, Range<usize>)>> {
    let raw = &markdown[line.start()..line.end()];
    if raw.trim_ascii_start().as_bytes().first() != Some(&b'|') {
        return None;
    }
    let open = raw.find('|').filter(|at| raw[..*at].trim().is_empty())?;
    let mut cells = Vec::new();
    let mut start = line.start() + open + 1;
    for piece in raw[open + 1..].split('|') {
        let range = start..start + piece.len();
        start = range.end + 1;
        cells.push((piece.trim().to_owned(), range));
    }
    if cells.last().is_some_and(|(text, _)| text.is_empty()) && raw.trim_end().ends_with('|') {
        cells.pop();
    }
    Some(cells)
}

fn is_separator_row(cells: &[(String, Range<usize>)]) -> bool {
    cells.iter().all(|(c, _)| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// `Done 2025-10-18` (any case) somewhere in the text.
fn done_date(text: &str) -> Option<NaiveDate> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find("done")?;
    let rest = text[at + 4..].trim_start_matches([' ', ':', '—', '–', '-']);
    parse_iso_date(rest.get(..10)?)
}

/// A list item's trailing ` — Done DATE`, and the text before it.
fn split_done(text: &str) -> (&str, Option<NaiveDate>) {
    for dash in [" — ", " – ", " - "] {
        if let Some(at) = text.rfind(dash) {
            if let Some(date) = done_date(&text[at + dash.len()..])
                .filter(|_| text[at + dash.len()..].trim_start().to_ascii_lowercase().starts_with("done"))
            {
                return (text[..at].trim_end(), Some(date));
            }
        }
    }
    (text, None)
}

/// `- M1 (2025-09-26 → 2025-09-27): title` or `- M2 (2025-09-27): title`.
fn bullet_milestone(markdown: &str, line: &Line) -> Option<Milestone> {
    let raw = &markdown[line.start()..line.end()];
    let rest = raw.trim_ascii_start().strip_prefix(['-', '*'])?.trim_ascii_start();
    let space = rest.bytes().position(|b| b == b' ')?;
    let (id, rest) = (&rest[..space], &rest[space + 1..]);
    if !looks_like_milestone_id(id) {
        return None;
    }
    let (dates, title) = rest.trim_start().strip_prefix('(')?.split_once("):")?;
    let dates: Vec<NaiveDate> =
        dates.split(|c: char| !(c.is_ascii_digit() || c == '-')).filter_map(parse_iso_date).collect();
    let (start, target) = match dates.as_slice() {
        [only] => (Some(*only), Some(*only)),
        [first, .., last] => (Some(*first), Some(*last)),
        [] => return None,
    };
    let (title, done) = split_done(title.trim());
    Some(Milestone {
        id: id.to_owned(),
        title: title.trim().trim_end_matches('.').to_owned(),
        owner: None,
        start,
        target,
        notes: None,
        done,
        line: line.number,
        form: MilestoneForm::Item { line_end: line.end() },
    })
}

fn looks_like_milestone_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        && bytes.iter().any(u8::is_ascii_digit)
}

/// A short line, heading or not, that says it introduces milestones.
fn names_milestones(text: &str) -> bool {
    const WORD: &[u8] = b"milestone";
    if text.starts_with(['-', '*', '|']) {
        return false;
    }
    let text = text.trim_start_matches('#').trim_ascii();
    text.len() <= 80 && text.as_bytes().windows(WORD.len()).any(|window| window.eq_ignore_ascii_case(WORD))
}

/// The text of `3. text` or `3) text`.
fn numbered_item(text: &str) -> Option<&str> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0).then_some(())?;
    text[digits..].strip_prefix(['.', ')'])?.strip_prefix(' ').map(str::trim)
}

fn numbered_milestone(item: &str, position: usize, line: &Line) -> Milestone {
    let (item, done) = split_done(item);
    let (id, item) = match item.split_once([' ', ':']) {
        Some((first, rest))
            if looks_like_milestone_id(first.trim_end_matches(':')) && first.starts_with(['M', 'm']) =>
        {
            (
                first.trim_end_matches(':').to_ascii_uppercase(),
                rest.trim_start_matches([' ', ':', '—', '–', '-']).trim(),
            )
        }
        _ => (format!("M{position}"), item),
    };
    let (title, target) = match item.rfind("(Target:").or_else(|| item.rfind("(target:")) {
        Some(at) => {
            let inside = item[at + 8..].trim_end_matches(')').trim();
            (item[..at].trim(), parse_iso_date(inside.get(..10).unwrap_or(inside)))
        }
        None => (item, None),
    };
    Milestone {
        id,
        title: title.trim_end_matches('.').to_owned(),
        owner: None,
        start: None,
        target,
        notes: None,
        done,
        line: line.number,
        form: MilestoneForm::Item { line_end: line.end() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_STYLE: &str = "\
Milestones & dates (Gantt-style)

| ID | Milestone | Owner | Start | Target | Notes |
|---:|---|---|---:|---:|---|
| M1 | OIDC assume-role validated | ops | 2025-09-26 | 2025-09-27 | Merge PR #7 |
| M2 | Secrets sync dry-run | ops | 2025-09-27 | 2025-09-27 | dispatch |

| ID | Risk | Impact |
|---:|---|---|
| R1 | Secret drift | High |

Milestones (high-level)
- M1 (2025-09-26 → 2025-09-27): OIDC assume-role validated (merge PR #7, dispatch test).
- M7 (2025-10-16 → 2025-10-22): ChatKit rollout.
- M8 (2025-10-30): Single date.
- Daily (async): short status updates in `#autorisen-ops` channel.
";

    #[test]
    fn reads_tables_and_bullets_and_the_table_wins() {
        let milestones = parse_milestones(SEED_STYLE);
        let ids: Vec<&str> = milestones.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["M1", "M2", "M7", "M8"]);
        assert_eq!(milestones[0].owner.as_deref(), Some("ops"));
        assert_eq!(milestones[0].notes.as_deref(), Some("Merge PR #7"));
        assert_eq!(milestones[2].title, "ChatKit rollout");
        assert_eq!(milestones[2].target, NaiveDate::from_ymd_opt(2025, 10, 22));
        assert_eq!(milestones[3].start, milestones[3].target);
    }

    const NUMBERED: &str = "Purpose\n\nMaster milestones (high level)\n\n\
1. Restore production auth service (Target: 2025-10-16)\n\
1. Harden Heroku container release workflow (Target: 2025-10-18) — Done 2025-10-19\n\
1. M9: Stabilize migrations (Target: 2025-10-20)\n\nDetailed tasks\n\n1. Not a milestone.\n";

    #[test]
    fn a_numbered_list_under_a_milestones_line_gets_ids_by_position() {
        let milestones = parse_milestones(NUMBERED);
        let ids: Vec<&str> = milestones.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["M1", "M2", "M9"]);
        assert_eq!(milestones[0].title, "Restore production auth service");
        assert_eq!(milestones[0].target, NaiveDate::from_ymd_opt(2025, 10, 16));
        assert_eq!(milestones[1].done, NaiveDate::from_ymd_opt(2025, 10, 19));
        assert_eq!(milestones[2].title, "Stabilize migrations");
        assert_eq!(milestones[0].line, 5);
    }

    #[test]
    fn a_closed_milestone_is_done_and_never_overdue() {
        let milestones = parse_milestones(NUMBERED);
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(milestones[1].standing(today), "done 2025-10-19");
        assert!(!milestones[1].is_overdue(today));
        assert_eq!(milestones[0].standing(today), "overdue since 2025-10-16, 14 months");
        let table = parse_milestones(
            "| ID | Milestone | Target | Notes |\n|---|---|---|---|\n| M1 | x | 2025-09-27 | Done 2025-09-28 |\n",
        );
        assert_eq!(table[0].done, NaiveDate::from_ymd_opt(2025, 9, 28));
    }

    #[test]
    fn ages_read_as_a_person_says_them() {
        assert_eq!(
            [age(1), age(13), age(20), age(90), age(423), age(800)],
            ["1 day", "13 days", "2 weeks", "3 months", "14 months", "2 years"]
        );
    }

    #[test]
    fn days_left_is_negative_when_overdue() {
        let milestone = &parse_milestones(SEED_STYLE)[0];
        let today = NaiveDate::from_ymd_opt(2025, 9, 30).unwrap();
        assert_eq!(milestone.days_left(today), Some(-3));
    }
}
