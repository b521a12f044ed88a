//! Paginators over real HTTP, for every paginated Snowball operation in both protocols:
//! pages and items in order, the tokens and page size on the wire, and botocore's stop
//! rules (absent or empty token stops, a repeated token is an error, an error ends the
//! stream).
//!
//! The cases live in `cases/paginators.rs` and run through both clients: the async one
//! and the blocking one (feature `blocking`).

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
