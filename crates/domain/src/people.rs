//! People as Slack names them: the ids planbot stores and compares.

use std::fmt;
use std::str::FromStr;

/// A Slack user id (`U024BE7LH`, or `W…` on Enterprise Grid).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SlackUserId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a Slack user id (expected something like U024BE7LH)")]
pub struct InvalidSlackUserId(pub String);

impl SlackUserId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A mention that Slack renders as the person's name.
    pub fn mention(&self) -> String {
        format!("<@{}>", self.0)
    }
}

impl FromStr for SlackUserId {
    type Err = InvalidSlackUserId;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        let well_formed = (2..=32).contains(&raw.len())
            && raw.starts_with(['U', 'W'])
            && raw.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if well_formed { Ok(SlackUserId(raw.to_owned())) } else { Err(InvalidSlackUserId(raw.to_owned())) }
    }
}

impl fmt::Display for SlackUserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A GitHub login: letters, digits and single hyphens, not at either
/// end, at most 39 characters (GitHub's rule for user names).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GitHubLogin(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a GitHub login (letters, digits and single hyphens, at most 39, like dana-ndlovu)")]
pub struct InvalidGitHubLogin(pub String);

impl GitHubLogin {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for GitHubLogin {
    type Err = InvalidGitHubLogin;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let login = raw.trim().trim_start_matches('@');
        let well_formed = (1..=39).contains(&login.len())
            && !login.starts_with('-')
            && !login.ends_with('-')
            && !login.contains("--")
            && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if well_formed { Ok(GitHubLogin(login.to_owned())) } else { Err(InvalidGitHubLogin(raw.trim().to_owned())) }
    }
}

/// Someone a piece of plan text names: a Slack mention (`<@U024BE7LH>`,
/// as Slack writes one) or an `@handle` (a person's name or an owner role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    User(SlackUserId),
    Handle(String),
}

/// Everyone `text` names with `@`, each once, in order. An e-mail address
/// (`ana@example.com`) names no one.
pub fn named_in(text: &str) -> Vec<Named> {
    let mut named: Vec<Named> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + 1..];
        let word_len =
            after.find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(after.len());
        let word = after[..word_len].trim_end_matches('.');
        let found = match before {
            Some('<') => after.split_once('>').and_then(|(id, _)| id.split('|').next()?.parse().ok()).map(Named::User),
            Some(c) if c.is_alphanumeric() => None,
            _ if !word.is_empty() => Some(Named::Handle(word.to_owned())),
            _ => None,
        };
        if let Some(found) = found.filter(|f| !named.contains(f)) {
            named.push(found);
        }
        rest = after;
    }
    named
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_logins_follow_githubs_rule() {
        assert_eq!("@dana-ndlovu".parse::<GitHubLogin>().unwrap().as_str(), "dana-ndlovu");
        for bad in ["", "-dana", "dana-", "da--na", "dana_n", &"x".repeat(40)] {
            assert!(bad.parse::<GitHubLogin>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_reason_names_people_by_mention_or_handle_but_not_by_email() {
        let named = named_in("waiting on <@U024BE7LH> and @dana.k for creds (ask ops@example.com), @backend.");
        assert_eq!(
            named,
            [
                Named::User("U024BE7LH".parse().unwrap()),
                Named::Handle("dana.k".into()),
                Named::Handle("backend".into())
            ]
        );
        assert!(named_in("no one here").is_empty());
        assert_eq!(named_in("@ana @ana"), [Named::Handle("ana".into())]);
    }

    #[test]
    fn user_ids_are_upper_case_and_start_with_u_or_w() {
        assert!("U2CERLKJA".parse::<SlackUserId>().is_ok());
        assert!("W012A3CDE".parse::<SlackUserId>().is_ok());
        for bad in ["", "u2cerlkja", "C123", "U12 3", "<@U123>", "U"] {
            assert!(bad.parse::<SlackUserId>().is_err(), "{bad:?}");
        }
    }
}
