//! A serde mirror of the botocore JSON model files. Knows nothing about Rust; unknown
//! keys are ignored here and unsupported features are rejected by the IR with a path.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::Error;

/// `service-2.json`.
#[derive(Debug, Deserialize)]
pub struct ServiceModel {
    /// Service-wide facts.
    pub metadata: Metadata,
    /// Operations by name, in model order.
    pub operations: IndexMap<String, Operation>,
    /// Shapes by name, in model order.
    pub shapes: IndexMap<String, Shape>,
    /// The service's documentation (HTML).
    #[serde(default)]
    pub documentation: Option<String>,
}

/// `metadata` of `service-2.json`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub api_version: String,
    pub endpoint_prefix: String,
    #[serde(default)]
    pub json_version: Option<String>,
    pub protocol: String,
    #[serde(default)]
    pub protocols: Option<Vec<String>>,
    pub service_id: String,
    pub service_full_name: String,
    #[serde(default)]
    pub signing_name: Option<String>,
    #[serde(default)]
    pub target_prefix: Option<String>,
    #[serde(default)]
    pub uid: Option<String>,
    /// awsQuery: the `xmlns` of response documents.
    #[serde(default)]
    pub xml_namespace: Option<String>,
    /// `awsQueryCompatible` (an empty object when present): a service moved from awsQuery
    /// that still reports its old error codes in `x-amzn-query-error`.
    #[serde(default)]
    pub aws_query_compatible: Option<serde_json::Value>,
    /// The service's auth schemes in order of preference (`aws.auth#sigv4`, ...).
    #[serde(default)]
    pub auth: Option<Vec<String>>,
    /// The older form of `auth` (`v4`, `v2`), read when `auth` is absent.
    #[serde(default)]
    pub signature_version: Option<String>,
}

/// One operation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub name: String,
    pub http: Http,
    #[serde(default)]
    pub input: Option<ShapeRef>,
    #[serde(default)]
    pub output: Option<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    /// The `endpoint` trait: a host prefix such as `foo.{Label}.`.
    #[serde(default)]
    pub endpoint: Option<EndpointTrait>,
    /// The operation's auth schemes, overriding the service's (`smithy.api#noAuth`).
    #[serde(default)]
    pub auth: Option<Vec<String>>,
    /// The older form of `auth` (`none`, `v4`), read when `auth` is absent.
    #[serde(default)]
    pub authtype: Option<String>,
    /// The body may be compressed with one of these encodings (`gzip`).
    #[serde(default)]
    pub requestcompression: Option<RequestCompression>,
    /// The operation may (or, with `required`, must) be sent to an endpoint found by the
    /// service's `endpointoperation`.
    #[serde(default)]
    pub endpointdiscovery: Option<EndpointDiscovery>,
    /// The service's endpoint discovery operation (`DescribeEndpoints`).
    #[serde(default)]
    pub endpointoperation: bool,
    /// Endpoint rule parameters this operation always sets, by parameter name.
    #[serde(default)]
    pub static_context_params: IndexMap<String, StaticContextParam>,
    /// Endpoint rule parameters read from the input by a JMESPath expression.
    #[serde(default)]
    pub operation_context_params: IndexMap<String, OperationContextParam>,
}

/// The `endpointdiscovery` trait of an operation.
#[derive(Debug, Deserialize)]
pub struct EndpointDiscovery {
    /// Calls must go to a discovered endpoint (optional discovery is off by default).
    #[serde(default)]
    pub required: bool,
}

/// One entry of `staticContextParams`.
#[derive(Debug, Deserialize)]
pub struct StaticContextParam {
    /// A boolean, a string or a list of strings.
    pub value: serde_json::Value,
}

/// One entry of `operationContextParams`.
#[derive(Debug, Deserialize)]
pub struct OperationContextParam {
    /// A JMESPath expression over the input (`TableName`, `keys(RequestItems)`, ...).
    pub path: String,
}

/// The `contextParam` trait of an input member.
#[derive(Debug, Deserialize)]
pub struct ContextParam {
    /// The endpoint rule parameter the member's value sets.
    pub name: String,
}

/// The `requestcompression` trait of an operation.
#[derive(Debug, Deserialize)]
pub struct RequestCompression {
    /// The encodings in order of preference.
    pub encodings: Vec<String>,
}

/// The `endpoint` trait of an operation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointTrait {
    /// Prepended to the endpoint's host; `{Name}` is replaced by the input member
    /// `Name`, which has `hostLabel`.
    pub host_prefix: String,
}

/// `http` of an operation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Http {
    pub method: String,
    /// Absent in some RPC models; the RPC protocols always post to `/`.
    #[serde(default)]
    pub request_uri: Option<String>,
}

/// A reference to a shape: an operation's input/output/error, or a member.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShapeRef {
    pub shape: String,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub json_name: Option<String>,
    #[serde(default)]
    pub result_wrapper: Option<String>,
    #[serde(default)]
    pub timestamp_format: Option<String>,
    #[serde(default)]
    pub idempotency_token: bool,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default, rename = "box")]
    pub boxed: bool,
    #[serde(default)]
    pub flattened: bool,
    /// HTTP bindings (`header`, `uri`, ...); RPC protocols do not support them.
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub streaming: bool,
    /// The member fills a `{label}` of its operation's `endpoint.hostPrefix`.
    #[serde(default)]
    pub host_label: bool,
    /// The member's value sets this endpoint rule parameter (input members only).
    #[serde(default)]
    pub context_param: Option<ContextParam>,
}

/// A shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// The `type` as written; the IR resolves it once into a `ShapeKind`.
    #[serde(rename = "type")]
    pub type_name: String,
    #[serde(default)]
    pub members: IndexMap<String, ShapeRef>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub member: Option<ShapeRef>,
    #[serde(default)]
    pub key: Option<ShapeRef>,
    #[serde(default)]
    pub value: Option<ShapeRef>,
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub exception: bool,
    #[serde(default)]
    pub error: Option<ErrorTrait>,
    /// An error that is the server's fault (status 500 unless the model says otherwise).
    #[serde(default)]
    pub fault: bool,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub timestamp_format: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub flattened: bool,
    #[serde(default)]
    pub sparse: bool,
    #[serde(default)]
    pub union: bool,
    #[serde(default)]
    pub document: bool,
    #[serde(default)]
    pub eventstream: bool,
    #[serde(default)]
    pub streaming: bool,
}

/// The `error` trait of an exception shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorTrait {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub http_status_code: Option<u16>,
    #[serde(default)]
    pub sender_fault: bool,
}

/// `paginators-1.json`.
#[derive(Debug, Default, Deserialize)]
pub struct Paginators {
    pub pagination: IndexMap<String, Paginator>,
}

/// One paginator. Tokens and result keys may be a string or a list of strings.
#[derive(Debug, Deserialize)]
pub struct Paginator {
    pub input_token: OneOrMany,
    pub output_token: OneOrMany,
    #[serde(default)]
    pub limit_key: Option<String>,
    #[serde(default)]
    pub result_key: Option<OneOrMany>,
    #[serde(default)]
    pub more_results: Option<String>,
}

/// A botocore value that is either one string or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings, in order.
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

/// `examples-1.json`.
#[derive(Debug, Default, Deserialize)]
pub struct Examples {
    #[serde(default)]
    pub examples: IndexMap<String, Vec<Example>>,
}

/// One example call.
#[derive(Debug, Deserialize)]
pub struct Example {
    #[serde(default)]
    pub input: Option<serde_json::Value>,
    #[serde(default)]
    pub output: Option<serde_json::Value>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

/// The files of one service version, as loaded.
#[derive(Debug)]
pub struct ModelFiles {
    /// The directory they came from.
    pub dir: PathBuf,
    /// `service-2.json`.
    pub service: ServiceModel,
    /// `paginators-1.json`, empty when absent.
    pub paginators: Paginators,
    /// `examples-1.json`, empty when absent.
    pub examples: Examples,
}

impl ModelFiles {
    /// Loads `service-2.json` and, when present, `paginators-1.json` and `examples-1.json`.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let service = load_json(&dir.join("service-2.json"))?;
        let paginators = load_optional(&dir.join("paginators-1.json"))?;
        let examples = load_optional(&dir.join("examples-1.json"))?;
        Ok(ModelFiles {
            dir: dir.to_path_buf(),
            service,
            paginators,
            examples,
        })
    }

    /// Path of one of the files, for error messages.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

fn load_optional<T: DeserializeOwned + Default>(path: &Path) -> Result<T, Error> {
    if path.exists() {
        load_json(path)
    } else {
        Ok(T::default())
    }
}

/// Parses one JSON file; errors name the file and the JSON path of the bad value.
pub fn load_json<T: DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(path, "", format!("cannot read: {e}")))?;
    parse_json(path, &text)
}

/// Parses JSON text that came from `path`.
pub fn parse_json<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let json_path = e.path().to_string();
        let inner = e.into_inner();
        let message = if inner.is_syntax() || inner.is_eof() {
            format!("invalid JSON: {inner}")
        } else {
            inner.to_string()
        };
        Error::new(
            path,
            if json_path == "." { "" } else { &json_path },
            message,
        )
    })
}
