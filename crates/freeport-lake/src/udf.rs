//! freeport's detectors and transforms as DataFusion scalar functions over Arrow arrays.
//!
//! Each function calls the one implementation in `freeport-read`, `freeport-detect`,
//! `freeport-subject` or `freeport-deid`; none re-implements a detector or a transform:
//!
//! | function | calls | returns |
//! | --- | --- | --- |
//! | [`TextUdf`] `freeport_text(x)` | [`freeport_read::to_strings`] | `Utf8`, the cell as the native readers render it |
//! | [`SubjectHashUdf`] `freeport_subject_hash(x)` | [`freeport_detect::subject_key`] + [`freeport_subject::SubjectHasher`] | `FixedSizeBinary(16)`, the key's 128-bit hash big-endian; null without a valid key |
//! | [`TextCategoriesUdf`] `freeport_text_categories(x)` | [`freeport_detect::text::text_categories`] | `UInt64`, bits of [`TEXT_CATEGORIES`](freeport_detect::text::TEXT_CATEGORIES) |
//! | [`CategoryMaskUdf`] `freeport_category_mask(x, ...)` | the above | `UInt64`, a bit per counted category the row has a value of |
//! | [`MaskUdf`] `freeport_mask(x)` | [`freeport_detect::mask`] | `Utf8`, the category's display mask |
//! | [`TransformUdf`] `freeport_transform(x)` | [`Transform::apply`] | `Utf8`: masked, suppressed, pseudonymised or FF1-encrypted |
//! | [`GeneraliseUdf`] `freeport_generalise(x)` | [`Hierarchy`] (leaf, level, label) | `Utf8`, the value's generalisation at a level |
//!
//! Functions that carry configuration (a category, a key, a transform) are instances: equal
//! when their configuration is the same object (`Same`), so a plan never confuses two keys.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, FixedSizeBinaryBuilder, StringArray, StringBuilder, UInt64Array,
};
use arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use freeport_deid::hierarchy::Hierarchy;
use freeport_deid::transform::Transform;
use freeport_subject::SubjectHasher;

/// Configuration a function shares with the plan that built it (a hasher, a transform, a
/// hierarchy), equal and hashed by identity: two functions are one plan node only when they hold
/// the very same object, so a plan never confuses two keys.
#[derive(Debug)]
pub(crate) struct Same<T>(Arc<T>);

impl<T> Clone for Same<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}
impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl<T> Eq for Same<T> {}
impl<T> Hash for Same<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.0).hash(state);
    }
}
impl<T> std::ops::Deref for Same<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The arguments as arrays of `number_rows` rows.
fn arrays(args: &ScalarFunctionArgs) -> Result<Vec<ArrayRef>> {
    ColumnarValue::values_to_arrays(&args.args)
}

/// Argument `i` as UTF-8 text (every column freeport reads is text: see [`TextUdf`]).
fn text_arg(arrays: &[ArrayRef], i: usize, function: &str) -> Result<StringArray> {
    let Some(array) = arrays.get(i) else {
        return exec_err!("{function}: argument {} is missing", i + 1);
    };
    let strings = freeport_read::to_strings(array)?;
    Ok(strings.as_string::<i32>().clone())
}

/// `freeport_text(x)`: any column as nullable UTF-8 text, rendered exactly as the native
/// readers render it ([`freeport_read::to_strings`]), so both engines see the same cells.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct TextUdf {
    signature: Signature,
}

impl TextUdf {
    /// The function.
    #[must_use]
    pub fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            signature: Signature::any(1, Volatility::Immutable),
        })
    }
}

impl ScalarUDFImpl for TextUdf {
    fn name(&self) -> &'static str {
        "freeport_text"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = arrays(&args)?;
        let strings = text_arg(&arrays, 0, self.name())?;
        Ok(ColumnarValue::Array(Arc::new(strings)))
    }
}

/// `freeport_subject_hash(x)`: the 128-bit hash (big-endian, so byte order is numeric order)
/// of the cell's normalised subject key for `category`, under the scan's hasher (the
/// exporter's salt, or a key drawn for this run); null when the cell is null or not a valid
/// key, as the native scanner's unkeyed rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubjectHashUdf {
    category: String,
    hasher: Same<SubjectHasher>,
    signature: Signature,
}

impl SubjectHashUdf {
    /// The function for keys of `category` hashed by `hasher`.
    #[must_use]
    pub fn udf(category: &str, hasher: Arc<SubjectHasher>) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            category: category.to_owned(),
            hasher: Same(hasher),
            signature: Signature::any(1, Volatility::Immutable),
        })
    }
}

impl ScalarUDFImpl for SubjectHashUdf {
    fn name(&self) -> &'static str {
        "freeport_subject_hash"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::FixedSizeBinary(16))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = arrays(&args)?;
        let keys = text_arg(&arrays, 0, self.name())?;
        let mut out = FixedSizeBinaryBuilder::with_capacity(keys.len(), 16);
        for value in &keys {
            match value.and_then(|v| freeport_detect::subject_key(&self.category, v)) {
                Some(key) => out.append_value(
                    SubjectHasher::hash(&self.hasher, key.as_bytes()).to_be_bytes(),
                )?,
                None => out.append_null(),
            }
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// `freeport_text_categories(x)`: the categories found inside the cell's text, as bits of
/// [`TEXT_CATEGORIES`](freeport_detect::text::TEXT_CATEGORIES); 0 for a null.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct TextCategoriesUdf {
    signature: Signature,
}

impl TextCategoriesUdf {
    /// The function.
    #[must_use]
    pub fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            signature: Signature::any(1, Volatility::Immutable),
        })
    }
}

impl ScalarUDFImpl for TextCategoriesUdf {
    fn name(&self) -> &'static str {
        "freeport_text_categories"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt64)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = arrays(&args)?;
        let text = text_arg(&arrays, 0, self.name())?;
        let masks: UInt64Array = text
            .iter()
            .map(|v| Some(v.map_or(0, freeport_detect::text::text_categories)))
            .collect();
        Ok(ColumnarValue::Array(Arc::new(masks)))
    }
}

/// One counted category of a [`CategoryMaskUdf`]: the arguments whose values belong to it,
/// and the bit of [`TEXT_CATEGORIES`](freeport_detect::text::TEXT_CATEGORIES) that finds it
/// inside free text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountedCategory {
    /// Arguments (0-based) of the category's columns: a non-null cell in any counts.
    pub columns: Vec<usize>,
    /// The category's bit inside free text, if text holds it.
    pub text_bit: Option<usize>,
}

/// `freeport_category_mask(x1, ..., xn)`: per row, bit `i` set when the row has a value of
/// counted category `i` (at most 64) — a non-null cell in one of its columns, or its bit among
/// the categories inside the row's free-text arguments. The native scanner's per-subject
/// "columns seen" and "found in text", as one word a `GROUP BY` can `bit_or`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CategoryMaskUdf {
    categories: Vec<CountedCategory>,
    text: Vec<usize>,
    signature: Signature,
}

impl CategoryMaskUdf {
    /// The function over `arguments` columns for these categories (at most 64), with `text`
    /// the free-text arguments.
    ///
    /// # Errors
    ///
    /// More than 64 categories.
    pub fn udf(
        arguments: usize,
        categories: Vec<CountedCategory>,
        text: Vec<usize>,
    ) -> Result<ScalarUDF> {
        if categories.len() > 64 {
            return Err(DataFusionError::Plan(format!(
                "freeport_category_mask counts at most 64 categories, not {}",
                categories.len()
            )));
        }
        Ok(ScalarUDF::new_from_impl(Self {
            categories,
            text,
            signature: Signature::any(arguments.max(1), Volatility::Immutable),
        }))
    }
}

impl ScalarUDFImpl for CategoryMaskUdf {
    fn name(&self) -> &'static str {
        "freeport_category_mask"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt64)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays = arrays(&args)?;
        let any_text = self.categories.iter().any(|c| c.text_bit.is_some());
        let mut found = vec![0_u64; rows];
        if any_text {
            for &column in &self.text {
                let text = text_arg(&arrays, column, self.name())?;
                for (slot, value) in found.iter_mut().zip(&text) {
                    if let Some(value) = value {
                        *slot |= freeport_detect::text::text_categories(value);
                    }
                }
            }
        }
        let mut masks = vec![0_u64; rows];
        for (bit, category) in self.categories.iter().enumerate() {
            for &column in &category.columns {
                let Some(array) = arrays.get(column) else {
                    return exec_err!("{}: argument {} is missing", self.name(), column + 1);
                };
                for (row, mask) in masks.iter_mut().enumerate() {
                    if !array.is_null(row) {
                        *mask |= 1 << bit;
                    }
                }
            }
            if let Some(text_bit) = category.text_bit {
                for (mask, found) in masks.iter_mut().zip(&found) {
                    if found >> text_bit & 1 == 1 {
                        *mask |= 1 << bit;
                    }
                }
            }
        }
        Ok(ColumnarValue::Array(Arc::new(UInt64Array::from(masks))))
    }
}

/// `freeport_mask(x)`: the cell as `category`'s display mask ([`freeport_detect::mask`]), as
/// the scan report's examples show it; null stays null.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct MaskUdf {
    category: String,
    signature: Signature,
}

impl MaskUdf {
    /// The function for values of `category`.
    #[must_use]
    pub fn udf(category: &str) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            category: category.to_owned(),
            signature: Signature::any(1, Volatility::Immutable),
        })
    }
}

impl ScalarUDFImpl for MaskUdf {
    fn name(&self) -> &'static str {
        "freeport_mask"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = arrays(&args)?;
        let text = text_arg(&arrays, 0, self.name())?;
        let masked: StringArray = text
            .iter()
            .map(|v| v.map(|v| freeport_detect::mask(&self.category, v)))
            .collect();
        Ok(ColumnarValue::Array(Arc::new(masked)))
    }
}

/// `freeport_transform(x)`: a de-identification transform of one column
/// ([`Transform::apply`]): mask, suppress, pseudonymise or FF1, giving exactly
/// what the in-memory engine gives for the same key; null stays null. `Keep` and `Delete`
/// return the cell as it is (dropping a column is the plan's projection, not a function).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct TransformUdf {
    column: String,
    transform: Same<Transform>,
    signature: Signature,
}

impl TransformUdf {
    /// The function applying `transform` to the column named `column` (the name errors give).
    #[must_use]
    pub fn udf(column: &str, transform: Arc<Transform>) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            column: column.to_owned(),
            transform: Same(transform),
            signature: Signature::any(1, Volatility::Immutable),
        })
    }
}

impl ScalarUDFImpl for TransformUdf {
    fn name(&self) -> &'static str {
        "freeport_transform"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = arrays(&args)?;
        let text = text_arg(&arrays, 0, self.name())?;
        // The in-memory engine's column shape over the non-null cells: each distinct value
        // once, a code per cell.
        let mut builder = freeport_deid::table::ColumnBuilder::new(self.column.clone());
        for value in text.iter().flatten() {
            builder.push(value);
        }
        let mut column = builder.finish();
        self.transform
            .apply(&mut column, freeport_deid::table::RowNames::Records)
            .map_err(|e| DataFusionError::Execution(e.to_string()))?;
        let mut out = StringBuilder::with_capacity(text.len(), text.len() * 16);
        let mut cell = 0;
        for value in &text {
            if value.is_none() {
                out.append_null();
                continue;
            }
            match column.value(cell) {
                Some(transformed) => out.append_value(transformed),
                None => out.append_null(),
            }
            cell += 1;
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// `freeport_generalise(x)`: the value raised to `level` of a generalisation [`Hierarchy`]
/// (level 0 is the value itself), as the in-memory engine's lattice node writes it; null stays
/// null. A value the hierarchy does not hold is an error naming the column, not the value.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct GeneraliseUdf {
    column: String,
    hierarchy: Same<Hierarchy>,
    level: usize,
    signature: Signature,
}

impl GeneraliseUdf {
    /// The function raising values of the column named `column` to `level` of `hierarchy`.
    #[must_use]
    pub fn udf(column: &str, hierarchy: Arc<Hierarchy>, level: usize) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            column: column.to_owned(),
            hierarchy: Same(hierarchy),
            level,
            signature: Signature::any(1, Volatility::Immutable),
        })
    }
}

impl ScalarUDFImpl for GeneraliseUdf {
    fn name(&self) -> &'static str {
        "freeport_generalise"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = arrays(&args)?;
        let text = text_arg(&arrays, 0, self.name())?;
        let mut out = StringBuilder::with_capacity(text.len(), text.len() * 8);
        for value in &text {
            let Some(value) = value else {
                out.append_null();
                continue;
            };
            let Some(leaf) = self.hierarchy.leaf(value) else {
                return exec_err!(
                    "{}: column `{}` holds a value its hierarchy does not list",
                    self.name(),
                    self.column
                );
            };
            let code = self.hierarchy.generalise(leaf, self.level);
            out.append_value(self.hierarchy.label(self.level, code));
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}
