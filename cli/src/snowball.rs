//! `snowball`: a command-line client for AWS Snowball that behaves like `aws snowball`
//! (AWS CLI v1), over the command table generated from the model.

fn main() -> std::process::ExitCode {
    snowball_cli::main(&snowball::cli::SERVICE, &[])
}
