//! Every Snowball operation, in both protocols, over real HTTP to a loopback server: what
//! arrives (method, path, headers, signature, body members by wire name) and what the
//! client makes of a canned success response (including unknown members, which must be
//! skipped, and unknown enum values, which must come back as `Unknown`).
//!
//! Expected wire bodies are written from the botocore model by hand, and canned responses
//! are encoded by `e2e`'s own small encoders, so the runtime's codecs are not checked
//! against themselves.
//!
//! The cases live in `cases/operations.rs` and run through both clients: the async one
//! and the blocking one (feature `blocking`).

// The same case file is a module twice, once per client, on purpose; and the blocking
// cases' closures return the client's own `Result<_, SdkError>` directly.
#![allow(clippy::duplicate_mod, clippy::result_large_err)]

#[path = "cases"]
mod on_async {
    pub use e2e::on_async::*;
    #[path = "operations.rs"]
    mod cases;
}

#[path = "cases"]
mod on_blocking {
    pub use e2e::on_blocking::*;
    #[path = "operations.rs"]
    mod cases;
}
