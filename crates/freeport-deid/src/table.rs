//! The in-memory, dictionary-encoded table the engine works on: one `u32` code per cell and one
//! dictionary per column, so any reader can feed it. Cells are interned straight from borrowed
//! text (an Arrow string array, a CSV record): only the first occurrence of a value is copied.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// One column: its name, its dictionary of distinct values and one code per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name as in the input header.
    pub name: String,
    /// Distinct values, in order of first appearance; `codes` index into it.
    pub dictionary: Vec<String>,
    /// One code per row.
    pub codes: Vec<u32>,
}

impl Column {
    /// The value of row `row`, if both the row and its code exist.
    #[must_use]
    pub fn value(&self, row: usize) -> Option<&str> {
        let code = *self.codes.get(row)?;
        self.dictionary.get(code as usize).map(String::as_str)
    }

    /// The first row holding `code` (for messages that name where a value occurs).
    #[must_use]
    pub fn first_row_of(&self, code: usize) -> usize {
        self.codes
            .iter()
            .position(|&c| c as usize == code)
            .unwrap_or(0)
    }
}

/// How rows are named in messages, following the input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowNames {
    /// Delimited text with a header line: data row `r` (0-based) is on line `r + 2` when no
    /// cell spans lines.
    #[default]
    Lines,
    /// Records counted from 1 (JSON Lines skip blank lines; Parquet and spreadsheets have no
    /// text lines).
    Records,
}

impl RowNames {
    /// Where row `row` (0-based) is, for messages: `line 7` or `record 6`.
    #[must_use]
    pub fn place(self, row: usize) -> String {
        match self {
            Self::Lines => format!("line {}", row + 2),
            Self::Records => format!("record {}", row + 1),
        }
    }
}

/// A table of dictionary-encoded columns of equal length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The columns, in input order.
    pub columns: Vec<Column>,
    /// Number of rows.
    pub rows: usize,
    /// How to name a row in messages.
    pub row_names: RowNames,
}

impl Table {
    /// The index of the column called `name`.
    #[must_use]
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Where row `row` (0-based) is, for messages: `line 7` or `record 6`.
    #[must_use]
    pub fn place(&self, row: usize) -> String {
        self.row_names.place(row)
    }
}

/// Interns one column's cells: a hash table of codes into the dictionary, so each distinct
/// value is stored once and a repeated value costs a hash and a comparison, no allocation.
#[derive(Debug, Clone, Default)]
pub struct ColumnBuilder {
    name: String,
    dictionary: Vec<String>,
    codes: Vec<u32>,
    index: HashTable<u32>,
}

impl ColumnBuilder {
    /// An empty column called `name`.
    #[must_use]
    pub fn new(name: String) -> Self {
        Self {
            name,
            ..Self::default()
        }
    }

    /// Reserves room for `rows` more cells.
    pub fn reserve(&mut self, rows: usize) {
        self.codes.reserve(rows);
    }

    /// Appends one cell.
    pub fn push(&mut self, cell: &str) {
        let hash = FxBuildHasher.hash_one(cell);
        let dictionary = &self.dictionary;
        let code = if let Some(&code) = self.index.find(hash, |&c| dictionary[c as usize] == cell) {
            code
        } else {
            let code = u32::try_from(self.dictionary.len()).unwrap_or(u32::MAX);
            self.dictionary.push(cell.to_owned());
            let dictionary = &self.dictionary;
            self.index.insert_unique(hash, code, |&c| {
                FxBuildHasher.hash_one(dictionary[c as usize].as_str())
            });
            code
        };
        self.codes.push(code);
    }

    /// Rows appended so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether no row was appended.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The finished column.
    #[must_use]
    pub fn finish(self) -> Column {
        Column {
            name: self.name,
            dictionary: self.dictionary,
            codes: self.codes,
        }
    }
}

/// Builds a [`Table`] row by row (tests, small inputs) or column by column (readers).
#[derive(Debug)]
pub struct TableBuilder {
    columns: Vec<ColumnBuilder>,
    rows: usize,
    row_names: RowNames,
}

impl TableBuilder {
    /// A builder for columns with these names.
    #[must_use]
    pub fn new(names: Vec<String>) -> Self {
        Self {
            columns: names.into_iter().map(ColumnBuilder::new).collect(),
            rows: 0,
            row_names: RowNames::Lines,
        }
    }

    /// Sets how rows are named in messages.
    #[must_use]
    pub fn row_names(mut self, row_names: RowNames) -> Self {
        self.row_names = row_names;
        self
    }

    /// Appends one row; missing trailing cells become empty strings, extra cells are ignored.
    pub fn push<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        let mut cells = cells.into_iter();
        for column in &mut self.columns {
            column.push(cells.next().unwrap_or(""));
        }
        self.rows += 1;
    }

    /// The column builders, for readers that fill whole columns of a batch at once; call
    /// [`TableBuilder::add_rows`] after filling each with the same number of cells.
    pub fn columns_mut(&mut self) -> &mut [ColumnBuilder] {
        &mut self.columns
    }

    /// Records that `rows` rows were appended column by column.
    pub fn add_rows(&mut self, rows: usize) {
        self.rows += rows;
    }

    /// The finished table.
    #[must_use]
    pub fn finish(self) -> Table {
        Table {
            columns: self
                .columns
                .into_iter()
                .map(ColumnBuilder::finish)
                .collect(),
            rows: self.rows,
            row_names: self.row_names,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn interns_repeated_values_once() {
        let mut b = TableBuilder::new(vec!["a".into(), "b".into()]);
        b.push(["x", "1"]);
        b.push(["y", "1"]);
        b.push(["x", "2"]);
        let t = b.finish();
        assert_eq!(t.rows, 3);
        assert_eq!(t.columns[0].dictionary, ["x", "y"]);
        assert_eq!(t.columns[0].codes, [0, 1, 0]);
        assert_eq!(t.columns[1].codes, [0, 0, 1]);
        assert_eq!(t.columns[1].value(2), Some("2"));
        assert_eq!(t.place(0), "line 2");
    }

    proptest! {
        /// Decoding the codes gives back the cells, and the dictionary holds each value once.
        #[test]
        fn interning_round_trips(cells in prop::collection::vec("[a-c]{0,2}", 0..200)) {
            let mut b = ColumnBuilder::new("c".into());
            for c in &cells {
                b.push(c);
            }
            let col = b.finish();
            let decoded: Vec<&str> = (0..cells.len()).map(|r| col.value(r).unwrap()).collect();
            prop_assert_eq!(decoded, cells.iter().map(String::as_str).collect::<Vec<_>>());
            let mut d = col.dictionary.clone();
            d.sort();
            d.dedup();
            prop_assert_eq!(d.len(), col.dictionary.len());
        }
    }
}
