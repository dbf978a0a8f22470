//! A CSV file held byte for byte. Editing one field rewrites only that
//! field's bytes, so a commit made by planbot shows exactly the cell that
//! changed: quoting, line endings, BOM, column order and columns planbot
//! does not know all survive.
//!
//! The `csv` crate is the authority on what a file means; this module only
//! remembers where each record starts and, when editing, finds the field's
//! raw bytes with a scanner that mirrors the crate's default dialect. Every
//! edit is re-read by the crate and checked before it is accepted.

use std::ops::Range;
use std::sync::Arc;

use csv::StringRecord;

const BOM: &str = "\u{feff}";

/// The largest plan file read: its cells are indexed with `u32` offsets.
pub(crate) const MAX_PLAN_BYTES: usize = (u32::MAX / 4) as usize;

/// Where a record sits in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordSpan {
    /// Byte offset of the record's first field.
    pub start: usize,
    /// 1-based physical line on which the record starts.
    pub line: u32,
}

/// The file's exact text plus the position of each record (header first).
#[derive(Debug, Clone)]
pub struct CsvDocument {
    /// Shared with the plan's [`Cells`], which are ranges of it.
    text: Arc<String>,
    spans: Vec<RecordSpan>,
}

/// A parsed file: the document and the values of each record, in order.
#[derive(Debug, Clone)]
pub struct ParsedCsv {
    pub document: CsvDocument,
    pub records: Vec<StringRecord>,
}

/// One record's place in `Cells`: 8 bytes, held by every task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    first: u32,
    /// How many fields; the high bit says the values are in `Cells::spill`
    /// rather than the file.
    count: u32,
}

/// The high bit of a `Row`'s count.
const SPILLED: u32 = 1 << 31;

/// The value of every record's fields, without a copy of the file: most
/// values are the file's own bytes (a loaded plan is held for as long as it
/// is served, so this halves what it holds). A record whose values differ
/// from its bytes (`""` inside quotes, text after a closing quote) is kept
/// unquoted in `spill`.
///
/// `offsets` holds, per record, one entry per field and one after the last.
/// For a record of the file, an entry is where the field's value starts
/// (after its opening quote, flagged with [`QUOTED`]); the value ends one
/// byte (the delimiter) before the next field's raw start, or two when
/// quoted. For a spilled record, the values lie back to back in `spill`
/// between consecutive entries. Offsets are `u32`: a plan file is at most
/// [`MAX_PLAN_BYTES`].
#[derive(Debug, Clone, Default)]
pub struct Cells {
    source: Arc<String>,
    spill: String,
    offsets: Vec<u32>,
    rows: Vec<Row>,
}

/// Marks a field written in quotes (the high bit; file offsets stay below it).
const QUOTED: u32 = 1 << 31;

impl Cells {
    /// Every record, header first.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Field `index` of `row`, or `""` when the record is shorter.
    pub fn field(&self, row: Row, index: usize) -> &str {
        if index >= row.len() {
            return "";
        }
        let at = row.first as usize + index;
        let Some(&[entry, next]) = self.offsets.get(at..at + 2) else { return "" };
        let (text, start, end) = if row.spilled() {
            (self.spill.as_str(), entry, next)
        } else {
            // The next field's raw start, less the delimiter and this value's
            // closing quote (`QUOTED` is the high bit: shifted, it is 0 or 1).
            let next_raw_start = (next & !QUOTED).wrapping_sub(next >> 31);
            (self.source.as_str(), entry & !QUOTED, next_raw_start.wrapping_sub(1 + (entry >> 31)))
        };
        text.get(start as usize..end as usize).unwrap_or_default()
    }

    pub fn row(&self, row: Row) -> impl Iterator<Item = &str> {
        (0..row.len()).map(move |index| self.field(row, index))
    }

    /// Gives back what was reserved beyond the cells: a loaded plan is
    /// held for as long as it is served.
    fn shrink_to_fit(&mut self) {
        self.spill.shrink_to_fit();
        self.offsets.shrink_to_fit();
        self.rows.shrink_to_fit();
    }
}

fn offset(at: usize) -> Option<u32> {
    u32::try_from(at).ok()
}

/// Where each of a record's values lies in the file, when every value is
/// the file's own bytes (unquoted, or quoted with no `""` inside); `None`
/// sends the record to the spill. `values` ends at `ends`, as csv-core
/// wrote them; the raw fields start at `start`.
fn offsets_in_file(bytes: &[u8], start: usize, values: &[u8], ends: &[usize], into: &mut Vec<u32>) -> Option<()> {
    let mut at = start;
    let mut value_start = 0;
    for (index, &value_end) in ends.iter().enumerate() {
        let value = &values[value_start..value_end];
        value_start = value_end;
        let last = index + 1 == ends.len();
        // Each field must end at an ASCII delimiter or the record's end, so
        // that every offset kept is a character boundary.
        let ends_field = |after: usize| match bytes.get(after) {
            Some(b',') => !last,
            None | Some(b'\r' | b'\n') => last,
            Some(_) => false,
        };
        if bytes.get(at..at + value.len()) == Some(value) && ends_field(at + value.len()) {
            into.push(offset(at)?);
            at += value.len() + 1;
        } else if bytes.get(at) == Some(&b'"')
            && bytes.get(at + 1..at + 1 + value.len()) == Some(value)
            && bytes.get(at + 1 + value.len()) == Some(&b'"')
            && ends_field(at + 2 + value.len())
        {
            into.push(offset(at + 1)? | QUOTED);
            at += value.len() + 3;
        } else {
            return None;
        }
    }
    into.push(offset(at)?);
    Some(())
}

impl Row {
    /// How many fields the record has.
    pub fn len(&self) -> usize {
        (self.count & !SPILLED) as usize
    }

    fn spilled(&self) -> bool {
        self.count & SPILLED != 0
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("line {line}: {message}")]
    Malformed { line: u32, message: String },
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("record {0} does not exist")]
    NoSuchRecord(usize),
    #[error("the edit would change how the file is read (record {record}); refusing it")]
    WouldCorrupt { record: usize },
    /// OWASP's CSV injection rule: a cell starting like this is run as a
    /// formula by spreadsheets.
    #[error("{value:?} starts with {start:?}, which a spreadsheet would run as a formula; refusing it")]
    FormulaLike { value: String, start: char },
}

/// The first character of `value` if a spreadsheet would treat the cell as
/// a formula (`=`, `+`, `-`, `@`, a tab or a carriage return).
pub fn unsafe_cell_start(value: &str) -> Option<char> {
    value.chars().next().filter(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'))
}

impl CsvDocument {
    /// Reads `text` with the `csv` crate's default dialect, records of any
    /// length allowed (the schema check comes later and names the problem).
    pub fn parse(text: String) -> Result<ParsedCsv, CsvError> {
        let (document, cells) = CsvDocument::read(text)?;
        let records = cells.rows().iter().map(|&row| cells.row(row).collect::<StringRecord>()).collect();
        Ok(ParsedCsv { document, records })
    }

    /// Reads every record's cells into one arena. `csv-core` (the `csv`
    /// crate's own engine, same dialect) parses each record into a small
    /// buffer that stays in cache; the record is then appended to the
    /// arena in one copy. Writing straight into a file-sized buffer was
    /// measured slower.
    pub fn read(text: String) -> Result<(CsvDocument, Cells), CsvError> {
        use csv_core::ReadRecordResult::{End, InputEmpty, OutputEndsFull, OutputFull, Record};
        let input = text.as_bytes();
        // A record has at most one field per byte, plus one: every count and
        // offset below fits in a `u32`.
        if input.len() > MAX_PLAN_BYTES {
            return Err(CsvError::Malformed { line: 1, message: "the file is larger than 1 GiB".to_owned() });
        }
        let mut core = csv_core::Reader::new();
        let mut record = vec![0u8; 4096];
        let mut record_ends = vec![0usize; 64];
        let (mut consumed, mut written, mut ended) = (0, 0, 0);
        let mut record_start = 0;
        let mut spill: Vec<u8> = Vec::new();
        let mut offsets: Vec<u32> = Vec::with_capacity(input.len() / 8);
        let mut lines = LineCounter::new(input);
        let mut spans = Vec::new();
        let mut rows = Vec::new();
        loop {
            let (result, nin, nout, nend) =
                core.read_record(&input[consumed..], &mut record[written..], &mut record_ends[ended..]);
            consumed += nin;
            written += nout;
            ended += nend;
            match result {
                InputEmpty => {}
                OutputFull => record.resize(record.len() * 2, 0),
                OutputEndsFull => record_ends.resize(record_ends.len() * 2, 0),
                Record => {
                    let start = first_field_offset(&text, record_start);
                    let (values, ends) = (&record[..written], &record_ends[..ended]);
                    // Every offset and count fits: the file's size is checked above.
                    let first = offsets.len();
                    let in_file = offsets_in_file(input, start, values, ends, &mut offsets).is_some();
                    if !in_file {
                        // csv-core counts ends from the start of each record.
                        offsets.truncate(first);
                        let base = spill.len();
                        offsets.push(base as u32);
                        offsets.extend(ends.iter().map(|&end| (base + end) as u32));
                        spill.extend_from_slice(values);
                    }
                    let spilled = if in_file { 0 } else { SPILLED };
                    rows.push(Row { first: first as u32, count: ended as u32 | spilled });
                    spans.push(RecordSpan { start, line: lines.line_at(start) });
                    (record_start, written, ended) = (consumed, 0, 0);
                }
                End => break,
            }
        }
        let line = lines.line_at(input.len());
        let spill = String::from_utf8(spill)
            .map_err(|_| CsvError::Malformed { line, message: "a field is not UTF-8 text".to_owned() })?;
        let text = Arc::new(text);
        let mut cells = Cells { source: Arc::clone(&text), spill, offsets, rows };
        cells.shrink_to_fit();
        spans.shrink_to_fit();
        Ok((CsvDocument { text, spans }, cells))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The line where the last record's quote opens, if the file ends
    /// before it closes (an unterminated quote swallows the rest).
    pub fn unclosed_quote_line(&self) -> Option<u32> {
        let last = self.spans.last()?;
        let scanned = scan_fields(self.text.as_bytes(), last.start);
        if !scanned.unclosed_quote {
            return None;
        }
        let opened = scanned.fields.last()?.start;
        let before = &self.text.as_bytes()[last.start..opened];
        let breaks = before.iter().filter(|&&b| b == b'\n').count();
        Some(last.line + u32::try_from(breaks).unwrap_or(0))
    }

    /// The text, copied only while the plan's cells still share it.
    pub fn into_string(self) -> String {
        Arc::unwrap_or_clone(self.text)
    }

    pub fn spans(&self) -> &[RecordSpan] {
        &self.spans
    }

    /// The document with field `field` of record `record` set to `value`.
    /// Only that field's bytes change; a record shorter than `field` is
    /// padded with empty fields. The result is re-read and verified.
    pub fn with_field(&self, record: usize, field: usize, value: &str) -> Result<ParsedCsv, EditError> {
        if let Some(start) = unsafe_cell_start(value) {
            return Err(EditError::FormulaLike { value: value.chars().take(40).collect(), start });
        }
        let span = self.spans.get(record).ok_or(EditError::NoSuchRecord(record))?;
        let old_values = read_one_record(&self.text[span.start..]).ok_or(EditError::WouldCorrupt { record })?;
        let scanned = scan_fields(self.text.as_bytes(), span.start);
        let (range, replacement) = match scanned.fields.get(field) {
            Some(raw) => (raw.clone(), encode_field(value, self.text[raw.clone()].starts_with('"'))),
            None => {
                // A quote left open at the end of the file must be closed
                // before new fields can follow it.
                let close = if scanned.unclosed_quote { "\"" } else { "" };
                let padding = ",".repeat(field + 1 - scanned.fields.len());
                (scanned.end..scanned.end, format!("{close}{padding}{}", encode_field(value, false)))
            }
        };
        let mut text = String::with_capacity(self.text.len() + replacement.len());
        text.push_str(&self.text[..range.start]);
        text.push_str(&replacement);
        text.push_str(&self.text[range.end..]);

        let parsed = CsvDocument::parse(text).map_err(|_| EditError::WouldCorrupt { record })?;
        let mut expected: Vec<&str> = old_values.iter().collect();
        expected.resize(expected.len().max(field + 1), "");
        expected[field] = value;
        let verified =
            parsed.records.len() == self.spans.len() && parsed.records[record].iter().eq(expected.iter().copied());
        if !verified {
            return Err(EditError::WouldCorrupt { record });
        }
        Ok(parsed)
    }
}

/// Slack and humans may type anything; quote when the value needs it or
/// when the original field was quoted, so the file keeps its style.
fn encode_field(value: &str, was_quoted: bool) -> String {
    let needs_quotes = value.contains([',', '"', '\r', '\n']);
    if was_quoted || needs_quotes { format!("\"{}\"", value.replace('"', "\"\"")) } else { value.to_owned() }
}

/// The csv crate reports a record as starting right after the previous
/// record's first terminator byte, so skip the rest of that terminator and
/// any blank lines (and a BOM at the very start).
fn first_field_offset(text: &str, raw_position: usize) -> usize {
    let mut offset = raw_position;
    if offset == 0 && text.starts_with(BOM) {
        offset = BOM.len();
    }
    let bytes = text.as_bytes();
    while matches!(bytes.get(offset), Some(b'\r' | b'\n')) {
        offset += 1;
    }
    offset
}

fn read_one_record(text: &str) -> Option<StringRecord> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut record = StringRecord::new();
    matches!(reader.read_record(&mut record), Ok(true)).then_some(record)
}

/// The raw layout of one record.
struct ScannedRecord {
    fields: Vec<Range<usize>>,
    /// Where the record's terminator (or the file) begins.
    end: usize,
    /// The last field opened a quote that the file never closes.
    unclosed_quote: bool,
}

/// Mirrors csv-core's default state machine: quotes open a field only at
/// its start, `""` inside quotes is a quote, text after a closing quote
/// joins the field.
fn scan_fields(bytes: &[u8], start: usize) -> ScannedRecord {
    let mut fields = Vec::new();
    let mut pos = start;
    loop {
        let field_start = pos;
        let mut unclosed_quote = false;
        if bytes.get(pos) == Some(&b'"') {
            (pos, unclosed_quote) = skip_quoted(bytes, pos + 1);
        }
        while let Some(&byte) = bytes.get(pos) {
            if matches!(byte, b',' | b'\r' | b'\n') {
                break;
            }
            pos += 1;
        }
        fields.push(field_start..pos);
        if bytes.get(pos) == Some(&b',') {
            pos += 1;
        } else {
            return ScannedRecord { fields, end: pos, unclosed_quote };
        }
    }
}

/// From just inside an opening quote to just past its closing quote; true
/// when the file ends first.
fn skip_quoted(bytes: &[u8], mut pos: usize) -> (usize, bool) {
    while let Some(&byte) = bytes.get(pos) {
        pos += 1;
        if byte == b'"' {
            if bytes.get(pos) == Some(&b'"') {
                pos += 1;
            } else {
                return (pos, false);
            }
        }
    }
    (pos, true)
}

/// Physical line numbers for increasing byte offsets (`\r\n`, `\n` and a
/// lone `\r` each end a line), counted incrementally.
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Whether the file has any `\r` at all; most files do not, and then
    /// counting `\n` (which the compiler vectorises) is the whole job.
    has_returns: bool,
    offset: usize,
    line: u32,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, has_returns: bytes.contains(&b'\r'), offset: 0, line: 1 }
    }

    fn line_at(&mut self, target: usize) -> u32 {
        let target = target.min(self.bytes.len());
        if target <= self.offset {
            return self.line;
        }
        let skipped = &self.bytes[self.offset..target];
        let mut breaks = skipped.iter().filter(|&&b| b == b'\n').count();
        if self.has_returns {
            let next = |i: usize| self.bytes.get(self.offset + i + 1).copied();
            breaks += skipped.iter().enumerate().filter(|&(i, &b)| b == b'\r' && next(i) != Some(b'\n')).count();
        }
        self.line += breaks as u32;
        self.offset = target;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_a_spreadsheet_would_run_is_never_written() {
        let document = parse("id,owner\nA-1,ops\n").document;
        for value in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(matches!(document.with_field(1, 1, value), Err(EditError::FormulaLike { .. })), "{value:?}");
        }
        assert!(document.with_field(1, 1, "ops-team").is_ok(), "a dash later in the value is fine");
    }

    fn parse(text: &str) -> ParsedCsv {
        CsvDocument::parse(text.to_owned()).expect("valid csv")
    }

    fn values(parsed: &ParsedCsv) -> Vec<Vec<String>> {
        parsed.records.iter().map(|r| r.iter().map(str::to_owned).collect()).collect()
    }

    #[test]
    fn editing_a_field_keeps_every_other_byte() {
        let text = "\u{feff}id,status,notes\r\nA-1,todo,\"x, y\"\r\nA-2,busy,plain\r\n";
        let edited = parse(text).document.with_field(2, 1, "completed").unwrap();
        assert_eq!(edited.document.as_str(), "\u{feff}id,status,notes\r\nA-1,todo,\"x, y\"\r\nA-2,completed,plain\r\n");
    }

    #[test]
    fn a_quoted_field_stays_quoted_and_inner_quotes_are_doubled() {
        let text = "id,notes\nA-1,\"old\"\n";
        let edited = parse(text).document.with_field(1, 1, "say \"hi\", then\nleave").unwrap();
        assert_eq!(edited.document.as_str(), "id,notes\nA-1,\"say \"\"hi\"\", then\nleave\"\n");
        assert_eq!(values(&edited)[1][1], "say \"hi\", then\nleave");
    }

    #[test]
    fn a_short_record_is_padded_up_to_the_edited_column() {
        let edited = parse("a,b,c\nx\ny,z,w\n").document.with_field(1, 2, "new").unwrap();
        assert_eq!(edited.document.as_str(), "a,b,c\nx,,new\ny,z,w\n");
    }

    #[test]
    fn lines_count_physical_lines_across_multiline_records_and_blank_lines() {
        let parsed = parse("h1,h2\r\n\"multi\r\nline\",x\r\n\r\nnext,y\r\n");
        let lines: Vec<u32> = parsed.document.spans().iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![1, 2, 5]);
    }

    #[test]
    fn text_after_a_closing_quote_is_edited_as_one_field() {
        let edited = parse("a,b\n\"ab\"cd,e\n").document.with_field(1, 1, "f").unwrap();
        assert_eq!(edited.document.as_str(), "a,b\n\"ab\"cd,f\n");
    }
}
