//! The plan domain: tasks, their dependencies and milestones, read from the
//! team's CSV and Markdown. Pure data and rules; no I/O, HTTP or SQL.

mod csv_document;
mod graph;
mod lint;
mod milestones;
mod priority;
mod schema;
mod search;
mod status;
mod task;
mod task_id;

use std::collections::HashMap;
use std::sync::Arc;

pub use csv_document::{CsvDocument, CsvError, EditError, ParsedCsv, RecordSpan};
pub use graph::CriticalPath;
pub use lint::{Diagnostic, Severity};
pub use milestones::{Milestone, parse_milestones};
pub use priority::Priority;
pub use schema::{Column, Columns, REQUIRED_COLUMNS, SchemaError};
pub use status::{Status, UnknownStatus};
pub use task::{Cell, Task, parse_iso_date};
pub use task_id::{InvalidTaskId, TaskId};

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the plan CSV is not valid CSV: {0}")]
    Csv(#[from] CsvError),
    #[error("{0}")]
    Schema(#[from] SchemaError),
}

#[derive(Debug, thiserror::Error)]
pub enum PlanEditError {
    #[error("there is no task {0}")]
    UnknownTask(TaskId),
    #[error("the plan has no column {0:?}")]
    UnknownColumn(String),
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

/// The whole plan, indexed for questions.
#[derive(Debug, Clone)]
pub struct Plan {
    document: CsvDocument,
    columns: Arc<Columns>,
    tasks: Vec<Task>,
    index: HashMap<TaskId, usize>,
    dependencies: Vec<Vec<usize>>,
    dependents: Vec<Vec<usize>>,
    rejected_rows: Vec<RejectedRow>,
    milestones: Vec<Milestone>,
}

impl Plan {
    /// Parses the CSV text and the (optional) Markdown plan.
    pub fn parse(csv_text: String, markdown: Option<&str>) -> Result<Plan, PlanError> {
        let milestones = markdown.map(parse_milestones).unwrap_or_default();
        Plan::from_parsed(CsvDocument::parse(csv_text)?, milestones)
    }

    fn from_parsed(parsed: ParsedCsv, milestones: Vec<Milestone>) -> Result<Plan, PlanError> {
        let ParsedCsv { document, records } = parsed;
        let mut records = records.into_iter().zip(document.spans()).enumerate();
        let (_, (header, _)) = records.next().ok_or(SchemaError::Empty)?;
        let columns = Arc::new(Columns::from_header(&header)?);
        let id_column = columns.index(Column::Id);
        let mut tasks = Vec::with_capacity(document.spans().len());
        let mut rejected_rows = Vec::new();
        for (record, (fields, span)) in records {
            match fields.get(id_column).unwrap_or("").parse::<TaskId>() {
                Ok(id) => tasks.push(Task::from_record(id, record, span.line, fields, Arc::clone(&columns))),
                Err(problem) => rejected_rows.push(RejectedRow { line: span.line, problem }),
            }
        }
        let mut index = HashMap::with_capacity(tasks.len());
        for (position, task) in tasks.iter().enumerate() {
            index.entry(task.id.clone()).or_insert(position);
        }
        let dependencies: Vec<Vec<usize>> = tasks
            .iter()
            .map(|task| task.dependencies.iter().filter_map(|id| index.get(id).copied()).collect())
            .collect();
        let mut dependents = vec![Vec::new(); tasks.len()];
        for (task, deps) in dependencies.iter().enumerate() {
            for &dep in deps {
                dependents[dep].push(task);
            }
        }
        Ok(Plan { document, columns, tasks, index, dependencies, dependents, rejected_rows, milestones })
    }

    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    pub fn task(&self, id: &TaskId) -> Option<&Task> {
        self.position(id).map(|position| &self.tasks[position])
    }

    /// Position of a task in `tasks()`; the first row wins for duplicated ids.
    pub fn position(&self, id: &TaskId) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Positions of the tasks `task` depends on that exist in the plan.
    pub fn dependencies_of(&self, task: usize) -> &[usize] {
        &self.dependencies[task]
    }

    /// Positions of the tasks that list `task` as a dependency.
    pub fn dependents_of(&self, task: usize) -> &[usize] {
        &self.dependents[task]
    }

    pub fn milestones(&self) -> &[Milestone] {
        &self.milestones
    }

    pub fn rejected_rows(&self) -> &[RejectedRow] {
        &self.rejected_rows
    }

    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    /// The CSV exactly as it is (after any edits), byte for byte.
    pub fn csv_text(&self) -> &str {
        self.document.as_str()
    }

    /// Owner roles named in the plan, sorted, without duplicates.
    pub fn owners(&self) -> Vec<&str> {
        let mut owners: Vec<&str> = self.tasks.iter().map(Task::owner).filter(|o| !o.is_empty()).collect();
        owners.sort_unstable_by_key(|owner| owner.to_ascii_lowercase());
        owners.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        owners
    }

    /// A new plan with one field of one task changed. Only that field's
    /// bytes differ in `csv_text()`; any header column may be named.
    pub fn set_field(&self, task: &TaskId, column: &str, value: &str) -> Result<Plan, PlanEditError> {
        let record = self.task(task).ok_or_else(|| PlanEditError::UnknownTask(task.clone()))?.record;
        let field = self
            .columns
            .index_of(column)
            .ok_or_else(|| PlanEditError::UnknownColumn(column.to_owned()))?;
        let parsed = self.document.with_field(record, field, value)?;
        Ok(Plan::from_parsed(parsed, self.milestones.clone())?)
    }
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
        assert_eq!(
            edited.csv_text(),
            original.csv_text().replace("B-2,p,b,x,busy", "B-2,p,b,x,completed")
        );
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
