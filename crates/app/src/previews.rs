//! Task ids that answer for themselves: a message in a channel planbot is
//! in (or a mention of planbot) that names tasks gets their compact cards
//! in its thread, each task once per thread, three at most.

use crate::views::compact_card;
use planbot_domain::plan::Plan;
use planbot_reply::{Block, Reply};

/// At most this many cards answer one message.
pub const MAX_PREVIEWS: usize = 3;

/// The plan's tasks named in `text`, in order, each once.
pub fn named_tasks(plan: &Plan, text: &str) -> Vec<usize> {
    plan.tasks_named_in(text)
}

/// The reply with one compact card per task.
pub fn preview_reply(plan: &Plan, positions: &[usize]) -> Reply {
    let blocks: Vec<Block> = positions.iter().take(MAX_PREVIEWS).flat_map(|p| compact_card(plan, *p)).collect();
    Reply::new(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_running_text_are_found_once_each_and_unknown_ones_ignored() {
        let plan = crate::plan_of(&[
            "DEVOPS-035,P1,Deploy,devops,blocked,high,AUTH-005,2,,,,,",
            "AUTH-005,P1,Login,backend,in-progress,high,,3,,,,,",
        ]);
        let found = named_tasks(&plan, "Is DEVOPS-035 waiting on auth-005? (DEVOPS-035, NOPE-999)");
        assert_eq!(found, vec![0, 1]);
        let text = planbot_reply::render_text(&preview_reply(&plan, &found));
        assert!(text.contains("DEVOPS-035 Deploy · devops · blocked · waits on AUTH-005"), "{text}");
    }
}
