//! Task status: the five canonical values of the plan schema and the
//! spellings people actually type (`busy`, `done`, `In Progress`, …).

use std::fmt;
use std::str::FromStr;

/// The lifecycle state of a task, as the plan schema defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Todo,
    InProgress,
    Blocked,
    Deferred,
    Completed,
}

/// A status word that is none of the canonical values or known aliases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?} (expected one of todo, in-progress, completed, blocked, deferred)")]
pub struct UnknownStatus(pub String);

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Todo, Status::InProgress, Status::Blocked, Status::Deferred, Status::Completed];

    /// The spelling the schema requires; what planbot writes.
    pub fn canonical(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in-progress",
            Status::Blocked => "blocked",
            Status::Deferred => "deferred",
            Status::Completed => "completed",
        }
    }

    /// Finished work: nothing waits on a completed task.
    pub fn is_done(self) -> bool {
        self == Status::Completed
    }

    /// Work that still needs doing (deferred work is parked, not open).
    pub fn is_open(self) -> bool {
        matches!(self, Status::Todo | Status::InProgress | Status::Blocked)
    }

    pub fn is_started(self) -> bool {
        self == Status::InProgress
    }
}

impl FromStr for Status {
    type Err = UnknownStatus;

    /// Accepts any case and `-`, `_` or space between words, plus the
    /// team's habitual aliases (`busy`, `done`, `wip`).
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        // The spellings the team writes every day, without allocating.
        match raw {
            "todo" => return Ok(Status::Todo),
            "in-progress" | "busy" => return Ok(Status::InProgress),
            "blocked" => return Ok(Status::Blocked),
            "deferred" => return Ok(Status::Deferred),
            "completed" | "done" => return Ok(Status::Completed),
            // The Markdown plan's template words.
            "To Do" => return Ok(Status::Todo),
            "In Progress" => return Ok(Status::InProgress),
            "Blocked" => return Ok(Status::Blocked),
            "Deferred" => return Ok(Status::Deferred),
            "Done" => return Ok(Status::Completed),
            _ => {}
        }
        // Folded on the stack: every status of every Markdown task passes here.
        let unknown = || UnknownStatus(raw.trim().to_owned());
        let mut folded = [0u8; 12];
        let mut len = 0;
        for byte in raw.trim().bytes().filter(|b| !matches!(b, b'-' | b'_' | b' ')) {
            let slot = folded.get_mut(len).ok_or_else(unknown)?;
            *slot = byte.to_ascii_lowercase();
            len += 1;
        }
        match &folded[..len] {
            b"todo" | b"open" | b"notstarted" => Ok(Status::Todo),
            b"inprogress" | b"busy" | b"wip" | b"started" | b"doing" => Ok(Status::InProgress),
            b"blocked" => Ok(Status::Blocked),
            b"deferred" | b"postponed" => Ok(Status::Deferred),
            b"completed" | b"done" | b"complete" => Ok(Status::Completed),
            _ => Err(unknown()),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spellings_people_type_map_to_canonical_statuses() {
        let cases = [
            ("todo", Status::Todo),
            ("To Do", Status::Todo),
            ("busy", Status::InProgress),
            ("In Progress", Status::InProgress),
            ("in_progress", Status::InProgress),
            ("IN-PROGRESS", Status::InProgress),
            ("done", Status::Completed),
            ("Done", Status::Completed),
            ("completed", Status::Completed),
            (" blocked ", Status::Blocked),
            ("Deferred", Status::Deferred),
        ];
        for (typed, expected) in cases {
            assert_eq!(typed.parse::<Status>(), Ok(expected), "{typed}");
        }
    }

    #[test]
    fn an_unknown_word_is_an_error_that_names_it() {
        let err = "shipped".parse::<Status>().unwrap_err();
        assert!(err.to_string().contains("\"shipped\""));
    }

    #[test]
    fn canonical_spelling_round_trips() {
        for status in Status::ALL {
            assert_eq!(status.canonical().parse::<Status>(), Ok(status));
        }
    }
}
