//! The `snowball` and `importexport` command-line clients, drop-ins for `aws snowball` and
//! `aws importexport` (AWS CLI v1), as one library: each binary is one line that hands
//! [`main`] its service's generated command table (`<crate>::cli::SERVICE`). The parser
//! ([`params`]) and Python-style JSON printer ([`pyjson`]) are public so `fuzz/` can call
//! them.

use std::process::ExitCode;
use std::sync::OnceLock;

use awsrt::internal::cli::ServiceTable;
use awsrt::internal::ServiceMeta;

mod app;
mod completion;
mod format;
mod help;
mod output;
mod paramfile;
pub mod params;
pub mod pyjson;
mod skeleton;
mod transport;
mod wide;

/// An AWS CLI hidden flag alias (`awscli/customizations/argrename.py`): (command, alias,
/// flag).
pub type HiddenAlias = (&'static str, &'static str, &'static str);

/// The service a process serves: its command table and the AWS CLI's customizations.
struct Service {
    table: &'static ServiceTable,
    hidden_aliases: &'static [HiddenAlias],
}

/// Set once by [`main`]; a process serves one service.
static SERVICE: OnceLock<Service> = OnceLock::new();

/// The service this process serves.
fn service() -> &'static Service {
    SERVICE.get_or_init(|| Service {
        table: &EMPTY,
        hidden_aliases: &[],
    })
}

/// What [`service`] gives before [`main`] has run (unit tests of the parser): no commands.
static EMPTY: ServiceTable = ServiceTable {
    meta: &ServiceMeta {
        service_id: "",
        endpoint_prefix: "",
        signing_name: "",
        target_prefix: "",
        api_version: "",
        protocols: &[],
        crate_id: "",
        endpoint_rule_set: "",
        query_compatible: false,
    },
    full_name: "",
    command: "aws",
    docs: "",
    operations: &[],
};

/// Runs the command line of this process (`std::env::args`) against `table`, printing as
/// the AWS CLI does, and returns the exit code.
pub fn main(table: &'static ServiceTable, hidden_aliases: &'static [HiddenAlias]) -> ExitCode {
    // The first call wins; a process serves one service.
    let _ = SERVICE.set(Service {
        table,
        hidden_aliases,
    });
    app::main()
}
