//! The generated `<!-- PLAN:BEGIN -->…<!-- PLAN:END -->` block of the
//! Markdown plan: the open high-priority tasks as a table, in CSV order,
//! statuses as written (the seeds' form). Everything outside the markers
//! is the humans' and stays byte for byte.

use super::{Plan, Status};

pub const BEGIN: &str = "<!-- PLAN:BEGIN -->";
pub const END: &str = "<!-- PLAN:END -->";

/// The table that belongs between the markers.
pub fn plan_table(plan: &Plan, newline: &str) -> String {
    let mut table =
        format!("| Id | Title | Status | Owner | Priority |{newline}| --- | --- | --- | --- | --- |{newline}");
    let open_high = plan
        .tasks()
        .iter()
        .filter(|task| task.priority.is_high() && task.status().is_none_or(|s| s.is_open() && s != Status::Deferred));
    for task in open_high {
        let cells =
            [task.id.as_str(), task.title(), task.get(super::Column::Status), task.owner(), &task.priority.to_string()];
        let cells: Vec<String> = cells.iter().map(|cell| table_cell(cell)).collect();
        table.push_str(&format!("| {} |{newline}", cells.join(" | ")));
    }
    table
}

/// A pipe would end the cell and a newline the row.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// `markdown` with its plan block regenerated, or `None` when it has no
/// block (then only the CSV is written).
pub fn with_plan_block(markdown: &str, plan: &Plan) -> Option<String> {
    let begin = markdown.find(BEGIN)?;
    let inner_start = begin + BEGIN.len();
    let end = inner_start + markdown[inner_start..].find(END)?;
    let newline = if markdown.contains("\r\n") { "\r\n" } else { "\n" };
    let table = plan_table(plan, newline);
    Some(format!("{}{newline}{newline}{table}{newline}{}", &markdown[..inner_start], &markdown[end..]))
}

#[cfg(test)]
mod tests {
    use super::super::REQUIRED_COLUMNS;
    use super::*;

    fn plan() -> Plan {
        let rows = [
            "AUTH-005,,Security hardening & tests,backend,busy,high,,,,,,,",
            "FE-004,,Login | form,frontend,blocked,high,,,,,,,",
            "AUTH-001,,Design,backend,done,high,,,2025-09-30,,,,",
            "DOCS-041,,Docs,docs,todo,low,,,,,,,",
            "INFRA-045,,ECS,infra,deferred,high,,,,,,,",
        ];
        Plan::parse(format!("{}\n{}\n", REQUIRED_COLUMNS.join(","), rows.join("\n")), None).unwrap()
    }

    #[test]
    fn the_block_lists_open_high_priority_tasks_as_the_seeds_do() {
        let markdown = "# Plan\n\nNotes stay.\n\n<!-- PLAN:BEGIN -->\n\n| old |\n\n<!-- PLAN:END -->\n\nTail stays.\n";
        let updated = with_plan_block(markdown, &plan()).unwrap();
        assert_eq!(
            updated,
            "# Plan\n\nNotes stay.\n\n<!-- PLAN:BEGIN -->\n\n\
             | Id | Title | Status | Owner | Priority |\n| --- | --- | --- | --- | --- |\n\
             | AUTH-005 | Security hardening & tests | busy | backend | high |\n\
             | FE-004 | Login \\| form | blocked | frontend | high |\n\
             \n<!-- PLAN:END -->\n\nTail stays.\n"
        );
    }

    #[test]
    fn a_file_without_the_block_is_left_alone() {
        assert_eq!(with_plan_block("# Plan\nno block\n", &plan()), None);
        assert_eq!(with_plan_block("<!-- PLAN:BEGIN --> never closed", &plan()), None);
    }

    #[test]
    fn crlf_files_keep_crlf() {
        let updated = with_plan_block("a\r\n<!-- PLAN:BEGIN -->\r\n<!-- PLAN:END -->\r\n", &plan()).unwrap();
        assert!(!updated.replace("\r\n", "").contains('\n'));
    }
}
