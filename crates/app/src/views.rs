//! How plan tasks look wherever they appear (answers, the Home tab,
//! previews, standup prompts, the digest): one line per task, a compact
//! card, and the card's buttons.

use planbot_domain::plan::{Plan, Status, Task};
use planbot_reply::{Block, Button, Text};

/// `1 day`, `3 days`: a count and its word, plural when it is not one.
pub fn plural<N: Copy + std::fmt::Display + PartialEq + From<u8>>(count: N, word: &str) -> String {
    if count == N::from(1) { format!("{count} {word}") } else { format!("{count} {word}s") }
}

/// One task as a list line: status, id, title, owner, status word.
pub fn task_line(plan: &Plan, position: usize) -> Text {
    let task = &plan.tasks()[position];
    let owner = if task.owner().is_empty() { String::new() } else { format!(" · {}", task.owner()) };
    Text::default().and_status(task.status()).and_plain(" ").and_bold(task.id.to_string()).and_plain(format!(
        " {}{owner} · {}",
        task.title(),
        task.status_label()
    ))
}

/// A task in a few lines, for a preview in conversation: status, id,
/// title, owner, and what it waits on.
pub fn compact_card(plan: &Plan, position: usize) -> Vec<Block> {
    let mut line = task_line(plan, position);
    let waits = plan.unmet_dependencies(position);
    if !waits.is_empty() {
        line = line.and_plain(format!(" · waits on {}", waits.join(", ")));
    }
    vec![Block::Paragraph(line)]
}

/// The task-card actions for `task` (Home tab, previews).
pub fn actions_for(task: &Task) -> Block {
    Block::Buttons(card_buttons(task))
}

pub const START: &str = "task_start";
pub const DONE: &str = "task_done";
pub const BLOCK: &str = "task_block";
pub const NOTE: &str = "task_note";

/// What can be done to the task from its card.
pub fn card_buttons(task: &Task) -> Vec<Button> {
    let button = |label: &str, action_id, primary| Button {
        label: label.into(),
        action_id,
        value: task.id.to_string(),
        primary,
    };
    let mut buttons = Vec::new();
    if task.status() != Some(Status::InProgress) {
        buttons.push(button("Start", START, false));
    }
    if !task.is_done() {
        buttons.push(button("Done", DONE, true));
    }
    buttons.push(button("Block…", BLOCK, false));
    buttons.push(button("Note…", NOTE, false));
    buttons
}
