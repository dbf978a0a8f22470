//! The `/plan` grammar: what people type after `/plan`.

use planbot_domain::plan::Status;
use planbot_reply::Visibility;

/// A question about the plan, as typed (ids and names are resolved
/// against the plan when answering, so a miss can suggest the right one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Command {
    Help,
    Overview,
    Status(String),
    Blockers,
    Milestones,
    /// When the open work finishes at the team's pace.
    Forecast,
    Next(Option<String>),
    Owner(String),
    Mine,
    IAm(Vec<String>),
    Deps(String),
    Search(Vec<String>),
    Lint,
    /// A change to one or more tasks, queued for commit as one batch.
    Edit {
        tasks: Vec<String>,
        action: EditAction,
    },
    /// An editor closes a milestone (`milestone {milestone} done`).
    CloseMilestone(String),
    /// An editor lets someone change one owner role's tasks.
    Grant {
        user: String,
        role: String,
    },
    Revoke {
        user: String,
        role: String,
    },
    /// Edits waiting to be committed, and recent ones that could not be.
    Pending,
    /// `standup …`: the words after `standup`.
    Standup(Vec<String>),
    /// `away until DATE` / `away off`: the words after `away`.
    Away(Vec<String>),
    /// The weekly digest, as it would read now.
    Digest,
    /// A verb planbot does not know, or a verb missing its argument.
    Unknown {
        typed: String,
        hint: Option<&'static str>,
    },
}

/// What an edit command asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EditAction {
    SetStatus {
        status: Status,
        why: Option<String>,
    },
    Note(String),
    /// Give the task to `owner`; `new_role` when an editor confirmed that
    /// an owner the plan does not have yet is meant.
    Assign {
        owner: String,
        new_role: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    pub command: Command,
    pub visibility: Visibility,
}

impl Command {
    /// The verb, for logs and metrics.
    pub fn verb(&self) -> &'static str {
        match self {
            Command::Help => "help",
            Command::Overview | Command::Status(_) => "status",
            Command::Blockers => "blockers",
            Command::Milestones => "milestones",
            Command::Forecast => "forecast",
            Command::CloseMilestone(_) => "milestone",
            Command::Next(_) => "next",
            Command::Owner(_) => "owner",
            Command::Mine => "mine",
            Command::IAm(_) => "iam",
            Command::Deps(_) => "deps",
            Command::Search(_) => "search",
            Command::Lint => "lint",
            Command::Edit { action: EditAction::SetStatus { .. }, .. } => "set",
            Command::Edit { action: EditAction::Note(_), .. } => "note",
            Command::Edit { action: EditAction::Assign { .. }, .. } => "assign",
            Command::Grant { .. } => "grant",
            Command::Revoke { .. } => "revoke",
            Command::Pending => "pending",
            Command::Standup(_) => "standup",
            Command::Away(_) => "away",
            Command::Digest => "digest",
            Command::Unknown { .. } => "unknown",
        }
    }

    /// Answered from the plan in memory alone, so always within Slack's
    /// 3 s (no database, Slack or GitHub call).
    pub fn answered_from_memory(&self) -> bool {
        matches!(
            self,
            Command::Help
                | Command::Overview
                | Command::Status(_)
                | Command::Blockers
                | Command::Milestones
                | Command::Forecast
                | Command::Next(_)
                | Command::Owner(_)
                | Command::Deps(_)
                | Command::Search(_)
                | Command::Lint
                | Command::Unknown { .. }
        )
    }

    /// Whether answering needs the plan itself (help, the outbox and the
    /// standup's own commands do not).
    pub fn needs_plan(&self) -> bool {
        !matches!(self, Command::Help | Command::Pending | Command::Standup(_) | Command::Away(_))
    }

    /// The task id the command is about, if any (for logs).
    pub fn task_argument(&self) -> Option<&str> {
        match self {
            Command::Status(id) | Command::Deps(id) | Command::CloseMilestone(id) => Some(id),
            Command::Edit { tasks, .. } => tasks.first().map(String::as_str),
            _ => None,
        }
    }
}

/// Verbs whose last word is free text, where `public` is just a word.
const FREE_TEXT_VERBS: [&str; 6] = ["set", "block", "defer", "note", "assign", "standup"];

/// Parses `/plan` text. `public` as the first word, or the last word of a
/// question, posts the answer in the channel.
pub fn parse(text: &str) -> Request {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let mut visibility = Visibility::Ephemeral;
    let free_text = words.first().is_some_and(|verb| FREE_TEXT_VERBS.contains(&verb.to_ascii_lowercase().as_str()));
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("public")) {
        words.remove(0);
        visibility = Visibility::InChannel;
    } else if !free_text && words.len() > 1 && words.last().is_some_and(|w| w.eq_ignore_ascii_case("public")) {
        words.pop();
        visibility = Visibility::InChannel;
    }
    Request { command: parse_words(&words), visibility }
}

fn parse_words(words: &[&str]) -> Command {
    let Some((verb, args)) = words.split_first() else {
        return Command::Help;
    };
    let rest = || args.join(" ");
    let needs = |hint: &'static str| Command::Unknown { typed: verb.to_string(), hint: Some(hint) };
    match verb.to_ascii_lowercase().as_str() {
        "help" | "?" | "-h" | "--help" => Command::Help,
        "status" | "show" | "task" if args.is_empty() => Command::Overview,
        "status" | "show" | "task" => Command::Status(rest()),
        "blockers" | "blocked" => Command::Blockers,
        "milestones" | "milestone" => match args {
            [] => Command::Milestones,
            [id, word]
                if ["done", "close", "closed", "complete", "completed"]
                    .contains(&word.to_ascii_lowercase().as_str()) =>
            {
                Command::CloseMilestone(id.to_string())
            }
            _ => needs("milestone ID done, for example `milestone {milestone} done` (or `milestones` to list them)"),
        },
        "forecast" | "eta" | "when" => Command::Forecast,
        "next" | "ready" => Command::Next((!args.is_empty()).then(rest)),
        "owner" | "who" | "tasks" if args.is_empty() => needs("owner NAME, for example `owner {owner}`"),
        "owner" | "who" | "tasks" => Command::Owner(rest()),
        "mine" | "me" => Command::Mine,
        "iam" => Command::IAm(split_names(args)),
        "deps" | "dependencies" | "path" if args.is_empty() => needs("deps ID, for example `deps {task}`"),
        "deps" | "dependencies" | "path" => Command::Deps(rest()),
        "search" | "find" if args.is_empty() => needs("search WORDS, for example `search deploy`"),
        "search" | "find" => Command::Search(args.iter().map(|w| w.to_string()).collect()),
        "lint" | "check" => Command::Lint,
        "pending" | "queue" => Command::Pending,
        "standup" | "standups" => Command::Standup(args.iter().map(|w| w.to_string()).collect()),
        "digest" | "weekly" => Command::Digest,
        "away" | "ooo" => Command::Away(args.iter().map(|w| w.to_string()).collect()),
        "set" | "start" | "done" | "complete" | "finish" | "block" | "defer" | "reopen" | "note" | "assign" => {
            parse_edit(verb, args).unwrap_or_else(&needs)
        }
        "grant" | "revoke" => match args {
            [user, role] if verb.eq_ignore_ascii_case("grant") => {
                Command::Grant { user: user.to_string(), role: role.to_string() }
            }
            [user, role] => Command::Revoke { user: user.to_string(), role: role.to_string() },
            _ => needs("grant @person ROLE (or revoke @person ROLE), for example `grant @dana {owner}`"),
        },
        _ if words.len() == 1 && verb.chars().any(|c| c.is_ascii_digit()) => Command::Status(verb.to_string()),
        _ => Command::Unknown { typed: words.join(" "), hint: None },
    }
}

/// The edit verbs; `Err` carries the usage hint for a missing argument.
fn parse_edit(verb: &str, args: &[&str]) -> Result<Command, &'static str> {
    let verb = verb.to_ascii_lowercase();
    let text_after = |skip: usize| Some(args.get(skip..).unwrap_or_default().join(" ")).filter(|t| !t.is_empty());
    let status = |status: Status, why: Option<String>| EditAction::SetStatus { status, why };
    let (task, action) = match (verb.as_str(), args) {
        ("set", [task, rest @ ..]) => {
            let (status_words, parsed) = parse_status_words(rest).ok_or(SET_HINT)?;
            (task, status(parsed, text_after(1 + status_words)))
        }
        // `done A B C`: every id is a task, whatever words follow them.
        ("start" | "done" | "complete" | "finish" | "reopen" | "defer", [_, ..]) => {
            let ids = leading_ids(args);
            let to = match verb.as_str() {
                "start" => Status::InProgress,
                "reopen" => Status::Todo,
                "defer" => Status::Deferred,
                _ => Status::Completed,
            };
            let tasks = args[..ids]
                .iter()
                .flat_map(|word| word.split(','))
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect();
            return Ok(Command::Edit { tasks, action: status(to, text_after(ids)) });
        }
        ("block", [task, _, ..]) => (task, status(Status::Blocked, text_after(1))),
        ("block", _) => return Err("block ID REASON, for example `block {task} waiting on {other}`"),
        ("note", [task, _, ..]) => (task, EditAction::Note(text_after(1).unwrap_or_default())),
        ("note", _) => return Err("note ID TEXT, for example `note {task} staging smoke test passed`"),
        ("assign", [task, owner]) => (task, EditAction::Assign { owner: owner.to_string(), new_role: false }),
        ("assign", _) => return Err("assign ID OWNER, for example `assign {task} {owner}`"),
        ("set", _) => return Err(SET_HINT),
        _ => return Err("an id, for example `done {task}`"),
    };
    Ok(Command::Edit { tasks: vec![task.to_string()], action })
}

/// How many words at the start are task ids: the first always is; the
/// next ones when they look like ids (letters then digits: `T5`,
/// `AUTH-005`), so `done T4 T5` is two tasks and `done T4 at last` one.
fn leading_ids(args: &[&str]) -> usize {
    let looks_like_id = |word: &str| {
        word.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && word.chars().any(|c| c.is_ascii_digit())
            && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ',')
    };
    1 + args.iter().skip(1).take_while(|word| looks_like_id(word)).count()
}

const SET_HINT: &str = "set ID STATUS [why], where STATUS is todo, in-progress, completed, blocked or deferred";

/// A status of one or two words (`done`, `in progress`): how many words
/// it took and what it means.
fn parse_status_words(words: &[&str]) -> Option<(usize, Status)> {
    let two = words.get(..2).map(|pair| pair.join(" ")).and_then(|pair| pair.parse().ok());
    two.map(|status| (2, status)).or_else(|| words.first()?.parse().ok().map(|status| (1, status)))
}

/// `iam backend devops`, `iam backend, devops`.
fn split_names(args: &[&str]) -> Vec<String> {
    args.iter()
        .flat_map(|arg| arg.split(','))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(text: &str) -> Command {
        parse(text).command
    }

    #[test]
    fn verbs_and_their_arguments() {
        assert_eq!(command("status DEVOPS-035"), Command::Status("DEVOPS-035".into()));
        assert_eq!(command("DEVOPS-035"), Command::Status("DEVOPS-035".into()));
        assert_eq!(command("status"), Command::Overview);
        assert_eq!(command(""), Command::Help);
        assert_eq!(command("next"), Command::Next(None));
        assert_eq!(command("next backend"), Command::Next(Some("backend".into())));
        assert_eq!(command("iam backend, devops"), Command::IAm(vec!["backend".into(), "devops".into()]));
        assert_eq!(command("search prod  deploy"), Command::Search(vec!["prod".into(), "deploy".into()]));
        assert_eq!(command("BLOCKERS"), Command::Blockers);
        assert_eq!(command("forecast"), Command::Forecast);
        assert_eq!(command("eta"), Command::Forecast);
    }

    #[test]
    fn edit_verbs_carry_their_status_and_reason() {
        let set = |status, why: Option<&str>| EditAction::SetStatus { status, why: why.map(str::to_owned) };
        let edit = |task: &str, action| Command::Edit { tasks: vec![task.into()], action };
        assert_eq!(command("done DEVOPS-035"), edit("DEVOPS-035", set(Status::Completed, None)));
        assert_eq!(
            command("set AUTH-005 in progress tests pass"),
            edit("AUTH-005", set(Status::InProgress, Some("tests pass")))
        );
        assert_eq!(command("set AUTH-005 busy"), edit("AUTH-005", set(Status::InProgress, None)));
        assert_eq!(
            command("block FE-004 waiting on API"),
            edit("FE-004", set(Status::Blocked, Some("waiting on API")))
        );
        assert_eq!(
            command("note FE-004 shipped to public"),
            edit("FE-004", EditAction::Note("shipped to public".into()))
        );
        assert_eq!(
            command("assign FE-004 frontend"),
            edit("FE-004", EditAction::Assign { owner: "frontend".into(), new_role: false })
        );
        assert_eq!(
            command("grant <@U123|dana> devops"),
            Command::Grant { user: "<@U123|dana>".into(), role: "devops".into() }
        );
    }

    #[test]
    fn several_ids_make_one_batch_and_words_after_them_a_reason() {
        let done = |tasks: &[&str], why: Option<&str>| Command::Edit {
            tasks: tasks.iter().map(|t| t.to_string()).collect(),
            action: EditAction::SetStatus { status: Status::Completed, why: why.map(str::to_owned) },
        };
        assert_eq!(command("done T4 T5 AUTH-005"), done(&["T4", "T5", "AUTH-005"], None));
        assert_eq!(command("done T4, T5"), done(&["T4", "T5"], None));
        assert_eq!(command("done T4,T5 shipped at last"), done(&["T4", "T5"], Some("shipped at last")));
        assert_eq!(command("done T4 at last"), done(&["T4"], Some("at last")));
    }

    #[test]
    fn milestones_are_listed_or_closed() {
        assert_eq!(command("milestones"), Command::Milestones);
        assert_eq!(command("milestone M3 done"), Command::CloseMilestone("M3".into()));
        assert_eq!(command("milestone m3 closed"), Command::CloseMilestone("m3".into()));
        assert!(matches!(command("milestone M3"), Command::Unknown { hint: Some(_), .. }));
    }

    #[test]
    fn edit_verbs_missing_what_they_need_explain_themselves() {
        for text in ["block FE-004", "note FE-004", "set FE-004 shipped", "assign FE-004", "done", "grant @dana"] {
            assert!(matches!(command(text), Command::Unknown { hint: Some(_), .. }), "{text}");
        }
    }

    #[test]
    fn public_as_first_or_last_word_posts_in_channel() {
        assert_eq!(parse("status public").visibility, Visibility::InChannel);
        assert_eq!(parse("public blockers").command, Command::Blockers);
        assert_eq!(parse("blockers").visibility, Visibility::Ephemeral);
    }

    #[test]
    fn unknown_verbs_and_missing_arguments_are_reported() {
        assert_eq!(command("frobnicate now"), Command::Unknown { typed: "frobnicate now".into(), hint: None });
        assert!(matches!(command("deps"), Command::Unknown { hint: Some(_), .. }));
    }
}
