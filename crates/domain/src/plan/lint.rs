//! Plan lint: every problem that would mislead a reader or break a rule of
//! the schema, located at the physical line of the offending record or
//! section, in whichever of the two files it is. A file that is not whole
//! (a record cut short, a quote never closed, a header naming a column
//! twice) is *damaged*: such a version never replaces the plan in use.

use std::fmt;

use super::{Cell, Column, Plan, Status, TaskForm};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The file is not whole: it cannot be trusted at all.
    Damage,
    Error,
    Warning,
}

/// Which file a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlanFile {
    Csv,
    Markdown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PlanFile,
    pub line: u32,
    pub severity: Severity,
    pub message: String,
    /// The other place a problem involves (an id defined in both files).
    pub also: Option<(PlanFile, u32)>,
}

/// How to name the two files in a rendered diagnostic.
#[derive(Debug, Clone, Copy)]
pub struct PlanPaths<'a> {
    pub csv: &'a str,
    pub markdown: &'a str,
}

impl PlanPaths<'_> {
    fn of(&self, file: PlanFile) -> &str {
        match file {
            PlanFile::Csv => self.csv,
            PlanFile::Markdown => self.markdown,
        }
    }
}

impl Diagnostic {
    fn new(file: PlanFile, line: u32, severity: Severity, message: String) -> Diagnostic {
        Diagnostic { file, line, severity, message, also: None }
    }

    fn error(line: u32, message: String) -> Diagnostic {
        Diagnostic::new(PlanFile::Csv, line, Severity::Error, message)
    }

    fn damage(line: u32, message: String) -> Diagnostic {
        Diagnostic::new(PlanFile::Csv, line, Severity::Damage, message)
    }

    /// `path:LINE: error: message`, the shape editors and CI jump to.
    pub fn render(&self, paths: PlanPaths<'_>) -> String {
        let also = match self.also {
            Some((file, line)) => format!(" (also at {}:{line})", paths.of(file)),
            None => String::new(),
        };
        format!("{}:{}: {}: {}{also}", paths.of(self.file), self.line, self.severity, self.message)
    }

    pub fn is_damage(&self) -> bool {
        self.severity == Severity::Damage
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Damage | Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

impl Plan {
    /// All diagnostics, the CSV's first, each file's ordered by line.
    pub fn lint(&self) -> Vec<Diagnostic> {
        let mut found = self.damage();
        let damaged_lines: Vec<u32> = found.iter().map(|d| d.line).collect();
        found.extend(
            self.rejected_rows()
                .iter()
                .filter(|row| !damaged_lines.contains(&row.line))
                .map(|row| Diagnostic::error(row.line, format!("row has no usable task id: {}", row.problem))),
        );
        for position in 0..self.tasks().len() {
            self.lint_identity(position, &mut found);
            if self.tasks()[position].form == TaskForm::Csv {
                self.lint_fields(position, &mut found);
            }
        }
        found.extend(self.cycles().into_iter().map(|cycle| {
            let mut names: Vec<&str> = cycle.iter().map(|&t| self.tasks()[t].id.as_str()).collect();
            names.push(names[0]);
            let first = &self.tasks()[cycle[0]];
            Diagnostic::new(
                file_of(first.form),
                first.line,
                Severity::Error,
                format!("dependency cycle: {}", names.join(" → ")),
            )
        }));
        if let Some(markdown) = self.markdown() {
            found.extend(markdown.problems.iter().map(|problem| {
                Diagnostic::new(PlanFile::Markdown, problem.line, Severity::Error, problem.message.clone())
            }));
        }
        found.sort_by_key(|d| (d.file, d.line, d.severity));
        found
    }

    /// Whether the CSV is whole: no damage diagnostics.
    pub fn is_whole(&self) -> bool {
        self.damage().is_empty()
    }

    /// What makes the CSV not whole: records with fewer or more fields than
    /// the header, a quote opened and never closed, header names given
    /// twice or left empty.
    pub fn damage(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let cells = &self.sheet.cells;
        let Some((&header, records)) = cells.rows().split_first() else { return found };
        let names: Vec<&str> = cells.row(header).map(|name| name.trim_start_matches('\u{feff}').trim()).collect();
        for (index, name) in names.iter().enumerate() {
            if name.is_empty() {
                found.push(Diagnostic::damage(1, format!("header column {} has no name", index + 1)));
            } else if names[..index].iter().any(|earlier| earlier.eq_ignore_ascii_case(name)) {
                found.push(Diagnostic::damage(1, format!("the header names the column {name:?} twice")));
            }
        }
        let spans = self.document.spans();
        for (record, row) in records.iter().enumerate() {
            let line = spans.get(record + 1).map_or(0, |span| span.line);
            let has_content = cells.row(*row).any(|cell| !cell.trim().is_empty());
            if has_content && row.len() == names.len() && self.sheet.cell(*row, Column::Id).is_empty() {
                found.push(Diagnostic::damage(line, "this record has no id: its id cell is empty".to_owned()));
            }
            if row.len() != names.len() {
                let (fields, header) = (row.len(), names.len());
                let what = if fields < header { "fewer" } else { "more" };
                found.push(Diagnostic::damage(
                    line,
                    format!("this record has {fields} fields, {what} than the header's {header}; the file may be cut short or mis-quoted"),
                ));
            }
        }
        if let Some(line) = self.document.unclosed_quote_line() {
            found.push(Diagnostic::damage(
                line,
                "a quote opened here is never closed: everything after it reads as one field".to_owned(),
            ));
        }
        found
    }

    fn lint_identity(&self, position: usize, found: &mut Vec<Diagnostic>) {
        let task = &self.tasks()[position];
        let first = self.position(&task.id).unwrap_or(position);
        if first != position {
            let earlier = &self.tasks()[first];
            let mut diagnostic = if earlier.form == task.form {
                let message = format!("duplicate id {} (first defined on line {})", task.id, earlier.line);
                Diagnostic::new(file_of(task.form), task.line, Severity::Error, message)
            } else {
                let message =
                    format!("{} is a task of both the CSV and the Markdown plan; ids must be unique", task.id);
                Diagnostic::new(file_of(task.form), task.line, Severity::Error, message)
            };
            diagnostic.also = (earlier.form != task.form).then_some((file_of(earlier.form), earlier.line));
            found.push(diagnostic);
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
                found.push(Diagnostic::new(PlanFile::Csv, task.line, Severity::Warning, message));
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

fn file_of(form: TaskForm) -> PlanFile {
    match form {
        TaskForm::Csv => PlanFile::Csv,
        TaskForm::Markdown => PlanFile::Markdown,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Plan, REQUIRED_COLUMNS};
    use super::PlanPaths;

    const PATHS: PlanPaths<'static> = PlanPaths { csv: "plan.csv", markdown: "plan.md" };

    fn lint(rows: &[&str]) -> Vec<String> {
        let text = format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n"));
        let plan = Plan::parse(text, None).expect("plan parses");
        plan.lint().iter().map(|d| d.render(PATHS)).collect()
    }

    fn lint_text(csv: &str, markdown: Option<&str>) -> Vec<String> {
        let plan = Plan::parse(csv.to_owned(), markdown).expect("plan parses");
        plan.lint().iter().map(|d| d.render(PATHS)).collect()
    }

    #[test]
    fn a_file_that_is_not_whole_is_damaged_at_the_line_where_it_breaks() {
        let header = REQUIRED_COLUMNS.join(",");
        let short = format!("{header}\nA-1,p,a,ops,todo,,,,,,,,\nB-2,p,b,ops\n");
        assert_eq!(
            lint_text(&short, None)[0],
            "plan.csv:3: error: this record has 4 fields, fewer than the header's 13; the file may be cut short or mis-quoted"
        );
        let open_quote = format!(
            "{header}\nA-1,p,a,ops,todo,,,,,,,,\nB-2,p,\"never closed,ops,todo,,,,,,,,\nC-3,p,c,ops,todo,,,,,,,,\n"
        );
        let found = lint_text(&open_quote, None);
        assert!(
            found.contains(
                &"plan.csv:3: error: a quote opened here is never closed: everything after it reads as one field"
                    .to_owned()
            ),
            "{found:?}"
        );
        let twice = format!("{header},status\nA-1,p,a,ops,todo,,,,,,,,,done\n");
        assert_eq!(lint_text(&twice, None), ["plan.csv:1: error: the header names the column \"status\" twice"]);
        let no_id = format!("{header}\nA-1,p,a,ops,todo,,,,,,,,\n,p,lost its id,ops,todo,,,,,,,,\n");
        assert_eq!(lint_text(&no_id, None), ["plan.csv:3: error: this record has no id: its id cell is empty"]);
        let extra_named = format!("{header},sprint\nA-1,p,a,ops,todo,,,,,,,,,S1\n");
        assert!(lint_text(&extra_named, None).is_empty(), "a column the header names is fine");
    }

    #[test]
    fn an_id_in_both_files_names_both_places() {
        let csv = format!("{}\nT5,p,a,ops,todo,,,,,,,,\n", REQUIRED_COLUMNS.join(","));
        let markdown = "Task 5 — Fix\n\n- ID: T5\n- Status: To Do\n";
        assert_eq!(
            lint_text(&csv, Some(markdown)),
            [
                "plan.md:1: error: T5 is a task of both the CSV and the Markdown plan; ids must be unique (also at plan.csv:2)"
            ]
        );
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
