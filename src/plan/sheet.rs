//! The plan's cells, all in one arena: one string and one offset table for
//! the whole file instead of allocations per record, so a 100k-task plan
//! loads at close to the speed of reading the CSV.

use csv::StringRecord;

use super::schema::{Column, Columns};

/// Where one record's fields sit in the arena.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRef {
    first: u32,
    count: u32,
}

#[derive(Debug, Default)]
pub(crate) struct FieldArena {
    text: String,
    /// End offset in `text` of each field; a field starts where the
    /// previous one ends.
    ends: Vec<u32>,
}

impl FieldArena {
    /// Room for a file of `bytes` bytes: cell text never exceeds the file,
    /// and a cell takes at least one byte (its delimiter).
    pub(crate) fn with_capacity(bytes: usize) -> FieldArena {
        FieldArena { text: String::with_capacity(bytes), ends: Vec::with_capacity(bytes / 8) }
    }

    pub(crate) fn push(&mut self, record: &StringRecord) -> RowRef {
        let first = self.ends.len() as u32;
        let base = self.text.len();
        self.text.push_str(record.as_slice());
        let mut end = base;
        for field in record.iter() {
            end += field.len();
            self.ends.push(end as u32);
        }
        RowRef { first, count: record.len() as u32 }
    }

    pub(crate) fn field(&self, row: RowRef, index: usize) -> &str {
        if index >= row.count as usize {
            return "";
        }
        let at = row.first as usize + index;
        let start = if at == 0 { 0 } else { self.ends[at - 1] as usize };
        &self.text[start..self.ends[at] as usize]
    }

    pub(crate) fn row(&self, row: RowRef) -> impl Iterator<Item = &str> {
        (0..row.count as usize).map(move |index| self.field(row, index))
    }
}

/// The arena together with the header's column positions.
#[derive(Debug)]
pub(crate) struct Sheet {
    pub(crate) arena: FieldArena,
    pub(crate) columns: Columns,
}

impl Sheet {
    pub(crate) fn cell(&self, row: RowRef, column: Column) -> &str {
        self.arena.field(row, self.columns.index(column)).trim()
    }
}
