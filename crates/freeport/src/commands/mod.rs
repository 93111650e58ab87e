//! One module per subcommand: each turns parsed arguments into engine calls and renders the result.

pub(crate) mod scan;
pub(crate) mod vocab;
