//! The in-memory, dictionary-encoded table the engine works on: one `u32` code per cell and one
//! dictionary per column, so any reader (CSV here, Arrow readers later) can feed it.

use rustc_hash::FxHashMap;

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
}

/// A table of dictionary-encoded columns of equal length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The columns, in input order.
    pub columns: Vec<Column>,
    /// Number of rows.
    pub rows: usize,
}

impl Table {
    /// The index of the column called `name`.
    #[must_use]
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// Builds a [`Table`] row by row, interning each cell into its column's dictionary.
#[derive(Debug)]
pub struct TableBuilder {
    columns: Vec<Column>,
    interners: Vec<FxHashMap<String, u32>>,
    rows: usize,
}

impl TableBuilder {
    /// A builder for columns with these names.
    #[must_use]
    pub fn new(names: Vec<String>) -> Self {
        let interners = names.iter().map(|_| FxHashMap::default()).collect();
        let columns = names
            .into_iter()
            .map(|name| Column {
                name,
                dictionary: Vec::new(),
                codes: Vec::new(),
            })
            .collect();
        Self {
            columns,
            interners,
            rows: 0,
        }
    }

    /// Appends one row; missing trailing cells become empty strings, extra cells are ignored
    /// (the reader checks the width before calling this).
    pub fn push<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        let mut cells = cells.into_iter();
        for (column, interner) in self.columns.iter_mut().zip(self.interners.iter_mut()) {
            let cell = cells.next().unwrap_or("");
            let code = if let Some(&code) = interner.get(cell) {
                code
            } else {
                let code = u32::try_from(column.dictionary.len()).unwrap_or(u32::MAX);
                interner.insert(cell.to_owned(), code);
                column.dictionary.push(cell.to_owned());
                code
            };
            column.codes.push(code);
        }
        self.rows += 1;
    }

    /// The finished table.
    #[must_use]
    pub fn finish(self) -> Table {
        Table {
            columns: self.columns,
            rows: self.rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
