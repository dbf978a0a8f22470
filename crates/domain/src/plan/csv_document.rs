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

use csv::StringRecord;

const BOM: &str = "\u{feff}";

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
    text: String,
    spans: Vec<RecordSpan>,
}

/// A parsed file: the document and the values of each record, in order.
#[derive(Debug, Clone)]
pub struct ParsedCsv {
    pub document: CsvDocument,
    pub records: Vec<StringRecord>,
}

/// One record's place in `Cells`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    first: usize,
    count: usize,
}

/// The unquoted values of every record, in one string and one table of
/// field end offsets.
#[derive(Debug, Clone, Default)]
pub struct Cells {
    text: String,
    ends: Vec<usize>,
    rows: Vec<Row>,
}

impl Cells {
    /// Every record, header first.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Field `index` of `row`, or `""` when the record is shorter.
    pub fn field(&self, row: Row, index: usize) -> &str {
        if index >= row.count {
            return "";
        }
        let at = row.first + index;
        let start = if at == 0 { 0 } else { self.ends[at - 1] };
        &self.text[start..self.ends[at]]
    }

    pub fn row(&self, row: Row) -> impl Iterator<Item = &str> {
        (0..row.count).map(move |index| self.field(row, index))
    }

    /// Appends a record (for tasks that come from elsewhere than a CSV).
    pub fn push_row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> Row {
        let first = self.ends.len();
        for field in fields {
            self.text.push_str(field);
            self.ends.push(self.text.len());
        }
        let row = Row { first, count: self.ends.len() - first };
        self.rows.push(row);
        row
    }
}

impl Row {
    /// How many fields the record has.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
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
        let mut core = csv_core::Reader::new();
        let mut record = vec![0u8; 4096];
        let mut record_ends = vec![0usize; 64];
        let (mut consumed, mut written, mut ended) = (0, 0, 0);
        let mut record_start = 0;
        let mut arena: Vec<u8> = Vec::with_capacity(input.len());
        let mut ends: Vec<usize> = Vec::with_capacity(input.len() / 8);
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
                    // csv-core counts ends from the start of each record.
                    let base = arena.len();
                    rows.push(Row { first: ends.len(), count: ended });
                    ends.extend(record_ends[..ended].iter().map(|end| base + end));
                    arena.extend_from_slice(&record[..written]);
                    let start = first_field_offset(&text, record_start);
                    spans.push(RecordSpan { start, line: lines.line_at(start) });
                    (record_start, written, ended) = (consumed, 0, 0);
                }
                End => break,
            }
        }
        let line = lines.line_at(input.len());
        let text_of_cells = String::from_utf8(arena)
            .map_err(|_| CsvError::Malformed { line, message: "a field is not UTF-8 text".to_owned() })?;
        Ok((CsvDocument { text, spans }, Cells { text: text_of_cells, ends, rows }))
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

    pub fn into_string(self) -> String {
        self.text
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
