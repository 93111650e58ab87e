//! Filings in batches: one writer thread takes every filing waiting when it is free and records
//! them together ([`Port::record_prepared`]: one store transaction for the lot) instead of a
//! transaction per request; a second thread appends their log entries in one round
//! ([`Port::log_recorded`]) while the writer records the next batch. Under load the batches
//! grow with the queue; alone, a filing is a batch of one and waits for nothing.
//!
//! Each request still gets its own answer: the port judges the filings of a batch in order,
//! each against its organisation's volumes including the batch's earlier filings, and a refused
//! filing leaves the others (the batch is then filed one by one). A `201` is sent only after
//! the batch's store transaction committed and its entries were appended to the log, exactly as
//! for a filing alone. Batches reach the log in the order they were recorded.

use std::sync::Arc;
use std::thread::JoinHandle;

use freeport_port::port::{FilingView, Port, PortError, PreparedFiling, RecordedFilings};
use tokio::sync::{mpsc, oneshot};

/// Most filings in one batch: large enough to amortise a commit and a log append (two fsync
/// rounds), small enough that the first filing of a batch does not wait long for the last.
pub const MAX_BATCH: usize = 256;

/// Filings waiting for the writer before senders wait too (backpressure).
const QUEUE: usize = 4 * MAX_BATCH;

struct Job {
    filing: PreparedFiling,
    reply: oneshot::Sender<Result<FilingView, PortError>>,
}

/// Recorded batches waiting for the log thread before the writer waits too: one being
/// appended, one recorded meanwhile.
const RECORDED: usize = 2;

type Reply = oneshot::Sender<Result<FilingView, PortError>>;

/// The queue in front of the port's one filing writer (and its log thread).
pub struct FilingQueue {
    sender: Option<mpsc::Sender<Job>>,
    writer: Option<JoinHandle<()>>,
    logger: Option<JoinHandle<()>>,
    port: Arc<Port>,
}

impl std::fmt::Debug for FilingQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilingQueue")
            .field("batched", &self.sender.is_some())
            .finish_non_exhaustive()
    }
}

impl FilingQueue {
    /// Starts the writer thread for `port`. If no thread can be started, filings are filed one
    /// by one on the caller's blocking pool instead.
    #[must_use]
    pub fn start(port: Arc<Port>) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let (to_logger, recorded) = std::sync::mpsc::sync_channel(RECORDED);
        let logger_port = Arc::clone(&port);
        let logger = std::thread::Builder::new()
            .name("freeport-filer-log".to_owned())
            .spawn(move || log(&logger_port, &recorded))
            .ok();
        // Without a log thread the writer appends each batch itself.
        let to_logger = logger.is_some().then_some(to_logger);
        let writer_port = Arc::clone(&port);
        let writer = std::thread::Builder::new()
            .name("freeport-filer".to_owned())
            .spawn(move || write(&writer_port, receiver, to_logger))
            .ok();
        Self {
            sender: writer.is_some().then_some(sender),
            writer,
            logger,
            port,
        }
    }

    /// Files `filing` with whatever else is waiting; its answer.
    ///
    /// # Errors
    ///
    /// The port's answer for this filing; [`PortError::Internal`] if the writer stopped.
    pub async fn file(&self, filing: PreparedFiling) -> Result<FilingView, PortError> {
        let stopped = || PortError::Internal("the filing writer stopped".to_owned());
        let Some(sender) = &self.sender else {
            let port = Arc::clone(&self.port);
            return tokio::task::spawn_blocking(move || {
                port.file_prepared(vec![filing])
                    .pop()
                    .unwrap_or_else(|| Err(stopped()))
            })
            .await
            .map_err(|e| PortError::Internal(e.to_string()))?;
        };
        let (reply, answer) = oneshot::channel();
        sender
            .send(Job { filing, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

impl Drop for FilingQueue {
    /// Closes the queue and waits for the writer to answer what it holds, so the port (its
    /// store and log) is released when the server that owned the queue is gone.
    fn drop(&mut self) {
        self.sender = None;
        // The writer finishes its batches and closes the log thread's channel as it ends.
        if let Some(writer) = self.writer.take() {
            let _finished = writer.join();
        }
        if let Some(logger) = self.logger.take() {
            let _finished = logger.join();
        }
    }
}

/// The writer: waits for a filing, takes every other one waiting (up to [`MAX_BATCH`]),
/// records them and hands them to the log thread (or appends them itself without one); until
/// the queue closes.
fn write(
    port: &Port,
    mut receiver: mpsc::Receiver<Job>,
    logger: Option<std::sync::mpsc::SyncSender<(RecordedFilings, Vec<Reply>)>>,
) {
    while let Some(first) = receiver.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let (filings, replies): (Vec<_>, Vec<_>) =
            jobs.into_iter().map(|job| (job.filing, job.reply)).unzip();
        let recorded = port.record_prepared(filings);
        let recorded = match &logger {
            Some(logger) => match logger.send((recorded, replies)) {
                Ok(()) => continue,
                // The log thread ended: append here.
                Err(std::sync::mpsc::SendError(back)) => back,
            },
            None => (recorded, replies),
        };
        answer(port, recorded.0, recorded.1);
    }
}

/// The log thread: waits for a recorded batch, takes every other one waiting (recorded later),
/// appends their entries in one round and answers each filing; until the writer ends.
fn log(port: &Port, recorded: &std::sync::mpsc::Receiver<(RecordedFilings, Vec<Reply>)>) {
    while let Ok((mut filings, mut replies)) = recorded.recv() {
        while filings.len() < MAX_BATCH {
            match recorded.try_recv() {
                Ok((later, more)) => {
                    filings.extend(later);
                    replies.extend(more);
                }
                Err(_) => break,
            }
        }
        answer(port, filings, replies);
    }
}

/// Appends `filings`' entries and sends each requester its answer.
fn answer(port: &Port, filings: RecordedFilings, replies: Vec<Reply>) {
    for (reply, answer) in replies.into_iter().zip(port.log_recorded(filings)) {
        // The requester may have gone (its connection closed): the filing stands.
        let _unheard = reply.send(answer);
    }
}
