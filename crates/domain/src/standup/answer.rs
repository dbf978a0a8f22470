//! A person's standup answer, and what planbot reads out of it: the
//! blockers it reports and the task status changes it mentions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::people::SlackUserId;
use crate::plan::{Plan, Status, TaskId};

/// How many words after a task id a status word may come
/// (`DEVOPS-035 is now done`).
const STATUS_WORD_REACH: usize = 3;

/// Answers that mean "no blockers".
const NOTHING: [&str; 9] = ["none", "no", "nope", "nothing", "n/a", "na", "-", "no blockers", "all good"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSource {
    /// The "Write update" form.
    Modal,
    /// A direct message to planbot.
    Message,
}

impl AnswerSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerSource::Modal => "modal",
            AnswerSource::Message => "message",
        }
    }

    pub fn parse(text: &str) -> AnswerSource {
        if text == "message" { AnswerSource::Message } else { AnswerSource::Modal }
    }
}

/// One question and what the person wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub question: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub day: NaiveDate,
    pub user: SlackUserId,
    pub responses: Vec<Response>,
    pub source: AnswerSource,
    pub submitted_at: DateTime<Utc>,
    /// The summary thread's reply holding this answer, once posted.
    pub reply_ts: Option<String>,
}

impl Answer {
    /// What the person reported as blocking them, if anything: the answer
    /// to a question about blockers, or lines of a message that say so.
    pub fn blockers(&self) -> Vec<String> {
        let mut found = Vec::new();
        for response in &self.responses {
            if response.question.to_lowercase().contains("block") {
                let text = response.text.trim();
                if !text.is_empty() && !NOTHING.contains(&text.to_lowercase().trim_end_matches('.')) {
                    found.push(text.to_owned());
                }
            } else if self.source == AnswerSource::Message {
                found.extend(
                    response.text.lines().filter(|l| l.to_lowercase().contains("block")).map(|l| l.trim().to_owned()),
                );
            }
        }
        found
    }
}

/// A status change an answer mentions (`DEVOPS-035 done`), to be offered
/// with a confirm button, never applied silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionedChange {
    pub task: TaskId,
    pub to: Status,
}

/// The task ids of `plan` followed closely by a status word, first
/// mention of each task only, skipping tasks already in that status.
pub fn mentioned_changes(text: &str, plan: &Plan) -> Vec<MentionedChange> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | ':' | '→'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut changes: Vec<MentionedChange> = Vec::new();
    for (index, word) in words.iter().enumerate() {
        let Ok(id) = word.trim_matches(|c: char| !c.is_alphanumeric()).parse::<TaskId>() else { continue };
        let Some(task) = plan.task(&id) else { continue };
        if changes.iter().any(|c| c.task == task.id) {
            continue;
        }
        let status = words[index + 1..]
            .iter()
            .take(STATUS_WORD_REACH)
            .find_map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').parse::<Status>().ok());
        if let Some(to) = status.filter(|to| task.status() != Some(*to)) {
            changes.push(MentionedChange { task: task.id.clone(), to });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        crate::plan::plan_of(&[
            "DEVOPS-035,P1,Deploy,devops,in-progress,high,,2,,,,,",
            "AUTH-005,P1,Login,backend,todo,high,,3,,,,,",
        ])
    }

    #[test]
    fn status_words_near_task_ids_become_offers() {
        let changes = mentioned_changes("Finished DEVOPS-035: done! Started on auth-005 (busy) today", &plan());
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!((changes[0].task.as_str(), changes[0].to), ("DEVOPS-035", Status::Completed));
        assert_eq!((changes[1].task.as_str(), changes[1].to), ("AUTH-005", Status::InProgress));
    }

    #[test]
    fn ids_without_a_status_word_or_unknown_tasks_are_not_offers() {
        assert!(mentioned_changes("Looked at DEVOPS-035 with the team", &plan()).is_empty());
        assert!(mentioned_changes("NOPE-001 done", &plan()).is_empty());
        // Already in progress: nothing to change.
        assert!(mentioned_changes("DEVOPS-035 in-progress", &plan()).is_empty());
    }

    #[test]
    fn blockers_skip_none_answers() {
        let answer = |text: &str| Answer {
            day: "2025-10-21".parse().unwrap(),
            user: "U1".parse().unwrap(),
            responses: vec![Response { question: "Anything blocking you?".into(), text: text.into() }],
            source: AnswerSource::Modal,
            submitted_at: Utc::now(),
            reply_ts: None,
        };
        assert!(answer("None.").blockers().is_empty());
        assert_eq!(answer("Waiting on the VPN").blockers(), vec!["Waiting on the VPN".to_owned()]);
    }
}
