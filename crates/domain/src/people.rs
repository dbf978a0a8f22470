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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_are_upper_case_and_start_with_u_or_w() {
        assert!("U2CERLKJA".parse::<SlackUserId>().is_ok());
        assert!("W012A3CDE".parse::<SlackUserId>().is_ok());
        for bad in ["", "u2cerlkja", "C123", "U12 3", "<@U123>", "U"] {
            assert!(bad.parse::<SlackUserId>().is_err(), "{bad:?}");
        }
    }
}
