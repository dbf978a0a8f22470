//! Properties of the lossless CSV document over arbitrary CSV text: reading
//! and writing back is byte-identical, and an edit touches exactly one record.

use planbot::plan::{CsvDocument, EditError};
use proptest::prelude::*;

fn csv_text() -> impl Strategy<Value = String> {
    let alphabet = prop::sample::select(vec!["a", "b", "Z", " ", ",", "\"", "\n", "\r", "\r\n", "é", "<!channel>"]);
    (any::<bool>(), prop::collection::vec(alphabet, 0..120))
        .prop_map(|(bom, pieces)| format!("{}{}", if bom { "\u{feff}" } else { "" }, pieces.concat()))
}

fn csv_crate_values(text: &str) -> Option<Vec<Vec<String>>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader.records().map(|record| record.ok().map(|r| r.iter().map(str::to_owned).collect())).collect()
}

/// Byte range of record `index`: from its start to the next record's start.
fn region(document: &CsvDocument, index: usize) -> (usize, usize) {
    let spans = document.spans();
    let end = spans.get(index + 1).map_or(document.as_str().len(), |next| next.start);
    (spans[index].start, end)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_then_serialise_is_byte_identical(text in csv_text()) {
        prop_assume!(csv_crate_values(&text).is_some());
        let parsed = CsvDocument::parse(text.clone()).expect("the csv crate read it, so must we");
        prop_assert_eq!(parsed.document.as_str(), text.as_str());
        let values: Vec<Vec<String>> = parsed.records.iter().map(|r| r.iter().map(str::to_owned).collect()).collect();
        prop_assert_eq!(Some(values), csv_crate_values(&text));
    }

    #[test]
    fn an_edit_changes_exactly_one_record(
        text in csv_text(),
        record_pick in any::<prop::sample::Index>(),
        field in 0usize..4,
        value in "[a-z ,\"\n<>&]{1,12}",
    ) {
        let Some(before) = csv_crate_values(&text) else { return Ok(()) };
        prop_assume!(!before.is_empty());
        let original = CsvDocument::parse(text.clone()).expect("readable");
        let record = record_pick.index(before.len());
        let edited = match original.document.with_field(record, field, &value) {
            Ok(edited) => edited,
            Err(EditError::WouldCorrupt { .. }) => return Err(TestCaseError::fail("refused a plain edit")),
            Err(other) => return Err(TestCaseError::fail(other.to_string())),
        };
        let after = csv_crate_values(edited.document.as_str()).expect("still readable");
        prop_assert_eq!(after.len(), before.len());
        for (index, (old, new)) in before.iter().zip(&after).enumerate() {
            if index == record {
                let mut expected = old.clone();
                expected.resize(expected.len().max(field + 1), String::new());
                expected[field] = value.clone();
                prop_assert_eq!(new, &expected);
            } else {
                prop_assert_eq!(new, old);
            }
        }
        let (old_start, old_end) = region(&original.document, record);
        let (new_start, new_end) = region(&edited.document, record);
        prop_assert_eq!(&text[..old_start], &edited.document.as_str()[..new_start]);
        prop_assert_eq!(&text[old_end..], &edited.document.as_str()[new_end..]);
    }
}
