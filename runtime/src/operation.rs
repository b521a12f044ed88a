//! What generated code tells the runtime about a service and each of its operations.

use crate::codec::{Decode, DecodeError, Encode, Reader};
use crate::protocol::Protocol;

/// Static facts about a service, from its model's metadata.
#[derive(Debug)]
pub struct ServiceMeta {
    /// `serviceId`, e.g. used for `AWS_ENDPOINT_URL_<ID>`.
    pub service_id: &'static str,
    /// `endpointPrefix`: the host label of the default endpoint.
    pub endpoint_prefix: &'static str,
    /// SigV4 signing name (`signingName`, else `endpointPrefix`).
    pub signing_name: &'static str,
    /// `targetPrefix` (JSON `X-Amz-Target` prefix and the CBOR service name).
    pub target_prefix: &'static str,
    /// `apiVersion`, sent by the query protocol.
    pub api_version: &'static str,
    /// The protocols the model lists, in the model's order of preference.
    pub protocols: &'static [Protocol],
    /// The generated crate's name and version, for the `User-Agent`.
    pub crate_id: &'static str,
    /// The model's `endpoint-rule-set-1.json` (empty when the model has none).
    pub endpoint_rule_set: &'static str,
    /// `awsQueryCompatible`: a service moved from awsQuery. Requests carry
    /// `x-amzn-query-mode: true`, and an error's code is the one `x-amzn-query-error`
    /// names (`Code;Sender`), as botocore reads it.
    pub query_compatible: bool,
}

/// One operation's input: knows its service, its name, and its output and error types.
pub trait Operation: Encode + Send + Sync + 'static {
    /// The decoded successful response.
    type Output: Decode + Send + 'static;
    /// The operation's modeled errors.
    type Error: OperationError + Send + Sync + 'static;
    /// The operation name as on the wire (`ListJobs`).
    const NAME: &'static str;
    /// The service the operation belongs to.
    const SERVICE: &'static ServiceMeta;
    /// False when the model gives the operation no input shape: Smithy RPC v2 CBOR then
    /// sends an empty body without `Content-Type`.
    const HAS_INPUT: bool = true;
    /// awsQuery: the child of the response's root element that holds the output (the
    /// model's `resultWrapper`, e.g. `ListJobsResult`); `None` reads the root itself.
    const RESULT_WRAPPER: Option<&'static str> = None;
    /// Why the operation cannot be called by this version of the crate (its model has an
    /// event stream, which the runtime does not speak yet); calls fail with this before
    /// sending anything. `None` for every operation that works.
    const UNSUPPORTED: Option<&'static str> = None;
    /// The model marks the operation `smithy.api#noAuth`: it is sent unsigned and needs
    /// no credentials (STS `AssumeRoleWithWebIdentity`, Cognito identity calls).
    const NO_AUTH: bool = false;
    /// The model's `requestcompression` encodings (`["gzip"]`): the body is compressed
    /// before signing when it is at least the minimum size; empty for no compression.
    const REQUEST_COMPRESSION: &'static [&'static str] = &[];

    /// The model marks the operation `endpointdiscovery: {required: true}`: it must be
    /// sent to an endpoint the service's discovery operation names. The runtime does not
    /// discover endpoints, so such calls fail before sending unless an explicit endpoint
    /// URL is configured (botocore skips discovery then too).
    const ENDPOINT_DISCOVERY_REQUIRED: bool = false;

    /// Calls the service's endpoint discovery operation (`DescribeEndpoints`) and lists
    /// the endpoints it names as `(address, cache period in minutes)`; `None` when the
    /// operation needs no discovery or the model's discovery operation has an unusual
    /// shape.
    fn discover_endpoints(_client: &crate::Client) -> Option<DiscoveryFuture<'_>> {
        None
    }

    /// True when [`Operation::endpoint_params`] may set parameters: the endpoint is then
    /// resolved for each call instead of once per client.
    const HAS_ENDPOINT_PARAMS: bool = false;

    /// The endpoint rule parameters this input sets, from the model's
    /// `staticContextParams`, `contextParam` members and `operationContextParams`, in
    /// that order (botocore's precedence: the first value of a name wins); unset values
    /// are left out. Parameters the rule set does not declare are ignored.
    fn endpoint_params(&self) -> Vec<(&'static str, EndpointParam)> {
        Vec::new()
    }

    /// The operation's `endpoint.hostPrefix` with this input's host labels filled in
    /// (botocore `_expand_host_prefix`), prepended to the endpoint's host; `None` when the
    /// operation has none. Fails, naming the members, when a label is not host text
    /// (see [`check_host_labels`]).
    fn host_prefix(&self) -> Result<Option<String>, String> {
        Ok(None)
    }
}

/// The answer of a service's endpoint discovery operation: `(address, cache period in
/// minutes)` for each endpoint it names, or why it failed.
pub type DiscoveryFuture<'a> = crate::BoxFuture<'a, Result<Vec<(String, i64)>, String>>;

/// A value an operation gives an endpoint rule parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointParam {
    /// A `String` parameter.
    String(String),
    /// A `Boolean` parameter.
    Bool(bool),
    /// A `StringArray` parameter.
    StringArray(Vec<String>),
}

/// Checks `(member, value)` host labels as botocore does before filling a host prefix:
/// each value must be non-empty ASCII letters, digits, `-` and `.` only.
pub fn check_host_labels(labels: &[(&str, &str)]) -> Result<(), String> {
    let bad: Vec<&str> = labels
        .iter()
        .filter(|(_, v)| {
            v.is_empty()
                || !v
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        })
        .map(|(name, _)| *name)
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "Invalid value for parameter(s): {}. Must contain only alphanumeric characters, hyphen, or period.",
            bad.join(", ")
        ))
    }
}

/// An operation's error enum: the modeled errors plus an unhandled case.
pub trait OperationError: Sized + std::fmt::Debug {
    /// Decodes the error body of a response whose error code is `code` (already
    /// sanitized to the bare shape name). Codes the operation does not model map to
    /// its unhandled case without reading the body.
    fn decode<R: Reader>(code: &str, body: &mut R) -> Result<Self, DecodeError>;
}

/// A paginated operation (botocore `paginators-1.json`).
pub trait Paginated: Operation + Clone {
    /// One element of the page's result list.
    type Item: Send + 'static;
    /// The token: a `String`, or a map (DynamoDB's `ExclusiveStartKey`).
    type Token: PageToken;
    /// Sets the input token for the next page.
    fn set_token(&mut self, token: Option<Self::Token>);
    /// Sets the page size, when the operation has a limit key.
    fn set_page_size(&mut self, size: i32);
    /// The output token, if the page carries one.
    fn next_token(output: &Self::Output) -> Option<&Self::Token>;
    /// Whether the service says more pages follow (`more_results`); true when unmodeled.
    fn more_results(_output: &Self::Output) -> bool {
        true
    }
    /// Takes the page's result items.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// A pagination token. An empty one ends the pages, as botocore stops on a falsy token
/// (`""`, or DynamoDB's `LastEvaluatedKey: {}`).
pub trait PageToken: Clone + PartialEq + Send + Sync + 'static {
    /// True for the empty string or map.
    fn is_empty(&self) -> bool;
}

impl PageToken for String {
    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }
}

impl<V: Clone + PartialEq + Send + Sync + 'static> PageToken for crate::Map<V> {
    fn is_empty(&self) -> bool {
        crate::Map::is_empty(self)
    }
}

#[cfg(test)]
mod tests {
    use super::check_host_labels;

    #[test]
    fn host_labels_are_checked_like_botocore() {
        assert_eq!(check_host_labels(&[("a", "bar"), ("b", "x-1.y")]), Ok(()));
        let err = check_host_labels(&[("a", "ok"), ("b", "no/slash"), ("c", "")]).unwrap_err();
        assert_eq!(
            err,
            "Invalid value for parameter(s): b, c. Must contain only alphanumeric characters, hyphen, or period."
        );
        assert!(check_host_labels(&[("a", "caf\u{e9}")]).is_err());
    }
}
