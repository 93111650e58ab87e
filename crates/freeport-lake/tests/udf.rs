//! The transform functions inside a DataFusion plan give exactly what the in-memory engine
//! gives for the same values and key: masks, pseudonyms, FF1, generalisation; nulls stay null.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a failure fails the test"
)]

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use datafusion::logical_expr::ScalarUDF;
use datafusion::prelude::{SessionContext, ident};
use freeport_deid::hierarchy::Builtin;
use freeport_deid::table::{ColumnBuilder, RowNames};
use freeport_deid::transform::{CheckDigit, Key, Transform};
use freeport_lake::udf::{GeneraliseUdf, MaskUdf, TransformUdf};

/// Runs `udf` over `values` (batches of 3 rows, so a value recurs across batches) in DataFusion.
fn run(udf: &ScalarUDF, values: &[Option<&str>]) -> Vec<Option<String>> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Utf8, true)]));
    let batches: Vec<RecordBatch> = values
        .chunks(3)
        .map(|chunk| {
            let array: ArrayRef = Arc::new(StringArray::from(chunk.to_vec()));
            RecordBatch::try_new(Arc::clone(&schema), vec![array]).unwrap()
        })
        .collect();
    let ctx = SessionContext::new();
    let frame = ctx
        .read_batches(batches)
        .unwrap()
        .select(vec![udf.call(vec![ident("x")]).alias("y")])
        .unwrap();
    let out = runtime.block_on(frame.collect()).unwrap();
    out.iter()
        .flat_map(|batch| {
            let column = batch.column(0).as_string::<i32>().clone();
            (0..column.len())
                .map(|row| (!column.is_null(row)).then(|| column.value(row).to_owned()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The in-memory engine's output: the transform applied to the whole column's cells at once.
fn in_memory(transform: &Transform, values: &[Option<&str>]) -> Vec<Option<String>> {
    let mut builder = ColumnBuilder::new("x".to_owned());
    for value in values.iter().flatten() {
        builder.push(value);
    }
    let mut column = builder.finish();
    transform.apply(&mut column, RowNames::Records).unwrap();
    let mut cells = (0..).map(|cell| column.value(cell).map(str::to_owned));
    values
        .iter()
        .map(|value| value.and_then(|_| cells.next().flatten()))
        .collect()
}

const IDS: [Option<&str>; 7] = [
    Some("11010519491231002X"),
    Some("110105199001011234"),
    None,
    Some("11010519491231002X"),
    Some("440305198512120019"),
    Some("110105199001011234"),
    Some("11010519491231002X"),
];

#[test]
fn transforms_in_a_plan_equal_the_in_memory_engine() {
    let key = || Key::from_bytes(b"a test key of thirty-two bytes!!".to_vec());
    let cases = [
        Transform::Pseudonymise {
            key: key(),
            domain: "身份证号".to_owned(),
            length: 16,
            prefix: "P-".to_owned(),
        },
        Transform::Ff1 {
            key: key(),
            tweak: "身份证号".to_owned(),
            keep_prefix: 6,
            check: CheckDigit::CnResidentId,
        },
        Transform::Mask {
            keep_prefix: 6,
            keep_suffix: 2,
            with: '*',
        },
        Transform::Suppress,
    ];
    for transform in cases {
        let expected = in_memory(&transform, &IDS);
        let udf = TransformUdf::udf("身份证号", Arc::new(transform.clone()));
        let got = run(&udf, &IDS);
        assert_eq!(got, expected, "{}", transform.name());
        // Equal values, equal outputs, across batches; nulls stay null.
        assert_eq!(got[0], got[3]);
        assert_eq!(got[0], got[6]);
        assert_eq!(got[2], None);
        assert_ne!(got[0].as_deref(), IDS[0]);
    }
}

#[test]
fn display_masks_in_a_plan_equal_the_detectors_masks() {
    let udf = MaskUdf::udf("id.cn.resident_id");
    let got = run(&udf, &IDS);
    let expected: Vec<Option<String>> = IDS
        .iter()
        .map(|v| v.map(|v| freeport_detect::mask("id.cn.resident_id", v)))
        .collect();
    assert_eq!(got, expected);
    assert!(
        got.iter()
            .flatten()
            .all(|m| !IDS.contains(&Some(m.as_str())))
    );
}

#[test]
fn generalisation_in_a_plan_follows_the_hierarchy() {
    let ages = [
        Some("23"),
        Some("37"),
        None,
        Some("91"),
        Some("23"),
        Some("40"),
    ];
    let mut builder = ColumnBuilder::new("age".to_owned());
    for age in ages.iter().flatten() {
        builder.push(age);
    }
    let hierarchy = Builtin::Interval {
        widths: vec![5, 10],
        top_code: Some(90),
    }
    .build(&builder.finish(), RowNames::Records)
    .unwrap();
    let hierarchy = Arc::new(hierarchy);
    for level in 0..hierarchy.height() {
        let udf = GeneraliseUdf::udf("age", Arc::clone(&hierarchy), level);
        let got = run(&udf, &ages);
        let expected: Vec<Option<String>> = ages
            .iter()
            .map(|v| {
                v.map(|v| {
                    let code = hierarchy.generalise(hierarchy.leaf(v).unwrap(), level);
                    hierarchy.label(level, code).to_owned()
                })
            })
            .collect();
        assert_eq!(got, expected, "level {level}");
    }
    // Level 1: five-year bands, 90 and over top-coded.
    let udf = GeneraliseUdf::udf("age", Arc::clone(&hierarchy), 1);
    let got = run(&udf, &ages);
    assert_eq!(got[3].as_deref(), Some("90+"));
    assert_ne!(got[0].as_deref(), Some("23"));
    // A value outside the hierarchy is an error naming the column, not the value.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let ctx = SessionContext::new();
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Utf8, true)]));
    let batch = RecordBatch::try_new(
        schema,
        vec![Arc::new(StringArray::from(vec![Some("77")])) as ArrayRef],
    )
    .unwrap();
    let frame = ctx
        .read_batch(batch)
        .unwrap()
        .select(vec![udf.call(vec![ident("x")])])
        .unwrap();
    let error = runtime.block_on(frame.collect()).unwrap_err().to_string();
    assert!(error.contains("column `age`"), "{error}");
    assert!(!error.contains("77"), "{error}");
}
