//! The lossless CSV document: whatever bytes come in, parsing never
//! panics; a document that parses is kept byte for byte; an edit of one
//! field changes that field only, or is refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planbot_domain::plan::{CsvDocument, Plan};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = CsvDocument::parse(text.to_owned()) else { return };
    assert_eq!(parsed.document.as_str(), text, "the document keeps every byte");
    let records = parsed.records.len();
    if records > 0 {
        let record = usize::from(data[0]) % records;
        let field = usize::from(data.get(1).copied().unwrap_or(0)) % 16;
        let value = "edited, \"quoted\"\nvalue";
        if let Ok(edited) = parsed.document.with_field(record, field, value) {
            assert_eq!(edited.records.len(), records, "an edit never adds or drops a record");
            assert_eq!(edited.records[record].get(field), Some(value));
            for (other, row) in parsed.records.iter().enumerate().filter(|(i, _)| *i != record) {
                assert_eq!(&edited.records[other], row, "other records are untouched");
            }
        }
    }
    let _ = Plan::parse(text.to_owned(), None).map(|plan| plan.lint());
});
