//! `freeport vocab list|show`: the shared vocabulary as a table or JSON.

use std::io::Write;

use comfy_table::{Cell, ContentArrangement, Table};
use freeport_cli::VocabCommand;
use freeport_vocabulary::{Category, Vocabulary};

use crate::render::{self, Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(command: &VocabCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let vocabulary = Vocabulary::embedded()?;
    match command {
        VocabCommand::List(args) => {
            let selected: Vec<&Category> = vocabulary
                .categories()
                .iter()
                .filter(|c| args.group.as_deref().is_none_or(|g| in_group(&c.id, g)))
                .collect();
            let rendered = Rendered {
                json: &selected,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(out, "{}", list_table(&selected))?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        VocabCommand::Show(args) => {
            let category = vocabulary
                .get(&args.id)
                .ok_or_else(|| unknown_category(vocabulary, &args.id))?;
            let rendered = Rendered {
                json: category,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(out, "{}", show_table(category))?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// `id.cn.resident_id` is in groups `id` and `id.cn`, not in `i` or `id.c`.
fn in_group(id: &str, group: &str) -> bool {
    id.strip_prefix(group)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

fn list_table(categories: &[&Category]) -> Table {
    let mut table = render::table();
    table.set_header([
        "id",
        "name",
        "名称",
        "CN class",
        "important data",
        "US 28 CFR 202",
        "HIPAA",
    ]);
    for c in categories {
        table.add_row([
            Cell::new(&c.id),
            Cell::new(&c.name_en),
            Cell::new(&c.name_zh),
            Cell::new(c.cn.class),
            Cell::new(if c.cn.important_data_indicator {
                "may indicate"
            } else {
                "-"
            }),
            Cell::new(c.us.dsp),
            Cell::new(c.us.hipaa),
        ]);
    }
    table
}

/// Width of the `show` table: long bases wrap inside it, the same on every terminal.
const SHOW_WIDTH: u16 = 100;

fn show_table(c: &Category) -> Table {
    let mut table = render::table();
    table
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(SHOW_WIDTH);
    table.set_header(["field", "value"]);
    let important = if c.cn.important_data_indicator {
        "may indicate important data"
    } else {
        "no"
    };
    let rows: [(&str, &str); 11] = [
        ("id", &c.id),
        ("name", &c.name_en),
        ("名称", &c.name_zh),
        ("description", &c.description),
        ("DPV", c.dpv.as_deref().unwrap_or("-")),
        ("CN class", c.cn.class.as_str()),
        ("CN important data", important),
        ("CN basis", &c.cn.basis),
        ("US 28 CFR 202", c.us.dsp.as_str()),
        ("US HIPAA Safe Harbor", c.us.hipaa.as_str()),
        ("US basis", &c.us.basis),
    ];
    for (field, value) in rows {
        table.add_row([field, value]);
    }
    for (field, note) in [("CN note", &c.cn.note), ("US note", &c.us.note)] {
        if let Some(note) = note {
            table.add_row([field, note.as_str()]);
        }
    }
    table
}

fn unknown_category(vocabulary: &Vocabulary, id: &str) -> Error {
    let mut near: Vec<(f64, &str)> = vocabulary
        .categories()
        .iter()
        .map(|c| (strsim::jaro_winkler(id, &c.id), c.id.as_str()))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let hint = match near.as_slice() {
        [] => "run `freeport vocab list` to see every category".to_owned(),
        near => {
            let ids: Vec<String> = near
                .iter()
                .take(3)
                .map(|(_, id)| format!("`{id}`"))
                .collect();
            format!("did you mean {}?", ids.join(" or "))
        }
    };
    Error::UnknownCategory {
        id: id.to_owned(),
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_match_whole_segments() {
        assert!(in_group("id.cn.resident_id", "id"));
        assert!(in_group("id.cn.resident_id", "id.cn"));
        assert!(in_group("id.cn.resident_id", "id.cn.resident_id"));
        assert!(!in_group("id.cn.resident_id", "i"));
        assert!(!in_group("id.cn.resident_id", "id.c"));
    }
}
