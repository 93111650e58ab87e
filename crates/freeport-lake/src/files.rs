//! Finding a lake's files: a directory walked recursively or a glob, files in path order,
//! hive-style partitions (`key=value` directories) read from each file's path.

use std::path::{Component, Path, PathBuf};

use freeport_read::Format;

use crate::LakeError;

/// Partition value Hive writes for a null key.
const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

/// One file of a lake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LakeFile {
    /// The file.
    pub path: PathBuf,
    /// Its partition values, in the lake's key order (`None`: Hive's null partition).
    pub partitions: Vec<Option<String>>,
    /// Its size in bytes.
    pub bytes: u64,
}

/// A lake: files of one format under the same partition keys, in path order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lake {
    /// The lake as given (a directory or a glob).
    pub name: String,
    /// Parquet or CSV (TSV for `.tsv` files).
    pub format: Format,
    /// Partition keys, outermost first; they become the last columns.
    pub keys: Vec<String>,
    /// The files, sorted by path.
    pub files: Vec<LakeFile>,
}

impl Lake {
    /// Bytes of all files.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

/// Whether a path component is skipped: hidden files and the markers engines leave beside
/// data (`_SUCCESS`, `_delta_log`, `_temporary`).
fn skipped(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_')
}

/// The lake `spec` names: a directory (walked recursively) or a glob.
///
/// # Errors
///
/// Nothing to list, no data file, mixed or unsupported formats, or files under different
/// partition keys.
pub fn discover_lake(spec: &str) -> Result<Lake, LakeError> {
    let list_error = |reason: String| LakeError::List {
        lake: spec.to_owned(),
        reason,
    };
    let path = Path::new(spec);
    let (root, mut paths) = if path.is_dir() {
        let mut paths = Vec::new();
        let walk = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !skipped(&e.file_name().to_string_lossy()));
        for entry in walk {
            let entry = entry.map_err(|e| list_error(e.to_string()))?;
            if entry.file_type().is_file() {
                paths.push(entry.into_path());
            }
        }
        (path.to_path_buf(), paths)
    } else if spec.contains(['*', '?', '[']) {
        let entries = glob::glob(spec).map_err(|e| list_error(e.to_string()))?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| list_error(e.to_string()))?;
            if entry.is_file() {
                paths.push(entry);
            }
        }
        (glob_root(spec), paths)
    } else if path.is_file() {
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (root, vec![path.to_path_buf()])
    } else {
        return Err(list_error("no such file or directory".to_owned()));
    };
    paths.sort();

    let mut format: Option<(Format, PathBuf)> = None;
    let mut keys: Option<(Vec<String>, PathBuf)> = None;
    let mut files = Vec::new();
    for path in paths {
        let Some(file_format) = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension)
        else {
            // Not a data file (checksums, manifests): never part of the lake.
            continue;
        };
        if !matches!(file_format, Format::Parquet | Format::Csv | Format::Tsv) {
            return Err(LakeError::Format {
                file: path,
                reason: format!("{file_format} files are not read by the lake engine"),
            });
        }
        match &format {
            None => format = Some((file_format, path.clone())),
            Some((first, first_path)) if *first != file_format => {
                return Err(LakeError::Format {
                    reason: format!("{file_format}, while {} is {first}", first_path.display()),
                    file: path,
                });
            }
            Some(_) => {}
        }
        let (file_keys, values) = partitions_of(&root, &path);
        match &keys {
            None => keys = Some((file_keys, path.clone())),
            Some((expected, _)) if *expected != file_keys => {
                return Err(LakeError::Partitions {
                    expected: expected.join("/"),
                    found: file_keys.join("/"),
                    file: path,
                });
            }
            Some(_) => {}
        }
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        files.push(LakeFile {
            path,
            partitions: values,
            bytes,
        });
    }
    let Some((format, _)) = format else {
        return Err(LakeError::Empty {
            lake: spec.to_owned(),
        });
    };
    Ok(Lake {
        name: spec.to_owned(),
        format,
        keys: keys.map(|(k, _)| k).unwrap_or_default(),
        files,
    })
}

/// The directory a glob starts from: its components before the first with a wildcard.
fn glob_root(spec: &str) -> PathBuf {
    let mut root = PathBuf::new();
    for component in Path::new(spec).components() {
        if component
            .as_os_str()
            .to_string_lossy()
            .contains(['*', '?', '['])
        {
            break;
        }
        root.push(component);
    }
    root
}

/// A file's partition keys and values: its `key=value` directories below `root`.
fn partitions_of(root: &Path, path: &Path) -> (Vec<String>, Vec<Option<String>>) {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut keys = Vec::new();
    let mut values = Vec::new();
    let directories = relative
        .parent()
        .map(Path::components)
        .into_iter()
        .flatten();
    for component in directories {
        let Component::Normal(name) = component else {
            continue;
        };
        let name = name.to_string_lossy();
        if let Some((key, value)) = name.split_once('=')
            && !key.is_empty()
        {
            keys.push(unescape(key));
            let value = unescape(value);
            values.push((value != HIVE_NULL).then_some(value));
        }
    }
    (keys, values)
}

/// Hive's path escaping undone: `%XX` is the byte XX.
fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_come_from_key_value_directories_below_the_root() {
        let (keys, values) = partitions_of(
            Path::new("/lake"),
            Path::new("/lake/year=2026/region=East%20China/notes/part-0.parquet"),
        );
        assert_eq!(keys, ["year", "region"]);
        assert_eq!(
            values,
            [Some("2026".to_owned()), Some("East China".to_owned())]
        );
        let (_, values) = partitions_of(
            Path::new("lake"),
            Path::new("lake/year=__HIVE_DEFAULT_PARTITION__/a.csv"),
        );
        assert_eq!(values, [None]);
    }

    #[test]
    fn a_glob_starts_below_its_literal_directories() {
        assert_eq!(
            glob_root("lake/sales/**/*.parquet"),
            Path::new("lake/sales")
        );
        assert_eq!(glob_root("*.csv"), Path::new(""));
    }
}
