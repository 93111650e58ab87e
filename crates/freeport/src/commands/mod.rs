//! One module per subcommand: each turns parsed arguments into engine calls and renders the result.

pub(crate) mod account;
pub(crate) mod assess;
pub(crate) mod audit;
pub(crate) mod chips;
pub(crate) mod deid;
pub(crate) mod deid_release;
pub(crate) mod docs;
pub(crate) mod history;
pub(crate) mod init;
pub(crate) mod judge;
pub(crate) mod keys;
pub(crate) mod log;
pub(crate) mod open;
pub(crate) mod port_client;
pub(crate) mod report;
pub(crate) mod rules;
pub(crate) mod scan;
pub(crate) mod serve;
pub(crate) mod stats;
pub(crate) mod store;
pub(crate) mod transfer;
pub(crate) mod vocab;
pub(crate) mod witness;
