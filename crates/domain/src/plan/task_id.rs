//! Task identifiers such as `DEVOPS-035`.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// A task id: letters and digits in `-`-separated parts, starting with a
/// letter (`AUTH-001`, `T1`). Stored upper-case so lookups ignore case;
/// shared, because dependencies and indexes repeat the same ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(Arc<str>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTaskId {
    #[error("a task id cannot be empty")]
    Empty,
    #[error("{0:?} is not a task id (expected letters, digits and dashes, like DEVOPS-035)")]
    Malformed(String),
}

const MAX_LEN: usize = 64;

impl TaskId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as a (prefix, number) pair with the number's leading zeros
    /// dropped, so `devops-35` and `DEVOPS-035` share a key.
    pub fn loose_key(raw: &str) -> String {
        let upper = raw.trim().to_ascii_uppercase();
        let prefix: String = upper.chars().filter(char::is_ascii_alphabetic).collect();
        let digits: String = upper.chars().filter(char::is_ascii_digit).collect();
        let number = digits.trim_start_matches('0');
        format!("{prefix}#{number}")
    }
}

impl FromStr for TaskId {
    type Err = InvalidTaskId;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let trimmed = raw.trim_ascii();
        if trimmed.is_empty() {
            return Err(InvalidTaskId::Empty);
        }
        if !is_well_formed(trimmed.as_bytes()) {
            return Err(InvalidTaskId::Malformed(trimmed.to_owned()));
        }
        if trimmed.bytes().any(|b| b.is_ascii_lowercase()) {
            return Ok(TaskId(Arc::from(trimmed.to_ascii_uppercase())));
        }
        Ok(TaskId(Arc::from(trimmed)))
    }
}

/// A letter first, then letters, digits and single dashes, no dash last.
/// One pass over the bytes: every row of the plan goes through here.
fn is_well_formed(bytes: &[u8]) -> bool {
    if bytes.len() > MAX_LEN || !bytes[0].is_ascii_alphabetic() || bytes[bytes.len() - 1] == b'-' {
        return false;
    }
    let mut previous_dash = false;
    bytes.iter().all(|&b| {
        let dash = b == b'-';
        let ok = b.is_ascii_alphanumeric() || (dash && !previous_dash);
        previous_dash = dash;
        ok
    })
}

/// Lets an index keyed by `TaskId` be searched with an upper-case `&str`
/// without building an id (both hash as the same string).
impl Borrow<str> for TaskId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_case_insensitive() {
        assert_eq!("devops-035".parse::<TaskId>(), "DEVOPS-035".parse::<TaskId>());
        assert_eq!("t1".parse::<TaskId>().unwrap().as_str(), "T1");
    }

    #[test]
    fn malformed_ids_are_rejected() {
        for bad in ["", "  ", "-AUTH", "AUTH--1", "AUTH 1", "12-AUTH", "AUTH-1;"] {
            assert!(bad.parse::<TaskId>().is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn loose_key_ignores_case_and_leading_zeros() {
        assert_eq!(TaskId::loose_key("devops-35"), TaskId::loose_key("DEVOPS-035"));
        assert_ne!(TaskId::loose_key("DEVOPS-035"), TaskId::loose_key("DEVOPS-036"));
    }
}
