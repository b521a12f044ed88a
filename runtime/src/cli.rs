//! The command table a command-line client is built from (feature `cli`): the types each
//! generated crate fills with static data (operations and flag names as the AWS CLI
//! spells them, docs, paginators, and per member what only the command line needs: the
//! wire names are the shape's own [`Field`]s) and [`run`], each command's call, which
//! sends one operation whose input is an awsJson document. Written once here, not
//! emitted into every generated crate.

use crate::codec::{json, Decode, Encode, Field};
use crate::http::BoxFuture;
use crate::operation::{Operation, ServiceMeta};
use crate::Client;

/// The shape of a value, enough to parse command-line values and print responses.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Kind {
    /// A string.
    String,
    /// A string enum with its known values (others are accepted too).
    Enum(&'static [&'static str]),
    /// A boolean.
    Boolean,
    /// `byte`, `short` or `integer`.
    Integer,
    /// `long`.
    Long,
    /// `float`.
    Float,
    /// `double`.
    Double,
    /// A timestamp.
    Timestamp,
    /// A blob (base64 on the JSON wire).
    Blob,
    /// A `document`: any JSON value, sent as is.
    Document,
    /// A structure.
    Structure(&'static Struct),
    /// A list of items of this kind.
    List(&'static Kind),
    /// A map from strings to values of this kind.
    Map(&'static Kind),
}

/// A structure: its model name and members in model order.
#[derive(Debug)]
pub struct Struct {
    /// The shape name in the model.
    pub name: &'static str,
    /// The members, in model order.
    pub members: &'static [Member],
}

/// A structure member: the shape's own [`Field`] (its wire names, the one description the
/// codecs use too) and what only the command line needs.
#[derive(Debug)]
pub struct Member {
    /// The member's wire names: `name` (CBOR key, and the key of the CLI's parameter
    /// documents), `json`, and `xml`/`flattened` for awsQuery responses.
    pub field: &'static Field,
    /// The command-line flag without `--` (`job-id`).
    pub flag: &'static str,
    /// The value's shape.
    pub kind: Kind,
    /// Whether the member is required.
    pub required: bool,
    /// The model's `min` (length, or value for numbers).
    pub min: Option<f64>,
    /// The documentation, as Markdown.
    pub docs: &'static str,
}

/// A paginator, with wire member names.
#[derive(Debug)]
pub struct Paginator {
    /// The input token member.
    pub input_token: &'static str,
    /// The output token path (`NextToken`, `Items[-1].Id`).
    pub output_token: &'static str,
    /// The page-size member.
    pub limit_key: Option<&'static str>,
    /// The result list member.
    pub result_key: Option<&'static str>,
    /// The "more results" boolean member.
    pub more_results: Option<&'static str>,
}

/// One command.
#[derive(Debug)]
pub struct Command {
    /// The wire name (`ListJobs`).
    pub name: &'static str,
    /// The command name (`list-jobs`).
    pub command: &'static str,
    /// The documentation, as Markdown.
    pub docs: &'static str,
    /// The input structure.
    pub input: &'static Struct,
    /// The output structure.
    pub output: &'static Struct,
    /// The element an awsQuery response wraps the output in (`ListJobsResult`).
    pub result_wrapper: Option<&'static str>,
    /// The modeled error codes.
    pub errors: &'static [&'static str],
    /// The paginator, when the operation has one.
    pub paginator: Option<Paginator>,
    /// Sends the operation: [`run`] for its input type.
    pub call: CallFn,
    /// The model's examples (`examples-1.json`), for `help`.
    pub examples: &'static [Example],
}

/// An example call from the model's `examples-1.json`, for `help`.
#[derive(Debug)]
pub struct Example {
    /// The title, as Markdown (may be empty).
    pub title: &'static str,
    /// The description, as Markdown (may be empty).
    pub description: &'static str,
    /// The command line after the service command (`create-job --job-type IMPORT`): one
    /// `--flag value` a line, lines joined by ` \` continuations, values quoted for a
    /// POSIX shell.
    pub command: &'static str,
    /// The example's output as indented JSON, or empty when the model gives none.
    pub output: &'static str,
}

/// Sends one operation with an awsJson input document and returns the output as an awsJson
/// document: [`run`] for the operation's input type.
pub type CallFn = for<'a> fn(&'a Client, &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, Failure>>;

/// A service's command table.
#[derive(Debug)]
pub struct ServiceTable {
    /// The service's metadata (`serviceId`, the wire protocols in the model's order of
    /// preference, the first being the default): the one the operations use.
    pub meta: &'static ServiceMeta,
    /// The full name.
    pub full_name: &'static str,
    /// The AWS CLI command name (`snowball`).
    pub command: &'static str,
    /// The service documentation, as Markdown.
    pub docs: &'static str,
    /// Every operation, sorted by command name.
    pub operations: &'static [Command],
}

/// Why a call through a [`ServiceTable`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Failure {
    /// The operation name is unknown, or the input document does not decode.
    Input(String),
    /// The service answered with an error.
    Service {
        /// The error code.
        code: String,
        /// The error message.
        message: Option<String>,
        /// The HTTP status.
        status: u16,
        /// The request id.
        request_id: Option<String>,
    },
    /// Anything else (transport, timeout, undecodable response, credentials).
    Other(String),
}

/// Decodes `input` (an awsJson document with wire names) as `O`, sends it, and returns
/// the output re-encoded as an awsJson document: each [`Command`]'s `call`.
pub fn run<'a, O>(client: &'a Client, input: &'a [u8]) -> BoxFuture<'a, Result<Vec<u8>, Failure>>
where
    O: Operation + Decode,
    O::Output: Encode,
    O::Error: std::fmt::Display,
{
    Box::pin(async move {
        // Strict: a missing required input is an error, never a zero value sent on.
        let input: O = json::from_slice_strict(input).map_err(|e| Failure::Input(e.to_string()))?;
        match client.call(&input).await {
            Ok(output) => Ok(json::to_vec(&output)),
            Err(e) => Err(match e.meta() {
                Some(meta) => Failure::Service {
                    code: meta.code.clone(),
                    message: meta.message.clone(),
                    status: meta.status,
                    request_id: meta.request_id.clone(),
                },
                None => Failure::Other(e.to_string()),
            }),
        }
    })
}
