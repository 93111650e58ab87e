//! Scans datasets for personal and sensitive data: every column through a
//! [`freeport_detect::ColumnProfiler`], columns profiled in parallel, and the exact number of
//! distinct data subjects per category, keyed on the strongest identifier column present.
//!
//! ```no_run
//! use freeport_scan::{ScanOptions, scan_paths};
//!
//! let report = scan_paths(&["people.csv"], &ScanOptions::default(), &freeport_scan::NoProgress);
//! println!("{}", serde_json::to_string_pretty(&report).unwrap());
//! ```
//!
//! **Counting.** The legal thresholds are counts of people (PIPL transfer volumes, 28 CFR
//! 202.205 bulk thresholds), so counts are exact: each row's key cell is normalised by
//! [`freeport_detect::subject_key`], hashed to 128 bits ([`keys`]), and the set of hashes kept in
//! memory with, per subject, the set of columns that had a value for them. A category's count is
//! the number of subjects with a value in any column of that category. Which column keys the
//! count is known only once every column is classified, so the scan plans from a probe of the
//! first rows and checks the plan at the end; when the final classification picks another key
//! column, a second pass over the file counts again (stdin cannot be re-read: the report says
//! so instead).
//!
//! **Determinism.** Each column's profiler sees its values in file order whatever the thread
//! count, and counting is sequential, so results do not depend on `threads`.
//!
//! **Memory.** Reading holds a few batches; each profiler is bounded; counting holds about
//! 40 bytes per distinct subject.

pub mod keys;
pub mod project;
mod report;

use std::collections::BTreeMap;
use std::sync::{Arc, mpsc};

use arrow::array::{Array, AsArray, StringArray};
use arrow::record_batch::RecordBatch;
use freeport_detect::{
    ColumnProfile, ColumnProfiler, header_is_value_of, header_looks_like_data, identifier_strength,
    mask, paired_coordinates, people_in_table, subject_key,
    text::{TEXT_CATEGORIES, text_categories},
};
use freeport_read::{BatchReader, Input, ReadError, ReadOptions, discover, open};
use rayon::prelude::*;

pub use freeport_detect::Evidence;

pub use crate::keys::{HashScheme, KeyHash};
use crate::keys::{KeyHasher, KeyMap};
use crate::project::{ColumnOverride, Project};
pub use crate::report::{
    ColumnReport, Contained, DatasetReport, InputError, KeyColumn, SCHEMA_VERSION, SaltedSubjects,
    ScanReport,
};

/// Categories whose columns identify a device, for device counts under precise geolocation.
pub const DEVICE_CATEGORIES: [&str; 3] = ["device.id", "device.imei", "online.mac_address"];
/// Precise-geolocation categories (28 CFR 202.242: ≤ 1,000 m), whose devices are counted.
pub const PRECISE_LOCATION_CATEGORIES: [&str; 2] = ["location.precise", "location.trajectory"];

/// Rows in the probe that plans which column keys the subject count.
const PROBE_ROWS: usize = 16_384;
/// Masked examples per column with `show_examples`.
const EXAMPLES: usize = 3;

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// How to read the inputs.
    pub read: ReadOptions,
    /// Worker threads for profiling (0 = one per core). Reading runs on one more thread when
    /// this is above 1.
    pub threads: usize,
    /// Stop after this many rows per dataset.
    pub sample_rows: Option<u64>,
    /// Collect masked examples per classified column.
    pub show_examples: bool,
    /// The exporter's salt: when set, subject hashes are keyed with it (by `salt_scheme`) and
    /// are returned in [`DatasetReport::salted`].
    pub salt: Option<Vec<u8>>,
    /// How salted hashes are computed: the scheme the store keeps with the salt.
    pub salt_scheme: HashScheme,
    /// A project's classification rules (custom detectors, allow-list, column overrides,
    /// codebook), if any.
    pub project: Option<Arc<Project>>,
}

/// Hears about progress while datasets are read; implemented by the command line's progress
/// bar. Defined by the readers, which every engine that reads a dataset shares.
pub use freeport_read::{NoProgress, Progress};

/// Errors of a scan that stop one dataset.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ScanError {
    /// The input could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Read(#[from] ReadError),
    /// The thread pool could not be started.
    #[error("cannot start {threads} scan threads: {reason}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The operating system's reason.
        reason: String,
    },
}

/// Scans every dataset the paths name (files, directories, globs, `-`); inputs that fail are
/// listed in [`ScanReport::errors`] and the others still scanned.
pub fn scan_paths<S: AsRef<str>>(
    paths: &[S],
    options: &ScanOptions,
    progress: &dyn Progress,
) -> ScanReport {
    let (inputs, discovery_errors) = discover(paths);
    let mut errors: Vec<InputError> = discovery_errors.iter().map(InputError::from).collect();
    let mut datasets = Vec::new();
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .thread_name(|i| format!("freeport-scan-{i}"))
        .build()
    {
        Ok(pool) => pool,
        Err(error) => {
            errors.push(InputError {
                path: "--threads".to_owned(),
                line: None,
                row: None,
                reason: format!("cannot start scan threads: {error}"),
                message: format!("cannot start scan threads: {error}"),
                help: None,
            });
            return ScanReport {
                schema: SCHEMA_VERSION,
                datasets,
                errors,
            };
        }
    };
    for input in &inputs {
        progress.start(&input.display_name(), input.size());
        match pool.install(|| scan_input(input, options, progress)) {
            Ok(dataset) => datasets.push(dataset),
            Err(error) => errors.push(InputError::from(&error)),
        }
        progress.finish();
    }
    ScanReport {
        schema: SCHEMA_VERSION,
        datasets,
        errors,
    }
}

/// Scans one input on the current rayon pool.
///
/// # Errors
///
/// The input cannot be opened or read to the end.
pub fn scan_input(
    input: &Input,
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Result<DatasetReport, ReadError> {
    scan_input_with_probe(input, options, progress, PROBE_ROWS)
}

fn scan_input_with_probe(
    input: &Input,
    options: &ScanOptions,
    progress: &dyn Progress,
    probe_limit: usize,
) -> Result<DatasetReport, ReadError> {
    let threads = rayon::current_num_threads();
    let mut read = options.read.clone();
    if read.threads <= 1 {
        // Parse CSV on as many threads as profile it; results do not depend on the count.
        read.threads = threads;
    }
    let reader = open(input, &read)?;
    let info = reader.info();
    let schema = reader.schema();
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let header_row = read.header && has_header_row(input.format);
    if header_row {
        check_header(&input.display_name(), &names)?;
    }
    let hasher = options
        .salt
        .as_deref()
        .map_or_else(KeyHasher::random, |salt| {
            KeyHasher::salted(salt, options.salt_scheme)
        });

    let mut state = DatasetState::new(
        &names,
        options.show_examples,
        options.project.clone(),
        input.display_name(),
    );
    state.probe_limit = probe_limit;
    let mut sampled = false;
    let limit = options.sample_rows;
    if threads > 1 {
        // Read ahead on a thread of its own so parsing overlaps profiling.
        let (sender, receiver) = mpsc::sync_channel::<Result<Item, ReadError>>(2);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut reader = reader;
                let (mut rows, mut cut) = (0, false);
                loop {
                    let item = next_item(&mut reader, limit, &mut rows, &mut cut).transpose();
                    let last = !matches!(item, Some(Ok(Item::Batch(..))));
                    if let Some(item) = item
                        && sender.send(item).is_err()
                    {
                        break;
                    }
                    if last {
                        break;
                    }
                }
            });
            receiver
                .iter()
                .try_for_each(|item| state.take(item?, &hasher, progress, &mut sampled))
        })?;
    } else {
        let mut reader = reader;
        let (mut rows, mut cut) = (0, false);
        while let Some(item) = next_item(&mut reader, limit, &mut rows, &mut cut)? {
            let last = matches!(item, Item::Truncated);
            state.take(item, &hasher, progress, &mut sampled)?;
            if last {
                break;
            }
        }
    }
    state.finish(input, info, sampled, &hasher, options, header_row)
}

/// Formats whose column names come from a row of the file (which may really be data).
#[must_use]
pub const fn has_header_row(format: freeport_read::Format) -> bool {
    matches!(
        format,
        freeport_read::Format::Csv
            | freeport_read::Format::Tsv
            | freeport_read::Format::Spreadsheet
    )
}

/// Refuses a header row with a cell that passes an identifier validator: the file has no
/// header, and its first row of data would become column names in every output.
///
/// # Errors
///
/// A column name of the dataset `name` looks like data.
pub fn check_header(name: &str, names: &[String]) -> Result<(), ReadError> {
    for (column, header) in names.iter().enumerate() {
        if let Some(reason) = header_looks_like_data(header) {
            return Err(ReadError::header_is_data(name, column + 1, reason));
        }
    }
    Ok(())
}

/// Refuses a header row whose cell is a value of its own column (`张三` over names): it is
/// data, once the columns are classified.
///
/// # Errors
///
/// A column name of the dataset `name` is a value like those below it.
pub fn check_header_values(
    name: &str,
    names: &[String],
    profiles: &[ColumnProfile],
) -> Result<(), ReadError> {
    for (column, (header, profile)) in names.iter().zip(profiles).enumerate() {
        if let Some(category) = &profile.category
            && header_is_value_of(header, category)
        {
            return Err(ReadError::header_is_data(
                name,
                column + 1,
                format!("is a value like those below it ({category})"),
            ));
        }
    }
    Ok(())
}

/// What the reader hands the scanner.
enum Item {
    Batch(RecordBatch, Option<u64>),
    /// `--sample` cut the input short.
    Truncated,
}

/// The next batch, cut to the `--sample` limit; `Truncated` once the limit is reached.
fn next_item(
    reader: &mut Box<dyn BatchReader>,
    limit: Option<u64>,
    rows: &mut u64,
    cut: &mut bool,
) -> Result<Option<Item>, ReadError> {
    if limit.is_some_and(|limit| *rows >= limit) {
        // Cut short only if there was more to read.
        if *cut {
            return Ok(Some(Item::Truncated));
        }
        return Ok(reader.next_batch()?.map(|_| Item::Truncated));
    }
    let Some(mut batch) = reader.next_batch()? else {
        return Ok(None);
    };
    if let Some(limit) = limit {
        let room = usize::try_from(limit - *rows).unwrap_or(usize::MAX);
        if batch.num_rows() > room {
            batch = batch.slice(0, room);
            *cut = true;
        }
    }
    *rows += batch.num_rows() as u64;
    Ok(Some(Item::Batch(batch, reader.bytes_read())))
}

/// Which columns key subject and device counts, and which hold free text scanned row by row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The column (position, category) whose values key subject counts.
    pub subject: Option<(usize, String)>,
    /// The column (position, category) whose values key device counts.
    pub device: Option<(usize, String)>,
    /// Free-text columns (positions, ascending), scanned row by row.
    pub text: Vec<usize>,
}

/// Columns that read as prose (notes, comments): every row's text is scanned for the
/// categories it holds ([`freeport_detect::text::text_categories`]).
const FREE_TEXT: f64 = 0.5;

impl Plan {
    /// The strongest identifier column (ties: higher confidence, then earlier column), and the
    /// strongest device column.
    fn from_profiles<'a>(categories: impl Iterator<Item = (Option<&'a str>, f64)>) -> Self {
        let mut subject: Option<(u8, f64, usize, String)> = None;
        let mut device: Option<(u8, f64, usize, String)> = None;
        for (column, (category, confidence)) in categories.enumerate() {
            let Some(category) = category else { continue };
            let Some(strength) = identifier_strength(category) else {
                continue;
            };
            let candidate = (strength, confidence, column, category.to_owned());
            let better = |best: &Option<(u8, f64, usize, String)>| {
                best.as_ref()
                    .is_none_or(|b| strength < b.0 || (strength == b.0 && confidence > b.1))
            };
            if better(&subject) {
                subject = Some(candidate.clone());
            }
            if DEVICE_CATEGORIES.contains(&category) && better(&device) {
                device = Some(candidate);
            }
        }
        Self {
            subject: subject.map(|(_, _, c, id)| (c, id)),
            device: device.map(|(_, _, c, id)| (c, id)),
            text: Vec::new(),
        }
    }

    /// The plan for these profiles: key columns, and the free-text columns.
    #[must_use]
    pub fn of(profiles: &[ColumnProfile]) -> Self {
        let mut plan = Self::from_profiles(
            profiles
                .iter()
                .map(|p| (p.category.as_deref(), p.confidence)),
        );
        plan.text = profiles
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.stats.free_text_score >= FREE_TEXT
                    || p.category.as_deref() == Some("communication.content")
            })
            .map(|(column, _)| column)
            .collect();
        plan
    }
}

/// Per free-text column (in `text` order), per row, the categories its text holds (a bit set
/// over [`TEXT_CATEGORIES`]); rows scanned in parallel, results in row order.
fn text_masks(columns: &[&StringArray], text: &[usize]) -> Vec<Vec<u64>> {
    text.iter()
        .map(|&column| {
            columns.get(column).map_or_else(Vec::new, |array| {
                (0..array.len())
                    .into_par_iter()
                    .map(|row| {
                        if array.is_null(row) {
                            0
                        } else {
                            text_categories(array.value(row))
                        }
                    })
                    .collect()
            })
        })
        .collect()
}

/// Per row, the categories any free-text column holds.
fn row_masks(masks: &[Vec<u64>], rows: usize) -> Vec<u64> {
    (0..rows)
        .map(|row| {
            masks
                .iter()
                .fold(0, |all, m| all | m.get(row).copied().unwrap_or(0))
        })
        .collect()
}

/// Distinct keys with, per key, the columns that had a value in its rows.
#[derive(Debug)]
struct Counter {
    column: usize,
    category: String,
    words: usize,
    index: KeyMap<usize>,
    keys: Vec<KeyHash>,
    seen: Vec<u64>,
    /// Per key, the categories found inside its rows' free text (bits of [`TEXT_CATEGORIES`]).
    found: Vec<u64>,
    unkeyed: u64,
}

impl Counter {
    fn new(column: usize, category: String, columns: usize) -> Self {
        Self {
            column,
            category,
            words: columns.div_ceil(64).max(1),
            index: KeyMap::default(),
            keys: Vec::new(),
            seen: Vec::new(),
            found: Vec::new(),
            unkeyed: 0,
        }
    }

    fn count(&mut self, columns: &[&StringArray], hasher: &KeyHasher, found: &[u64]) {
        let Some(key_column) = columns.get(self.column) else {
            return;
        };
        for row in 0..key_column.len() {
            let key = (!key_column.is_null(row))
                .then(|| subject_key(&self.category, key_column.value(row)))
                .flatten();
            let Some(key) = key else {
                self.unkeyed += 1;
                continue;
            };
            let hash = hasher.hash(key.as_bytes());
            let words = self.words;
            let slot = *self.index.entry(hash).or_insert_with(|| {
                self.keys.push(hash);
                self.seen.resize(self.seen.len() + words, 0);
                self.found.push(0);
                self.keys.len() - 1
            });
            if let (Some(mask), Some(&row_found)) = (self.found.get_mut(slot), found.get(row)) {
                *mask |= row_found;
            }
            let base = slot * words;
            for (column, array) in columns.iter().enumerate() {
                if !array.is_null(row)
                    && let Some(word) = self.seen.get_mut(base + column / 64)
                {
                    *word |= 1 << (column % 64);
                }
            }
        }
    }

    /// Keys with a value in any of `columns`, or whose free text holds category `bit`.
    fn covering<'a>(
        &'a self,
        columns: &'a [usize],
        bit: Option<usize>,
    ) -> impl Iterator<Item = KeyHash> + 'a {
        self.keys
            .iter()
            .enumerate()
            .filter(move |&(slot, _)| self.covers(slot, columns, bit))
            .map(|(_, &key)| key)
    }

    /// Keys with a value in any of `columns`, ascending, given [`Counter::sorted`].
    fn covering_sorted<'a>(
        &'a self,
        sorted: &'a [(KeyHash, usize)],
        columns: &'a [usize],
        bit: Option<usize>,
    ) -> impl Iterator<Item = KeyHash> + 'a {
        sorted
            .iter()
            .filter(move |&&(_, slot)| self.covers(slot, columns, bit))
            .map(|&(key, _)| key)
    }

    /// Every key with its slot, ascending: sorted once, so that each category's keys come out
    /// sorted without a sort per category.
    fn sorted(&self) -> Vec<(KeyHash, usize)> {
        let mut sorted: Vec<(KeyHash, usize)> = self
            .keys
            .iter()
            .enumerate()
            .map(|(slot, &key)| (key, slot))
            .collect();
        sorted.sort_unstable();
        sorted
    }

    fn covers(&self, slot: usize, columns: &[usize], bit: Option<usize>) -> bool {
        let base = slot * self.words;
        bit.is_some_and(|bit| {
            self.found
                .get(slot)
                .is_some_and(|mask| mask >> bit & 1 == 1)
        }) || columns.iter().any(|&c| {
            self.seen
                .get(base + c / 64)
                .is_some_and(|w| w & (1 << (c % 64)) != 0)
        })
    }
}

/// Columns (by position) per category.
pub type ByCategory = BTreeMap<String, Vec<usize>>;

/// The state of one dataset being scanned.
struct DatasetState {
    names: Vec<String>,
    /// The project's rules, and the dataset's name its overrides are matched on.
    project: Option<Arc<Project>>,
    dataset: String,
    profilers: Vec<ColumnProfiler>,
    examples: Option<Vec<Vec<String>>>,
    /// Batches held back until the probe has planned the counts.
    probe: Vec<RecordBatch>,
    probe_rows: usize,
    probe_limit: usize,
    plan: Option<Plan>,
    subjects: Option<Counter>,
    devices: Option<Counter>,
    /// Rows per (free-text column, bit of [`TEXT_CATEGORIES`]) whose text holds the category.
    text_rows: TextRows,
    rows: u64,
}

impl DatasetState {
    fn new(
        names: &[String],
        show_examples: bool,
        project: Option<Arc<Project>>,
        dataset: String,
    ) -> Self {
        Self {
            names: names.to_vec(),
            profilers: names
                .iter()
                .map(|n| profiler(project.as_deref(), n))
                .collect(),
            project,
            dataset,
            examples: show_examples.then(|| vec![Vec::new(); names.len()]),
            probe: Vec::new(),
            probe_rows: 0,
            probe_limit: PROBE_ROWS,
            plan: None,
            subjects: None,
            devices: None,
            text_rows: BTreeMap::new(),
            rows: 0,
        }
    }

    fn take(
        &mut self,
        item: Item,
        hasher: &KeyHasher,
        progress: &dyn Progress,
        sampled: &mut bool,
    ) -> Result<(), ReadError> {
        match item {
            Item::Truncated => *sampled = true,
            Item::Batch(batch, bytes) => {
                self.rows += batch.num_rows() as u64;
                progress.advance(bytes, self.rows);
                if self.plan.is_some() {
                    self.process(&batch, hasher);
                } else {
                    self.probe_rows += batch.num_rows();
                    self.probe.push(batch);
                    if self.probe_rows >= self.probe_limit {
                        self.plan_from_probe(hasher);
                    }
                }
            }
        }
        Ok(())
    }

    /// Plans the counts from the first rows, then processes the held-back batches.
    fn plan_from_probe(&mut self, hasher: &KeyHasher) {
        let probe = std::mem::take(&mut self.probe);
        let project = self.project.as_deref();
        let mut profiles: Vec<ColumnProfile> = self
            .names
            .par_iter()
            .enumerate()
            .map(|(column, name)| {
                let mut profiler = profiler(project, name);
                for batch in &probe {
                    if let Some(array) = batch.columns().get(column) {
                        observe(&mut profiler, array.as_string::<i32>());
                    }
                }
                profiler.finish()
            })
            .collect();
        apply_overrides(project, &self.dataset, &self.names, &mut profiles);
        let plan = Plan::of(&profiles);
        self.start_counting(&plan);
        self.plan = Some(plan);
        for batch in &probe {
            self.process(batch, hasher);
        }
    }

    fn start_counting(&mut self, plan: &Plan) {
        self.text_rows.clear();
        let width = self.names.len();
        self.subjects = plan
            .subject
            .clone()
            .map(|(column, category)| Counter::new(column, category, width));
        self.devices = plan
            .device
            .clone()
            .map(|(column, category)| Counter::new(column, category, width));
    }

    /// Profiles every column of `batch` in parallel, and counts its rows beside them.
    fn process(&mut self, batch: &RecordBatch, hasher: &KeyHasher) {
        let columns: Vec<&StringArray> = batch
            .columns()
            .iter()
            .map(|c| c.as_string::<i32>())
            .collect();
        let profilers = &mut self.profilers;
        let text = self.plan.as_ref().map_or(&[][..], |p| p.text.as_slice());
        let (subjects, devices, text_rows) =
            (&mut self.subjects, &mut self.devices, &mut self.text_rows);
        rayon::join(
            || {
                profilers
                    .par_iter_mut()
                    .zip(columns.par_iter())
                    .for_each(|(profiler, array)| observe(profiler, array));
            },
            || count_rows(&columns, text, subjects, devices, text_rows, hasher),
        );
        if let Some(examples) = self.examples.as_mut() {
            keep_examples(examples, &columns);
        }
    }

    fn finish(
        mut self,
        input: &Input,
        info: freeport_read::SourceInfo,
        sampled: bool,
        hasher: &KeyHasher,
        options: &ScanOptions,
        header_row: bool,
    ) -> Result<DatasetReport, ReadError> {
        if self.plan.is_none() {
            self.plan_from_probe(hasher);
        }
        let profilers = std::mem::take(&mut self.profilers);
        let mut profiles = finish_profiles(&self.names, profilers);
        if header_row {
            check_header_values(&input.display_name(), &self.names, &profiles)?;
        }
        let overrides = apply_overrides(
            self.project.as_deref(),
            &self.dataset,
            &self.names,
            &mut profiles,
        );
        let plan = Plan::of(&profiles);
        let mut warnings = Vec::new();
        if self.plan.as_ref() != Some(&plan) {
            if input.is_rereadable() && !sampled {
                self.recount(input, &plan, hasher, options)?;
            } else {
                warnings.push(
                    "subject counts are keyed on the column the first rows suggested, not the final classification: the input cannot be read twice"
                        .to_owned(),
                );
            }
        }
        if sampled {
            warnings.push(format!(
                "only the first {} rows were scanned (--sample): counts cover those rows",
                self.rows
            ));
        }

        let (by_category, text_bits) = columns_by_category(&profiles, &self.text_rows);
        let mut salted = hasher.is_salted().then(SaltedSubjects::default);
        let (subjects, devices) = self.count(&by_category, &text_bits, salted.as_mut());
        let key_column = |counter: &Option<Counter>| {
            counter.as_ref().map(|c| KeyColumn {
                column: self.names.get(c.column).cloned().unwrap_or_default(),
                category: c.category.clone(),
            })
        };
        let examples = self.examples.take();
        let mut columns = column_reports(&self.names, profiles, examples.as_ref(), &self.text_rows);
        for (column, applied) in columns.iter_mut().zip(overrides) {
            column.overridden = applied;
        }
        Ok(DatasetReport {
            path: input.display_name(),
            id: input.id(),
            format: info.format.name().to_owned(),
            encoding: info.encoding.map(str::to_owned),
            delimiter: info.delimiter.map(String::from),
            rows: self.rows,
            sampled,
            columns,
            subject_key: key_column(&self.subjects),
            subjects,
            unkeyed_rows: self.subjects.as_ref().map_or(0, |c| c.unkeyed),
            device_key: key_column(&self.devices),
            devices,
            warnings,
            salted,
        })
    }
}

/// A column's profiler, running the project's custom rules and reading its codebook
/// description when there is a project.
#[must_use]
pub fn profiler(project: Option<&Project>, name: &str) -> ColumnProfiler {
    let profiler = ColumnProfiler::new(name);
    let Some(project) = project else {
        return profiler;
    };
    let profiler = profiler.with_rules(project.rules());
    match project.description(name) {
        Some(description) => profiler.with_description(description),
        None => profiler,
    }
}

/// Applies the project's column overrides to the finished profiles of the dataset `dataset`:
/// the category becomes the one the project file sets (confidence 1), or none for
/// `not_personal_data`. Returns, per column, what was overridden.
pub fn apply_overrides(
    project: Option<&Project>,
    dataset: &str,
    names: &[String],
    profiles: &mut [ColumnProfile],
) -> Vec<Option<ColumnOverride>> {
    names
        .iter()
        .zip(profiles.iter_mut())
        .map(|(name, profile)| {
            let rule = project?.override_of(dataset, name)?;
            let was = profile.category.take();
            if rule.becomes != freeport_vocabulary::NOT_PERSONAL_DATA {
                profile.category = Some(rule.becomes.clone());
                profile.confidence = 1.0;
            }
            Some(ColumnOverride {
                was,
                becomes: rule.becomes.clone(),
                justification: rule.justification.clone(),
                source: rule.source.clone(),
            })
        })
        .collect()
}

/// Every column's finished profile: paired coordinates and the table's people decided
/// ([`paired_coordinates`], [`people_in_table`]).
#[must_use]
pub fn finish_profiles(names: &[String], profilers: Vec<ColumnProfiler>) -> Vec<ColumnProfile> {
    let paired = paired_coordinates(&profilers);
    let mut profiles: Vec<ColumnProfile> = profilers
        .into_par_iter()
        .zip(paired)
        .map(|(profiler, paired)| profiler.finish_in_table(paired))
        .collect();
    let headers: Vec<&str> = names.iter().map(String::as_str).collect();
    people_in_table(&headers, &mut profiles);
    profiles
}

/// Rows per (free-text column, bit of [`TEXT_CATEGORIES`]) whose text holds the category.
pub type TextRows = BTreeMap<(usize, usize), u64>;

/// The columns of each category found, and the categories found inside free text (each with
/// its bit of [`TEXT_CATEGORIES`]), which count like columns of their own.
#[must_use]
pub fn columns_by_category(
    profiles: &[ColumnProfile],
    text_rows: &TextRows,
) -> (ByCategory, BTreeMap<String, usize>) {
    let mut by_category: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (column, profile) in profiles.iter().enumerate() {
        if let Some(category) = &profile.category {
            by_category
                .entry(category.clone())
                .or_default()
                .push(column);
        }
    }
    // Categories found inside free text count like columns of their own.
    let mut text_bits: BTreeMap<String, usize> = BTreeMap::new();
    for &(_, bit) in text_rows.keys() {
        if let Some(category) = TEXT_CATEGORIES.get(bit) {
            text_bits.insert((*category).to_owned(), bit);
            by_category.entry((*category).to_owned()).or_default();
        }
    }
    (by_category, text_bits)
}

impl DatasetState {
    /// People per category and devices per precise-location category, exactly; with a salt,
    /// their hashes too (into `salted`).
    fn count(
        &self,
        by_category: &ByCategory,
        text_bits: &BTreeMap<String, usize>,
        mut salted: Option<&mut SaltedSubjects>,
    ) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
        let mut subjects = BTreeMap::new();
        let mut devices = BTreeMap::new();
        if let Some(counter) = &self.subjects {
            let sorted = salted.as_ref().map(|_| counter.sorted());
            for (category, columns) in by_category {
                let bit = text_bits.get(category).copied();
                match (salted.as_deref_mut(), &sorted) {
                    (Some(salted), Some(sorted)) => {
                        let hashes: Vec<KeyHash> =
                            counter.covering_sorted(sorted, columns, bit).collect();
                        subjects.insert(category.clone(), hashes.len() as u64);
                        salted.subjects.insert(category.clone(), hashes);
                    }
                    _ => {
                        subjects.insert(
                            category.clone(),
                            counter.covering(columns, bit).count() as u64,
                        );
                    }
                }
            }
        }
        if let Some(counter) = &self.devices {
            let sorted = salted.as_ref().map(|_| counter.sorted());
            for category in PRECISE_LOCATION_CATEGORIES {
                if let Some(columns) = by_category.get(category) {
                    match (salted.as_deref_mut(), &sorted) {
                        (Some(salted), Some(sorted)) => {
                            let hashes: Vec<KeyHash> =
                                counter.covering_sorted(sorted, columns, None).collect();
                            devices.insert(category.to_owned(), hashes.len() as u64);
                            salted.devices.insert(category.to_owned(), hashes);
                        }
                        _ => {
                            devices.insert(
                                category.to_owned(),
                                counter.covering(columns, None).count() as u64,
                            );
                        }
                    }
                }
            }
        }
        (subjects, devices)
    }
}

/// The columns' reports: profile, masked examples (on request: the raw values kept by
/// [`keep_examples`], masked here), categories inside text.
#[must_use]
pub fn column_reports(
    names: &[String],
    profiles: Vec<ColumnProfile>,
    examples: Option<&Vec<Vec<String>>>,
    text_rows: &TextRows,
) -> Vec<ColumnReport> {
    profiles
        .into_iter()
        .enumerate()
        .map(|(column, profile)| {
            let examples = match (examples, &profile.category) {
                (Some(examples), Some(category)) => examples
                    .get(column)
                    .map(|values| values.iter().map(|v| mask(category, v)).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            let filled = profile.stats.rows.saturating_sub(profile.stats.nulls);
            let contains = text_rows
                .range((column, 0)..(column + 1, 0))
                .filter_map(|(&(_, bit), &rows)| {
                    Some(Contained {
                        category: (*TEXT_CATEGORIES.get(bit)?).to_owned(),
                        rows,
                        share: share(rows, filled),
                    })
                })
                .collect();
            ColumnReport {
                name: names.get(column).cloned().unwrap_or_default(),
                category: profile.category,
                confidence: profile.confidence,
                categories: profile.candidates,
                evidence: profile.evidence,
                stats: profile.stats,
                examples,
                contains,
                overridden: None,
            }
        })
        .collect()
}

impl DatasetState {
    /// Counts again from the start of the file with the final plan.
    fn recount(
        &mut self,
        input: &Input,
        plan: &Plan,
        hasher: &KeyHasher,
        options: &ScanOptions,
    ) -> Result<(), ReadError> {
        self.start_counting(plan);
        self.plan = Some(plan.clone());
        if self.subjects.is_none() && self.devices.is_none() && plan.text.is_empty() {
            return Ok(());
        }
        let mut read = options.read.clone();
        read.threads = read.threads.max(rayon::current_num_threads());
        let mut reader = open(input, &read)?;
        while let Some(batch) = reader.next_batch()? {
            let columns: Vec<&StringArray> = batch
                .columns()
                .iter()
                .map(|c| c.as_string::<i32>())
                .collect();
            count_rows(
                &columns,
                &plan.text,
                &mut self.subjects,
                &mut self.devices,
                &mut self.text_rows,
                hasher,
            );
        }
        Ok(())
    }
}

/// `part / whole`, rounded to four decimals; 0 for an empty whole.
#[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
#[must_use]
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
    }
}

/// Counts one batch's rows: free text scanned, then subjects and devices keyed.
fn count_rows(
    columns: &[&StringArray],
    text: &[usize],
    subjects: &mut Option<Counter>,
    devices: &mut Option<Counter>,
    text_rows: &mut BTreeMap<(usize, usize), u64>,
    hasher: &KeyHasher,
) {
    let masks = text_masks(columns, text);
    for (&column, column_masks) in text.iter().zip(&masks) {
        for mask in column_masks.iter().filter(|m| **m != 0) {
            for bit in 0..TEXT_CATEGORIES.len() {
                if mask >> bit & 1 == 1 {
                    *text_rows.entry((column, bit)).or_default() += 1;
                }
            }
        }
    }
    let rows = columns.first().map_or(0, |c| c.len());
    let found = row_masks(&masks, rows);
    for counter in [subjects, devices].into_iter().flatten() {
        counter.count(columns, hasher, &found);
    }
}

/// Keeps, per column, the first few distinct non-blank values (raw: masked only by
/// [`column_reports`], never shown as they are).
pub fn keep_examples(examples: &mut [Vec<String>], columns: &[&StringArray]) {
    for (kept, array) in examples.iter_mut().zip(columns) {
        for value in array.iter().flatten() {
            if kept.len() >= EXAMPLES {
                break;
            }
            if !value.trim().is_empty() && !kept.iter().any(|k| k == value) {
                kept.push(value.to_owned());
            }
        }
    }
}

/// Feeds one column of a batch to its profiler, in row order.
pub fn observe(profiler: &mut ColumnProfiler, array: &StringArray) {
    for value in array {
        profiler.observe(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use freeport_read::{Format, Source};

    /// A valid GB 11643 resident id from a 17-digit body (the detector's own check digit).
    fn resident_id(body: &str) -> String {
        let check = freeport_detect::checks::mod11_2_check(body.as_bytes()).unwrap() as char;
        format!("{body}{check}")
    }

    #[test]
    fn plan_prefers_the_strongest_identifier_then_confidence() {
        let plan = Plan::from_profiles(
            [
                (Some("contact.phone"), 0.99),
                (None, 0.0),
                (Some("id.cn.resident_id"), 0.8),
                (Some("id.us.ssn"), 0.9),
                (Some("device.imei"), 0.9),
                (Some("person.name"), 0.99),
            ]
            .into_iter(),
        );
        assert_eq!(plan.subject, Some((3, "id.us.ssn".to_owned())));
        assert_eq!(plan.device, Some((4, "device.imei".to_owned())));
        assert_eq!(
            Plan::from_profiles([(Some("person.name"), 0.9)].into_iter()),
            Plan::default()
        );
    }

    #[test]
    fn a_key_column_that_changes_after_the_probe_is_recounted_from_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drift.csv");
        // The first rows of `c1` look like phone numbers; the column is resident ids.
        let mut text = String::from("c1,c2\n");
        for i in 0..4 {
            text.push_str(&format!("1381234567{i},x\n"));
        }
        for i in 0..200 {
            let id = resident_id(&format!("11010519900101{:03}", i % 150));
            text.push_str(&format!("{id},y\n"));
        }
        std::fs::write(&path, text).unwrap();
        let input = Input {
            source: Source::File(path),
            format: Format::Csv,
            sheet: None,
        };
        // Batches of 4 rows, so the probe sees the phone numbers only.
        let mut options = ScanOptions::default();
        options.read.batch_rows = 4;
        let report = scan_input_with_probe(&input, &options, &NoProgress, 4).unwrap();
        assert_eq!(
            report.columns[0].category.as_deref(),
            Some("id.cn.resident_id")
        );
        let key = report.subject_key.as_ref().unwrap();
        assert_eq!(key.category, "id.cn.resident_id");
        assert_eq!(report.subjects.get("id.cn.resident_id"), Some(&150));
        assert_eq!(report.unkeyed_rows, 4);
        assert!(report.warnings.is_empty());
        // Same answer as a scan whose probe saw the whole file.
        let whole = scan_input(&input, &options, &NoProgress).unwrap();
        assert_eq!(whole.subjects, report.subjects);
    }
}
