//! The `/plan` grammar: what people type after `/plan`.

use super::reply::Visibility;

/// A question about the plan, as typed (ids and names are resolved
/// against the plan when answering, so a miss can suggest the right one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Overview,
    Status(String),
    Blockers,
    Milestones,
    Next(Option<String>),
    Owner(String),
    Mine,
    IAm(Vec<String>),
    Deps(String),
    Search(Vec<String>),
    Lint,
    /// A verb planbot does not know, or a verb missing its argument.
    Unknown {
        typed: String,
        hint: Option<&'static str>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
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
            Command::Next(_) => "next",
            Command::Owner(_) => "owner",
            Command::Mine => "mine",
            Command::IAm(_) => "iam",
            Command::Deps(_) => "deps",
            Command::Search(_) => "search",
            Command::Lint => "lint",
            Command::Unknown { .. } => "unknown",
        }
    }

    /// The task id the command is about, if any (for logs).
    pub fn task_argument(&self) -> Option<&str> {
        match self {
            Command::Status(id) | Command::Deps(id) => Some(id),
            _ => None,
        }
    }
}

/// Parses `/plan` text. `public` as the first or last word posts the
/// answer in the channel.
pub fn parse(text: &str) -> Request {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let mut visibility = Visibility::Ephemeral;
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("public")) {
        words.remove(0);
        visibility = Visibility::InChannel;
    } else if words.len() > 1 && words.last().is_some_and(|w| w.eq_ignore_ascii_case("public")) {
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
        "milestones" | "milestone" => Command::Milestones,
        "next" | "ready" => Command::Next((!args.is_empty()).then(rest)),
        "owner" | "who" | "tasks" if args.is_empty() => needs("owner NAME, for example `owner backend`"),
        "owner" | "who" | "tasks" => Command::Owner(rest()),
        "mine" | "me" => Command::Mine,
        "iam" => Command::IAm(split_names(args)),
        "deps" | "dependencies" | "path" if args.is_empty() => needs("deps ID, for example `deps DEVOPS-035`"),
        "deps" | "dependencies" | "path" => Command::Deps(rest()),
        "search" | "find" if args.is_empty() => needs("search WORDS, for example `search deploy`"),
        "search" | "find" => Command::Search(args.iter().map(|w| w.to_string()).collect()),
        "lint" | "check" => Command::Lint,
        _ if words.len() == 1 && verb.chars().any(|c| c.is_ascii_digit()) => Command::Status(verb.to_string()),
        _ => Command::Unknown { typed: words.join(" "), hint: None },
    }
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
