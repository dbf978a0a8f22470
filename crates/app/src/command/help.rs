//! `help`: the grammar with examples, also the answer to unknown verbs.

use planbot_reply::{Block, Reply, Text, echo};

const GRAMMAR: [(&str, &str); 13] = [
    ("/plan status DEVOPS-035", "a task card (or just `/plan DEVOPS-035`)"),
    ("/plan status", "counts by status and open high-priority tasks"),
    ("/plan blockers", "blocked tasks and started tasks waiting on others"),
    ("/plan milestones", "milestones with days left or overdue"),
    ("/plan next [OWNER]", "tasks ready to start, by priority"),
    ("/plan owner backend", "one owner's tasks"),
    ("/plan iam backend", "tell planbot which owner role is yours"),
    ("/plan mine", "your tasks (after `iam`)"),
    ("/plan deps ORG-007", "dependency chain and critical path"),
    ("/plan search deploy", "tasks by words in id, title or notes"),
    ("/plan lint", "problems in the plan file"),
    ("/plan help", "this help"),
    ("… public", "add `public` to post the answer in the channel"),
];

pub fn help(unknown: Option<(&str, Option<&str>)>) -> Reply {
    let mut blocks = Vec::new();
    match unknown {
        Some((typed, Some(hint))) => blocks.push(Block::Paragraph(
            Text::default().and_code(echo(typed)).and_plain(" needs more: ").and_plain(hint.to_owned()),
        )),
        Some((typed, None)) => blocks.push(Block::Paragraph(
            Text::plain("I don't understand ").and_code(echo(typed)).and_plain(". Here is what I can answer:"),
        )),
        None => blocks.push(Block::Heading(Text::bold("planbot answers questions about the plan"))),
    }
    let items = GRAMMAR
        .iter()
        .map(|(example, meaning)| Text::default().and_code(*example).and_plain(format!(" — {meaning}")))
        .collect();
    blocks.push(Block::list(None, items));
    let reply = Reply::new(blocks);
    // An unknown verb or a missing argument: nothing was answered.
    if unknown.is_some() { reply.refusal() } else { reply }
}
