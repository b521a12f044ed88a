//! Error responses over real HTTP, in both protocols: every modeled exception of the
//! Snowball model decoded into its operation's error enum with its members and metadata,
//! unmodeled codes, bodiless 5xx, undecodable bodies, and the errors raised before any
//! request is sent (transport, credentials, region).
//!
//! The cases live in `cases/errors.rs` and run through both clients: the async one and
//! the blocking one (feature `blocking`).

// The same case file is a module twice, once per client, on purpose; and the blocking
// cases' closures return the client's own `Result<_, SdkError>` directly.
#![allow(clippy::duplicate_mod, clippy::result_large_err)]

#[path = "cases"]
mod on_async {
    pub use e2e::on_async::*;
    #[path = "errors.rs"]
    mod cases;
}

#[path = "cases"]
mod on_blocking {
    pub use e2e::on_blocking::*;
    #[path = "errors.rs"]
    mod cases;
}
