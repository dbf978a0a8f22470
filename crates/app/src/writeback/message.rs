//! Commit messages in the team's convention: `docs(plan): mark DEVOPS-035
//! completed`, with a body naming who asked for each change from Slack.

use planbot_store::QueuedEdit;

const SUBJECT_LIMIT: usize = 72;

pub fn commit_message(edits: &[&QueuedEdit]) -> String {
    let summaries: Vec<String> = edits.iter().map(|e| e.edit.summary()).collect();
    let mut subject = format!("docs(plan): {}", summaries.join("; "));
    if subject.chars().count() > SUBJECT_LIMIT {
        subject = format!("docs(plan): {} changes from Slack", edits.len());
    }
    let body: Vec<String> = edits.iter().map(|e| format!("- {} ({})", e.edit.detail(), who(e))).collect();
    format!("{subject}\n\n{}\n", body.join("\n"))
}

/// Who asked, and who applied it over a newer value if that was someone
/// else, each with their Slack id.
fn who(edit: &QueuedEdit) -> String {
    let asked = format!("asked by {}, {}", edit.edit.author, edit.author_id);
    match &edit.applied_by {
        Some(applier) => format!("{asked}; applied anyway by {}, {}", applier.name, applier.id),
        None => asked,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use planbot_domain::plan::{Change, Edit, Status, TaskForm};
    use planbot_store::EditState;

    fn queued(id: i64, change: Change) -> QueuedEdit {
        QueuedEdit {
            id,
            created_at: Utc::now(),
            author_id: "U0ERIN001".parse().unwrap(),
            edit: Edit { task: "FE-004".parse().unwrap(), change, author: "erin".into(), form: TaskForm::Csv },
            state: EditState::Pending,
            attempts: 1,
            last_error: None,
            commit_ref: None,
            commit_url: None,
            current_value: None,
            applied_by: None,
            request_id: None,
        }
    }

    #[test]
    fn the_subject_follows_the_team_convention_and_the_body_names_authors_and_reasons() {
        let status = queued(1, Change::Status { seen: "todo".into(), to: Status::Blocked });
        let reason = queued(2, Change::Note { text: "blocked: waiting on design".into() });
        let message = commit_message(&[&status, &reason]);
        assert_eq!(
            message,
            "docs(plan): mark FE-004 blocked; note on FE-004\n\n\
             - mark FE-004 blocked (asked by erin, U0ERIN001)\n\
             - note on FE-004: \"blocked: waiting on design\" (asked by erin, U0ERIN001)\n"
        );
    }

    #[test]
    fn an_edit_applied_anyway_by_someone_else_names_both() {
        let mut edit = queued(3, Change::Status { seen: "busy".into(), to: Status::Completed });
        edit.applied_by = Some(planbot_store::Applier { id: "U0DANA001".parse().unwrap(), name: "dana".into() });
        assert_eq!(
            commit_message(&[&edit]),
            "docs(plan): mark FE-004 completed\n\n\
             - mark FE-004 completed (asked by erin, U0ERIN001; applied anyway by dana, U0DANA001)\n"
        );
    }

    #[test]
    fn many_changes_keep_the_subject_short() {
        let edits: Vec<QueuedEdit> = (0..9).map(|i| queued(i, Change::Note { text: format!("n{i}") })).collect();
        let refs: Vec<&QueuedEdit> = edits.iter().collect();
        assert!(commit_message(&refs).starts_with("docs(plan): 9 changes from Slack\n"));
    }
}
