//! The Markdown form of the plan (seed `001_…`): task sections and the
//! milestones, read from the document as people write it, and edited one
//! line at a time so that every other byte stays as it was.
//!
//! ```text
//! Task 5 — Fix database migration issues for SQLite and Postgres
//!
//! - ID: T5
//! - Owner (R/A): backend / data
//! - Target: 2025-10-20
//! - Steps:
//!   1. …
//! - Dependencies: None.
//! - Acceptance criteria: `alembic upgrade head` succeeds …
//! - Status: In Progress — 2025-10-14 — error reproduced; fix pending (backend)
//! ```

use std::ops::Range;

use chrono::NaiveDate;

use super::lines::{Line, lines};
use super::milestones::{Milestone, MilestoneForm, milestones_in};
use super::task::{Cell, parse_iso_date};
use super::{Status, TaskId, UnknownStatus};

/// A value on one line of the document: where it is, to rewrite it alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// 1-based line.
    pub line: u32,
    /// Bytes of the value, after `Key:` and its spaces, up to the line's
    /// end (its `\r` excluded).
    pub value: Range<usize>,
}

/// `Status: In Progress — 2025-10-14 — error reproduced (backend)`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusLine {
    pub field: Field,
    /// The status as written (`In Progress`).
    pub word: String,
    pub status: Result<Status, UnknownStatus>,
    pub date: Cell<NaiveDate>,
    pub note: String,
    /// Who wrote it: the initials or role in the closing parentheses.
    pub by: Option<String>,
}

/// One `Task N — title` section.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownTask {
    /// The `N` of `Task N`, which dependencies refer to.
    pub number: u32,
    pub id: TaskId,
    pub title: String,
    /// The line of the `Task N — …` heading.
    pub line: u32,
    /// Owner roles (`backend / data` is two; `backend lead` is one).
    pub owners: Vec<String>,
    pub owner_field: Option<Field>,
    pub target: Cell<NaiveDate>,
    pub steps: Vec<String>,
    /// As written (`Task 4 script for accuracy`).
    pub dependencies: String,
    /// The `N`s of the `Task N` the dependencies name.
    pub depends_on: Vec<u32>,
    /// Dependencies that are no task (`Heroku CLI authenticated`).
    pub prerequisites: Option<String>,
    pub acceptance: String,
    pub status: Option<StatusLine>,
}

/// A problem in the document, at its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownProblem {
    pub line: u32,
    pub message: String,
}

/// The document, its task sections, its milestones.
#[derive(Debug, Clone)]
pub struct MarkdownPlan {
    text: String,
    pub tasks: Vec<MarkdownTask>,
    pub milestones: Vec<Milestone>,
    pub problems: Vec<MarkdownProblem>,
}

impl MarkdownPlan {
    pub fn parse(text: String) -> MarkdownPlan {
        let all = lines(&text);
        let mut reader = SectionReader {
            text: &text,
            // A section is rarely shorter than this many bytes.
            tasks: Vec::with_capacity(text.len() / 256),
            problems: Vec::new(),
            fields: Vec::new(),
        };
        let mut index = 0;
        let mut sections = Vec::new();
        while index < all.len() {
            index = match task_heading(line_text(&text, all[index])) {
                Some((number, title)) => {
                    let end = reader.section(&all, index, number, title.to_owned());
                    sections.push(index..end);
                    end
                }
                None => index + 1,
            };
        }
        let SectionReader { mut tasks, mut problems, .. } = reader;
        resolve_numbers(&mut tasks, &mut problems);
        let milestones = milestones_in(&text, &all, &sections);
        MarkdownPlan { text, tasks, milestones, problems }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The document with one field's value replaced, every other byte kept.
    pub fn with_value(&self, field: &Field, value: &str) -> String {
        let mut text = String::with_capacity(self.text.len() + value.len());
        text.push_str(&self.text[..field.value.start]);
        text.push_str(value);
        text.push_str(&self.text[field.value.end..]);
        text
    }

    /// The document with a milestone marked done on `date`, in the form the
    /// document already uses: `Done DATE` in a table's Notes cell, or
    /// ` — Done DATE` at the end of a list item. `None` when the table has
    /// no Notes column to write it in.
    pub fn with_milestone_done(&self, milestone: &Milestone, date: NaiveDate) -> Option<String> {
        let done = format!("Done {date}");
        let (at, insert) = match &milestone.form {
            MilestoneForm::Table { notes: Some(notes) } => {
                let cell = self.text[notes.clone()].trim();
                if cell.is_empty() {
                    (notes.clone(), format!(" {done} "))
                } else {
                    (notes.clone(), format!(" {cell}; {done} "))
                }
            }
            MilestoneForm::Table { notes: None } => return None,
            MilestoneForm::Item { line_end } => (*line_end..*line_end, format!(" — {done}")),
        };
        let mut text = String::with_capacity(self.text.len() + insert.len());
        text.push_str(&self.text[..at.start]);
        text.push_str(&insert);
        text.push_str(&self.text[at.end..]);
        Some(text)
    }
}

fn line_text(text: &str, line: Line) -> &str {
    &text[line.start..line.end]
}

/// `Task 5 — Fix database migration issues` (a heading or a plain line;
/// an em dash, en dash or hyphen between).
fn task_heading(line: &str) -> Option<(u32, &str)> {
    // Most lines start otherwise: leave them at their first letter.
    let first = line.bytes().find(|b| !matches!(b, b' ' | b'\t' | b'#'))?;
    if !matches!(first, b'T' | b't') {
        return None;
    }
    let rest = line.trim_ascii_start().trim_start_matches('#').trim_ascii_start();
    let rest = rest.strip_prefix("Task ").or_else(|| rest.strip_prefix("task "))?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let number = rest[..digits].parse::<u32>().ok()?;
    let rest = rest[digits..].trim_start();
    let title = rest.strip_prefix(['—', '–', '-', ':'])?.trim();
    (!title.is_empty()).then(|| (number, title.trim_end_matches(['*', '#']).trim()))
}

/// The fields of a task section planbot reads, by the names people give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKey {
    Id,
    Owner,
    Target,
    Steps,
    Dependencies,
    Acceptance,
    Status,
}

impl FieldKey {
    const NAMES: [(&'static str, FieldKey); 14] = [
        ("id", FieldKey::Id),
        ("owner", FieldKey::Owner),
        ("owners", FieldKey::Owner),
        ("owner (r/a)", FieldKey::Owner),
        ("owners (r/a)", FieldKey::Owner),
        ("responsible", FieldKey::Owner),
        ("target", FieldKey::Target),
        ("target date", FieldKey::Target),
        ("due", FieldKey::Target),
        ("steps", FieldKey::Steps),
        ("dependencies", FieldKey::Dependencies),
        ("depends on", FieldKey::Dependencies),
        ("acceptance criteria", FieldKey::Acceptance),
        ("status", FieldKey::Status),
    ];

    fn of(written: &str) -> Option<FieldKey> {
        if written.eq_ignore_ascii_case("acceptance") {
            return Some(FieldKey::Acceptance);
        }
        // Compared only against names of its length that start alike.
        let first = written.as_bytes().first()?.to_ascii_lowercase();
        Self::NAMES
            .iter()
            .filter(|(name, _)| name.len() == written.len() && name.as_bytes()[0] == first)
            .find(|(name, _)| name.eq_ignore_ascii_case(written))
            .map(|(_, key)| *key)
    }
}

struct SectionReader<'a> {
    text: &'a str,
    tasks: Vec<MarkdownTask>,
    problems: Vec<MarkdownProblem>,
    /// The section being read: each bullet with the lines (indexes into
    /// the document's lines) that continue it. Reused across sections.
    fields: Vec<(Bullet<'a>, Range<usize>)>,
}

/// A `- Key: value` line at the top of a section.
#[derive(Clone)]
struct Bullet<'a> {
    /// As written (`Owner (R/A)`); compared ignoring case.
    key: &'a str,
    value: &'a str,
    field: Field,
}

impl<'a> SectionReader<'a> {
    /// Reads the section whose heading is `all[heading]`; returns the index
    /// of the first line after it.
    fn section(&mut self, all: &[Line], heading: usize, number: u32, title: String) -> usize {
        let mut fields = std::mem::take(&mut self.fields);
        fields.clear();
        let mut index = heading + 1;
        while let Some(&line) = all.get(index) {
            let text = line_text(self.text, line);
            if ends_section(text) || task_heading(text).is_some() {
                break;
            }
            match bullet(self.text, line) {
                Some(found) => fields.push((found, index + 1..index + 1)),
                // A line that continues the bullet above (blank ones are
                // skipped when the value is read).
                None => {
                    if let Some((_, more)) = fields.last_mut() {
                        more.end = index + 1;
                    }
                }
            }
            index += 1;
        }
        self.task(all, all[heading].number, number, title, &fields);
        self.fields = fields;
        index
    }

    /// The non-blank lines in `range` of the document's lines, trimmed.
    fn continued(&self, all: &[Line], range: &Range<usize>) -> impl Iterator<Item = &'a str> {
        let text = self.text;
        all[range.clone()].iter().map(move |&line| line_text(text, line).trim()).filter(|line| !line.is_empty())
    }

    fn task(&mut self, all: &[Line], line: u32, number: u32, title: String, fields: &[(Bullet<'a>, Range<usize>)]) {
        // `None`: no `- ID:` line; `Some(None)`: one that is no task id.
        let mut id: Option<Option<TaskId>> = None;
        let (mut owners, mut owner_field, mut target, mut steps) = (Vec::new(), None, Cell::Empty, Vec::new());
        let (mut dependencies, mut acceptance, mut status) = (String::new(), String::new(), None);
        for (bullet, more) in fields {
            let bullet = bullet.clone();
            match FieldKey::of(bullet.key) {
                Some(FieldKey::Id) => id = Some(self.id(&bullet)),
                Some(FieldKey::Owner) => {
                    owners = split_owners(bullet.value);
                    owner_field = Some(bullet.field);
                }
                Some(FieldKey::Target) => target = self.date(bullet.value, bullet.field.line, "target"),
                Some(FieldKey::Steps) => {
                    steps = self.continued(all, more).map(|step| strip_item_marker(step).to_owned()).collect();
                }
                Some(FieldKey::Dependencies) => dependencies = joined(bullet.value, self.continued(all, more)),
                Some(FieldKey::Acceptance) => acceptance = joined(bullet.value, self.continued(all, more)),
                Some(FieldKey::Status) => status = Some(self.status(bullet)),
                None => {}
            }
        }
        let id = match id {
            Some(Some(id)) => id,
            Some(None) => return,
            None => return self.problem(line, format!("section `Task {number} — {title}` has no `- ID:` line")),
        };
        self.tasks.push(MarkdownTask {
            number,
            id,
            title,
            line,
            owners,
            owner_field,
            target,
            steps,
            dependencies,
            depends_on: Vec::new(),
            prerequisites: None,
            acceptance,
            status,
        });
    }

    fn id(&mut self, bullet: &Bullet<'_>) -> Option<TaskId> {
        match bullet.value.trim().parse::<TaskId>() {
            Ok(id) => Some(id),
            Err(error) => {
                self.problem(bullet.field.line, format!("`- ID:` {error}"));
                None
            }
        }
    }

    fn date(&mut self, raw: &str, line: u32, what: &str) -> Cell<NaiveDate> {
        let raw = raw.trim().trim_end_matches('.');
        if raw.is_empty() || raw.eq_ignore_ascii_case("tbd") {
            return Cell::Empty;
        }
        match parse_iso_date(raw) {
            Some(date) => Cell::Valid(date),
            None => {
                self.problem(line, format!("{what} {raw:?} is not a date (YYYY-MM-DD)"));
                Cell::Invalid(raw.to_owned())
            }
        }
    }

    fn status(&mut self, bullet: Bullet<'_>) -> StatusLine {
        let (word, rest) = split_at_dash(bullet.value).unwrap_or((bullet.value, ""));
        let word = word.trim().to_owned();
        let status = word.parse::<Status>();
        if let Err(unknown) = &status {
            self.problem(
                bullet.field.line,
                format!("status {:?} is not one of To Do, In Progress, Done, Blocked, Deferred", unknown.0),
            );
        }
        let (date, rest) = match split_at_dash(rest).unwrap_or((rest, "")) {
            (first, after) if first.trim().starts_with(|c: char| c.is_ascii_digit()) => {
                (self.date(first, bullet.field.line, "status date"), after)
            }
            _ => (Cell::Empty, rest),
        };
        let (note, by) = split_by(rest.trim());
        StatusLine { field: bullet.field, word, status, date, note, by }
    }

    fn problem(&mut self, line: u32, message: String) {
        self.problems.push(MarkdownProblem { line, message });
    }
}

/// Text at the left margin that is not a list item: a heading or a
/// paragraph ends the task section. Numbered steps written at the margin
/// (`1. Draft the schema`) are still the section's.
fn ends_section(line: &str) -> bool {
    let bytes = line.as_bytes();
    match bytes.first() {
        None | Some(b' ' | b'\t' | b'-' | b'*' | b'+') => false,
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            !matches!(bytes.get(digits), Some(b'.' | b')'))
        }
        // Other Unicode whitespace at the margin is as good as blank.
        Some(_) => line.starts_with(|c: char| !c.is_whitespace()) && !line.trim().is_empty(),
    }
}

/// `- Key: value` at the left margin (or one space in).
fn bullet(text: &str, line: Line) -> Option<Bullet<'_>> {
    let raw = line_text(text, line);
    let marker = match raw.as_bytes() {
        [b'-' | b'*' | b'+', b' ', ..] => 0,
        [b' ', b'-' | b'*' | b'+', b' ', ..] => 1,
        _ => return None,
    };
    let rest = &raw[marker + 2..];
    let colon = rest.bytes().position(|b| b == b':')?;
    let key = rest[..colon].trim_ascii().trim_matches('*').trim_ascii();
    if key.is_empty() || key.len() > 40 {
        return None;
    }
    // `- **Status:** Done`: the closing bold marks belong to the key.
    let after = rest[colon + 1..].trim_start_matches('*');
    let value = after.trim_start();
    let value_start = line.start + (raw.len() - value.len());
    let field = Field { line: line.number, value: value_start..line.end };
    Some(Bullet { key, value: value.trim_end(), field })
}

/// A value that continues over more lines, as one line.
fn joined<'a>(first: &'a str, more: impl Iterator<Item = &'a str>) -> String {
    let mut value = String::with_capacity(first.len());
    for part in std::iter::once(first.trim()).chain(more).filter(|part| !part.is_empty()) {
        if !value.is_empty() {
            value.push(' ');
        }
        value.push_str(part);
    }
    value
}

/// `1. text`, `- text`, `a) text` → `text`.
fn strip_item_marker(line: &str) -> &str {
    let line = line.trim();
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        if let Some(rest) = line[digits..].strip_prefix(['.', ')']) {
            return rest.trim_start();
        }
    }
    line.strip_prefix(['-', '*', '+']).map_or(line, str::trim_start)
}

/// `backend / data` is two roles; `backend lead` is one.
pub fn split_owners(raw: &str) -> Vec<String> {
    raw.split(['/', ','])
        .map(|role| role.trim().trim_end_matches('.').trim())
        .filter(|role| !role.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The text before and after the first ` — `, ` – ` or ` - `, in one pass.
fn split_at_dash(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = bytes[from..].iter().position(|&b| b == b' ') {
        let space = from + offset;
        // After an ASCII space the next byte starts a character.
        let after = &text[space + 1..];
        let dash = ['—', '–', '-'].into_iter().find(|&dash| after.starts_with(dash));
        if let Some(rest) = dash.and_then(|dash| after[dash.len_utf8()..].strip_prefix(' ')) {
            return Some((&text[..space], rest));
        }
        from = space + 1;
    }
    None
}

/// `fix pending (backend)` → (`fix pending`, `backend`).
fn split_by(text: &str) -> (String, Option<String>) {
    if let Some(open) = text.rfind('(').filter(|_| text.ends_with(')')) {
        let by = text[open + 1..text.len() - 1].trim();
        if !by.is_empty() && by.len() <= 40 && !by.contains('(') {
            return (text[..open].trim().to_owned(), Some(by.to_owned()));
        }
    }
    (text.to_owned(), None)
}

/// `Task 1`, `Task 4 script for accuracy`, `Stable auth deployment (Task 1)`
/// name tasks by number; `None.` is none; anything else is a prerequisite
/// outside the plan.
fn task_references(text: &str) -> (Vec<u32>, Option<String>) {
    let trimmed = text.trim().trim_end_matches('.');
    if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("none") || trimmed.eq_ignore_ascii_case("n/a") {
        return (Vec::new(), None);
    }
    // `Tokenisation (Task 2); sandbox keys from the bank`: each part that
    // names a task is an edge, each other part a prerequisite.
    let mut numbers = Vec::new();
    let mut prerequisites: Option<String> = None;
    for part in trimmed.split(';').map(str::trim).filter(|part| !part.is_empty()) {
        if push_task_numbers(part, &mut numbers) == 0 {
            let outside = prerequisites.get_or_insert_with(String::new);
            if !outside.is_empty() {
                outside.push_str("; ");
            }
            outside.push_str(part);
        }
    }
    (numbers, prerequisites)
}

/// Adds the `N` of every `Task N` (or `task #N`) in `text` to `numbers`,
/// each once; returns how many `Task N` the text names.
fn push_task_numbers(text: &str, numbers: &mut Vec<u32>) -> usize {
    let bytes = text.as_bytes();
    let mut named = 0;
    let mut from = 0;
    while let Some(at) = bytes[from..].windows(4).position(|word| word.eq_ignore_ascii_case(b"task")) {
        let start = from + at;
        from = start + 4;
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let rest = text[from..].trim_start_matches([' ', '#']);
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let (true, Ok(number)) = (before_ok, rest[..digits].parse::<u32>()) {
            named += 1;
            if !numbers.contains(&number) {
                numbers.push(number);
            }
        }
    }
    named
}

/// Dependencies become task numbers; a number no section has is a problem.
fn resolve_numbers(tasks: &mut [MarkdownTask], problems: &mut Vec<MarkdownProblem>) {
    let known: rustc_hash::FxHashSet<u32> = tasks.iter().map(|task| task.number).collect();
    for task in tasks.iter_mut() {
        let (numbers, prerequisites) = task_references(&task.dependencies);
        for number in &numbers {
            if !known.contains(number) {
                problems.push(MarkdownProblem {
                    line: task.line,
                    message: format!("{} depends on Task {number}, which is not in the plan", task.id),
                });
            }
        }
        task.depends_on = numbers;
        task.prerequisites = prerequisites;
    }
}

impl StatusLine {
    /// The line's value as the document's own template writes it:
    /// `Done — 2026-12-02 — note (initials)`.
    pub fn render(word: &str, date: NaiveDate, note: &str, by: &str) -> String {
        let note = note.trim();
        let by = by.trim();
        let mut value = format!("{word} — {date}");
        if !note.is_empty() {
            value.push_str(&format!(" — {note}"));
        }
        if !by.is_empty() {
            value.push_str(&format!(" ({by})"));
        }
        value
    }
}

/// The words the document's own template uses for each status.
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Todo => "To Do",
        Status::InProgress => "In Progress",
        Status::Blocked => "Blocked",
        Status::Deferred => "Deferred",
        Status::Completed => "Done",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTION: &str = "Detailed tasks\n\nTask 5 — Fix database migration issues for SQLite and Postgres\n\n\
- ID: T5\n- Owner (R/A): backend / data\n- Target: 2025-10-20\n- Steps:\n  1. Investigate.\n  1. Re-run.\n\
- Dependencies: None.\n- Acceptance criteria: `alembic upgrade head` succeeds\n  on both.\n\
- Status: In Progress — 2025-10-14 — error reproduced; fix pending (backend)\n\n\
Task 6 — ChatKit rollout validation\n\n- ID: T6\n- Owner (R/A): product / backend\n\
- Dependencies: Stable auth deployment (Task 1), Task 5 script.\n- Status: To Do\n\nCommunications\n\n- Weekly sync\n";

    #[test]
    fn a_section_yields_every_field_of_the_task() {
        let plan = MarkdownPlan::parse(SECTION.to_owned());
        let t5 = &plan.tasks[0];
        assert_eq!(
            (t5.number, t5.id.as_str(), t5.title.as_str()),
            (5, "T5", "Fix database migration issues for SQLite and Postgres")
        );
        assert_eq!(t5.owners, ["backend", "data"]);
        assert_eq!(t5.target.valid(), NaiveDate::from_ymd_opt(2025, 10, 20));
        assert_eq!(t5.steps, ["Investigate.", "Re-run."]);
        assert_eq!(t5.acceptance, "`alembic upgrade head` succeeds on both.");
        assert!(t5.depends_on.is_empty() && t5.prerequisites.is_none());
        let status = t5.status.as_ref().unwrap();
        assert_eq!(status.status, Ok(Status::InProgress));
        assert_eq!(status.date.valid(), NaiveDate::from_ymd_opt(2025, 10, 14));
        assert_eq!((status.note.as_str(), status.by.as_deref()), ("error reproduced; fix pending", Some("backend")));
        assert_eq!(
            &SECTION[status.field.value.clone()],
            "In Progress — 2025-10-14 — error reproduced; fix pending (backend)"
        );
    }

    #[test]
    fn task_numbers_in_free_text_are_dependencies_and_the_rest_prerequisites() {
        assert_eq!(task_references("Task 1."), (vec![1], None));
        assert_eq!(task_references("Task 4 script for accuracy."), (vec![4], None));
        assert_eq!(task_references("Stable auth deployment (Task 1)."), (vec![1], None));
        assert_eq!(task_references("None."), (vec![], None));
        assert_eq!(
            task_references("Tokenisation (Task 2); sandbox keys from the bank."),
            (vec![2], Some("sandbox keys from the bank".to_owned()))
        );
        let (numbers, outside) = task_references("Heroku CLI authenticated; `HEROKU_API_KEY` exported locally.");
        assert!(numbers.is_empty());
        assert_eq!(outside.as_deref(), Some("Heroku CLI authenticated; `HEROKU_API_KEY` exported locally"));
        let plan = MarkdownPlan::parse(SECTION.to_owned());
        assert_eq!(plan.tasks[1].depends_on, [1, 5]);
        assert_eq!(plan.problems.len(), 1, "Task 1 is not in this document: {:?}", plan.problems);
        assert!(plan.problems[0].message.contains("T6 depends on Task 1"));
    }

    #[test]
    fn a_section_ends_at_text_on_the_margin() {
        let plan = MarkdownPlan::parse(SECTION.to_owned());
        assert_eq!(plan.tasks.len(), 2);
        assert_eq!(plan.tasks[1].status.as_ref().unwrap().status, Ok(Status::Todo));
    }

    #[test]
    fn steps_numbered_at_the_margin_and_bold_keys_stay_in_the_section() {
        let text = "### Task 3 — Refund API\n\n- **ID:** PAY-103\n- **Steps:**\n1. Draft\n2. Review\n- **Status:** Blocked — 2026-11-28 — bank cert (ops)\n\nRisks\n- Status: not a task's\n";
        let plan = MarkdownPlan::parse(text.to_owned());
        assert_eq!(plan.tasks.len(), 1, "{:?}", plan.problems);
        let task = &plan.tasks[0];
        assert_eq!(task.id.as_str(), "PAY-103");
        assert_eq!(task.steps, ["Draft", "Review"]);
        let status = task.status.as_ref().expect("status line");
        assert_eq!(
            (status.word.as_str(), status.note.as_str(), status.by.as_deref()),
            ("Blocked", "bank cert", Some("ops"))
        );
    }

    #[test]
    fn problems_are_found_at_their_lines() {
        let text = "Task 1 — No id\n\n- Owner: ops\n- Status: Done\n\nTask 2 — Odd\n\n- ID: T2\n- Target: 2025-13-40\n\
- Status: Finished — 2025-10-14\n";
        let plan = MarkdownPlan::parse(text.to_owned());
        let found: Vec<(u32, &str)> = plan.problems.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(found[0], (1, "section `Task 1 — No id` has no `- ID:` line"));
        assert!(found[1].0 == 9 && found[1].1.contains("target \"2025-13-40\" is not a date"), "{found:?}");
        assert!(found[2].0 == 10 && found[2].1.contains("\"Finished\""), "{found:?}");
        assert_eq!(plan.tasks.len(), 1);
    }

    #[test]
    fn a_status_line_is_rewritten_alone_and_line_endings_stay() {
        let text = "Task 4 — Automate\r\n\r\n- ID: T4\r\n- Status: To Do\r\n\r\nNext\r\n";
        let plan = MarkdownPlan::parse(text.to_owned());
        let field = &plan.tasks[0].status.as_ref().unwrap().field;
        let value = StatusLine::render("Done", NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(), "", "dana");
        let edited = plan.with_value(field, &value);
        assert_eq!(edited, "Task 4 — Automate\r\n\r\n- ID: T4\r\n- Status: Done — 2026-12-02 (dana)\r\n\r\nNext\r\n");
    }
}
