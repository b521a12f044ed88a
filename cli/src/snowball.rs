//! `snowball`: a command-line client for AWS Snowball that behaves like `aws snowball`
//! (AWS CLI v1), with its command table generated from the model
//! (`snowball::cli::SERVICE`). The client itself is shared with the other service
//! binaries (`app`); this file only names the service.

mod app;
mod help;
mod output;
mod params;
mod pyjson;
mod transport;

/// The generated command table and dispatcher this binary serves, and the AWS CLI's
/// customizations of it.
mod service {
    pub use snowball::cli::*;

    /// The AWS CLI's hidden flag aliases (`awscli/customizations/argrename.py`):
    /// (command, alias, flag).
    pub const HIDDEN_ALIASES: &[(&str, &str, &str)] = &[];
}

fn main() -> std::process::ExitCode {
    app::main()
}
