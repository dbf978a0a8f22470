//! The plan's cells with the header's column positions.

use super::csv_document::{Cells, Row};
use super::schema::{Column, Columns};

#[derive(Debug)]
pub(crate) struct Sheet {
    pub(crate) cells: Cells,
    pub(crate) columns: Columns,
}

impl Sheet {
    pub(crate) fn cell(&self, row: Row, column: Column) -> &str {
        self.cells.field(row, self.columns.index(column)).trim_ascii()
    }
}
