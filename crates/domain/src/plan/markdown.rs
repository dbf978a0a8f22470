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

use super::milestones::{Milestone, MilestoneForm, parse_milestones};
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

/// One line of the document: its number, and its bytes without the line
/// terminator.
#[derive(Debug, Clone, Copy)]
struct Line {
    number: u32,
    start: usize,
    end: usize,
}

fn lines(text: &str) -> Vec<Line> {
    let mut found = Vec::with_capacity(text.len() / 32);
    let mut start = 0;
    let mut number = 1;
    for (at, byte) in text.bytes().enumerate() {
        if byte == b'\n' {
            let end = if at > start && text.as_bytes()[at - 1] == b'\r' { at - 1 } else { at };
            found.push(Line { number, start, end });
            start = at + 1;
            number += 1;
        }
    }
    if start < text.len() {
        let end = if text.ends_with('\r') { text.len() - 1 } else { text.len() };
        found.push(Line { number, start, end });
    }
    found
}

impl MarkdownPlan {
    pub fn parse(text: String) -> MarkdownPlan {
        let all = lines(&text);
        let mut reader = SectionReader { text: &text, tasks: Vec::new(), problems: Vec::new() };
        let mut index = 0;
        while index < all.len() {
            index = match task_heading(line_text(&text, all[index])) {
                Some((number, title)) => reader.section(&all, index, number, title),
                None => index + 1,
            };
        }
        let SectionReader { mut tasks, mut problems, .. } = reader;
        resolve_numbers(&mut tasks, &mut problems);
        let milestones = parse_milestones(&text);
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
fn task_heading(line: &str) -> Option<(u32, String)> {
    let rest = line.trim_start().trim_start_matches('#').trim_start();
    let rest = rest.strip_prefix("Task ").or_else(|| rest.strip_prefix("task "))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let number = digits.parse::<u32>().ok()?;
    let rest = rest[digits.len()..].trim_start();
    let title = rest.strip_prefix(['—', '–', '-', ':'])?.trim();
    (!title.is_empty()).then(|| (number, title.trim_end_matches(['*', '#']).trim().to_owned()))
}

struct SectionReader<'a> {
    text: &'a str,
    tasks: Vec<MarkdownTask>,
    problems: Vec<MarkdownProblem>,
}

/// A `- Key: value` line at the top of a section.
struct Bullet<'a> {
    key: String,
    value: &'a str,
    field: Field,
}

impl<'a> SectionReader<'a> {
    /// Reads the section whose heading is `all[heading]`; returns the index
    /// of the first line after it.
    fn section(&mut self, all: &[Line], heading: usize, number: u32, title: String) -> usize {
        let mut fields: Vec<(Bullet<'a>, Vec<&'a str>)> = Vec::new();
        let mut index = heading + 1;
        while let Some(&line) = all.get(index) {
            let text = line_text(self.text, line);
            if task_heading(text).is_some() || ends_section(text) {
                break;
            }
            match bullet(self.text, line) {
                Some(found) => fields.push((found, Vec::new())),
                None if !text.trim().is_empty() => {
                    if let Some((_, more)) = fields.last_mut() {
                        more.push(text.trim());
                    }
                }
                None => {}
            }
            index += 1;
        }
        self.task(all[heading].number, number, title, fields);
        index
    }

    fn task(&mut self, line: u32, number: u32, title: String, fields: Vec<(Bullet<'a>, Vec<&'a str>)>) {
        // `None`: no `- ID:` line; `Some(None)`: one that is no task id.
        let mut id: Option<Option<TaskId>> = None;
        let (mut owners, mut owner_field, mut target, mut steps) = (Vec::new(), None, Cell::Empty, Vec::new());
        let (mut dependencies, mut acceptance, mut status) = (String::new(), String::new(), None);
        for (bullet, more) in fields {
            match bullet.key.as_str() {
                "id" => id = Some(self.id(&bullet)),
                "owner" | "owners" | "owner (r/a)" | "owners (r/a)" | "responsible" => {
                    owners = split_owners(bullet.value);
                    owner_field = Some(bullet.field);
                }
                "target" | "target date" | "due" => target = self.date(bullet.value, bullet.field.line, "target"),
                "steps" => steps = more.iter().map(|step| strip_item_marker(step).to_owned()).collect(),
                "dependencies" | "depends on" => dependencies = joined(bullet.value, &more),
                "acceptance criteria" | "acceptance" => acceptance = joined(bullet.value, &more),
                "status" => status = Some(self.status(bullet)),
                _ => {}
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
        let mut parts = split_dashes(bullet.value);
        let word = parts.first().map(|w| w.trim().to_owned()).unwrap_or_default();
        parts.drain(..parts.len().min(1));
        let status = word.parse::<Status>();
        if let Err(unknown) = &status {
            self.problem(
                bullet.field.line,
                format!("status {:?} is not one of To Do, In Progress, Done, Blocked, Deferred", unknown.0),
            );
        }
        let looks_like_date = parts.first().is_some_and(|p| p.trim().starts_with(|c: char| c.is_ascii_digit()));
        let date = if looks_like_date {
            let raw = parts.remove(0);
            self.date(raw, bullet.field.line, "status date")
        } else {
            Cell::Empty
        };
        let rest = parts.join(" — ");
        let (note, by) = split_by(rest.trim());
        StatusLine { field: bullet.field, word, status, date, note, by }
    }

    fn problem(&mut self, line: u32, message: String) {
        self.problems.push(MarkdownProblem { line, message });
    }
}

/// A line at the left margin that is neither a bullet nor blank ends a
/// section (`Communications & Reporting`, a heading).
/// Text at the left margin that is not a list item: a heading or a
/// paragraph ends the task section. Numbered steps written at the margin
/// (`1. Draft the schema`) are still the section's.
fn ends_section(line: &str) -> bool {
    let starts_at_margin = line.starts_with(|c: char| !c.is_whitespace());
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let numbered = digits > 0 && line[digits..].starts_with(['.', ')']);
    starts_at_margin && !numbered && !line.starts_with(['-', '*', '+']) && !line.trim().is_empty()
}

/// `- Key: value` at the left margin (or one space in).
fn bullet(text: &str, line: Line) -> Option<Bullet<'_>> {
    let raw = line_text(text, line);
    let indent = raw.len() - raw.trim_start().len();
    if indent > 1 {
        return None;
    }
    let rest = raw.trim_start().strip_prefix(['-', '*', '+'])?.strip_prefix(' ')?;
    let colon = rest.find(':')?;
    let key = rest[..colon].trim().trim_matches('*').trim().to_ascii_lowercase();
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

fn joined(first: &str, more: &[&str]) -> String {
    let mut all = vec![first.trim()];
    all.extend(more.iter().map(|line| line.trim()));
    all.retain(|part| !part.is_empty());
    all.join(" ")
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

/// The parts of `In Progress — 2025-10-14 — note (backend)`, split at em
/// or en dashes with spaces around them.
fn split_dashes(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = value;
    while let Some((at, len)) = [" — ", " – ", " - "].iter().filter_map(|d| rest.find(d).map(|at| (at, d.len()))).min()
    {
        parts.push(&rest[..at]);
        rest = &rest[at + len..];
    }
    parts.push(rest);
    parts
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
    let mut prerequisites = Vec::new();
    for part in trimmed.split(';').map(str::trim).filter(|part| !part.is_empty()) {
        let found = task_numbers(part);
        if found.is_empty() {
            prerequisites.push(part);
        }
        for number in found {
            if !numbers.contains(&number) {
                numbers.push(number);
            }
        }
    }
    (numbers, (!prerequisites.is_empty()).then(|| prerequisites.join("; ")))
}

/// The `N`s of every `Task N` (or `task #N`) in `text`.
fn task_numbers(text: &str) -> Vec<u32> {
    let mut numbers = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("task") {
        let start = from + at;
        let before_ok = start == 0 || !lower.as_bytes()[start - 1].is_ascii_alphanumeric();
        let rest = lower[start + 4..].trim_start_matches([' ', '#']);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if before_ok && !digits.is_empty() {
            if let Ok(number) = digits.parse::<u32>() {
                if !numbers.contains(&number) {
                    numbers.push(number);
                }
            }
        }
        from = start + 4;
    }
    numbers
}

/// Dependencies become task numbers; a number no section has is a problem.
fn resolve_numbers(tasks: &mut [MarkdownTask], problems: &mut Vec<MarkdownProblem>) {
    let known: Vec<u32> = tasks.iter().map(|task| task.number).collect();
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
