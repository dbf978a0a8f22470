//! A document's lines, found in one pass over its bytes: both readers of
//! the Markdown plan (task sections and milestones) share the pass.

/// One line: its 1-based number, and its bytes without the terminator
/// (`\n` or `\r\n`).
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

/// The lines of a text, found one at a time: a plan is read in one pass
/// and never holds a list of its lines. Offsets past `u32` (a text above
/// `MAX_PLAN_BYTES`) end the lines.
#[derive(Debug, Clone)]
pub(crate) struct Lines<'t> {
    bytes: &'t [u8],
    next_start: usize,
    number: u32,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Lines<'t> {
        Lines { bytes: text.as_bytes(), next_start: 0, number: 1 }
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        let start = self.next_start;
        let rest = self.bytes.get(start..).filter(|rest| !rest.is_empty())?;
        let (end, next_start) = match memchr::memchr(b'\n', rest) {
            Some(at) => (start + at, start + at + 1),
            None => (self.bytes.len(), self.bytes.len()),
        };
        let end = if end > start && self.bytes[end - 1] == b'\r' { end - 1 } else { end };
        let line = Line { number: self.number, start: u32::try_from(start).ok()?, end: u32::try_from(end).ok()? };
        self.next_start = next_start;
        self.number += 1;
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_before_their_terminator_in_either_convention() {
        let text = "a\r\nbc\n\nd";
        let found: Vec<(u32, &str)> = Lines::new(text).map(|l| (l.number, &text[l.start()..l.end()])).collect();
        assert_eq!(found, [(1, "a"), (2, "bc"), (3, ""), (4, "d")]);
    }
}
