//! What the standup says in Slack: the prompt, the reminder, the thank-you,
//! the summary and each person's reply in its thread. Pure: built from the
//! plan, the answers and the calendar; people's words always go in as
//! plain text, so an answer can never ping anyone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::views::{plural, task_line};
use planbot_domain::plan::{Plan, Status};
use planbot_domain::standup::Answer;
use planbot_domain::standup::draft::{Draft, WorkKind};
use planbot_reply::{Block, Button, Reply, Text};
use planbot_store::Member;

/// The "Write update" button; its value is the standup's day.
pub const WRITE_UPDATE: &str = "standup_write";
/// A change an answer mentioned, confirmed; its value is `ID status`.
pub const APPLY_MENTIONED: &str = "standup_apply";
/// At most this many of a person's tasks are listed (and get a select).
pub const MAX_TASKS: usize = 10;

pub fn day_label(day: NaiveDate) -> String {
    day.format("%a %-d %b").to_string()
}

fn time_in(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M").to_string()
}

/// A person's open tasks worth talking about: in progress and blocked
/// first, then ready to-dos, in plan order.
pub fn open_tasks(plan: &Plan, roles: &[String]) -> Vec<usize> {
    let mine = |status| open_tasks_with_status(plan, roles, status).into_iter();
    mine(Status::InProgress).chain(mine(Status::Blocked)).chain(mine(Status::Todo)).take(MAX_TASKS).collect()
}

/// The tasks in `status` owned by any of `roles`, in plan order.
pub fn open_tasks_with_status(plan: &Plan, roles: &[String], status: Status) -> Vec<usize> {
    plan.tasks()
        .iter()
        .enumerate()
        .filter(|(_, t)| t.status() == Some(status) && roles.iter().any(|role| t.owned_by(role)))
        .map(|(position, _)| position)
        .collect()
}

fn write_button(day: NaiveDate, label: &str) -> Block {
    Block::Buttons(vec![Button {
        label: label.to_owned(),
        action_id: WRITE_UPDATE,
        value: day.to_string(),
        primary: true,
    }])
}

/// The morning DM: the day, when the summary goes out in their time, their
/// open tasks, and the button.
pub fn prompt(
    plan: &Plan,
    day: NaiveDate,
    tasks: &[usize],
    summary_at: DateTime<Utc>,
    tz: Tz,
    draft: Option<&Draft>,
) -> Reply {
    let mut blocks = vec![
        Block::Heading(Text::plain(format!("Standup · {}", day_label(day)))),
        Block::Paragraph(Text::plain(format!(
            "What's your update? The summary goes to the channel at {} your time.",
            time_in(summary_at, tz)
        ))),
    ];
    if !tasks.is_empty() {
        let items = tasks.iter().map(|position| task_line(plan, *position)).collect();
        blocks.push(Block::list(Some(Text::bold("Your open tasks")), items));
    }
    if let Some(draft) = draft {
        blocks.extend(draft_blocks(draft));
    }
    blocks.push(write_button(day, "Write update"));
    blocks.push(Block::Note(Text::plain("Or just reply to this message.")));
    Reply::new(blocks)
}

/// The draft in the prompt: each piece of work with its link, then a
/// "mark completed?" button for each task a merged pull request closes.
fn draft_blocks(draft: &Draft) -> Vec<Block> {
    let items = draft
        .lines
        .iter()
        .map(|line| {
            let lead = match line.kind {
                WorkKind::Commit => "commit ",
                WorkKind::Merged => "merged ",
                WorkKind::FailingChecks => "checks failing on ",
                WorkKind::PlanChange => "plan: ",
            };
            let text = Text::plain(lead);
            if line.url.is_empty() { text.and_plain(&line.text) } else { text.and_link(&line.url, &line.text) }
        })
        .collect();
    let mut blocks = vec![Block::list(Some(Text::bold("Drafted from your work since your last update")), items)];
    if !draft.closes.is_empty() {
        blocks.push(Block::Buttons(
            draft
                .closes
                .iter()
                .map(|id| Button {
                    label: format!("Mark {id} completed?"),
                    action_id: APPLY_MENTIONED,
                    value: format!("{id} completed"),
                    primary: false,
                })
                .collect(),
        ));
    }
    blocks.push(Block::Note(Text::plain(
        "Write update starts with this draft; edit it and send. Nothing is posted, and no task changes, without your click.",
    )));
    blocks
}

pub fn reminder(day: NaiveDate, summary_at: DateTime<Utc>, tz: Tz) -> Reply {
    Reply::new(vec![
        Block::Paragraph(Text::plain(format!(
            "A reminder: your standup update for {} goes out with the summary at {} your time.",
            day_label(day),
            time_in(summary_at, tz)
        ))),
        write_button(day, "Write update"),
    ])
}

/// What the prompt turns into once answered.
pub fn thanks(day: NaiveDate, thread: Option<&str>, summary_at: DateTime<Utc>, tz: Tz) -> Reply {
    let text = match thread {
        Some(link) => Text::plain("Thanks — posted in the ").and_link(link, "standup thread").and_plain("."),
        None => Text::plain(format!("Thanks — it goes out with the summary at {} your time.", time_in(summary_at, tz))),
    };
    Reply::new(vec![
        Block::Heading(Text::plain(format!("Standup · {}", day_label(day)))),
        Block::Paragraph(text),
        write_button(day, "Edit update"),
    ])
}

/// Who is in a summary, and how they did.
pub struct Roll<'a> {
    pub day: NaiveDate,
    pub answers: &'a [Answer],
    /// Participants expected to answer (not away).
    pub expected: Vec<&'a Member>,
    pub away: Vec<&'a Member>,
    pub mention_missing: bool,
}

impl Roll<'_> {
    fn name_of(&self, answer: &Answer) -> String {
        self.expected
            .iter()
            .chain(&self.away)
            .find(|m| m.user == answer.user)
            .map_or_else(|| answer.user.to_string(), |m| m.display_name())
    }

    fn missing(&self) -> Vec<&Member> {
        self.expected.iter().copied().filter(|m| !self.answers.iter().any(|a| a.user == m.user)).collect()
    }

    /// Everyone who answered plus everyone expected.
    fn headcount(&self) -> usize {
        let extra = self.answers.iter().filter(|a| !self.expected.iter().any(|m| m.user == a.user)).count();
        self.expected.len() + extra
    }
}

/// A blocked task in the summary, with what planbot knows beyond the
/// plan: how long (`blocked 5 days`), and whether it stalled and who was
/// asked to move it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedLine {
    pub position: usize,
    pub note: String,
}

/// The parent message: the headline, the blockers with their tasks, who
/// has not answered and who is away. A reported blocker that names a task
/// already blocked in the plan is added to that task's line ("raised by
/// Ana") instead of being repeated.
pub fn summary(plan: &Plan, roll: &Roll<'_>, blocked: &[BlockedLine]) -> Reply {
    let mut lines: Vec<(BlockedLine, Vec<String>)> = blocked.iter().map(|b| (b.clone(), Vec::new())).collect();
    let mut reported: Vec<(String, String)> = Vec::new();
    for answer in roll.answers {
        for text in answer.blockers() {
            let known: Vec<usize> = crate::previews::named_tasks(plan, &text)
                .into_iter()
                .filter(|p| plan.tasks()[*p].status() == Some(Status::Blocked))
                .collect();
            if known.is_empty() {
                reported.push((roll.name_of(answer), text));
            }
            for position in known {
                let at = lines.iter().position(|(line, _)| line.position == position).unwrap_or_else(|| {
                    lines.push((BlockedLine { position, note: String::new() }, Vec::new()));
                    lines.len() - 1
                });
                lines[at].1.push(roll.name_of(answer));
            }
        }
    }
    let blocker_count = reported.len() + lines.len();
    let mut blocks = vec![Block::Heading(Text::plain(format!(
        "Standup · {} · {} of {} answered · {}",
        day_label(roll.day),
        roll.answers.len(),
        roll.headcount(),
        plural(blocker_count, "blocker")
    )))];
    if roll.answers.is_empty() {
        blocks
            .push(Block::Paragraph(Text::plain("Nobody has answered yet; answers posted later land in this thread.")));
    }
    if !reported.is_empty() {
        let items = reported.into_iter().map(|(name, text)| Text::bold(name).and_plain(": ").and_plain(text)).collect();
        blocks.push(Block::list(Some(Text::bold("Blockers reported")), items));
    }
    if !lines.is_empty() {
        let items = lines
            .into_iter()
            .map(|(line, raised_by)| {
                let mut text = task_line(plan, line.position).and_plain(&line.note);
                if !raised_by.is_empty() {
                    text = text.and_plain(format!(" · raised today by {}", raised_by.join(", ")));
                }
                text
            })
            .collect();
        blocks.push(Block::list(Some(Text::bold("Blocked tasks")), items));
    }
    let missing = roll.missing();
    if !missing.is_empty() {
        let mut text = Text::bold("Not answered yet:");
        for member in missing {
            text = if roll.mention_missing {
                text.and_plain(" ").and_mention(&member.user)
            } else {
                text.and_plain(format!(" {}", member.display_name()))
            };
        }
        blocks.push(Block::Paragraph(text));
    }
    if !roll.away.is_empty() {
        let names: Vec<String> = roll
            .away
            .iter()
            .map(|m| match m.away_until {
                Some(until) => format!("{} (until {})", m.display_name(), day_label(until)),
                None => m.display_name(),
            })
            .collect();
        blocks.push(Block::Paragraph(Text::bold("Away:").and_plain(format!(" {}", names.join(", ")))));
    }
    Reply::new(blocks)
}

/// One person's answer as a reply in the summary thread.
pub fn thread_reply(name: &str, answer: &Answer, late: bool) -> Reply {
    let mut heading = Text::bold(name);
    if late {
        heading = heading.and_plain(" (late)");
    }
    let mut blocks = vec![Block::Paragraph(heading)];
    for response in answer.responses.iter().filter(|r| !r.text.trim().is_empty()) {
        blocks.push(Block::Paragraph(Text::bold(&response.question).and_plain("\n").and_plain(response.text.trim())));
    }
    Reply::new(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standup::{AnswerSource, Response};
    use planbot_reply::render_text;

    fn plan() -> Plan {
        crate::plan_of(&[
            "DEVOPS-035,P1,Deploy,devops,in-progress,high,,2,,,,,",
            "AUTH-005,P1,Login,backend,blocked,high,,3,,,,,",
        ])
    }

    fn member(id: &str, name: &str) -> Member {
        Member {
            user: id.parse().unwrap(),
            has_roles: true,
            membership: None,
            name: Some(name.into()),
            tz: None,
            profile_checked_at: None,
            dm_channel: None,
            away_until: None,
            email: None,
        }
    }

    fn answer(id: &str, blockers: &str) -> Answer {
        Answer {
            day: "2025-10-21".parse().unwrap(),
            user: id.parse().unwrap(),
            responses: vec![
                Response { question: "Today?".into(), text: "Ship <!channel> fixes".into() },
                Response { question: "Anything blocking you?".into(), text: blockers.into() },
            ],
            source: AnswerSource::Modal,
            submitted_at: Utc::now(),
            reply_ts: None,
        }
    }

    #[test]
    fn the_summary_counts_answers_and_blockers_and_names_who_is_missing_without_pinging() {
        let (ana, ben, cy) = (member("U1", "Ana"), member("U2", "Ben"), member("U3", "Cy"));
        let answers = vec![answer("U1", "Waiting on VPN access"), answer("U2", "none")];
        let roll = Roll {
            day: "2025-10-21".parse().unwrap(),
            answers: &answers,
            expected: vec![&ana, &ben, &cy],
            away: vec![],
            mention_missing: false,
        };
        let blocked = [BlockedLine { position: 1, note: " · blocked 4 days".into() }];
        let text = render_text(&summary(&plan(), &roll, &blocked));
        assert!(text.contains("Standup · Tue 21 Oct · 2 of 3 answered · 2 blockers"), "{text}");
        assert!(text.contains("Ana: Waiting on VPN access"), "{text}");
        assert!(text.contains("AUTH-005 Login · backend · blocked · blocked 4 days"), "{text}");
        assert!(text.contains("Not answered yet: Cy"), "{text}");
    }

    #[test]
    fn a_reported_blocker_naming_a_blocked_task_joins_its_line_instead_of_repeating() {
        let (ana, ben) = (member("U1", "Ana"), member("U2", "Ben"));
        let answers = vec![answer("U1", "still stuck on AUTH-005 tokens"), answer("U2", "none")];
        let roll = Roll {
            day: "2025-10-21".parse().unwrap(),
            answers: &answers,
            expected: vec![&ana, &ben],
            away: vec![],
            mention_missing: false,
        };
        let blocked = [BlockedLine { position: 1, note: " · blocked 4 days".into() }];
        let text = render_text(&summary(&plan(), &roll, &blocked));
        assert!(text.contains("2 of 2 answered · 1 blocker"), "one blocker, not two: {text}");
        assert!(!text.contains("Blockers reported"), "{text}");
        assert!(text.contains("AUTH-005 Login · backend · blocked · blocked 4 days · raised today by Ana"), "{text}");
    }

    #[test]
    fn a_reply_keeps_the_words_but_not_the_markup() {
        let reply = thread_reply("Ana", &answer("U1", "none"), true);
        let slack = serde_json::to_string(&planbot_slack::blocks::message_content(&reply)).unwrap();
        assert!(slack.contains("&lt;!channel&gt;"), "{slack}");
        assert!(!slack.contains("<!channel>"), "{slack}");
        assert!(render_text(&reply).contains("Ana (late)"));
    }

    #[test]
    fn open_tasks_come_in_progress_then_blocked() {
        let plan = plan();
        assert_eq!(open_tasks(&plan, &["backend".into(), "devops".into()]), vec![0, 1]);
        assert!(open_tasks(&plan, &["design".into()]).is_empty());
    }
}
