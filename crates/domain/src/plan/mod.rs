//! The plan domain: tasks, their dependencies and milestones, read from the
//! team's CSV and Markdown. Pure data and rules; no I/O, HTTP or SQL.

mod csv_document;
pub mod diff;
mod edit;
pub mod forecast;
mod graph;
mod lines;
mod lint;
mod markdown;
mod milestones;
mod priority;
mod schema;
mod search;
mod sheet;
pub mod snapshot;
mod status;
mod task;
mod task_id;
mod task_index;

use std::sync::Arc;

pub use csv_document::{Cells, CsvDocument, CsvError, EditError, ParsedCsv, RecordSpan, Row, unsafe_cell_start};
pub use edit::{Change, Edit, Outcome};
pub use graph::CriticalPath;
pub use lint::{Diagnostic, PlanFile, PlanPaths, Severity};
pub use markdown::{Field, MarkdownPlan, MarkdownProblem, MarkdownTask, Section, StatusLine, status_word};
pub use milestones::{Milestone, MilestoneForm, age, parse_milestones};
pub use priority::Priority;
pub use schema::{Column, Columns, REQUIRED_COLUMNS, SchemaError};
pub use status::{Status, UnknownStatus};
pub use task::{Cell, Task, TaskForm, parse_iso_date};

use sheet::Sheet;
use task::dependency_tokens;
pub use task_id::{InvalidTaskId, TaskId};
use task_index::TaskIndex;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the plan CSV is not valid CSV: {0}")]
    Csv(#[from] CsvError),
    #[error("{0}")]
    Schema(#[from] SchemaError),
    #[error("there is no plan: neither the CSV nor the Markdown plan exists")]
    NoPlanFile,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanEditError {
    #[error("there is no task {0}")]
    UnknownTask(TaskId),
    #[error("the plan has no column {0:?}")]
    UnknownColumn(String),
    #[error("{0} is a task of the Markdown plan, not a record of the CSV")]
    NotInTheCsv(TaskId),
    #[error("{0} has no `- {1}:` line in the Markdown plan to change")]
    NoMarkdownField(TaskId, &'static str),
    #[error("there is no milestone {0}")]
    UnknownMilestone(String),
    #[error("milestone {0} is in a table without a Notes column, where its closing could be written")]
    NoNotesColumn(String),
    #[error(transparent)]
    Document(#[from] EditError),
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// A row whose id cell is not a task id; kept for lint.
#[derive(Debug, Clone)]
pub struct RejectedRow {
    pub line: u32,
    pub problem: InvalidTaskId,
}

/// Adjacency lists packed into two vectors (compressed sparse rows).
#[derive(Debug, Clone, Default)]
struct Adjacency {
    offsets: Vec<usize>,
    targets: Vec<usize>,
}

impl Adjacency {
    fn of(&self, node: usize) -> &[usize] {
        &self.targets[self.offsets[node]..self.offsets[node + 1]]
    }

    /// The same edges, reversed.
    fn inverted(&self) -> Adjacency {
        let nodes = self.offsets.len() - 1;
        let mut counts = vec![0usize; nodes + 1];
        for &target in &self.targets {
            counts[target + 1] += 1;
        }
        for node in 0..nodes {
            counts[node + 1] += counts[node];
        }
        let offsets = counts.clone();
        let mut targets = vec![0; self.targets.len()];
        for node in 0..nodes {
            for &target in self.of(node) {
                targets[counts[target]] = node;
                counts[target] += 1;
            }
        }
        Adjacency { offsets, targets }
    }
}

/// The whole plan, indexed for questions.
#[derive(Debug, Clone)]
pub struct Plan {
    document: CsvDocument,
    sheet: Arc<Sheet>,
    tasks: Vec<Task>,
    index: TaskIndex,
    dependencies: Adjacency,
    dependents: Adjacency,
    /// Dependency ids that name no task, by task position (sorted).
    unknown_dependencies: Vec<(usize, TaskId)>,
    /// Dependency tokens that are not ids at all, by task position.
    malformed_dependencies: Vec<(usize, String)>,
    rejected_rows: Vec<RejectedRow>,
    milestones: Vec<Milestone>,
    /// The Markdown plan, when there is one: its text, its task sections.
    markdown: Option<Arc<MarkdownPlan>>,
    /// Whether the team keeps a CSV at all (a plan may be Markdown only).
    has_csv: bool,
}

impl Plan {
    /// A plan with the required columns and no tasks (the stand-in
    /// before a first version loads).
    pub fn empty() -> Result<Plan, PlanError> {
        Plan::parse(format!("{}\n", REQUIRED_COLUMNS.join(",")), None)
    }

    /// Parses the CSV text and the (optional) Markdown plan.
    pub fn parse(csv_text: String, markdown: Option<&str>) -> Result<Plan, PlanError> {
        let markdown = markdown.map(|text| Arc::new(MarkdownPlan::parse(text.to_owned())));
        Plan::build(csv_text, markdown)
    }

    /// Parses whichever forms the team keeps: a plan may be only a CSV,
    /// only a Markdown plan with task sections, or both. Both texts are
    /// handed over, not copied: the plan keeps them for edits.
    pub fn parse_files(csv_text: Option<String>, markdown: Option<String>) -> Result<Plan, PlanError> {
        let markdown = markdown.map(|text| Arc::new(MarkdownPlan::parse(text)));
        match (csv_text, markdown) {
            (Some(csv), markdown) => Plan::build(csv, markdown),
            (None, Some(markdown)) => {
                let mut plan = Plan::build(format!("{}\n", REQUIRED_COLUMNS.join(",")), Some(markdown))?;
                plan.has_csv = false;
                Ok(plan)
            }
            (None, None) => Err(PlanError::NoPlanFile),
        }
    }

    /// Whether the plan has a CSV file (else it is Markdown only).
    pub fn has_csv(&self) -> bool {
        self.has_csv
    }

    fn build(csv_text: String, markdown: Option<Arc<MarkdownPlan>>) -> Result<Plan, PlanError> {
        let milestones = markdown.as_ref().map(|md| md.milestones.clone()).unwrap_or_default();
        let (document, cells) = CsvDocument::read(csv_text)?;
        let header = *cells.rows().first().ok_or(SchemaError::Empty)?;
        let columns = Columns::from_header(cells.row(header))?;
        let sheet = Arc::new(Sheet { cells, columns });

        let sections = markdown.as_ref().map_or(0, |markdown| markdown.tasks.len());
        let mut tasks = Vec::with_capacity(sheet.cells.rows().len() + sections);
        let mut rejected_rows = Vec::new();
        for (record, (&row, span)) in sheet.cells.rows().iter().zip(document.spans()).enumerate().skip(1) {
            match sheet.cell(row, Column::Id).parse::<TaskId>() {
                Ok(id) => tasks.push(Task::from_csv(id, record, span.line, row, Arc::clone(&sheet))),
                Err(problem) => rejected_rows.push(RejectedRow { line: span.line, problem }),
            }
        }
        if let Some(markdown) = &markdown {
            tasks.extend((0..markdown.tasks.len()).filter_map(|record| Task::from_section(markdown, record)));
        }
        let index = TaskIndex::of(&tasks);
        let mut plan = Plan {
            document,
            sheet,
            tasks,
            index,
            dependencies: Adjacency::default(),
            dependents: Adjacency::default(),
            unknown_dependencies: Vec::new(),
            malformed_dependencies: Vec::new(),
            rejected_rows,
            milestones,
            markdown,
            has_csv: true,
        };
        plan.link_dependencies();
        Ok(plan)
    }

    /// Resolves every task's dependency cell against the index, once all
    /// ids are known (a task may depend on one further down the file).
    fn link_dependencies(&mut self) {
        let mut links = Adjacency { offsets: Vec::with_capacity(self.tasks.len() + 1), targets: Vec::new() };
        let mut unknown = Vec::new();
        let mut malformed = Vec::new();
        links.offsets.push(0);
        // Markdown sections follow the CSV's records, in the document's order.
        let first_section = self.tasks.iter().position(|task| task.form == TaskForm::Markdown).unwrap_or(0);
        for (position, task) in self.tasks.iter().enumerate() {
            let start = links.targets.len();
            if let Some(section) = self.markdown_task(task) {
                // Named by number (`Task 4`), resolved when the document was read.
                for target in section.dependency_sections().map(|index| first_section + index) {
                    if !links.targets[start..].contains(&target) {
                        links.targets.push(target);
                    }
                }
                links.offsets.push(links.targets.len());
                continue;
            }
            for token in dependency_tokens(task.get(Column::Dependencies)) {
                match self.resolve(token) {
                    Ok(target) if !links.targets[start..].contains(&target) => links.targets.push(target),
                    Ok(_) => {}
                    Err(Some(id)) if !unknown.contains(&(position, id.clone())) => unknown.push((position, id)),
                    Err(Some(_)) => {}
                    Err(None) => malformed.push((position, token.to_owned())),
                }
            }
            links.offsets.push(links.targets.len());
        }
        links.targets.shrink_to_fit();
        self.dependents = links.inverted();
        self.dependencies = links;
        self.unknown_dependencies = unknown;
        self.malformed_dependencies = malformed;
    }

    /// A dependency token as a task position; `Err(Some(id))` for an id
    /// not in the plan, `Err(None)` for a token that is no id at all.
    fn resolve(&self, token: &str) -> Result<usize, Option<TaskId>> {
        // Ids are usually written upper-case already: try without building one.
        if let Some(position) = self.index.get(&self.tasks, token) {
            return Ok(position);
        }
        let id = token.parse::<TaskId>().map_err(|_| None)?;
        self.index.get(&self.tasks, id.as_str()).ok_or(Some(id))
    }

    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    pub fn task(&self, id: &TaskId) -> Option<&Task> {
        self.position(id).map(|position| &self.tasks[position])
    }

    /// Position of a task in `tasks()`; the first row wins for duplicated ids.
    /// The plan's tasks named in running text, in order, each once: in a
    /// sentence (`fixes DEVOPS-035.`), a branch (`feature/devops-035-deploy`)
    /// or a Markdown id (`T5`). A word is an id when it starts after a
    /// non-alphanumeric character and is letters, a dash or not, digits.
    pub fn tasks_named_in(&self, text: &str) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        for candidate in id_candidates(text) {
            let Ok(id) = candidate.parse::<TaskId>() else { continue };
            if let Some(position) = self.position(&id).filter(|p| !found.contains(p)) {
                found.push(position);
            }
        }
        found
    }

    pub fn position(&self, id: &TaskId) -> Option<usize> {
        self.index.get(&self.tasks, id.as_str())
    }

    /// Positions of the tasks `task` depends on that exist in the plan.
    pub fn dependencies_of(&self, task: usize) -> &[usize] {
        self.dependencies.of(task)
    }

    /// Positions of the tasks that list `task` as a dependency.
    pub fn dependents_of(&self, task: usize) -> &[usize] {
        self.dependents.of(task)
    }

    /// Dependencies of `task` that name no task in the plan.
    pub fn unknown_dependencies_of(&self, task: usize) -> impl Iterator<Item = &TaskId> {
        let from = self.unknown_dependencies.partition_point(|(p, _)| *p < task);
        self.unknown_dependencies[from..].iter().take_while(move |(p, _)| *p == task).map(|(_, id)| id)
    }

    /// Dependency tokens of `task` that are not task ids at all.
    pub fn malformed_dependencies_of(&self, task: usize) -> impl Iterator<Item = &str> {
        let from = self.malformed_dependencies.partition_point(|(p, _)| *p < task);
        self.malformed_dependencies[from..].iter().take_while(move |(p, _)| *p == task).map(|(_, t)| t.as_str())
    }

    pub fn milestones(&self) -> &[Milestone] {
        &self.milestones
    }

    /// The Markdown plan as read, if there is one.
    pub fn markdown(&self) -> Option<&MarkdownPlan> {
        self.markdown.as_deref()
    }

    /// The Markdown plan's text (after any edits), if there is one.
    pub fn markdown_text(&self) -> Option<&str> {
        self.markdown.as_deref().map(MarkdownPlan::text)
    }

    /// The section a Markdown task comes from.
    pub fn markdown_task(&self, task: &Task) -> Option<Section<'_>> {
        match task.form {
            TaskForm::Markdown => self.markdown.as_deref()?.section(task.record),
            TaskForm::Csv => None,
        }
    }

    /// The same CSV with a new Markdown plan (after a Markdown edit).
    pub fn with_markdown(&self, markdown: String) -> Result<Plan, PlanError> {
        let mut plan = Plan::build(self.csv_text().to_owned(), Some(Arc::new(MarkdownPlan::parse(markdown))))?;
        plan.has_csv = self.has_csv;
        Ok(plan)
    }

    pub fn rejected_rows(&self) -> &[RejectedRow] {
        &self.rejected_rows
    }

    pub fn columns(&self) -> &Columns {
        &self.sheet.columns
    }

    /// The CSV exactly as it is (after any edits), byte for byte.
    pub fn csv_text(&self) -> &str {
        self.document.as_str()
    }

    /// Owner roles named in the plan, sorted, without duplicates.
    pub fn owners(&self) -> Vec<&str> {
        let mut owners: Vec<&str> = self.tasks.iter().flat_map(Task::owners).collect();
        owners.sort_unstable_by_key(|owner| owner.to_ascii_lowercase());
        owners.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        owners
    }

    /// A new plan with one field of one task changed. Only that field's
    /// bytes differ in `csv_text()`; any header column may be named.
    pub fn set_field(&self, task: &TaskId, column: &str, value: &str) -> Result<Plan, PlanEditError> {
        let found = self.task(task).ok_or_else(|| PlanEditError::UnknownTask(task.clone()))?;
        if found.form == TaskForm::Markdown {
            return Err(PlanEditError::NotInTheCsv(task.clone()));
        }
        let record = found.record;
        let field =
            self.sheet.columns.index_of(column).ok_or_else(|| PlanEditError::UnknownColumn(column.to_owned()))?;
        let parsed = self.document.with_field(record, field, value)?;
        Ok(Plan::build(parsed.document.into_string(), self.markdown.clone())?)
    }
}

/// A plan of the required columns and `rows`, for unit tests.
#[cfg(test)]
pub(crate) fn plan_of(rows: &[&str]) -> Plan {
    let csv = format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n"));
    Plan::parse(csv, None).expect("test plan parses")
}

/// Every `LETTERS-DIGITS` or `LETTERSDIGITS` run in `text` that starts
/// a word; the digits end it.
fn id_candidates(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let start = at;
            let starts_word = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            let letters = bytes[start..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
            if !starts_word || letters == 0 {
                at += 1;
                continue;
            }
            let mut end = start + letters;
            if bytes.get(end) == Some(&b'-') {
                end += 1;
            }
            let digits = bytes[end..].iter().take_while(|b| b.is_ascii_digit()).count();
            at = start + letters.max(1);
            if digits > 0 {
                at = end + digits;
                return Some(&text[start..end + digits]);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn header() -> String {
        REQUIRED_COLUMNS.join(",")
    }

    fn plan(rows: &[&str]) -> Plan {
        let text = format!("{}\n{}\n", header(), rows.join("\n"));
        Plan::parse(text, None).expect("plan parses")
    }

    #[test]
    fn markdown_sections_read_as_tasks_with_their_status_line_as_notes() {
        let markdown = "Task 1 — Base\n\n- ID: T1\n- Owner (R/A): ops\n- Status: Done — 2025-10-16 — shipped (ops)\n\n\
Task 2 — Next\n\n- ID: T2\n- Owner (R/A): backend / data\n- Dependencies: Task 1\n- Status: To Do\n";
        let plan = Plan::parse_files(None, Some(markdown.to_owned())).expect("a Markdown-only plan parses");
        assert!(!plan.has_csv());
        let t1 = &plan.tasks()[0];
        assert_eq!(
            (t1.status(), t1.notes(), t1.get(Column::CompletionDate)),
            (Some(Status::Completed), "2025-10-16 — shipped (ops)", "2025-10-16")
        );
        let t2 = &plan.tasks()[1];
        assert_eq!((t2.owner(), t2.notes(), t2.get(Column::Dependencies)), ("backend / data", "", "Task 1"));
        assert_eq!((t2.get_named("STATUS"), t2.get_named("sprint")), (Some("To Do"), None));
        assert_eq!(plan.dependencies_of(1), [0]);
    }

    #[test]
    fn a_markdown_status_line_says_when_and_why_and_the_csv_notes_say_why() {
        let markdown = "Task 5 — Deploy\n\n- ID: T5\n- Owner (R/A): devops\n\
- Status: Blocked — 2025-10-14 — waiting on @dana for creds (devops)\n";
        let plan = Plan::parse_files(None, Some(markdown.to_owned())).expect("a Markdown-only plan parses");
        let t5 = &plan.tasks()[0];
        assert_eq!(t5.status_date(), chrono::NaiveDate::from_ymd_opt(2025, 10, 14));
        assert_eq!(t5.status_reason(), "waiting on @dana for creds");
        let csv = plan_with_notes("blocked: waiting on @ema");
        assert_eq!((csv.tasks()[0].status_date(), csv.tasks()[0].status_reason()), (None, "blocked: waiting on @ema"));
    }

    fn plan_with_notes(notes: &str) -> Plan {
        plan(&[&format!("FE-004,p,Login,frontend,blocked,high,,6,,,,{notes},")])
    }

    #[test]
    fn task_ids_are_found_in_sentences_and_branch_names() {
        let plan = plan(&["DEVOPS-035,p,Deploy,devops,todo,high,,6,,,,,", "T5,p,Tests,qa,todo,high,,1,,,,,"]);
        assert_eq!(plan.tasks_named_in("fixes DEVOPS-035. Also t5"), [0, 1]);
        assert_eq!(plan.tasks_named_in("feature/devops-035-deploy"), [0]);
        assert!(plan.tasks_named_in("XDEVOPS-035 or DEVOPS-0350 or ST5").is_empty());
        assert_eq!(plan.tasks_named_in("T5 T5 DEVOPS-035"), [1, 0]);
    }

    #[test]
    fn tasks_are_indexed_by_id_ignoring_case() {
        let plan = plan(&["AUTH-001,p,Design,backend,done,high,,6,2025-09-30,,,,"]);
        let id: TaskId = "auth-001".parse().unwrap();
        assert_eq!(plan.task(&id).map(Task::title), Some("Design"));
        assert_eq!(plan.task(&id).map(|t| t.status()), Some(Some(Status::Completed)));
    }

    #[test]
    fn dependents_are_the_inverse_of_dependencies() {
        let plan = plan(&["A-1,p,a,x,todo,,,,,,,,", "B-2,p,b,x,todo,,A-1,,,,,,", "C-3,p,c,x,todo,,\"A-1, B-2\",,,,,,"]);
        assert_eq!(plan.dependents_of(0), &[1, 2]);
        assert_eq!(plan.dependencies_of(2), &[0, 1]);
    }

    #[test]
    fn set_field_changes_one_field_and_reindexes() {
        let original = plan(&["A-1,p,a,x,todo,,,,,,,,", "B-2,p,b,x,busy,,A-1,,,,,\"n, 1\","]);
        let id: TaskId = "B-2".parse().unwrap();
        let edited = original.set_field(&id, "status", "completed").unwrap();
        assert_eq!(edited.task(&id).and_then(Task::status), Some(Status::Completed));
        assert_eq!(edited.csv_text(), original.csv_text().replace("B-2,p,b,x,busy", "B-2,p,b,x,completed"));
    }

    #[test]
    fn set_field_names_what_is_unknown() {
        let original = plan(&["A-1,p,a,x,todo,,,,,,,,"]);
        let missing: TaskId = "Z-9".parse().unwrap();
        assert!(matches!(original.set_field(&missing, "status", "todo"), Err(PlanEditError::UnknownTask(_))));
        let id: TaskId = "A-1".parse().unwrap();
        assert!(matches!(original.set_field(&id, "colour", "red"), Err(PlanEditError::UnknownColumn(_))));
    }

    #[test]
    fn rows_without_a_valid_id_are_set_aside() {
        let plan = plan(&["A-1,p,a,x,todo,,,,,,,,", ",p,orphan,x,todo,,,,,,,,"]);
        assert_eq!(plan.tasks().len(), 1);
        assert_eq!(plan.rejected_rows()[0].line, 3);
    }
}
