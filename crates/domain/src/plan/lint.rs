//! Plan lint: every problem that would mislead a reader or break a rule of
//! the schema, located at the physical line of the offending record.

use std::fmt;

use super::{Cell, Column, Plan, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: u32,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    fn error(line: u32, message: String) -> Diagnostic {
        Diagnostic { line, severity: Severity::Error, message }
    }

    /// `path:LINE: error: message`, the shape editors and CI jump to.
    pub fn render(&self, path: &str) -> String {
        format!("{path}:{}: {}: {}", self.line, self.severity, self.message)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

impl Plan {
    /// All diagnostics, ordered by line.
    pub fn lint(&self) -> Vec<Diagnostic> {
        let mut found: Vec<Diagnostic> = self
            .rejected_rows()
            .iter()
            .map(|row| Diagnostic::error(row.line, format!("row has no usable task id: {}", row.problem)))
            .collect();
        for position in 0..self.tasks().len() {
            self.lint_identity(position, &mut found);
            self.lint_fields(position, &mut found);
        }
        found.extend(self.cycles().into_iter().map(|cycle| {
            let mut names: Vec<&str> = cycle.iter().map(|&t| self.tasks()[t].id.as_str()).collect();
            names.push(names[0]);
            Diagnostic::error(self.tasks()[cycle[0]].line, format!("dependency cycle: {}", names.join(" → ")))
        }));
        found.sort_by_key(|d| (d.line, d.severity));
        found
    }

    fn lint_identity(&self, position: usize, found: &mut Vec<Diagnostic>) {
        let task = &self.tasks()[position];
        let first = self.position(&task.id).unwrap_or(position);
        if first != position {
            let message = format!("duplicate id {} (first defined on line {})", task.id, self.tasks()[first].line);
            found.push(Diagnostic::error(task.line, message));
        }
        for unknown in self.unknown_dependencies_of(position) {
            found.push(Diagnostic::error(
                task.line,
                format!("{} depends on {unknown}, which is not in the plan", task.id),
            ));
        }
        for token in self.malformed_dependencies_of(position) {
            found.push(Diagnostic::error(
                task.line,
                format!("{} lists dependency {token:?}, which is not a task id", task.id),
            ));
        }
    }

    fn lint_fields(&self, position: usize, found: &mut Vec<Diagnostic>) {
        let task = &self.tasks()[position];
        let id = &task.id;
        match &task.status {
            Err(unknown) => found.push(Diagnostic::error(task.line, format!("{id}: {unknown}"))),
            Ok(status) if task.get(Column::Status) != status.canonical() => {
                let written = task.get(Column::Status);
                let message =
                    format!("{id}: status {written:?} is read as {status}; the schema spells it \"{status}\"");
                found.push(Diagnostic { line: task.line, severity: Severity::Warning, message });
            }
            Ok(_) => {}
        }
        if let Cell::Invalid(raw) = &task.estimated_hours {
            found.push(Diagnostic::error(task.line, format!("{id}: estimated_hours {raw:?} is not a number of hours")));
        }
        match &task.completion_date {
            Cell::Invalid(raw) => {
                found.push(Diagnostic::error(
                    task.line,
                    format!("{id}: completion_date {raw:?} is not an ISO date (YYYY-MM-DD)"),
                ));
            }
            Cell::Valid(date) if task.status().is_some_and(|s| s != Status::Completed) => {
                let message = format!("{id} is {} but has completion_date {date}", task.status_label());
                found.push(Diagnostic::error(task.line, message));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Plan, REQUIRED_COLUMNS};

    fn lint(rows: &[&str]) -> Vec<String> {
        let text = format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n"));
        let plan = Plan::parse(text, None).expect("plan parses");
        plan.lint().iter().map(|d| d.render("plan.csv")).collect()
    }

    #[test]
    fn a_clean_plan_has_no_diagnostics() {
        assert!(lint(&["A-1,,a,,completed,,,3,2025-09-27,,,,", "B-2,,b,,todo,,A-1,2.5,,,,,"]).is_empty());
    }

    #[test]
    fn each_problem_is_reported_at_its_physical_line() {
        let messages = lint(&[
            "A-1,,\"two\nlines\",,todo,,,,,,,,",
            "A-1,,dup,,shipped,,Z-9,6h,27/09/2025,,,,",
            "B-2,,b,,todo,,,,2025-09-27,,,,",
        ]);
        assert_eq!(
            messages,
            [
                "plan.csv:4: error: duplicate id A-1 (first defined on line 2)",
                "plan.csv:4: error: A-1 depends on Z-9, which is not in the plan",
                "plan.csv:4: error: A-1: unknown status \"shipped\" (expected one of todo, in-progress, completed, blocked, deferred)",
                "plan.csv:4: error: A-1: estimated_hours \"6h\" is not a number of hours",
                "plan.csv:4: error: A-1: completion_date \"27/09/2025\" is not an ISO date (YYYY-MM-DD)",
                "plan.csv:5: error: B-2 is todo but has completion_date 2025-09-27",
            ]
        );
    }

    #[test]
    fn cycles_are_errors_and_aliases_are_warnings() {
        let messages = lint(&["A-1,,a,,busy,,B-2,,,,,,", "B-2,,b,,todo,,A-1,,,,,,"]);
        assert_eq!(
            messages,
            [
                "plan.csv:2: error: dependency cycle: A-1 → B-2 → A-1",
                "plan.csv:2: warning: A-1: status \"busy\" is read as in-progress; the schema spells it \"in-progress\"",
            ]
        );
    }
}
