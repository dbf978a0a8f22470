//! Task priority. The team writes `high`/`medium`/`low` and sometimes `P1`…

use std::cmp::Ordering;
use std::fmt;

/// A priority; unknown spellings are kept as written and sort last.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Priority {
    High,
    Medium,
    Low,
    Unset,
    Other(String),
}

impl Priority {
    pub fn parse(raw: &str) -> Priority {
        const SPELLINGS: [(&str, Priority); 12] = [
            ("high", Priority::High),
            ("p1", Priority::High),
            ("p0", Priority::High),
            ("critical", Priority::High),
            ("urgent", Priority::High),
            ("medium", Priority::Medium),
            ("med", Priority::Medium),
            ("p2", Priority::Medium),
            ("normal", Priority::Medium),
            ("low", Priority::Low),
            ("p3", Priority::Low),
            ("p4", Priority::Low),
        ];
        let raw = raw.trim();
        if raw.is_empty() {
            return Priority::Unset;
        }
        let known = SPELLINGS.iter().find(|(spelling, _)| spelling.eq_ignore_ascii_case(raw));
        known.map_or_else(|| Priority::Other(raw.to_owned()), |(_, priority)| priority.clone())
    }

    fn rank(&self) -> u8 {
        match self {
            Priority::High => 0,
            Priority::Medium => 1,
            Priority::Low => 2,
            Priority::Other(_) => 3,
            Priority::Unset => 4,
        }
    }

    pub fn is_high(&self) -> bool {
        *self == Priority::High
    }
}

impl Ord for Priority {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank()).then_with(|| self.to_string().cmp(&other.to_string()))
    }
}

impl PartialOrd for Priority {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Priority::High => f.write_str("high"),
            Priority::Medium => f.write_str("medium"),
            Priority::Low => f.write_str("low"),
            Priority::Unset => f.write_str("none"),
            Priority::Other(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p1_is_high_and_high_sorts_first() {
        assert_eq!(Priority::parse("P1"), Priority::High);
        let mut all = vec![Priority::parse("low"), Priority::parse(""), Priority::parse("High")];
        all.sort();
        assert_eq!(all, vec![Priority::High, Priority::Low, Priority::Unset]);
    }
}
