//! The command-line parameter parser of the service CLIs (shorthand, JSON, scalar
//! conversion and botocore's validation) as a library over the Snowball command table,
//! so `fuzz/` can call it; the binaries compile the same files with their own service.

/// The command table the parser is built against.
mod service {
    pub use snowball::cli::{Kind, Struct};
}

pub mod params;
pub mod pyjson;
