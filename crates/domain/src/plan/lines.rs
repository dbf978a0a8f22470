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
        let (end, next_start) = match newline_in(rest) {
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

/// The first `\n` in `bytes`, eight bytes at a time. A plan's lines are
/// short (two dozen bytes): a vectorised search pays its set-up on every
/// line, which here costs more than the search itself.
fn newline_in(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    const NEWLINES: u64 = ONES * b'\n' as u64;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        // A zero byte of `newlines` is a `\n`; the lowest flagged byte is
        // always a true one (a borrow only flags bytes above it).
        let newlines = u64::from_le_bytes(eight) ^ NEWLINES;
        let flagged = newlines.wrapping_sub(ONES) & !newlines & HIGHS;
        if flagged != 0 {
            return Some(at + (flagged.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words.remainder().iter().position(|&b| b == b'\n').map(|found| at + found)
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

    #[test]
    fn a_newline_is_found_wherever_it_lies_in_a_word() {
        for len in 0..40 {
            for newline in 0..=len {
                let mut bytes = vec![b'x'; len];
                // Bytes one above and below `\n`, which a borrow could confuse.
                for (i, byte) in bytes.iter_mut().enumerate() {
                    *byte = [b'\x0b', b'\x09', 0x8a, b'x'][i % 4];
                }
                if newline < len {
                    bytes[newline] = b'\n';
                    bytes.iter_mut().skip(newline + 1).step_by(3).for_each(|b| *b = b'\n');
                }
                let expected = bytes.iter().position(|&b| b == b'\n');
                assert_eq!(newline_in(&bytes), expected, "len {len}, newline {newline}");
            }
        }
    }
}
