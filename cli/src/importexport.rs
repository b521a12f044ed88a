//! `importexport`: a command-line client for AWS Import/Export that behaves like
//! `aws importexport` (AWS CLI v1), over the command table generated from the model.

/// The AWS CLI's hidden flag aliases for this service (`argrename.py`).
const HIDDEN_ALIASES: &[snowball_cli::HiddenAlias] = &[
    ("get-shipping-label", "street-1", "street1"),
    ("get-shipping-label", "street-2", "street2"),
    ("get-shipping-label", "street-3", "street3"),
];

fn main() -> std::process::ExitCode {
    snowball_cli::main(&importexport::cli::SERVICE, HIDDEN_ALIASES)
}
