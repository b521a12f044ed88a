//! Paginators over real HTTP, for every paginated Snowball operation in both protocols:
//! pages and items in order, the tokens and page size on the wire, and botocore's stop
//! rules (absent or empty token stops, a repeated token is an error, an error ends the
//! stream).
//!
//! The cases live in `cases/paginators.rs` and run through both clients: the async one
//! and the blocking one (feature `blocking`).

// The same case file is a module twice, once per client, on purpose; and the blocking
// cases' closures return the client's own `Result<_, SdkError>` directly.
#![allow(clippy::duplicate_mod, clippy::result_large_err)]

#[path = "cases"]
mod on_async {
    pub use e2e::on_async::*;
    #[path = "paginators.rs"]
    mod cases;
}

#[path = "cases"]
mod on_blocking {
    pub use e2e::on_blocking::*;
    #[path = "paginators.rs"]
    mod cases;
}
