//! A document's lines, found in one pass over its bytes: both readers of
//! the Markdown plan (task sections and milestones) walk the same list.

/// One line: its 1-based number, and its bytes without the terminator
/// (`\n` or `\r\n`). Twelve bytes: a plan has a line per 24 bytes or so,
/// and the list is as large as the work of reading it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    pub number: u32,
    start: u32,
    end: u32,
}

impl Line {
    pub(crate) fn start(self) -> usize {
        self.start as usize
    }

    pub(crate) fn end(self) -> usize {
        self.end as usize
    }
}

/// The lines of `text`, which is at most `MAX_PLAN_BYTES` (offsets past
/// `u32` end the list).
pub(crate) fn lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let at = |offset: usize| u32::try_from(offset).ok();
    let mut found = Vec::with_capacity(text.len() / 24);
    let mut start = 0;
    let mut number = 1;
    for newline in memchr::memchr_iter(b'\n', bytes) {
        let end = if newline > start && bytes[newline - 1] == b'\r' { newline - 1 } else { newline };
        let (Some(start32), Some(end32)) = (at(start), at(end)) else { return found };
        found.push(Line { number, start: start32, end: end32 });
        start = newline + 1;
        number += 1;
    }
    if start < text.len() {
        let end = if text.ends_with('\r') { text.len() - 1 } else { text.len() };
        if let (Some(start), Some(end)) = (at(start), at(end)) {
            found.push(Line { number, start, end });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_before_their_terminator_in_either_convention() {
        let text = "a\r\nbc\n\nd";
        let found: Vec<(u32, &str)> = lines(text).iter().map(|l| (l.number, &text[l.start()..l.end()])).collect();
        assert_eq!(found, [(1, "a"), (2, "bc"), (3, ""), (4, "d")]);
    }
}
