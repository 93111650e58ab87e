//! Writes the fixture report as `en.html`, `zh.html` and `report.json`, and a US → China
//! transfer's as `us-cn.en.html` and `us-cn.zh.html`, into the directory given
//! as the first argument (default `target/report-sample`), for the browser test
//! (`scripts/browser-test`) and for reading by eye.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a sample generator: any failure should stop it loudly"
)]

#[path = "../tests/fixture/mod.rs"]
mod fixture;

use freeport_report::{Lang, Report, render_html, render_json};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/report-sample".to_owned());
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create the output directory");
    let fixture = fixture::Fixture::build();
    let report = fixture::with_input(&fixture, Report::build);
    // The other direction: a US → China transfer, framed by the US record.
    let us_cn = fixture::UsToChina::build(&fixture).with_input(Report::build);
    let files = [
        ("en.html", render_html(&report, Lang::En).unwrap()),
        ("zh.html", render_html(&report, Lang::Zh).unwrap()),
        ("report.json", render_json(&report).unwrap()),
        ("us-cn.en.html", render_html(&us_cn, Lang::En).unwrap()),
        ("us-cn.zh.html", render_html(&us_cn, Lang::Zh).unwrap()),
    ];
    for (name, text) in files {
        // Temp + rename: a reader never sees half a file.
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, dir.join(name)).unwrap();
    }
}
