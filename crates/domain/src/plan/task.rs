//! One task row of the plan, its typed fields parsed once at load.

use std::sync::Arc;

use super::csv_document::Row;
use super::schema::Column;
use super::sheet::Sheet;
use super::{MarkdownPlan, Priority, Status, TaskId, UnknownStatus};
use chrono::NaiveDate;

/// A cell that may be empty, well-formed, or kept as written for lint.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<T> {
    Empty,
    Valid(T),
    Invalid(String),
}

impl<T: Copy> Cell<T> {
    pub fn valid(&self) -> Option<T> {
        match self {
            Cell::Valid(value) => Some(*value),
            _ => None,
        }
    }

    fn parse_with(raw: &str, parse: impl FnOnce(&str) -> Option<T>) -> Cell<T> {
        let raw = raw.trim_ascii();
        if raw.is_empty() {
            return Cell::Empty;
        }
        parse(raw).map_or_else(|| Cell::Invalid(raw.to_owned()), Cell::Valid)
    }
}

/// Which file a task is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskForm {
    /// A record of the plan CSV.
    Csv,
    /// A `Task N — …` section of the Markdown plan.
    Markdown,
}

/// Where a task's text is read from.
#[derive(Debug, Clone)]
enum Source {
    /// A record of the CSV's cells.
    Csv { row: Row, sheet: Arc<Sheet> },
    /// A section of the Markdown plan (the task's `record`).
    Markdown(Arc<MarkdownPlan>),
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: TaskId,
    pub form: TaskForm,
    /// Physical line of the record in the CSV file, or of the section's
    /// heading in the Markdown plan.
    pub line: u32,
    /// Index of the record in the file (the header is record 0), or of the
    /// section among the Markdown plan's tasks.
    pub record: usize,
    pub status: Result<Status, UnknownStatus>,
    pub priority: Priority,
    pub estimated_hours: Cell<f64>,
    pub completion_date: Cell<NaiveDate>,
    source: Source,
}

impl Task {
    pub(super) fn from_csv(id: TaskId, record: usize, line: u32, row: Row, sheet: Arc<Sheet>) -> Task {
        let cell = |column: Column| sheet.cell(row, column);
        Task {
            id,
            form: TaskForm::Csv,
            line,
            record,
            status: cell(Column::Status).parse(),
            priority: Priority::parse(cell(Column::Priority)),
            estimated_hours: Cell::parse_with(cell(Column::EstimatedHours), parse_hours),
            completion_date: Cell::parse_with(cell(Column::CompletionDate), parse_iso_date),
            source: Source::Csv { row, sheet },
        }
    }

    /// The task of section `record` of `markdown`, whose fields were typed
    /// when the document was read.
    pub(super) fn from_section(markdown: &Arc<MarkdownPlan>, record: usize) -> Option<Task> {
        let section = markdown.section(record)?;
        Some(Task {
            id: section.id().clone(),
            form: TaskForm::Markdown,
            line: markdown.tasks[record].line,
            record,
            status: section.status_value(),
            priority: Priority::parse(""),
            estimated_hours: Cell::Empty,
            completion_date: section.completed_on(),
            source: Source::Markdown(Arc::clone(markdown)),
        })
    }

    /// The text of a schema column as written in the file (trimmed).
    pub fn get(&self, column: Column) -> &str {
        match &self.source {
            Source::Csv { row, sheet } => sheet.cell(*row, column),
            Source::Markdown(markdown) => markdown.section(self.record).map_or("", |section| section.cell(column)),
        }
    }

    /// Any column of the file by name, its own extra columns included.
    pub fn get_named(&self, column: &str) -> Option<&str> {
        match &self.source {
            Source::Csv { row, sheet } => sheet.columns.index_of(column).map(|index| sheet.cells.field(*row, index)),
            Source::Markdown(_) => Column::named(column).map(|column| self.get(column)),
        }
    }

    pub fn title(&self) -> &str {
        self.get(Column::Task)
    }

    pub fn owner(&self) -> &str {
        self.get(Column::Owner)
    }

    pub fn phase(&self) -> &str {
        self.get(Column::Phase)
    }

    pub fn notes(&self) -> &str {
        self.get(Column::Notes)
    }

    pub fn verification(&self) -> &str {
        self.get(Column::Verification)
    }

    pub fn artifacts(&self) -> &str {
        self.get(Column::Artifacts)
    }

    /// The status if it is readable; unreadable statuses are lint errors.
    pub fn status(&self) -> Option<Status> {
        self.status.as_ref().ok().copied()
    }

    /// How the status reads to a person: canonical, or as written if unknown.
    pub fn status_label(&self) -> String {
        match &self.status {
            Ok(status) => status.canonical().to_owned(),
            Err(unknown) => format!("{} (unrecognised)", unknown.0),
        }
    }

    pub fn is_done(&self) -> bool {
        self.status().is_some_and(Status::is_done)
    }

    /// The day the status was set, where the plan says: a Markdown status
    /// line's date (`- Status: Blocked — 2025-10-14 — …`). The CSV has no
    /// such column.
    pub fn status_date(&self) -> Option<NaiveDate> {
        match &self.source {
            Source::Markdown(markdown) => {
                markdown.section(self.record).and_then(|section| section.status()).and_then(|line| line.date.valid())
            }
            Source::Csv { .. } => None,
        }
    }

    /// Why the task has its status, in the plan's words: a Markdown status
    /// line's note, the CSV's notes.
    pub fn status_reason(&self) -> &str {
        match &self.source {
            Source::Markdown(markdown) => {
                markdown.section(self.record).and_then(|section| section.status()).map_or("", |line| line.note)
            }
            Source::Csv { .. } => self.notes(),
        }
    }

    pub fn is_open(&self) -> bool {
        self.status().is_none_or(Status::is_open)
    }

    /// The owner roles: `backend / data` is two, `backend lead` one.
    pub fn owners(&self) -> impl Iterator<Item = &str> {
        self.owner().split(['/', ',']).map(str::trim).filter(|role| !role.is_empty())
    }

    pub fn owned_by(&self, owner: &str) -> bool {
        let owner = owner.trim();
        self.owner().eq_ignore_ascii_case(owner) || self.owners().any(|role| role.eq_ignore_ascii_case(owner))
    }
}

/// Dependencies are written `A-1, B-2`, `A-1;B-2` or `A-1 | B-2`.
pub(super) fn dependency_tokens(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(|c: char| matches!(c, ',' | ';' | '|') || c.is_whitespace()).filter(|token| !token.is_empty())
}

fn parse_hours(raw: &str) -> Option<f64> {
    raw.parse::<f64>().ok().filter(|hours| hours.is_finite() && *hours >= 0.0)
}

/// The schema requires ISO 8601 calendar dates, `YYYY-MM-DD`.
pub fn parse_iso_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim_ascii();
    let bytes = raw.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    // The shape is checked: every other byte is an ASCII digit.
    let number = |range: std::ops::Range<usize>| bytes[range].iter().fold(0, |n, b| n * 10 + u32::from(b - b'0'));
    NaiveDate::from_ymd_opt(i32::try_from(number(0..4)).ok()?, number(5..7), number(8..10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_accept_the_separators_people_use() {
        let tokens: Vec<&str> = dependency_tokens("ORG-006, AUTH-004;AIGW-9 | x  ?").collect();
        assert_eq!(tokens, ["ORG-006", "AUTH-004", "AIGW-9", "x", "?"]);
    }

    #[test]
    fn only_iso_calendar_dates_are_dates() {
        assert!(parse_iso_date("2025-09-27").is_some());
        for bad in ["27/09/2025", "2025-9-27", "2025-02-30", "yesterday"] {
            assert!(parse_iso_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn estimates_must_be_non_negative_numbers() {
        assert_eq!(Cell::parse_with("2.5", parse_hours), Cell::Valid(2.5));
        assert_eq!(Cell::parse_with("", parse_hours), Cell::Empty);
        assert_eq!(Cell::parse_with("6h", parse_hours), Cell::Invalid("6h".into()));
        assert_eq!(Cell::parse_with("-1", parse_hours), Cell::Invalid("-1".into()));
    }
}
