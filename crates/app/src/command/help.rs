//! `help`: the whole grammar, with examples taken from the team's own plan
//! so that every example can be copied and works; also the answer to an
//! unknown verb or a verb missing its argument.

use super::Context;
use planbot_domain::plan::Plan;
use planbot_reply::{Block, Reply, Text, echo};

/// The ids and names examples use: real ones from the plan, so a copied
/// example answers instead of failing.
struct Examples {
    task: String,
    other: String,
    owner: String,
    milestone: String,
    word: String,
}

impl Examples {
    fn from(plan: &Plan) -> Examples {
        let open = plan.tasks().iter().find(|task| !task.is_done()).or_else(|| plan.tasks().first());
        let task = open.map_or_else(|| "TASK-1".to_owned(), |task| task.id.to_string());
        let other =
            plan.tasks().iter().map(|t| t.id.to_string()).find(|id| *id != task).unwrap_or_else(|| "TASK-2".to_owned());
        let owner = open
            .and_then(|task| task.owners().next().map(str::to_owned))
            .or_else(|| plan.owners().first().map(|o| (*o).to_owned()))
            .unwrap_or_else(|| "backend".to_owned());
        let milestone = plan.milestones().first().map_or_else(|| "M1".to_owned(), |m| m.id.clone());
        let word = open
            .and_then(|task| {
                let word = task.title().split_whitespace().find(|w| w.len() > 3 && w.chars().all(char::is_alphabetic));
                word.map(str::to_lowercase)
            })
            .unwrap_or_else(|| "deploy".to_owned());
        Examples { task, other, owner, milestone, word }
    }

    /// A template with `{task}`, `{other}`, `{owner}`, `{milestone}` and
    /// `{word}` filled in.
    fn fill(&self, template: &str) -> String {
        template
            .replace("{task}", &self.task)
            .replace("{other}", &self.other)
            .replace("{owner}", &self.owner)
            .replace("{milestone}", &self.milestone)
            .replace("{word}", &self.word)
    }
}

const QUESTIONS: [(&str, &str); 14] = [
    ("/plan status {task}", "a task card (or just `/plan {task}`)"),
    ("/plan status", "counts by status and open high-priority tasks"),
    ("/plan blockers", "blocked tasks: how long, on what, and who to ask"),
    ("/plan milestones", "milestones: done, days left or overdue"),
    ("/plan forecast", "when the open work finishes at the team's pace, by phase"),
    ("/plan next [{owner}]", "tasks ready to start, by priority"),
    ("/plan owner {owner}", "one owner's tasks"),
    ("/plan iam {owner}", "tell planbot which owner role is yours"),
    ("/plan iam github:{login}", "draft your standup updates from your GitHub work"),
    ("/plan mine", "your tasks (after `iam`)"),
    ("/plan deps {task}", "dependency chain and critical path"),
    ("/plan search {word}", "tasks by words in id, title or notes"),
    ("/plan lint", "problems in the plan files, by file and line"),
    ("/plan digest", "the Monday digest as it reads now"),
];

const EDITS: [(&str, &str); 9] = [
    ("/plan done {task} [{other} …] [why]", "mark one or more tasks done (one commit)"),
    ("/plan start {task}", "mark it in progress (also `reopen`, `defer`)"),
    ("/plan block {task} waiting on {other}", "mark it blocked, with the reason"),
    ("/plan set {task} in-progress [why]", "any status: todo, in-progress, completed, blocked, deferred"),
    ("/plan note {task} staging smoke test passed", "add a dated note"),
    ("/plan assign {task} {owner}", "hand it to another owner role"),
    ("/plan pending", "your edits still waiting to be written, and any that could not be"),
    ("/plan milestone {milestone} done", "editors: close a milestone"),
    ("/plan grant @dana {owner}", "editors: let someone change one role's tasks (`revoke` undoes)"),
];

const OTHERS: [(&str, &str); 4] = [
    ("/plan standup", "today's standup (`/plan standup help` for the rest)"),
    ("/plan away until {later}", "no standup prompts through that day"),
    ("/plan help", "this help"),
    ("… public", "add `public` to post the answer in the channel"),
];

/// The grammar; with `unknown`, what was not understood comes first.
pub fn help(ctx: &Context<'_>, unknown: Option<(&str, Option<&str>)>) -> Reply {
    let examples = Examples::from(ctx.plan);
    let later = (ctx.today + chrono::Days::new(14)).to_string();
    let mut blocks = Vec::new();
    match unknown {
        Some((typed, Some(hint))) => blocks.push(Block::Paragraph(
            Text::default().and_code(echo(typed)).and_plain(" needs more: ").and_plain(examples.fill(hint)),
        )),
        Some((typed, None)) => blocks.push(Block::Paragraph(
            Text::plain("I don't understand ").and_code(echo(typed)).and_plain(". Here is what I can answer:"),
        )),
        None => blocks.push(Block::Heading(Text::bold("planbot answers questions about the plan"))),
    }
    let list = |title: Option<&str>, lines: &[(&str, &str)]| {
        let items = lines
            .iter()
            .map(|(example, meaning)| {
                let example = examples.fill(example).replace("{later}", &later);
                Text::default().and_code(example).and_plain(format!(" — {}", examples.fill(meaning)))
            })
            .collect();
        Block::list(title.map(Text::bold), items)
    };
    blocks.push(list(None, &QUESTIONS));
    if ctx.writable {
        blocks.push(list(Some("Changing the plan"), &EDITS));
    }
    blocks.push(list(None, &OTHERS));
    let reply = Reply::new(blocks);
    // An unknown verb or a missing argument: nothing was answered.
    if unknown.is_some() { reply.refusal() } else { reply }
}
