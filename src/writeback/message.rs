//! Commit messages in the team's convention: `docs(plan): mark DEVOPS-035
//! completed`, with a body naming who asked for each change from Slack.

use crate::store::QueuedEdit;

const SUBJECT_LIMIT: usize = 72;

pub fn commit_message(edits: &[&QueuedEdit]) -> String {
    let summaries: Vec<String> = edits.iter().map(|e| e.edit.summary()).collect();
    let mut subject = format!("docs(plan): {}", summaries.join("; "));
    if subject.chars().count() > SUBJECT_LIMIT {
        subject = format!("docs(plan): {} changes from Slack", edits.len());
    }
    let body: Vec<String> = edits
        .iter()
        .map(|e| format!("- {} (asked by {} in Slack, {})", e.edit.summary(), e.edit.author, e.author_id))
        .collect();
    format!("{subject}\n\n{}\n", body.join("\n"))
}
