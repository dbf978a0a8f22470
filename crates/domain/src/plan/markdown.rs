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

use std::iter::Peekable;
use std::ops::Range;

use chrono::NaiveDate;

use super::lines::{Line, Lines};
use super::milestones::{Milestone, MilestoneForm, MilestoneReader};
use super::task::{Cell, parse_iso_date};
use super::{Column, Status, TaskId, UnknownStatus};

/// A value on one line of the document: where it is, to rewrite it alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// 1-based line.
    pub line: u32,
    /// Bytes of the value, after `Key:` and its spaces, up to the line's
    /// end (its `\r` excluded); `u32`, as a plan is at most `MAX_PLAN_BYTES`.
    start: u32,
    end: u32,
}

impl Field {
    /// Bytes of the value in the document.
    pub fn value(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Text a section holds: bytes of the document itself, or of the values
/// the reader composed (a value continued over several lines, joined). A
/// section's text is not copied out of the document: a plan of ten
/// thousand sections is read without a string per field. Eight bytes, as
/// a section holds a dozen: offsets are `u32` (a plan is at most
/// `MAX_PLAN_BYTES`), and the high bit of `start` says which buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Span {
    start: u32,
    end: u32,
}

/// The high bit of a [`Span`]'s start: the bytes are the composed buffer's.
const COMPOSED: u32 = 1 << 31;

impl Span {
    /// Bytes `start..end` of the document, or of the composed buffer; an
    /// empty span if they lie beyond what a span can say.
    fn new(start: usize, end: usize, composed: bool) -> Span {
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(start), Ok(end)) if start < COMPOSED && end < COMPOSED => {
                Span { start: if composed { start | COMPOSED } else { start }, end }
            }
            _ => Span::default(),
        }
    }

    fn composed(self) -> bool {
        self.start & COMPOSED != 0
    }

    fn range(self) -> Range<usize> {
        (self.start & !COMPOSED) as usize..self.end as usize
    }

    /// `part` (bytes of this span's text) as a span of the same buffer.
    fn part(self, part: Range<usize>) -> Span {
        let start = self.range().start;
        Span::new(start + part.start, start + part.end, self.composed())
    }
}

/// `Status: In Progress — 2025-10-14 — error reproduced (backend)`.
#[derive(Debug, Clone, PartialEq)]
struct StatusSpans {
    field: Field,
    word: Span,
    status: Result<Status, UnknownStatus>,
    date: Cell<NaiveDate>,
    /// The date as written (valid or not).
    date_text: Span,
    /// Everything after the status word: `2025-10-14 — note (backend)`.
    after_word: Span,
    note: Span,
    by: Option<Span>,
}

/// One `Task N — title` section, as read; [`Section`] shows its text.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownTask {
    /// The `N` of `Task N`, which dependencies refer to.
    pub number: u32,
    pub id: TaskId,
    /// The line of the `Task N — …` heading.
    pub line: u32,
    title: Span,
    owners: Span,
    owner_field: Option<Field>,
    target: Cell<NaiveDate>,
    /// The lines under `- Steps:`, read into steps when asked for (cards
    /// show them; a load does not need them).
    steps: Span,
    dependencies: Span,
    /// Indexes into the plan's list of task numbers depended on.
    depends_on: Range<u32>,
    prerequisites: Option<Span>,
    acceptance: Span,
    status: Option<StatusSpans>,
}

/// A section with its text: what a card, an edit or the plan's rows read.
#[derive(Debug, Clone, Copy)]
pub struct Section<'a> {
    plan: &'a MarkdownPlan,
    task: &'a MarkdownTask,
}

/// A section's `- Status:` line.
#[derive(Debug, Clone, Copy)]
pub struct StatusLine<'a> {
    pub field: &'a Field,
    /// The status as written (`In Progress`).
    pub word: &'a str,
    pub status: &'a Result<Status, UnknownStatus>,
    pub date: &'a Cell<NaiveDate>,
    pub note: &'a str,
    /// Who wrote it: the initials or role in the closing parentheses.
    pub by: Option<&'a str>,
}

impl<'a> Section<'a> {
    pub fn number(&self) -> u32 {
        self.task.number
    }

    pub fn id(&self) -> &'a TaskId {
        &self.task.id
    }

    pub fn title(&self) -> &'a str {
        self.plan.str(self.task.title)
    }

    /// Owner roles (`backend / data` is two; `backend lead` is one).
    pub fn owners(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        owner_roles(self.plan.str(self.task.owners))
    }

    pub fn owner_field(&self) -> Option<&'a Field> {
        self.task.owner_field.as_ref()
    }

    pub fn target(&self) -> &'a Cell<NaiveDate> {
        &self.task.target
    }

    pub fn steps(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let lines = self.plan.str(self.task.steps).lines();
        lines.map(TrimText::trim_text).filter(|line| !line.is_empty()).map(strip_item_marker)
    }

    /// As written (`Task 4 script for accuracy`).
    pub fn dependencies(&self) -> &'a str {
        self.plan.str(self.task.dependencies)
    }

    /// The `N`s of the `Task N` the dependencies name.
    pub fn depends_on(&self) -> &'a [u32] {
        self.plan.depends_on.get(widen(&self.task.depends_on)).unwrap_or_default()
    }

    /// The sections (by index) of the tasks the dependencies name: the
    /// first section with each number, as a reader of the document finds it.
    pub(crate) fn dependency_sections(&self) -> impl Iterator<Item = usize> + use<'a> {
        let sections = self.plan.dependency_sections.get(widen(&self.task.depends_on)).unwrap_or_default();
        sections.iter().filter(|&&section| section != NO_SECTION).map(|&section| section as usize)
    }

    /// Dependencies that are no task (`Heroku CLI authenticated`).
    pub fn prerequisites(&self) -> Option<&'a str> {
        self.task.prerequisites.map(|span| self.plan.str(span))
    }

    pub fn acceptance(&self) -> &'a str {
        self.plan.str(self.task.acceptance)
    }

    /// The section as a row of the CSV's schema, so that every question
    /// reads both forms alike: owners as written, the status word, the ids
    /// of the tasks depended on, the acceptance criteria as verification,
    /// what follows the status word as notes. Read on demand from the
    /// document: a loaded plan holds no second copy of its sections.
    pub(crate) fn cell(&self, column: Column) -> &'a str {
        let plan = self.plan;
        let status = self.task.status.as_ref();
        match column {
            Column::Id => self.task.id.as_str(),
            Column::Task => self.title(),
            Column::Owner => plan.str(self.task.owners).trim_end_matches('.').trim_text(),
            Column::Status => status.map_or("To Do", |status| plan.str(status.word)),
            Column::Dependencies => self.dependencies(),
            Column::CompletionDate => match status {
                Some(status) if status.status == Ok(Status::Completed) && status.date.valid().is_some() => {
                    plan.str(status.date_text)
                }
                _ => "",
            },
            Column::Verification => self.acceptance(),
            Column::Notes => status.map_or("", |status| plan.str(status.after_word)),
            Column::Phase | Column::Priority | Column::EstimatedHours | Column::Artifacts | Column::CodexHints => "",
        }
    }

    /// The status as read, `To Do` when the section has no status line.
    pub(crate) fn status_value(&self) -> Result<Status, UnknownStatus> {
        self.task.status.as_ref().map_or(Ok(Status::Todo), |status| status.status.clone())
    }

    /// The day a `Done` section was completed, from its status line.
    pub(crate) fn completed_on(&self) -> Cell<NaiveDate> {
        match self.task.status.as_ref() {
            Some(status) if status.status == Ok(Status::Completed) => match status.date.valid() {
                Some(date) => Cell::Valid(date),
                None => Cell::Empty,
            },
            _ => Cell::Empty,
        }
    }

    pub fn status(&self) -> Option<StatusLine<'a>> {
        let plan = self.plan;
        self.task.status.as_ref().map(|status| StatusLine {
            field: &status.field,
            word: plan.str(status.word),
            status: &status.status,
            date: &status.date,
            note: plan.str(status.note),
            by: status.by.map(|by| plan.str(by)),
        })
    }
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
    /// Values continued over several lines, joined.
    composed: String,
    /// Every section's task numbers depended on, in order.
    depends_on: Vec<u32>,
    /// For each of `depends_on`, the first section with that number, or
    /// [`NO_SECTION`].
    dependency_sections: Vec<u32>,
    pub tasks: Vec<MarkdownTask>,
    pub milestones: Vec<Milestone>,
    pub problems: Vec<MarkdownProblem>,
}

impl MarkdownPlan {
    pub fn parse(text: String) -> MarkdownPlan {
        let mut reader = SectionReader {
            text: &text,
            tasks: Vec::new(),
            problems: Vec::new(),
            fields: Vec::new(),
            composed: String::new(),
        };
        // One pass: each line is a task section's or the milestones reader's.
        let mut milestones = MilestoneReader::default();
        let mut lines = Lines::new(&text).peekable();
        while let Some(line) = lines.next() {
            match task_heading(line_text(&text, line)) {
                Some((number, title)) => {
                    let title = reader.locate(title);
                    reader.section(&mut lines, line.number, number, title);
                    milestones.section();
                }
                None => milestones.line(&text, line),
            }
        }
        let milestones = milestones.finish();
        let SectionReader { tasks, problems, composed, .. } = reader;
        let mut plan = MarkdownPlan {
            text,
            composed,
            depends_on: Vec::new(),
            dependency_sections: Vec::new(),
            tasks,
            milestones,
            problems,
        };
        plan.resolve_numbers();
        plan
    }

    /// The section `index` (in the document's order).
    pub fn section(&self, index: usize) -> Option<Section<'_>> {
        self.tasks.get(index).map(|task| Section { plan: self, task })
    }

    pub fn sections(&self) -> impl Iterator<Item = Section<'_>> {
        self.tasks.iter().map(|task| Section { plan: self, task })
    }

    fn str(&self, span: Span) -> &str {
        text_of(&self.text, &self.composed, span)
    }

    /// Dependencies become task numbers, each the first section with it;
    /// a number no section has is a problem; the rest are prerequisites.
    fn resolve_numbers(&mut self) {
        let first_with = FirstWithNumber::of(&self.tasks);
        let MarkdownPlan { text, composed, depends_on, dependency_sections, tasks, problems, .. } = self;
        for task in tasks.iter_mut() {
            let first = depends_on.len();
            let found = task_references(text_of(text, composed, task.dependencies), depends_on);
            task.prerequisites = match found {
                Some(Prerequisites::Part(part)) => Some(task.dependencies.part(part)),
                Some(Prerequisites::Joined(joined)) => Some(compose(composed, &joined)),
                None => None,
            };
            task.depends_on = narrow(first)..narrow(depends_on.len());
            for &number in &depends_on[first..] {
                let section = first_with.get(number);
                if section == NO_SECTION {
                    problems.push(MarkdownProblem {
                        line: task.line,
                        message: format!("{} depends on Task {number}, which is not in the plan", task.id),
                    });
                }
                dependency_sections.push(section);
            }
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The document with one field's value replaced, every other byte kept.
    pub fn with_value(&self, field: &Field, value: &str) -> String {
        let mut text = String::with_capacity(self.text.len() + value.len());
        text.push_str(&self.text[..field.value().start]);
        text.push_str(value);
        text.push_str(&self.text[field.value().end..]);
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

/// No section has the number.
const NO_SECTION: u32 = u32::MAX;

/// The first section with each task number. Plans number their tasks
/// from 1 up, so a table indexed by number serves nearly always (a map
/// when the numbers are too sparse for one): every dependency of every
/// section is looked up here at load.
enum FirstWithNumber {
    Dense(Vec<u32>),
    Sparse(rustc_hash::FxHashMap<u32, u32>),
}

impl FirstWithNumber {
    fn of(tasks: &[MarkdownTask]) -> FirstWithNumber {
        let largest = tasks.iter().map(|task| task.number as usize).max().unwrap_or(0);
        // Section indexes are `u32`: a plan of `MAX_PLAN_BYTES` has fewer.
        let index = |index: usize| u32::try_from(index).unwrap_or(NO_SECTION);
        if largest <= tasks.len().saturating_mul(4) + 64 {
            let mut first = vec![NO_SECTION; largest + 1];
            for (at, task) in tasks.iter().enumerate().rev() {
                first[task.number as usize] = index(at);
            }
            return FirstWithNumber::Dense(first);
        }
        let mut first = rustc_hash::FxHashMap::default();
        for (at, task) in tasks.iter().enumerate() {
            first.entry(task.number).or_insert(index(at));
        }
        FirstWithNumber::Sparse(first)
    }

    /// The first section with `number`, or [`NO_SECTION`].
    fn get(&self, number: u32) -> u32 {
        let found = match self {
            FirstWithNumber::Dense(first) => first.get(number as usize),
            FirstWithNumber::Sparse(first) => first.get(&number),
        };
        found.copied().unwrap_or(NO_SECTION)
    }
}

/// `str::trim` and its halves, with ASCII whitespace (nearly all there
/// is) taken off first without decoding characters: every line of the
/// plan is trimmed.
trait TrimText {
    fn trim_text(&self) -> &str;
    fn trim_text_start(&self) -> &str;
    fn trim_text_end(&self) -> &str;
}

impl TrimText for str {
    fn trim_text(&self) -> &str {
        self.trim_text_start().trim_text_end()
    }

    fn trim_text_start(&self) -> &str {
        let trimmed = self.trim_ascii_start();
        if trimmed.as_bytes().first().is_some_and(|first| !first.is_ascii()) { trimmed.trim_start() } else { trimmed }
    }

    fn trim_text_end(&self) -> &str {
        let trimmed = self.trim_ascii_end();
        if trimmed.as_bytes().last().is_some_and(|last| !last.is_ascii()) { trimmed.trim_end() } else { trimmed }
    }
}

/// Indexes into a plan's lists are `u32`: a plan of `MAX_PLAN_BYTES` has
/// fewer entries (an index past it reads as an empty list).
fn narrow(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

fn widen(range: &Range<u32>) -> Range<usize> {
    range.start as usize..range.end as usize
}

fn text_of<'t>(text: &'t str, composed: &'t str, span: Span) -> &'t str {
    let from = if span.composed() { composed } else { text };
    from.get(span.range()).unwrap_or_default()
}

fn line_text(text: &str, line: Line) -> &str {
    &text[line.start()..line.end()]
}

/// `Task 5 — Fix database migration issues` (a heading or a plain line;
/// an em dash, en dash or hyphen between).
fn task_heading(line: &str) -> Option<(u32, &str)> {
    // Most lines start otherwise: leave them at their first letter.
    let first = line.bytes().find(|b| !matches!(b, b' ' | b'\t' | b'#'))?;
    if !matches!(first, b'T' | b't') {
        return None;
    }
    let rest = line.trim_ascii_start();
    let rest = rest[rest.bytes().take_while(|&b| b == b'#').count()..].trim_ascii_start();
    let rest = rest.strip_prefix("Task ").or_else(|| rest.strip_prefix("task "))?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let number = rest[..digits].parse::<u32>().ok()?;
    let rest = rest[digits..].trim_text_start();
    // An em dash, an en dash (both three bytes), a hyphen or a colon.
    let dash = match rest.as_bytes() {
        [0xE2, 0x80, 0x94 | 0x93, ..] => 3,
        [b'-' | b':', ..] => 1,
        _ => return None,
    };
    let title = rest[dash..].trim_text();
    let title = &title[..title.len() - title.bytes().rev().take_while(|b| matches!(b, b'*' | b'#')).count()];
    (!title.is_empty()).then(|| (number, title.trim_text_end()))
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
    /// The key a field's name (as written, any case) means. Every line of
    /// a section names one: matched by length first, then compared once.
    fn of(written: &str) -> Option<FieldKey> {
        let is = |name: &str| written.eq_ignore_ascii_case(name);
        let key = match written.len() {
            2 if is("id") => FieldKey::Id,
            3 if is("due") => FieldKey::Target,
            5 if is("owner") => FieldKey::Owner,
            5 if is("steps") => FieldKey::Steps,
            6 if is("owners") => FieldKey::Owner,
            6 if is("target") => FieldKey::Target,
            6 if is("status") => FieldKey::Status,
            10 if is("acceptance") => FieldKey::Acceptance,
            10 if is("depends on") => FieldKey::Dependencies,
            11 if is("owner (r/a)") => FieldKey::Owner,
            11 if is("responsible") => FieldKey::Owner,
            11 if is("target date") => FieldKey::Target,
            12 if is("owners (r/a)") => FieldKey::Owner,
            12 if is("dependencies") => FieldKey::Dependencies,
            19 if is("acceptance criteria") => FieldKey::Acceptance,
            _ => return None,
        };
        Some(key)
    }
}

struct SectionReader<'a> {
    text: &'a str,
    tasks: Vec<MarkdownTask>,
    problems: Vec<MarkdownProblem>,
    /// The section being read: each bullet with the lines that continue
    /// it. Reused across sections.
    fields: Vec<(Bullet<'a>, Continued)>,
    composed: String,
}

/// The bytes of the lines under a bullet, from the first's start to the
/// last's end, if any.
type Continued = Option<Range<usize>>;

/// A `- Key: value` line at the top of a section.
#[derive(Clone)]
struct Bullet<'a> {
    /// As written (`Owner (R/A)`); compared ignoring case.
    key: &'a str,
    value: &'a str,
    field: Field,
}

impl<'a> SectionReader<'a> {
    /// Reads the section under the heading on line `heading`, up to the
    /// line that ends it (left in `lines`).
    fn section(&mut self, lines: &mut Peekable<Lines<'_>>, heading: u32, number: u32, title: Span) {
        let mut fields = std::mem::take(&mut self.fields);
        fields.clear();
        while let Some(&line) = lines.peek() {
            let text = line_text(self.text, line);
            if ends_section(text) || task_heading(text).is_some() {
                break;
            }
            lines.next();
            match bullet(self.text, line) {
                Some(found) => fields.push((found, None)),
                // A line that continues the bullet above (blank ones are
                // skipped when the value is read).
                None => {
                    if let Some((_, more)) = fields.last_mut() {
                        let start = more.as_ref().map_or(line.start(), |more| more.start);
                        *more = Some(start..line.end());
                    }
                }
            }
        }
        self.task(heading, number, title, &fields);
        self.fields = fields;
    }

    /// Where `part`, a slice of the document, lies in it.
    fn locate(&self, part: &str) -> Span {
        let start = part.as_ptr().addr().wrapping_sub(self.text.as_ptr().addr());
        if part.is_empty() || start + part.len() > self.text.len() {
            return Span::default();
        }
        Span::new(start, start + part.len(), false)
    }

    /// A bullet's value with the lines that continue it, if any.
    fn value(&mut self, first: &'a str, more: &Continued) -> Span {
        match more {
            // Nearly every value is one line.
            None => self.locate(first.trim_text()),
            Some(_) => self.joined(first, continued(self.text, more)),
        }
    }

    /// A value that may continue over more lines: the document's own bytes
    /// when it has one non-blank part (nearly always), else its parts
    /// joined by spaces.
    fn joined(&mut self, first: &'a str, more: impl Iterator<Item = &'a str>) -> Span {
        let mut parts = std::iter::once(first.trim_text()).chain(more).filter(|part| !part.is_empty());
        let Some(only) = parts.next() else { return Span::default() };
        let Some(second) = parts.next() else { return self.locate(only) };
        let start = self.composed.len();
        for (index, part) in [only, second].into_iter().chain(parts).enumerate() {
            if index > 0 {
                self.composed.push(' ');
            }
            self.composed.push_str(part);
        }
        Span::new(start, self.composed.len(), true)
    }

    fn task(&mut self, line: u32, number: u32, title: Span, fields: &[(Bullet<'a>, Continued)]) {
        let text = self.text;
        // `None`: no `- ID:` line; `Some(None)`: one that is no task id.
        let mut id: Option<Option<TaskId>> = None;
        let (mut owners, mut owner_field, mut target, mut steps) =
            (Span::default(), None, Cell::Empty, Span::default());
        let (mut dependencies, mut acceptance, mut status) = (Span::default(), Span::default(), None);
        for (bullet, more) in fields {
            let bullet = bullet.clone();
            match FieldKey::of(bullet.key) {
                Some(FieldKey::Id) => id = Some(self.id(&bullet)),
                Some(FieldKey::Owner) => {
                    owners = self.locate(bullet.value.trim_text());
                    owner_field = Some(bullet.field);
                }
                Some(FieldKey::Target) => target = self.date(bullet.value, bullet.field.line, "target"),
                Some(FieldKey::Steps) => steps = lines_of(more),
                Some(FieldKey::Dependencies) => dependencies = self.value(bullet.value, more),
                Some(FieldKey::Acceptance) => acceptance = self.value(bullet.value, more),
                Some(FieldKey::Status) => status = Some(self.status(bullet)),
                None => {}
            }
        }
        let id = match id {
            Some(Some(id)) => id,
            Some(None) => return,
            None => {
                let title = text_of(text, "", title);
                return self.problem(line, format!("section `Task {number} — {title}` has no `- ID:` line"));
            }
        };
        self.tasks.push(MarkdownTask {
            number,
            id,
            line,
            title,
            owners,
            owner_field,
            target,
            steps,
            dependencies,
            depends_on: 0..0,
            prerequisites: None,
            acceptance,
            status,
        });
    }

    fn id(&mut self, bullet: &Bullet<'_>) -> Option<TaskId> {
        match bullet.value.trim_text().parse::<TaskId>() {
            Ok(id) => Some(id),
            Err(error) => {
                self.problem(bullet.field.line, format!("`- ID:` {error}"));
                None
            }
        }
    }

    fn date(&mut self, raw: &str, line: u32, what: &str) -> Cell<NaiveDate> {
        let raw = raw.trim_text().trim_end_matches('.');
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

    fn status(&mut self, bullet: Bullet<'a>) -> StatusSpans {
        let (word, rest) = split_at_dash(bullet.value).unwrap_or((bullet.value, ""));
        let word = word.trim_text();
        let status = word.parse::<Status>();
        if let Err(unknown) = &status {
            self.problem(
                bullet.field.line,
                format!("status {:?} is not one of To Do, In Progress, Done, Blocked, Deferred", unknown.0),
            );
        }
        let after_word = self.locate(rest.trim_text());
        let (date, date_text, rest) = match split_at_dash(rest).unwrap_or((rest, "")) {
            (first, after) if first.trim_text().starts_with(|c: char| c.is_ascii_digit()) => {
                let date_text = self.locate(first.trim_text().trim_end_matches('.'));
                (self.date(first, bullet.field.line, "status date"), date_text, after)
            }
            _ => (Cell::Empty, Span::default(), rest),
        };
        let (note, by) = split_by(rest.trim_text());
        StatusSpans {
            field: bullet.field,
            word: self.locate(word),
            status,
            date,
            date_text,
            after_word,
            note: self.locate(note),
            by: by.map(|by| self.locate(by)),
        }
    }

    fn problem(&mut self, line: u32, message: String) {
        self.problems.push(MarkdownProblem { line, message });
    }
}

/// The bytes of the lines that continue a bullet, as one span.
fn lines_of(more: &Continued) -> Span {
    more.as_ref().map_or_else(Span::default, |more| Span::new(more.start, more.end, false))
}

/// The non-blank lines that continue a bullet, trimmed.
fn continued<'t>(text: &'t str, more: &Continued) -> impl Iterator<Item = &'t str> + use<'t> {
    let lines = more.as_ref().and_then(|more| text.get(more.clone())).unwrap_or_default().lines();
    lines.map(TrimText::trim_text).filter(|line| !line.is_empty())
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
    let key = trim_bold(&rest[..colon]);
    if key.is_empty() || key.len() > 40 {
        return None;
    }
    // `- **Status:** Done`: the closing bold marks belong to the key.
    let after = &rest[colon + 1..];
    let after = &after[after.bytes().take_while(|&b| b == b'*').count()..];
    let value = after.trim_text_start();
    let value_start = line.start() + (raw.len() - value.len());
    // Line offsets are `u32` already, and the value lies inside its line.
    let field =
        Field { line: line.number, start: u32::try_from(value_start).ok()?, end: u32::try_from(line.end()).ok()? };
    Some(Bullet { key, value: value.trim_text_end(), field })
}

/// `**Status**` → `Status`: spaces and bold marks off both ends, byte by
/// byte (both are ASCII, so every cut is a character boundary).
fn trim_bold(key: &str) -> &str {
    let strip = |b: &u8| *b == b'*' || b.is_ascii_whitespace();
    let bytes = key.as_bytes();
    let start = bytes.iter().take_while(|b| strip(b)).count();
    let end = bytes.len() - bytes[start..].iter().rev().take_while(|b| strip(b)).count();
    &key[start..end]
}

/// `1. text`, `- text`, `a) text` → `text`.
fn strip_item_marker(line: &str) -> &str {
    let line = line.trim_text();
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        if let Some(rest) = line[digits..].strip_prefix(['.', ')']) {
            return rest.trim_start();
        }
    }
    line.strip_prefix(['-', '*', '+']).map_or(line, str::trim_start)
}

/// `backend / data` is two roles; `backend lead` is one.
fn owner_roles(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(['/', ',']).map(|role| role.trim_text().trim_end_matches('.').trim_text()).filter(|role| !role.is_empty())
}

/// The text before and after the first ` — `, ` – ` or ` - `, in one pass.
fn split_at_dash(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = bytes[from..].iter().position(|&b| b == b' ') {
        let space = from + offset;
        // An em or en dash is three bytes, a hyphen one; a space follows.
        let dash = match &bytes[space + 1..] {
            [0xE2, 0x80, 0x94 | 0x93, b' ', ..] => 3,
            [b'-', b' ', ..] => 1,
            _ => 0,
        };
        if dash > 0 {
            // Both cuts are at ASCII spaces, so at character boundaries.
            return Some((&text[..space], &text[space + dash + 2..]));
        }
        from = space + 1;
    }
    None
}

/// `fix pending (backend)` → (`fix pending`, `backend`).
fn split_by(text: &str) -> (&str, Option<&str>) {
    if let Some(open) = text.rfind('(').filter(|_| text.ends_with(')')) {
        let by = text[open + 1..text.len() - 1].trim_text();
        if !by.is_empty() && by.len() <= 40 && !by.contains('(') {
            return (text[..open].trim_text(), Some(by));
        }
    }
    (text, None)
}

/// Prerequisites that are no task: one part of the dependencies text, or
/// several parts joined by `; `.
#[derive(Debug, PartialEq, Eq)]
enum Prerequisites {
    /// Bytes of the text given.
    Part(Range<usize>),
    Joined(String),
}

/// Appends `value` to the composed buffer.
fn compose(composed: &mut String, value: &str) -> Span {
    let start = composed.len();
    composed.push_str(value);
    Span::new(start, composed.len(), true)
}

/// `Task 1`, `Task 4 script for accuracy`, `Stable auth deployment (Task 1)`
/// name tasks by number (pushed onto `numbers`, each once); `None.` is
/// none; anything else is a prerequisite outside the plan.
fn task_references(text: &str, numbers: &mut Vec<u32>) -> Option<Prerequisites> {
    let first = numbers.len();
    let trimmed = text.trim_text().trim_end_matches('.');
    if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("none") || trimmed.eq_ignore_ascii_case("n/a") {
        return None;
    }
    // `Tokenisation (Task 2); sandbox keys from the bank`: each part that
    // names a task is an edge, each other part a prerequisite.
    let mut outside: Option<Prerequisites> = None;
    for part in trimmed.split(';').map(str::trim).filter(|part| !part.is_empty()) {
        if push_task_numbers(part, numbers, first) > 0 {
            continue;
        }
        outside = Some(match outside {
            None => {
                let start = part.as_ptr().addr() - text.as_ptr().addr();
                Prerequisites::Part(start..start + part.len())
            }
            Some(Prerequisites::Part(range)) => Prerequisites::Joined(format!("{}; {part}", &text[range])),
            Some(Prerequisites::Joined(mut joined)) => {
                joined.push_str("; ");
                joined.push_str(part);
                Prerequisites::Joined(joined)
            }
        });
    }
    outside
}

/// Adds the `N` of every `Task N` (or `task #N`) in `text` to `numbers`,
/// once among those from `first` on; returns how many `Task N` the text
/// names.
fn push_task_numbers(text: &str, numbers: &mut Vec<u32>, first: usize) -> usize {
    let bytes = text.as_bytes();
    let mut named = 0;
    let mut from = 0;
    // Jump from one `t` to the next rather than comparing every window.
    while let Some(at) = memchr::memchr2(b't', b'T', &bytes[from..]) {
        let start = from + at;
        from = start + 1;
        if !bytes.get(start..start + 4).is_some_and(|word| word.eq_ignore_ascii_case(b"task")) {
            continue;
        }
        from = start + 4;
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let rest = text[from..].trim_start_matches([' ', '#']);
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let (true, Ok(number)) = (before_ok, rest[..digits].parse::<u32>()) {
            named += 1;
            if !numbers[first..].contains(&number) {
                numbers.push(number);
            }
        }
    }
    named
}

impl StatusLine<'_> {
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
        let t5 = plan.section(0).unwrap();
        assert_eq!(
            (t5.number(), t5.id().as_str(), t5.title()),
            (5, "T5", "Fix database migration issues for SQLite and Postgres")
        );
        assert_eq!(t5.owners().collect::<Vec<_>>(), ["backend", "data"]);
        assert_eq!(t5.target().valid(), NaiveDate::from_ymd_opt(2025, 10, 20));
        assert_eq!(t5.steps().collect::<Vec<_>>(), ["Investigate.", "Re-run."]);
        assert_eq!(t5.acceptance(), "`alembic upgrade head` succeeds on both.");
        assert!(t5.depends_on().is_empty() && t5.prerequisites().is_none());
        let status = t5.status().unwrap();
        assert_eq!(*status.status, Ok(Status::InProgress));
        assert_eq!(status.date.valid(), NaiveDate::from_ymd_opt(2025, 10, 14));
        assert_eq!((status.note, status.by), ("error reproduced; fix pending", Some("backend")));
        assert_eq!(
            &SECTION[status.field.value()],
            "In Progress — 2025-10-14 — error reproduced; fix pending (backend)"
        );
    }

    #[test]
    fn task_numbers_in_free_text_are_dependencies_and_the_rest_prerequisites() {
        let references = |text: &str| {
            let mut numbers = Vec::new();
            let outside = match task_references(text, &mut numbers) {
                Some(Prerequisites::Part(part)) => Some(text[part].to_owned()),
                Some(Prerequisites::Joined(joined)) => Some(joined),
                None => None,
            };
            (numbers, outside)
        };
        assert_eq!(references("Task 1."), (vec![1], None));
        assert_eq!(references("Task 4 script for accuracy."), (vec![4], None));
        assert_eq!(references("Stable auth deployment (Task 1)."), (vec![1], None));
        assert_eq!(references("None."), (vec![], None));
        assert_eq!(
            references("Tokenisation (Task 2); sandbox keys from the bank."),
            (vec![2], Some("sandbox keys from the bank".to_owned()))
        );
        let (numbers, outside) = references("Heroku CLI authenticated; `HEROKU_API_KEY` exported locally.");
        assert!(numbers.is_empty());
        assert_eq!(outside.as_deref(), Some("Heroku CLI authenticated; `HEROKU_API_KEY` exported locally"));
        assert_eq!(references("Task 2; keys; a bank cert"), (vec![2], Some("keys; a bank cert".to_owned())));
        let plan = MarkdownPlan::parse(SECTION.to_owned());
        assert_eq!(plan.section(1).unwrap().depends_on(), [1, 5]);
        assert_eq!(plan.problems.len(), 1, "Task 1 is not in this document: {:?}", plan.problems);
        assert!(plan.problems[0].message.contains("T6 depends on Task 1"));
    }

    #[test]
    fn a_section_ends_at_text_on_the_margin() {
        let plan = MarkdownPlan::parse(SECTION.to_owned());
        assert_eq!(plan.tasks.len(), 2);
        assert_eq!(*plan.section(1).unwrap().status().unwrap().status, Ok(Status::Todo));
    }

    #[test]
    fn steps_numbered_at_the_margin_and_bold_keys_stay_in_the_section() {
        let text = "### Task 3 — Refund API\n\n- **ID:** PAY-103\n- **Steps:**\n1. Draft\n2. Review\n- **Status:** Blocked — 2026-11-28 — bank cert (ops)\n\nRisks\n- Status: not a task's\n";
        let plan = MarkdownPlan::parse(text.to_owned());
        assert_eq!(plan.tasks.len(), 1, "{:?}", plan.problems);
        let task = plan.section(0).unwrap();
        assert_eq!(task.id().as_str(), "PAY-103");
        assert_eq!(task.steps().collect::<Vec<_>>(), ["Draft", "Review"]);
        let status = task.status().expect("status line");
        assert_eq!((status.word, status.note, status.by), ("Blocked", "bank cert", Some("ops")));
    }

    #[test]
    fn a_value_continued_over_lines_is_read_as_one_and_its_parts_found() {
        let text = "Task 7 — Cut over\n\n- ID: T7\n- Dependencies: Task 5;\n  bank sandbox keys;\n  a signed cert\n- Status: To Do\n";
        let plan = MarkdownPlan::parse(text.to_owned());
        let task = plan.section(0).unwrap();
        assert_eq!(task.dependencies(), "Task 5; bank sandbox keys; a signed cert");
        assert_eq!(task.depends_on(), [5]);
        assert_eq!(task.prerequisites(), Some("bank sandbox keys; a signed cert"));
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
    fn a_status_line_splits_at_any_spaced_dash() {
        assert_eq!(split_at_dash("Done — 2025-10-14 — shipped"), Some(("Done", "2025-10-14 — shipped")));
        assert_eq!(split_at_dash("In Progress – 2025-10-14"), Some(("In Progress", "2025-10-14")));
        assert_eq!(split_at_dash("To Do - later"), Some(("To Do", "later")));
        assert_eq!(split_at_dash("re-run the e2e suite —"), None);
        assert_eq!(split_at_dash("ends with a dash -"), None);
    }

    #[test]
    fn task_headings_are_read_in_the_forms_people_write() {
        assert_eq!(task_heading("### Task 3 — Refund API"), Some((3, "Refund API")));
        assert_eq!(task_heading("**Task 12: Cut over**"), None, "bold before the word is not a heading");
        assert_eq!(task_heading("## Task 12: Cut over **"), Some((12, "Cut over")));
        assert_eq!(task_heading("task 4 – en dash"), Some((4, "en dash")));
        assert_eq!(task_heading("  Task 5 - hyphen\u{a0}"), Some((5, "hyphen")));
        for not_one in ["Taskforce — no", "Task x — no", "Task 6 —  ", "Task 7 Title", "The Task 8 — no"] {
            assert_eq!(task_heading(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn steps_and_continued_values_are_read_alike_in_either_line_ending() {
        let lf = "Task 8 — Ship\n\n- ID: T8\n- Steps:\n  1. Build\n\n  2. Deploy\n- Acceptance criteria: green\n  in prod\n## Next\n";
        let crlf = lf.replace('\n', "\r\n");
        for text in [lf.to_owned(), crlf] {
            let plan = MarkdownPlan::parse(text);
            let task = plan.section(0).unwrap();
            assert_eq!(task.steps().collect::<Vec<_>>(), ["Build", "Deploy"]);
            assert_eq!(task.acceptance(), "green in prod");
        }
    }

    #[test]
    fn a_status_line_is_rewritten_alone_and_line_endings_stay() {
        let text = "Task 4 — Automate\r\n\r\n- ID: T4\r\n- Status: To Do\r\n\r\nNext\r\n";
        let plan = MarkdownPlan::parse(text.to_owned());
        let field = plan.section(0).unwrap().status().unwrap().field;
        let value = StatusLine::render("Done", NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(), "", "dana");
        let edited = plan.with_value(field, &value);
        assert_eq!(edited, "Task 4 — Automate\r\n\r\n- ID: T4\r\n- Status: Done — 2026-12-02 (dana)\r\n\r\nNext\r\n");
    }
}
