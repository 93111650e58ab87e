//! The site's side: records in, sealed reports out.
//!
//! [`submit`] reads each dataset with `freeport-read`, turns every record into one measurement
//! per query, shards it, seals each aggregator's input share to that aggregator, and hands
//! uploads of at most `batch` reports to `send` (the HTTP client, in `freeport-server`). Records
//! never leave this module; the [`Receipt`] holds counts and a digest of the nonces sent.

use std::collections::BTreeMap;
use std::path::PathBuf;

use arrow::array::{Array, AsArray, StringArray};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::crypto::{ShareSealer, b64};
use crate::query::{Encoder, Measurement};
use crate::study::{Country, StudyFile, StudyHash, day_number, today};
use crate::vdaf::Instance;
use crate::wire::{Report, Upload, UploadOutcome, share_info};
use crate::{Error, Result};

/// What a site keeps of a submission: no record, no value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The study's id.
    pub study_id: String,
    /// The study's hash.
    pub study: StudyHash,
    /// The site.
    pub site: String,
    /// The datasets read (as given).
    pub inputs: Vec<String>,
    /// Records read.
    pub records: u64,
    /// Records not sent, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Reports sent per query.
    pub reports: BTreeMap<String, u64>,
    /// SHA-256 (hex) of every nonce sent, in order.
    pub nonces_sha256: String,
    /// Reports the aggregators accepted.
    pub accepted: u64,
    /// Reports they rejected, by reason.
    pub rejected: BTreeMap<String, u64>,
}

/// Builds one upload: shards measurements and seals their shares.
#[derive(Debug)]
pub struct UploadBuilder {
    study: StudyHash,
    site: String,
    cn: ShareSealer,
    us: ShareSealer,
    reports: Vec<Report>,
    /// The time prefix of the last nonce made.
    last_prefix: u64,
}

impl UploadBuilder {
    /// A new upload for `site` to the study's aggregators.
    ///
    /// # Errors
    ///
    /// An aggregator key that is not an X25519 key.
    pub fn new(study: &StudyFile, site: &str) -> Result<Self> {
        Ok(Self {
            cn: ShareSealer::new(
                &study.study.cn.hpke_key,
                &share_info(&study.hash, Country::Cn),
            )?,
            us: ShareSealer::new(
                &study.study.us.hpke_key,
                &share_info(&study.hash, Country::Us),
            )?,
            study: study.hash.clone(),
            site: site.to_owned(),
            reports: Vec::new(),
            last_prefix: 0,
        })
    }

    /// Reports so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    /// Whether no report was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Shards `m` for `query` (with its instance and context) dated `day`, and adds the
    /// report; returns its nonce.
    ///
    /// A nonce is the site's clock (nanoseconds since 1970, big-endian, strictly increasing)
    /// followed by 8 random bytes: unique like a random one, and the aggregators' replay index
    /// (keyed by nonce) grows at its end, so an upload's nonces touch a few index pages rather
    /// than one page each. The clock says when a report was made, which its upload says anyway.
    ///
    /// # Errors
    ///
    /// The measurement does not fit the instance, or the OS generator fails.
    pub fn push(
        &mut self,
        query: &str,
        instance: &Instance,
        ctx: &[u8],
        day: i32,
        m: &Measurement,
    ) -> Result<[u8; 16]> {
        let mut nonce = [0u8; 16];
        let (prefix, random) = nonce.split_at_mut(8);
        getrandom::fill(random).map_err(|e| Error::crypto("OS random generator", e))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        self.last_prefix = now.max(self.last_prefix.saturating_add(1));
        prefix.copy_from_slice(&self.last_prefix.to_be_bytes());
        let sharded = instance.shard(ctx, m, &nonce)?;
        let [cn, us] = &sharded.shares;
        let mut report = Report {
            nonce: b64(&nonce),
            day,
            query: query.to_owned(),
            public_share: b64(&sharded.public),
            share_cn: String::new(),
            share_us: String::new(),
        };
        let aad = report.aad(&self.study);
        report.share_cn = b64(&self.cn.seal(&nonce, cn, &aad)?);
        report.share_us = b64(&self.us.seal(&nonce, us, &aad)?);
        self.reports.push(report);
        Ok(nonce)
    }

    /// The upload.
    #[must_use]
    pub fn finish(self) -> Upload {
        Upload {
            study: self.study,
            site: self.site,
            enc_cn: b64(self.cn.encapped()),
            enc_us: b64(self.us.encapped()),
            reports: self.reports,
        }
    }
}

/// A query ready to encode: its instance, context and encoder.
struct Prepared {
    id: String,
    instance: Instance,
    ctx: Vec<u8>,
    encoder: Encoder,
}

/// Reads `inputs` and sends every record's reports for every query of `study`, `batch`
/// reports per upload, through `send`, one upload at a time ([`submit_concurrently`] with one
/// upload in flight).
///
/// # Errors
///
/// As [`submit_concurrently`].
pub fn submit(
    study: &StudyFile,
    site: &str,
    inputs: &[PathBuf],
    batch: usize,
    send: &mut (dyn FnMut(&Upload) -> Result<UploadOutcome> + Send),
) -> Result<Receipt> {
    let send = std::sync::Mutex::new(send);
    submit_concurrently(study, site, inputs, batch, 1, &|upload| {
        let mut send = send
            .lock()
            .map_err(|_| Error::Protocol("a sending thread panicked".to_owned()))?;
        send(upload)
    })
}

/// Reads `inputs` and sends every record's reports for every query of `study`, `batch`
/// reports per upload, through `send`, with up to `in_flight` uploads sent at once.
///
/// Sending runs on `in_flight` threads of their own, behind the encoding: while the
/// aggregators verify and commit uploads, the site shards and seals the next (at most one more
/// waits in between, so memory stays at about `in_flight + 2` uploads). With more than one in
/// flight the leader verifies one upload while the helper verifies another.
///
/// # Errors
///
/// The site is not in the study, an input cannot be read or lacks a column a query needs, or
/// `send` fails (the receipt so far is lost; the aggregators reject resent reports' nonces only
/// if they were accepted, so a new run sends fresh ones).
pub fn submit_concurrently(
    study: &StudyFile,
    site: &str,
    inputs: &[PathBuf],
    batch: usize,
    in_flight: usize,
    send: &(dyn Fn(&Upload) -> Result<UploadOutcome> + Sync),
) -> Result<Receipt> {
    if !study.study.sites.iter().any(|s| s.id == site) {
        return Err(Error::Study {
            path: study.path.clone(),
            reason: format!("site `{site}` is not one of the study's sites"),
        });
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<Upload>(1);
    let rx = std::sync::Mutex::new(rx);
    std::thread::scope(|scope| {
        let senders: Vec<_> = (0..in_flight.max(1))
            .map(|_| {
                scope.spawn(|| -> Result<UploadOutcome> {
                    let mut total = UploadOutcome::default();
                    loop {
                        // The lock is held only to take the next upload.
                        let next = rx
                            .lock()
                            .map_err(|_| Error::Protocol("a sending thread panicked".to_owned()))?
                            .recv();
                        let Ok(upload) = next else {
                            return Ok(total);
                        };
                        let outcome = send(&upload)?;
                        total.accepted += outcome.accepted;
                        for (reason, n) in outcome.rejected {
                            *total.rejected.entry(reason).or_default() += n;
                        }
                    }
                })
            })
            .collect();
        let encoded = encode(study, site, inputs, batch, &tx);
        drop(tx);
        let mut total = UploadOutcome::default();
        let mut failed = None;
        for sender in senders {
            let sent = sender
                .join()
                .map_err(|_| Error::Protocol("a sending thread panicked".to_owned()))
                .and_then(|sent| sent);
            match sent {
                Ok(outcome) => {
                    total.accepted += outcome.accepted;
                    for (reason, n) in outcome.rejected {
                        *total.rejected.entry(reason).or_default() += n;
                    }
                }
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        // A failed send stops its thread; once every sender stops, the encoding stops on the
        // closed channel: report the send's error first.
        if let Some(e) = failed {
            return Err(e);
        }
        let mut receipt = encoded?;
        receipt.accepted = total.accepted;
        receipt.rejected = total.rejected;
        Ok(receipt)
    })
}

/// The encoding half of [`submit`]: every record's reports, handed over in uploads of `batch`.
fn encode(
    study: &StudyFile,
    site: &str,
    inputs: &[PathBuf],
    batch: usize,
    out: &std::sync::mpsc::SyncSender<Upload>,
) -> Result<Receipt> {
    let mut receipt = Receipt {
        study_id: study.study.id.clone(),
        study: study.hash.clone(),
        site: site.to_owned(),
        inputs: inputs.iter().map(|p| p.display().to_string()).collect(),
        ..Receipt::default()
    };
    let mut nonces = Sha256::new();
    let today = today();
    let mut upload = UploadBuilder::new(study, site)?;
    let batch = batch.max(1);
    let flush = |upload: &mut UploadBuilder| -> Result<()> {
        if upload.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(upload, UploadBuilder::new(study, site)?).finish();
        out.send(full)
            .map_err(|_| Error::Protocol("the upload stopped".to_owned()))
    };
    let setup = |columns: &[&str]| -> std::result::Result<_, String> {
        let prepared = study
            .study
            .queries
            .iter()
            .map(|q| {
                let encoder = Encoder::new(q, &study.study.population, columns)?;
                Ok(Prepared {
                    id: q.id.clone(),
                    instance: Instance::new(encoder.plan()).map_err(|e| e.to_string())?,
                    ctx: study.vdaf_context(&q.id),
                    encoder,
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        Ok((prepared, time_index(study, columns)?))
    };
    let each = |(prepared, time): &mut (Vec<Prepared>, Option<usize>),
                record: &[Option<&str>]|
     -> Result<()> {
        receipt.records += 1;
        let day = match *time {
            Some(i) => match record.get(i).copied().flatten().and_then(day_number) {
                Some(day) => day,
                None => {
                    *receipt
                        .skipped
                        .entry("no date in the time column".to_owned())
                        .or_default() += 1;
                    return Ok(());
                }
            },
            None => today,
        };
        if day < study.start_day || day >= study.end_day {
            *receipt
                .skipped
                .entry("dated outside the study window".to_owned())
                .or_default() += 1;
            return Ok(());
        }
        for p in prepared.iter() {
            let m = p.encoder.measure(record);
            let nonce = upload.push(&p.id, &p.instance, &p.ctx, day, &m)?;
            nonces.update(nonce);
            *receipt.reports.entry(p.id.clone()).or_default() += 1;
        }
        if upload.len() >= batch {
            flush(&mut upload)?;
        }
        Ok(())
    };
    scan_records(inputs, setup, each)?;
    flush(&mut upload)?;
    receipt.nonces_sha256 = crate::study::hex(&nonces.finalize());
    Ok(receipt)
}

/// The index of the study's time column, if it has one.
pub(crate) fn time_index(
    study: &StudyFile,
    columns: &[&str],
) -> std::result::Result<Option<usize>, String> {
    study
        .study
        .time_column
        .as_deref()
        .map(|c| {
            columns
                .iter()
                .position(|x| *x == c)
                .ok_or_else(|| format!("has no column `{c}` (the study's time column)"))
        })
        .transpose()
}

/// Reads every record of `inputs` in order: `setup` sees each dataset's columns once (an
/// error names the dataset), `each` every record as one optional cell per column.
pub(crate) fn scan_records<S>(
    inputs: &[PathBuf],
    mut setup: impl FnMut(&[&str]) -> std::result::Result<S, String>,
    mut each: impl FnMut(&mut S, &[Option<&str>]) -> Result<()>,
) -> Result<()> {
    let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let (found, errors) = freeport_read::discover(&names);
    if let Some(error) = errors.into_iter().next() {
        return Err(error.into());
    }
    for input in &found {
        let name = input.display_name();
        let bad = |reason: String| Error::Input {
            input: name.clone(),
            reason,
        };
        let mut reader = freeport_read::open(input, &freeport_read::ReadOptions::default())?;
        let schema = reader.schema();
        let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let mut state = setup(&columns).map_err(&bad)?;
        while let Some(rb) = reader.next_batch()? {
            let arrays = rb
                .columns()
                .iter()
                .map(|a| {
                    a.as_string_opt::<i32>().ok_or_else(|| {
                        bad("gave a column that is not text (a reader bug)".to_owned())
                    })
                })
                .collect::<Result<Vec<&StringArray>>>()?;
            let mut record: Vec<Option<&str>> = vec![None; arrays.len()];
            for row in 0..rb.num_rows() {
                for (cell, array) in record.iter_mut().zip(&arrays) {
                    *cell = (!array.is_null(row)).then(|| array.value(row));
                }
                each(&mut state, &record)?;
            }
        }
    }
    Ok(())
}
