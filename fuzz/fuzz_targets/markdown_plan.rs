//! The Markdown plan reader and its edits: whatever the document holds,
//! reading it, linting it, rewriting a task's status line and closing a
//! milestone never panic, and an edit leaves a document that reads again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planbot_domain::plan::{Change, Edit, Plan, Status, TaskForm, TaskId, parse_milestones};

fuzz_target!(|data: &[u8]| {
    let Ok(markdown) = std::str::from_utf8(data) else { return };
    let _ = parse_milestones(markdown);
    let Ok(plan) = Plan::parse_files(None, Some(markdown.to_owned())) else { return };
    let _ = plan.lint();
    // Every view of every task reads its section's bytes on demand.
    for task in plan.tasks() {
        for column in planbot_domain::plan::REQUIRED_COLUMNS {
            let _ = task.get_named(column);
        }
        if let Some(section) = plan.markdown_task(task) {
            let _ = (section.steps().count(), section.owners().count(), section.prerequisites(), section.status());
        }
        let _ = plan.dependencies_of(plan.position(&task.id).unwrap_or_default());
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
    let mut edits = Vec::new();
    if let Some(task) = plan.tasks().first() {
        let seen = task.get(planbot_domain::plan::Column::Status).to_owned();
        for change in [
            Change::Status { seen: seen.clone(), to: Status::Completed },
            Change::Note { text: "fuzzed (note)".to_owned() },
            Change::Owner { seen: task.owner().to_owned(), to: "ops".to_owned() },
        ] {
            edits.push(Edit { task: task.id.clone(), change, author: "fz".to_owned(), form: TaskForm::Markdown });
        }
    }
    if let Some(Ok(id)) = plan.milestones().first().map(|m| m.id.parse::<TaskId>()) {
        edits.push(Edit { task: id, change: Change::CloseMilestone, author: "fz".to_owned(), form: TaskForm::Markdown });
    }
    for edit in edits {
        if let Ok((edited, _)) = edit.apply(&plan, today) {
            let text = edited.markdown_text().unwrap_or_default().to_owned();
            assert!(Plan::parse_files(None, Some(text)).is_ok(), "an edited document reads again");
        }
    }
});
