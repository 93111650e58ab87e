//! The stages of one assessment, each a function from a typed input to a typed output, in the
//! order [`crate::pipeline::assess`] runs them: [`judge::transfer`] (the transfer file and the
//! packs), [`scan::scan`], [`judge::Judging::judge`], [`deid::deid`], [`seal::seal`],
//! [`record::record`], [`log::append`] and [`log::logged`], [`report::outputs`]; then
//! [`report::deliver`] moves the outputs into place.

pub(crate) mod deid;
pub(crate) mod judge;
pub(crate) mod log;
pub(crate) mod record;
pub(crate) mod report;
pub(crate) mod scan;
pub(crate) mod seal;

pub use report::Output;
