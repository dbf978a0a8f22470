//! A document's lines, found in one pass over its bytes: both readers of
//! the Markdown plan (task sections and milestones) walk the same list.

/// One line: its 1-based number, and its bytes without the terminator
/// (`\n` or `\r\n`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    pub number: u32,
    pub start: usize,
    pub end: usize,
}

pub(crate) fn lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut found = Vec::with_capacity(text.len() / 24);
    let mut start = 0;
    let mut number = 1;
    for at in memchr::memchr_iter(b'\n', bytes) {
        let end = if at > start && bytes[at - 1] == b'\r' { at - 1 } else { at };
        found.push(Line { number, start, end });
        start = at + 1;
        number += 1;
    }
    if start < text.len() {
        let end = if text.ends_with('\r') { text.len() - 1 } else { text.len() };
        found.push(Line { number, start, end });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_before_their_terminator_in_either_convention() {
        let text = "a\r\nbc\n\nd";
        let found: Vec<(u32, &str)> = lines(text).iter().map(|l| (l.number, &text[l.start..l.end])).collect();
        assert_eq!(found, [(1, "a"), (2, "bc"), (3, ""), (4, "d")]);
    }
}
