//! The resolved service: every shape has its Rust type and name, every operation its
//! input, output, errors and paginator. Emitters read only this.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;

use indexmap::IndexMap;

use crate::docs::html_to_markdown;
use crate::model::{self, ModelFiles, ShapeRef};
use crate::naming::{camel, snake, type_name};
use crate::Error;

/// A service, ready to emit.
#[derive(Debug)]
pub struct Service {
    /// The generated crate's package and library name.
    pub crate_name: String,
    /// Facts the runtime needs at run time.
    pub meta: ServiceInfo,
    /// The service documentation, as Markdown.
    pub docs: String,
    /// Shared structures and enums (`types/`), by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Operations by module name.
    pub operations: BTreeMap<String, OperationDef>,
}

impl Service {
    /// The named types (structures, unions, enums) whose zero value a decoder may need:
    /// those a required member of any structure holds, directly or boxed. Client error
    /// correction fills a required member a response lacks with this value. The set is
    /// closed already: a structure in it is a structure too, so the types its own
    /// required members hold are in it. Lists and maps need none (they start empty).
    pub fn zero_value_types(&self) -> BTreeSet<String> {
        let structs = self.types.values().filter_map(|t| match t {
            TypeDef::Struct(s) => Some(s),
            TypeDef::Enum(_) => None,
        });
        let io = self
            .operations
            .values()
            .flat_map(|op| [&op.input, &op.output]);
        structs
            .chain(io)
            .flat_map(|s| s.members.iter())
            .filter(|m| m.required)
            .filter_map(|m| match &m.ty {
                Type::Struct { name, .. } | Type::Enum(name) => Some(name.clone()),
                _ => None,
            })
            .collect()
    }
}

impl Service {
    /// The named types an operation's input or output reaches through members, directly
    /// or nested: what a command-line table describes. Others (members of exceptions
    /// only, events of an unsupported stream) are left out.
    pub fn reachable_types(&self) -> BTreeSet<String> {
        fn visit(ty: &Type, service: &Service, seen: &mut BTreeSet<String>) {
            match ty {
                Type::Enum(name) => {
                    seen.insert(name.clone());
                }
                Type::Struct { name, .. } if seen.insert(name.clone()) => {
                    if let Some(TypeDef::Struct(s)) = service.types.get(name) {
                        for m in &s.members {
                            visit(&m.ty, service, seen);
                        }
                    }
                }
                Type::List { item: t, .. } | Type::Map { value: t, .. } => visit(t, service, seen),
                _ => {}
            }
        }
        let mut seen = BTreeSet::new();
        for op in self.operations.values() {
            for m in op.input.members.iter().chain(&op.output.members) {
                visit(&m.ty, self, &mut seen);
            }
        }
        seen
    }
}

/// Service metadata.
#[derive(Debug)]
pub struct ServiceInfo {
    pub service_id: String,
    pub full_name: String,
    pub endpoint_prefix: String,
    pub signing_name: String,
    /// The awsJson `X-Amz-Target` prefix, when the model has one.
    pub target_prefix: Option<String>,
    pub api_version: String,
    /// Supported protocols in the model's order.
    pub protocols: Vec<Protocol>,
    /// awsQuery: the `xmlns` of response documents (`metadata.xmlNamespace`).
    pub xml_namespace: Option<String>,
    /// `metadata.awsQueryCompatible`: requests carry `x-amzn-query-mode: true` and error
    /// codes come from `x-amzn-query-error` when the response has it.
    pub query_compatible: bool,
}

/// A wire protocol the runtime speaks (the runtime's `awsrt::Protocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    RpcV2Cbor,
    AwsJson1_0,
    AwsJson1_1,
    AwsQuery,
}

impl Protocol {
    /// The runtime's variant name (`awsrt::Protocol::<this>`).
    pub fn variant(self) -> &'static str {
        match self {
            Protocol::RpcV2Cbor => "RpcV2Cbor",
            Protocol::AwsJson1_0 => "AwsJson1_0",
            Protocol::AwsJson1_1 => "AwsJson1_1",
            Protocol::AwsQuery => "AwsQuery",
        }
    }
}

/// How a timestamp is written on the wire (the runtime's `awsrt::internal::TimestampFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// The protocol's default.
    Default,
    /// `iso8601`.
    Iso8601,
    /// `unixTimestamp`.
    EpochSeconds,
    /// `rfc822`.
    HttpDate,
}

impl TimestampFormat {
    /// The runtime's variant name (`awsrt::internal::TimestampFormat::<this>`).
    pub fn variant(self) -> &'static str {
        match self {
            TimestampFormat::Default => "Default",
            TimestampFormat::Iso8601 => "Iso8601",
            TimestampFormat::EpochSeconds => "EpochSeconds",
            TimestampFormat::HttpDate => "HttpDate",
        }
    }
}

/// A shape's `type`, resolved once at lowering; a string with `enum` values is [`ShapeKind::Enum`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeKind {
    Structure,
    List,
    Map,
    String,
    Enum,
    Boolean,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    Timestamp,
    Blob,
}

impl ShapeKind {
    /// The kind of a model shape, or the unsupported `type` as written.
    fn of(shape: &model::Shape) -> Result<ShapeKind, &str> {
        Ok(match shape.type_name.as_str() {
            "structure" => ShapeKind::Structure,
            "list" => ShapeKind::List,
            "map" => ShapeKind::Map,
            "string" if shape.enum_values.is_some() => ShapeKind::Enum,
            // botocore's `character` is a one-character string.
            "string" | "character" => ShapeKind::String,
            "boolean" => ShapeKind::Boolean,
            "byte" => ShapeKind::Byte,
            "short" => ShapeKind::Short,
            "integer" => ShapeKind::Integer,
            "long" => ShapeKind::Long,
            "float" => ShapeKind::Float,
            "double" => ShapeKind::Double,
            "timestamp" => ShapeKind::Timestamp,
            "blob" => ShapeKind::Blob,
            other => return Err(other),
        })
    }
}

/// A named type: a structure or an enum.
#[derive(Debug)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
}

/// A structure (also inputs, outputs and exceptions), or a union.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// The model's shape name; `None` for the empty input or output of an operation the
    /// model gives none.
    pub shape: Option<String>,
    /// The Rust type name.
    pub name: String,
    pub docs: String,
    pub members: Vec<MemberDef>,
    /// The error code, when the shape is an exception.
    pub error_code: Option<String>,
    pub deprecated: Option<String>,
    /// A union (`union: true`): exactly one member is set. Emitted as an enum with one
    /// variant per member plus `Unknown`; [`Type::Struct`] refers to it like to a
    /// structure, and none of its members is required.
    pub union: bool,
}

impl StructDef {
    /// True when some member must be given to build a value.
    pub fn has_required(&self) -> bool {
        self.members.iter().any(|m| m.required)
    }

    /// The model's shape name, for messages and docs; the Rust name for the empty input
    /// or output of an operation the model gives none.
    pub fn shape_name(&self) -> &str {
        self.shape.as_deref().unwrap_or(&self.name)
    }
}

/// A structure member.
#[derive(Debug, Clone)]
pub struct MemberDef {
    /// The member name in the model (CBOR key, query/XML default).
    pub wire: String,
    /// The JSON key, when it differs from `wire`.
    pub json_name: Option<String>,
    /// The Rust field name (maybe `r#type`).
    pub field: String,
    pub ty: Type,
    pub required: bool,
    pub sensitive: bool,
    pub docs: String,
    pub deprecated: Option<String>,
    /// The member fills a `{label}` of the operation's host prefix (inputs only).
    pub host_label: bool,
    pub idempotency_token: bool,
    /// The target shape's `min`: a length for strings, lists, maps and blobs, a value
    /// for numbers (what botocore's parameter validation checks).
    pub min: Option<f64>,
    /// The awsQuery key and XML element name (`locationName`), when it differs from `wire`.
    pub location: Option<String>,
    /// The XML element name a flattened list's items use (its member's `locationName`),
    /// when it differs from the location.
    pub xml_item: Option<String>,
    /// A flattened list or map (on the member or its shape).
    pub flattened: bool,
    /// The XML/query names of the list or map value, and of those nested in it.
    pub layout: Layout,
}

/// The XML and query names of a value: what `locationName` and `flattened` say about a
/// list or map and the lists and maps inside it. Plain for other values.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Layout {
    #[default]
    Plain,
    List {
        /// The member's `locationName` (else `member`).
        member: Option<String>,
        flattened: bool,
        item: Box<Layout>,
    },
    Map {
        /// The key's and value's `locationName` (else `key`, `value`).
        key: String,
        value: String,
        flattened: bool,
        value_layout: Box<Layout>,
    },
}

impl Layout {
    /// True when nothing differs from the default names at any depth.
    pub fn is_default(&self) -> bool {
        match self {
            Layout::Plain => true,
            Layout::List {
                member,
                flattened,
                item,
            } => member.is_none() && !flattened && item.is_default(),
            Layout::Map {
                key,
                value,
                flattened,
                value_layout,
            } => key == "key" && value == "value" && !flattened && value_layout.is_default(),
        }
    }
}

/// The Rust type of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Bool,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    /// A timestamp and its wire format.
    Timestamp(TimestampFormat),
    Blob,
    /// An enum from `types/`.
    Enum(String),
    /// A structure or union from `types/`; `boxed` breaks recursion.
    Struct {
        name: String,
        boxed: bool,
    },
    List {
        item: Box<Type>,
        sparse: bool,
    },
    Map {
        value: Box<Type>,
        sparse: bool,
    },
    /// A `document` shape: untyped JSON-like data (`awsrt::Document`).
    Document,
}

/// A string enum.
#[derive(Debug)]
pub struct EnumDef {
    pub shape: String,
    pub name: String,
    pub docs: String,
    /// `(wire value, variant name)` in model order.
    pub values: Vec<(String, String)>,
}

/// One operation.
#[derive(Debug)]
pub struct OperationDef {
    /// Wire name (`ListJobs`).
    pub name: String,
    /// Module and client method name (`list_jobs`).
    pub module: String,
    pub docs: String,
    pub deprecated: Option<String>,
    /// The input structure, named `<Op>Input`.
    pub input: StructDef,
    /// The output structure, named `<Op>Output`.
    pub output: StructDef,
    /// The operation's error enum name (`ListJobsError`).
    pub error_name: String,
    /// The modeled errors, in model order: (variant name, type name in `types/`, code).
    pub errors: Vec<ErrorRef>,
    pub paginator: Option<PaginatorDef>,
    pub examples: Vec<ExampleDef>,
    /// awsQuery: the response element holding the output (`resultWrapper`).
    pub result_wrapper: Option<String>,
    /// The `endpoint.hostPrefix` trait, split at its `{label}`s.
    pub host_prefix: Option<Vec<HostPrefixPart>>,
    /// Why the operation cannot be called yet (an event stream member), when it cannot:
    /// it is generated without that member and fails with this reason before sending.
    pub unsupported: Option<String>,
    /// The operation is sent unsigned and needs no credentials (`smithy.api#noAuth`).
    pub no_auth: bool,
    /// `requestcompression.encodings`: the body is compressed with the first one the
    /// runtime supports when it is large enough; empty when the trait is absent.
    pub request_compression: Vec<String>,
    /// `endpointdiscovery.required`: calls go to an endpoint the service's discovery
    /// operation names, unless an explicit endpoint URL is configured.
    pub discovery_required: bool,
    /// How to call the service's `endpointoperation`, for an operation that requires
    /// discovery; `None` when the model's discovery operation is not the usual
    /// `DescribeEndpoints` shape (calls then fail before sending).
    pub discovery: Option<DiscoveryOp>,
    /// Endpoint rule parameters set from the operation, in botocore's precedence
    /// (`staticContextParams`, then `contextParam` members, then
    /// `operationContextParams`): the first value set for a name wins.
    pub endpoint_params: Vec<EndpointParamDef>,
}

/// The service's endpoint discovery operation, as the runtime calls it: no required input
/// members, output `Endpoints: [{Address, CachePeriodInMinutes}]`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveryOp {
    /// The operation's module (`describe_endpoints`).
    pub module: String,
    /// Its input type (`DescribeEndpointsInput`).
    pub input: String,
    /// The output's `Endpoints` field, and whether it is required (plain).
    pub endpoints: PathField,
    /// The item's `Address` field.
    pub address: PathField,
    /// The item's `CachePeriodInMinutes` field (an integer of minutes).
    pub cache_minutes: PathField,
    /// `CachePeriodInMinutes` is an `i32` rather than an `i64`.
    pub cache_minutes_i32: bool,
}

/// One endpoint rule parameter an operation sets.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointParamDef {
    /// The rule set's parameter name (`ResourceArn`).
    pub name: String,
    pub source: EndpointParamSource,
}

/// Where an operation's endpoint rule parameter comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointParamSource {
    /// `staticContextParams`: a fixed value.
    Static(StaticValue),
    /// `contextParam` on an input member, or an `operationContextParams` path of
    /// fields: the value at the end (a string, an enum or a boolean), when set.
    Value { steps: Vec<PathField>, ty: Type },
    /// `keys(Path)`: the keys of a map, in insertion order (as botocore's dict `keys()`).
    Keys { steps: Vec<PathField> },
    /// `List[*].A.B` or `List[*].[A.B, C.D][]`: each item's values, in order, skipping
    /// the unset ones (JMESPath projections drop nulls).
    Project {
        list: Vec<PathField>,
        each: Vec<(Vec<PathField>, Type)>,
    },
}

/// A fixed endpoint rule parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum StaticValue {
    Bool(bool),
    String(String),
    StringArray(Vec<String>),
}

/// One field step of a path over the input.
#[derive(Debug, Clone, PartialEq)]
pub struct PathField {
    /// The Rust field name.
    pub field: String,
    /// A plain field (required) rather than an `Option`.
    pub required: bool,
}

/// How an operation is authenticated: the first scheme of its `auth` list (else the
/// service's) that the runtime supports, as botocore's `resolve_auth_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Signature Version 4.
    SigV4,
    /// Unsigned (`smithy.api#noAuth`, `authtype: none`).
    None,
}

/// botocore `resolve_auth_type` over an `auth` list: `noAuth` and SigV4 are supported;
/// SigV4a and bearer are known but not supported here, so the next scheme is tried
/// (botocore without CRT skips SigV4a the same way); an unknown scheme stops the search.
pub fn resolve_auth(schemes: &[String]) -> Result<Auth, String> {
    for scheme in schemes {
        match scheme.as_str() {
            "smithy.api#noAuth" => return Ok(Auth::None),
            "aws.auth#sigv4" => return Ok(Auth::SigV4),
            "aws.auth#sigv4a" | "smithy.api#httpBearerAuth" => continue,
            other => return Err(format!("its auth type `{other}` is unknown")),
        }
    }
    Err(format!(
        "none of its auth types ({}) is supported (SigV4a and bearer tokens are not implemented)",
        schemes.join(", ")
    ))
}

/// A piece of an operation's host prefix.
#[derive(Debug, Clone, PartialEq)]
pub enum HostPrefixPart {
    /// Literal text, e.g. `foo.`.
    Literal(String),
    /// `{Label}`: the value of the input member with this wire name and Rust field (a
    /// string with `hostLabel`; botocore models do not always mark it required, and an
    /// unset optional one fails the host-label check before sending).
    Label {
        wire: String,
        field: String,
        required: bool,
    },
}

/// A modeled error of an operation.
#[derive(Debug)]
pub struct ErrorRef {
    pub variant: String,
    pub type_name: String,
    pub code: String,
    pub docs: String,
    /// The HTTP status a server answers it with: `error.httpStatusCode`, else 500 for a
    /// `fault` shape and 400 otherwise.
    pub status: u16,
    /// A client fault (awsQuery `Sender`): `error.senderFault`, or any shape not marked
    /// `fault`.
    pub sender_fault: bool,
}

/// A paginator resolved against the input and output members.
#[derive(Debug)]
pub struct PaginatorDef {
    /// Input token field.
    pub input_token: String,
    /// The token's type: a string, or a map (DynamoDB's `ExclusiveStartKey`, whose
    /// output token `LastEvaluatedKey` is the same map).
    pub token: Type,
    /// Path to the output token: fields, with `last` meaning "last element of a list".
    pub output_token: Vec<PathStep>,
    /// Page-size field and whether it is an i64.
    pub limit: Option<(String, Type)>,
    /// Path to the result list (one field, or a path such as `EngineDefaults.Parameters`)
    /// and its item type, when there is exactly one result key and it is a list.
    pub items: Option<(Vec<PathStep>, Type)>,
    /// Path to the `more_results` boolean (a field, or a path such as kinesis'
    /// `StreamDescription.HasMoreShards`).
    pub more_results: Option<Vec<PathStep>>,
}

/// A path as text: Rust field names joined by `.`, `[-1]` for the last element.
pub fn path_text(steps: &[PathStep]) -> String {
    let mut out = String::new();
    for s in steps {
        match s {
            PathStep::Field { name, .. } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            PathStep::Last => out.push_str("[-1]"),
        }
    }
    out
}

/// One step of a paginator's output-token path.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    /// An optional (or required, when `required`) member.
    Field { name: String, required: bool },
    /// The last element of a list.
    Last,
}

/// An example call from `examples-1.json`.
#[derive(Debug)]
pub struct ExampleDef {
    pub title: Option<String>,
    pub description: Option<String>,
    pub input: serde_json::Value,
    /// The example's output, when the model gives one.
    pub output: Option<serde_json::Value>,
}

const SERVICE_FILE: &str = "service-2.json";

/// A model shape with its resolved kind; reads through to the model's fields.
#[derive(Clone, Copy)]
struct Shape<'a> {
    kind: ShapeKind,
    def: &'a model::Shape,
}

impl Deref for Shape<'_> {
    type Target = model::Shape;

    fn deref(&self) -> &model::Shape {
        self.def
    }
}

/// Resolves a loaded model into the IR.
pub fn lower(files: &ModelFiles, crate_name: &str) -> Result<Service, Error> {
    Lowering::new(files).run(crate_name)
}

struct Lowering<'a> {
    files: &'a ModelFiles,
    model: &'a model::ServiceModel,
    /// The model's shapes with their kinds, in model order (filled first by `run`).
    shapes: IndexMap<&'a str, Shape<'a>>,
    /// Shapes that need a named Rust type, with their Rust names.
    named: BTreeMap<String, String>,
    /// The reverse of `named`: the shape of each Rust type name.
    shape_of: BTreeMap<String, String>,
}

impl<'a> Lowering<'a> {
    fn new(files: &'a ModelFiles) -> Self {
        Lowering {
            files,
            model: &files.service,
            shapes: IndexMap::new(),
            named: BTreeMap::new(),
            shape_of: BTreeMap::new(),
        }
    }

    fn err(&self, path: impl Into<String>, message: impl Into<String>) -> Error {
        Error::new(&self.files.file(SERVICE_FILE), &path.into(), message.into())
    }

    fn shape(&self, name: &str, path: &str) -> Result<Shape<'a>, Error> {
        self.shapes.get(name).copied().ok_or_else(|| {
            self.err(
                path,
                format!("refers to shape `{name}`, which the model does not define"),
            )
        })
    }

    fn run(mut self, crate_name: &str) -> Result<Service, Error> {
        let meta = self.service_info()?;
        self.shapes = self.resolve_kinds()?;
        self.check_shapes()?;

        // Input and output shapes belong to their operation unless something else uses them.
        let mut io_shapes: BTreeSet<&str> = BTreeSet::new();
        for op in self.model.operations.values() {
            for r in [&op.input, &op.output].into_iter().flatten() {
                io_shapes.insert(&r.shape);
            }
        }
        let mut member_targets: BTreeSet<&str> = BTreeSet::new();
        for shape in self.shapes.values() {
            for r in shape
                .members
                .values()
                .chain(shape.member.iter())
                .chain(shape.key.iter())
                .chain(shape.value.iter())
            {
                member_targets.insert(&r.shape);
            }
        }
        let mut errors: BTreeSet<&str> = BTreeSet::new();
        for op in self.model.operations.values() {
            for e in &op.errors {
                errors.insert(&e.shape);
            }
        }
        let inline_io =
            |s: &str| io_shapes.contains(s) && !member_targets.contains(s) && !errors.contains(s);

        // Name every shape that becomes a type in `types/`.
        let mut by_rust = BTreeMap::new();
        for (&name, shape) in &self.shapes {
            let is_type = match shape.kind {
                // An event stream is not a value: operations that carry one are unsupported.
                ShapeKind::Structure if shape.document || shape.eventstream => false,
                ShapeKind::Structure => shape.union || !inline_io(name),
                ShapeKind::Enum => true,
                _ => false,
            };
            if !is_type {
                continue;
            }
            let rust = type_name(name);
            if let Some(other) = by_rust.insert(rust.clone(), name) {
                return Err(self.err(
                    format!("shapes.{name}"),
                    format!("its Rust name `{rust}` collides with shape `{other}`"),
                ));
            }
            self.named.insert(name.to_string(), rust);
        }
        self.shape_of = by_rust
            .into_iter()
            .map(|(rust, shape)| (rust, shape.to_string()))
            .collect();

        let mut types = BTreeMap::new();
        for (shape_name, rust) in &self.named {
            let shape = self.shape(shape_name, &format!("shapes.{shape_name}"))?;
            let def = if shape.kind == ShapeKind::Structure {
                TypeDef::Struct(self.structure(shape_name, rust.clone())?)
            } else {
                TypeDef::Enum(self.enumeration(shape_name, rust.clone(), shape)?)
            };
            types.insert(rust.clone(), def);
        }

        let mut operations = BTreeMap::new();
        let mut methods: BTreeMap<String, String> = BTreeMap::new();
        for (op_name, op) in &self.model.operations {
            let def = self.operation(op_name, op)?;
            for reserved in ["new", "from_env", "call", "config", "from_conf", "runtime"] {
                if def.module == reserved {
                    return Err(self.err(
                        format!("operations.{op_name}"),
                        format!("its method name `{reserved}` is reserved by the client"),
                    ));
                }
            }
            if let Some(other) = methods.insert(def.module.clone(), op_name.clone()) {
                return Err(self.err(
                    format!("operations.{op_name}"),
                    format!(
                        "its Rust name `{}` collides with operation `{other}`",
                        def.module
                    ),
                ));
            }
            operations.insert(def.module.clone(), def);
        }

        Ok(Service {
            crate_name: crate_name.to_string(),
            meta,
            docs: html_to_markdown(self.model.documentation.as_deref().unwrap_or("")),
            types,
            operations,
        })
    }

    fn service_info(&self) -> Result<ServiceInfo, Error> {
        let m = &self.model.metadata;
        let listed = m
            .protocols
            .clone()
            .unwrap_or_else(|| vec![m.protocol.clone()]);
        let mut protocols = Vec::new();
        for p in &listed {
            let v = match p.as_str() {
                "smithy-rpc-v2-cbor" => Protocol::RpcV2Cbor,
                "json" if m.json_version.as_deref() == Some("1.0") => Protocol::AwsJson1_0,
                "json" => Protocol::AwsJson1_1,
                "query" => Protocol::AwsQuery,
                _ => continue,
            };
            protocols.push(v);
        }
        if protocols.is_empty() {
            return Err(self.err("metadata.protocols", format!("no supported protocol among {listed:?} (supported: smithy-rpc-v2-cbor, json, query)")));
        }
        Ok(ServiceInfo {
            service_id: m.service_id.clone(),
            full_name: m.service_full_name.clone(),
            endpoint_prefix: m.endpoint_prefix.clone(),
            signing_name: m
                .signing_name
                .clone()
                .unwrap_or_else(|| m.endpoint_prefix.clone()),
            target_prefix: m.target_prefix.clone(),
            api_version: m.api_version.clone(),
            protocols,
            xml_namespace: m.xml_namespace.clone(),
            query_compatible: m.aws_query_compatible.is_some(),
        })
    }

    /// Every shape with its kind, in model order; an unsupported `type` is an error.
    fn resolve_kinds(&self) -> Result<IndexMap<&'a str, Shape<'a>>, Error> {
        let model: &'a model::ServiceModel = self.model;
        model
            .shapes
            .iter()
            .map(|(name, def)| match ShapeKind::of(def) {
                Ok(kind) => Ok((name.as_str(), Shape { kind, def })),
                Err(other) => Err(self.err(
                    format!("shapes.{name}.type"),
                    format!("unsupported shape type `{other}`"),
                )),
            })
            .collect()
    }

    /// Rejects shapes the generator cannot express, naming the shape.
    fn check_shapes(&self) -> Result<(), Error> {
        for (name, shape) in &self.shapes {
            let path = format!("shapes.{name}");
            if shape.eventstream && shape.kind != ShapeKind::Structure {
                return Err(self.err(
                    format!("{path}.eventstream"),
                    "an `eventstream` shape must have type `structure`",
                ));
            }
            for (flag, on) in [("streaming", shape.streaming)] {
                if on {
                    return Err(self.err(
                        format!("{path}.{flag}"),
                        format!("`{flag}` shapes are not supported yet"),
                    ));
                }
            }
            match shape.kind {
                ShapeKind::List if shape.member.is_none() => {
                    return Err(self.err(format!("{path}.member"), "a list needs a `member`"));
                }
                ShapeKind::Map if shape.key.is_none() || shape.value.is_none() => {
                    return Err(
                        self.err(format!("{path}.key"), "a map needs a `key` and a `value`")
                    );
                }
                _ => {}
            }
            for (m, r) in &shape.members {
                let mpath = format!("{path}.members.{m}");
                self.shape(&r.shape, &format!("{mpath}.shape"))?;
                if let Some(loc) = &r.location {
                    return Err(self.err(
                        format!("{mpath}.location"),
                        format!("HTTP binding `{loc}` is not supported by the RPC protocols"),
                    ));
                }
                if r.streaming {
                    return Err(self.err(
                        format!("{mpath}.streaming"),
                        "streaming members are not supported yet",
                    ));
                }
                if shape.union && camel(m) == "Unknown" {
                    return Err(self.err(
                        mpath,
                        "a union member named `Unknown` collides with the variant that keeps unknown members",
                    ));
                }
            }
            if (shape.union || shape.document) && shape.kind != ShapeKind::Structure {
                return Err(self.err(
                    format!("{path}.type"),
                    "`union` and `document` shapes must have type `structure`",
                ));
            }
            if shape.union {
                let mut variants: BTreeMap<String, &str> = BTreeMap::new();
                for m in shape.members.keys() {
                    if let Some(other) = variants.insert(camel(m), m) {
                        return Err(self.err(
                            format!("{path}.members.{m}"),
                            format!(
                                "its variant name `{}` collides with member `{other}`",
                                camel(m)
                            ),
                        ));
                    }
                }
            }
            if shape.union && shape.members.is_empty() {
                return Err(self.err(format!("{path}.members"), "a union needs members"));
            }
            for (key, r) in [
                ("member", &shape.member),
                ("key", &shape.key),
                ("value", &shape.value),
            ] {
                if let Some(r) = r {
                    self.shape(&r.shape, &format!("{path}.{key}.shape"))?;
                }
            }
            for (i, req) in shape.required.iter().enumerate() {
                if !shape.members.contains_key(req) {
                    return Err(self.err(
                        format!("{path}.required[{i}]"),
                        format!("required member `{req}` is not a member"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn docs(&self, html: Option<&str>) -> String {
        html_to_markdown(html.unwrap_or(""))
    }

    fn structure(&self, shape_name: &str, rust: String) -> Result<StructDef, Error> {
        let shape = self.shape(shape_name, &format!("shapes.{shape_name}"))?;
        if shape.kind != ShapeKind::Structure {
            return Err(self.err(
                format!("shapes.{shape_name}.type"),
                format!("expected a structure, found `{}`", shape.type_name),
            ));
        }
        let mut members = Vec::new();
        let mut fields: BTreeMap<String, String> = BTreeMap::new();
        for (m, r) in &shape.members {
            let path = format!("shapes.{shape_name}.members.{m}");
            if self.is_event_stream(&r.shape) {
                continue;
            }
            let field = snake(m);
            if let Some(other) = fields.insert(field.clone(), m.clone()) {
                return Err(self.err(
                    path,
                    format!("its Rust name `{field}` collides with member `{other}`"),
                ));
            }
            if field == "new" {
                return Err(self.err(path, "a member named `new` collides with the constructor"));
            }
            let target = self.shape(&r.shape, &format!("{path}.shape"))?;
            let mut ty = self.value_type(r, &path)?;
            if let Type::Struct { name, .. } = &ty {
                if r.boxed || self.reaches(&r.shape, shape_name, &mut BTreeSet::new()) {
                    ty = Type::Struct {
                        name: name.clone(),
                        boxed: true,
                    };
                }
            }
            members.push(MemberDef {
                wire: m.clone(),
                json_name: r.json_name.clone().filter(|j| j != m),
                field,
                ty,
                required: !shape.union && shape.required.contains(m),
                sensitive: target.sensitive,
                docs: self.docs(
                    r.documentation
                        .as_deref()
                        .or(target.documentation.as_deref()),
                ),
                deprecated: deprecation(
                    r.deprecated || target.deprecated,
                    r.deprecated_message
                        .as_ref()
                        .or(target.deprecated_message.as_ref()),
                ),
                host_label: r.host_label,
                idempotency_token: r.idempotency_token,
                min: target.min,
                location: r.location_name.clone().filter(|l| l != m),
                xml_item: self.flattened_item_name(r, target),
                flattened: r.flattened || target.flattened,
                layout: self.layout(r, 0),
            });
            constraint_docs(target, members.last_mut().map(|m| &mut m.docs));
        }
        let error_code = if shape.exception || shape.error.is_some() {
            Some(
                shape
                    .error
                    .as_ref()
                    .and_then(|e| e.code.clone())
                    .unwrap_or_else(|| shape_name.to_string()),
            )
        } else {
            None
        };
        Ok(StructDef {
            shape: Some(shape_name.to_string()),
            name: rust,
            docs: self.docs(shape.documentation.as_deref()),
            members,
            error_code,
            deprecated: deprecation(shape.deprecated, shape.deprecated_message.as_ref()),
            union: shape.union,
        })
    }

    /// True when `shape` is an `eventstream` structure.
    fn is_event_stream(&self, shape: &str) -> bool {
        self.shapes.get(shape).is_some_and(|s| s.eventstream)
    }

    /// The member of an operation's input or output shape `io` that is an event stream,
    /// as a reason the operation cannot be called yet. (`structure` leaves such members
    /// out of every structure.)
    fn event_stream_member(&self, io: &str) -> Option<String> {
        let shape = self.shapes.get(io)?;
        let (m, r) = shape
            .members
            .iter()
            .find(|(_, r)| self.is_event_stream(&r.shape))?;
        Some(format!(
            "event streams are not supported yet (member `{m}` of `{io}` is the event stream `{}`)",
            r.shape
        ))
    }

    /// botocore `_member_key_name`: a flattened list whose member has a `locationName`
    /// is read from elements of that name.
    fn flattened_item_name(&self, r: &ShapeRef, target: Shape) -> Option<String> {
        let flattened = r.flattened || target.flattened;
        if target.kind != ShapeKind::List || !flattened {
            return None;
        }
        let item = target.member.as_ref()?.location_name.clone()?;
        (r.location_name.as_ref() != Some(&item)).then_some(item)
    }

    /// The XML/query names of the value `r` points at (lists and maps, recursively).
    fn layout(&self, r: &ShapeRef, depth: usize) -> Layout {
        let Some(shape) = self.shapes.get(r.shape.as_str()) else {
            return Layout::Plain;
        };
        // Recursion goes through structures, which start a fresh layout; the cap only
        // guards malformed models.
        if depth > 32 {
            return Layout::Plain;
        }
        let flattened = r.flattened || shape.flattened;
        match (shape.kind, &shape.member, &shape.key, &shape.value) {
            (ShapeKind::List, Some(member), _, _) => Layout::List {
                member: member.location_name.clone(),
                flattened,
                item: Box::new(self.layout(member, depth + 1)),
            },
            (ShapeKind::Map, _, Some(key), Some(value)) => Layout::Map {
                key: key.location_name.clone().unwrap_or_else(|| "key".into()),
                value: value
                    .location_name
                    .clone()
                    .unwrap_or_else(|| "value".into()),
                flattened,
                value_layout: Box::new(self.layout(value, depth + 1)),
            },
            _ => Layout::Plain,
        }
    }

    /// True when structure `from` can reach structure `to` through direct structure members
    /// (lists and maps already allocate, so they break the size cycle).
    fn reaches(&self, from: &str, to: &str, seen: &mut BTreeSet<String>) -> bool {
        if from == to {
            return true;
        }
        if !seen.insert(from.to_string()) {
            return false;
        }
        let Some(shape) = self.shapes.get(from) else {
            return false;
        };
        shape.members.values().any(|r| {
            self.shapes
                .get(r.shape.as_str())
                .is_some_and(|s| s.kind == ShapeKind::Structure)
                && self.reaches(&r.shape, to, seen)
        })
    }

    fn enumeration(&self, shape_name: &str, rust: String, shape: Shape) -> Result<EnumDef, Error> {
        let mut values = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (i, v) in shape.enum_values.iter().flatten().enumerate() {
            let mut variant = camel(v);
            // The variant `Unknown` keeps values this version does not know; a modeled
            // `UNKNOWN` becomes `UnknownValue`, as smithy-rs names it.
            if variant == "Unknown" {
                variant = "UnknownValue".into();
            }
            if let Some(other) = seen.insert(variant.clone(), v.clone()) {
                return Err(self.err(
                    format!("shapes.{shape_name}.enum[{i}]"),
                    format!("its Rust name `{variant}` collides with value `{other}`"),
                ));
            }
            values.push((v.clone(), variant));
        }
        let mut docs = self.docs(shape.documentation.as_deref());
        constraint_docs(shape, Some(&mut docs));
        Ok(EnumDef {
            shape: shape_name.to_string(),
            name: rust,
            docs,
            values,
        })
    }

    /// The Rust type of the value a reference points at.
    fn value_type(&self, r: &ShapeRef, path: &str) -> Result<Type, Error> {
        let shape = self.shape(&r.shape, &format!("{path}.shape"))?;
        let tsfmt = r
            .timestamp_format
            .as_deref()
            .or(shape.timestamp_format.as_deref());
        Ok(match shape.kind {
            ShapeKind::Enum => Type::Enum(self.named[&r.shape].clone()),
            ShapeKind::String => Type::String,
            ShapeKind::Boolean => Type::Bool,
            ShapeKind::Byte => Type::I8,
            ShapeKind::Short => Type::I16,
            ShapeKind::Integer => Type::I32,
            ShapeKind::Long => Type::I64,
            ShapeKind::Float => Type::F32,
            ShapeKind::Double => Type::F64,
            ShapeKind::Blob => Type::Blob,
            ShapeKind::Timestamp => Type::Timestamp(match tsfmt {
                None => TimestampFormat::Default,
                Some("iso8601") => TimestampFormat::Iso8601,
                Some("unixTimestamp") => TimestampFormat::EpochSeconds,
                Some("rfc822") => TimestampFormat::HttpDate,
                Some(other) => {
                    return Err(self.err(
                        format!("{path}.timestampFormat"),
                        format!("unknown timestamp format `{other}`"),
                    ));
                }
            }),
            ShapeKind::Structure if shape.document => Type::Document,
            ShapeKind::Structure => match self.named.get(&r.shape) {
                Some(name) => Type::Struct {
                    name: name.clone(),
                    boxed: false,
                },
                None => {
                    return Err(self.err(
                        format!("{path}.shape"),
                        format!(
                            "shape `{}` is an operation input or output and cannot be a member",
                            r.shape
                        ),
                    ))
                }
            },
            ShapeKind::List => {
                let item = shape.member.as_ref().ok_or_else(|| {
                    self.err(
                        format!("shapes.{}.member", r.shape),
                        "a list needs a `member`",
                    )
                })?;
                Type::List {
                    item: Box::new(self.value_type(item, &format!("shapes.{}.member", r.shape))?),
                    sparse: shape.sparse,
                }
            }
            ShapeKind::Map => {
                let (Some(key), Some(value)) = (&shape.key, &shape.value) else {
                    return Err(self.err(
                        format!("shapes.{}.key", r.shape),
                        "a map needs a `key` and a `value`",
                    ));
                };
                let key_ty = self.value_type(key, &format!("shapes.{}.key", r.shape))?;
                if !matches!(key_ty, Type::String | Type::Enum(_)) {
                    return Err(self.err(
                        format!("shapes.{}.key", r.shape),
                        "map keys must be strings",
                    ));
                }
                Type::Map {
                    value: Box::new(self.value_type(value, &format!("shapes.{}.value", r.shape))?),
                    sparse: shape.sparse,
                }
            }
        })
    }

    fn operation(&self, op_name: &str, op: &model::Operation) -> Result<OperationDef, Error> {
        let path = format!("operations.{op_name}");
        let module = snake(op_name);
        let io = |r: &Option<ShapeRef>, suffix: &str, key: &str| -> Result<StructDef, Error> {
            let name = format!("{}{suffix}", camel(op_name));
            match r {
                None => Ok(StructDef {
                    shape: None,
                    name,
                    docs: String::new(),
                    members: Vec::new(),
                    error_code: None,
                    deprecated: None,
                    union: false,
                }),
                // Each operation gets its own input and output type, even when the model
                // shares a shape, so each can implement the operation traits.
                Some(r) => {
                    let shape = self.shape(&r.shape, &format!("{path}.{key}.shape"))?;
                    if shape.union || shape.document {
                        return Err(self.err(
                            format!("{path}.{key}.shape"),
                            format!(
                                "shape `{}` is a union or document and cannot be an operation {key}",
                                r.shape
                            ),
                        ));
                    }
                    self.structure(&r.shape, name)
                }
            }
        };
        let mut input = io(&op.input, "Input", "input")?;
        let mut output = io(&op.output, "Output", "output")?;
        if input.docs.is_empty() {
            input.docs = format!("The input of `{op_name}`.");
        }
        if output.docs.is_empty() {
            output.docs = format!("The output of `{op_name}`.");
        }
        let mut errors: Vec<ErrorRef> = Vec::new();
        let mut listed = BTreeSet::new();
        for (i, e) in op.errors.iter().enumerate() {
            // Some models list an error twice; botocore ignores the repeat.
            if !listed.insert(e.shape.as_str()) {
                continue;
            }
            let epath = format!("{path}.errors[{i}].shape");
            let shape = self.shape(&e.shape, &epath)?;
            if shape.kind != ShapeKind::Structure || shape.union || shape.document {
                return Err(self.err(
                    epath,
                    format!("error shape `{}` is not a structure", e.shape),
                ));
            }
            let type_name = self.named[&e.shape].clone();
            errors.push(ErrorRef {
                variant: type_name.clone(),
                type_name,
                code: shape
                    .error
                    .as_ref()
                    .and_then(|x| x.code.clone())
                    .unwrap_or_else(|| e.shape.clone()),
                docs: self.docs(
                    shape
                        .documentation
                        .as_deref()
                        .or(e.documentation.as_deref()),
                ),
                status: shape
                    .error
                    .as_ref()
                    .and_then(|x| x.http_status_code)
                    .unwrap_or(if shape.fault { 500 } else { 400 }),
                sender_fault: shape.error.as_ref().is_some_and(|x| x.sender_fault) || !shape.fault,
            });
        }
        // Operation `auth`, else `authtype`, else the service's `auth`, else its
        // `signatureVersion` (botocore signs every RPC service we speak with SigV4).
        let meta = &self.files.service.metadata;
        let auth = match (&op.auth, &op.authtype, &meta.auth) {
            (Some(list), _, _) => resolve_auth(list),
            (None, Some(t), _) if t == "none" => Ok(Auth::None),
            (None, Some(t), _) if t == "v4" => Ok(Auth::SigV4),
            (None, Some(t), _) => Err(format!("its auth type `{t}` is not supported")),
            (None, None, Some(list)) => resolve_auth(list),
            (None, None, None) => Ok(Auth::SigV4),
        };
        let unsupported = [&op.input, &op.output]
            .into_iter()
            .flatten()
            .find_map(|r| self.event_stream_member(&r.shape))
            .or_else(|| auth.clone().err());
        let host_prefix = match &op.endpoint {
            None => None,
            Some(e) => Some(self.host_prefix(&path, &e.host_prefix, &input)?),
        };
        let paginator = match self.files.paginators.pagination.get(op_name) {
            Some(p) => Some(self.paginator(op_name, p, &input, &output)?),
            None => None,
        };
        let examples = self
            .files
            .examples
            .examples
            .get(op_name)
            .map(|list| {
                list.iter()
                    .map(|e| ExampleDef {
                        title: e.title.clone().filter(|t| !t.is_empty()),
                        description: e.description.clone().filter(|d| !d.is_empty()),
                        input: e
                            .input
                            .clone()
                            .unwrap_or(serde_json::Value::Object(Default::default())),
                        output: e.output.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(OperationDef {
            name: op_name.to_string(),
            module,
            docs: match &unsupported {
                Some(why) => format!(
                    "**Not supported yet**: calls fail before sending, because {why}.\n\n{}",
                    self.docs(op.documentation.as_deref())
                ),
                None => self.docs(op.documentation.as_deref()),
            },
            deprecated: deprecation(op.deprecated, op.deprecated_message.as_ref()),
            error_name: format!("{}Error", camel(op_name)),
            input,
            output,
            errors,
            paginator,
            examples,
            result_wrapper: op.output.as_ref().and_then(|o| o.result_wrapper.clone()),
            host_prefix,
            unsupported,
            no_auth: auth == Ok(Auth::None),
            endpoint_params: self.endpoint_params(&path, op)?,
            discovery_required: op.endpointdiscovery.as_ref().is_some_and(|d| d.required),
            discovery: match &op.endpointdiscovery {
                Some(d) if d.required => self.discovery_op()?,
                _ => None,
            },
            request_compression: op
                .requestcompression
                .as_ref()
                .map(|c| c.encodings.clone())
                .unwrap_or_default(),
        })
    }

    /// The service's `endpointoperation`, when it has the shape the runtime calls.
    fn discovery_op(&self) -> Result<Option<DiscoveryOp>, Error> {
        let Some((name, op)) = self
            .model
            .operations
            .iter()
            .find(|(_, op)| op.endpointoperation)
        else {
            return Ok(None);
        };
        let input = match &op.input {
            Some(r) => self.structure(&r.shape, String::new())?,
            None => return Ok(None),
        };
        if input.has_required() {
            return Ok(None);
        }
        let Some(output) = &op.output else {
            return Ok(None);
        };
        let out = self.structure(&output.shape, String::new())?;
        let Some(endpoints) = out.members.iter().find(|m| m.wire == "Endpoints") else {
            return Ok(None);
        };
        let out_shape = self.shape(&output.shape, name)?;
        let item_shape = match self
            .shapes
            .get(out_shape.members["Endpoints"].shape.as_str())
            .and_then(|list| list.member.as_ref())
        {
            Some(item) => item.shape.clone(),
            None => return Ok(None),
        };
        if self.shape(&item_shape, name)?.kind != ShapeKind::Structure {
            return Ok(None);
        }
        let item = self.structure(&item_shape, String::new())?;
        let field = |wire: &str, ok: fn(&Type) -> bool| {
            item.members
                .iter()
                .find(|m| m.wire == wire && ok(&m.ty))
                .map(|m| PathField {
                    field: m.field.clone(),
                    required: m.required,
                })
        };
        let (Some(address), Some(cache_minutes)) = (
            field("Address", |t| *t == Type::String),
            field("CachePeriodInMinutes", |t| {
                matches!(t, Type::I64 | Type::I32)
            }),
        ) else {
            return Ok(None);
        };
        Ok(Some(DiscoveryOp {
            module: snake(name),
            input: format!("{}Input", camel(name)),
            endpoints: PathField {
                field: endpoints.field.clone(),
                required: endpoints.required,
            },
            cache_minutes_i32: item
                .members
                .iter()
                .any(|m| m.wire == "CachePeriodInMinutes" && m.ty == Type::I32),
            address,
            cache_minutes,
        }))
    }

    /// The endpoint rule parameters an operation sets, in botocore's precedence.
    fn endpoint_params(
        &self,
        op_path: &str,
        op: &model::Operation,
    ) -> Result<Vec<EndpointParamDef>, Error> {
        let mut params = Vec::new();
        for (name, p) in &op.static_context_params {
            let path = format!("{op_path}.staticContextParams.{name}.value");
            let value = match &p.value {
                serde_json::Value::Bool(b) => StaticValue::Bool(*b),
                serde_json::Value::String(s) => StaticValue::String(s.clone()),
                serde_json::Value::Array(items) => StaticValue::StringArray(
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_string))
                        .collect::<Option<_>>()
                        .ok_or_else(|| self.err(&path, "a list of other than strings"))?,
                ),
                other => {
                    return Err(self.err(
                        &path,
                        format!("unsupported static context parameter value {other}"),
                    ))
                }
            };
            params.push(EndpointParamDef {
                name: name.clone(),
                source: EndpointParamSource::Static(value),
            });
        }
        if let Some(input) = &op.input {
            let shape = self.shape(&input.shape, &format!("{op_path}.input.shape"))?;
            for (m, r) in &shape.members {
                let Some(cp) = &r.context_param else { continue };
                let path = format!("shapes.{}.members.{m}.contextParam", input.shape);
                let (steps, ty) = self.field_path(&input.shape, &[m.as_str()], &path)?;
                if !matches!(ty, Type::String | Type::Enum(_) | Type::Bool) {
                    return Err(
                        self.err(&path, "a context parameter must be a string or a boolean")
                    );
                }
                params.push(EndpointParamDef {
                    name: cp.name.clone(),
                    source: EndpointParamSource::Value { steps, ty },
                });
            }
        }
        for (name, p) in &op.operation_context_params {
            let path = format!("{op_path}.operationContextParams.{name}.path");
            let input = op.input.as_ref().ok_or_else(|| {
                self.err(&path, "the operation has no input to read the path from")
            })?;
            params.push(EndpointParamDef {
                name: name.clone(),
                source: self.context_path(&input.shape, &p.path, &path)?,
            });
        }
        Ok(params)
    }

    /// Parses an `operationContextParams` path: the JMESPath forms botocore's models
    /// use (`A.B`, `keys(A)`, `L[*].A.B`, `L[*].[A.B, C.D][]`); anything else is an error
    /// naming the path.
    fn context_path(
        &self,
        root: &str,
        text: &str,
        path: &str,
    ) -> Result<EndpointParamSource, Error> {
        let unsupported = || {
            self.err(
                path,
                format!("unsupported operationContextParams path `{text}` (supported: `A.B`, `keys(A)`, `L[*].A`, `L[*].[A, B][]`)"),
            )
        };
        let dotted = |s: &str| -> Result<Vec<String>, Error> {
            let parts: Vec<String> = s.split('.').map(|p| p.trim().to_string()).collect();
            if parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            {
                Ok(parts)
            } else {
                Err(unsupported())
            }
        };
        let text = text.trim();
        if let Some(inner) = text.strip_prefix("keys(").and_then(|r| r.strip_suffix(')')) {
            let names = dotted(inner)?;
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let (steps, ty) = self.field_path(root, &refs, path)?;
            return match ty {
                Type::Map { .. } => Ok(EndpointParamSource::Keys { steps }),
                _ => Err(self.err(path, format!("`{inner}` in `{text}` is not a map"))),
            };
        }
        if let Some((list, rest)) = text.split_once("[*].") {
            let names = dotted(list)?;
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let (steps, ty) = self.field_path(root, &refs, path)?;
            let item_shape = self.list_item_shape(root, &refs, path)?;
            if !matches!(ty, Type::List { sparse: false, .. }) {
                return Err(self.err(path, format!("`{list}` in `{text}` is not a list")));
            }
            let subs: Vec<&str> = match rest.strip_prefix('[').and_then(|r| r.strip_suffix("][]")) {
                Some(multi) => multi.split(',').collect(),
                None if !rest.contains(['[', ']', ',']) => vec![rest],
                None => return Err(unsupported()),
            };
            let mut each = Vec::new();
            for sub in subs {
                let names = dotted(sub)?;
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                each.push(self.field_path(&item_shape, &refs, path)?);
            }
            if each
                .iter()
                .any(|(_, t)| !matches!(t, Type::String | Type::Enum(_)))
            {
                return Err(self.err(path, format!("`{text}` does not select strings")));
            }
            return Ok(EndpointParamSource::Project { list: steps, each });
        }
        let names = dotted(text)?;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let (steps, ty) = self.field_path(root, &refs, path)?;
        if !matches!(ty, Type::String | Type::Enum(_) | Type::Bool) {
            return Err(self.err(
                path,
                format!("`{text}` does not select a string or a boolean"),
            ));
        }
        Ok(EndpointParamSource::Value { steps, ty })
    }

    /// Follows member names from structure `root`: the Rust field of each step and the
    /// type at the end, which must be a string, an enum or a boolean unless it is the
    /// list or map of a projection or `keys`.
    fn field_path(
        &self,
        root: &str,
        names: &[&str],
        path: &str,
    ) -> Result<(Vec<PathField>, Type), Error> {
        let mut shape_name = root.to_string();
        let mut steps = Vec::new();
        let mut ty = None;
        for (i, name) in names.iter().enumerate() {
            let shape = self.shape(&shape_name, path)?;
            if shape.kind != ShapeKind::Structure || shape.union {
                return Err(self.err(
                    path,
                    format!("`{name}` is read from `{shape_name}`, which is not a structure"),
                ));
            }
            let def = self.structure(&shape_name, String::new())?;
            let member = def
                .members
                .iter()
                .find(|m| m.wire == *name)
                .ok_or_else(|| self.err(path, format!("`{shape_name}` has no member `{name}`")))?;
            steps.push(PathField {
                field: member.field.clone(),
                required: member.required,
            });
            if i + 1 < names.len() {
                shape_name = shape.members[*name].shape.clone();
            }
            ty = Some(member.ty.clone());
        }
        let ty = ty.ok_or_else(|| self.err(path, "an empty path"))?;
        match &ty {
            Type::String | Type::Enum(_) | Type::Bool | Type::List { .. } | Type::Map { .. } => {
                Ok((steps, ty))
            }
            _ => Err(self.err(
                path,
                format!(
                    "`{}` is not a string or boolean (nor a list or map)",
                    names.join(".")
                ),
            )),
        }
    }

    /// The model shape of the items of the list at `names` from `root`.
    fn list_item_shape(&self, root: &str, names: &[&str], path: &str) -> Result<String, Error> {
        let mut shape_name = root.to_string();
        for name in names {
            let shape = self.shape(&shape_name, path)?;
            shape_name = shape
                .members
                .get(*name)
                .map(|r| r.shape.clone())
                .ok_or_else(|| self.err(path, format!("`{shape_name}` has no member `{name}`")))?;
        }
        let list = self.shape(&shape_name, path)?;
        list.member
            .as_ref()
            .map(|m| m.shape.clone())
            .ok_or_else(|| self.err(path, format!("`{shape_name}` is not a list")))
    }

    /// Splits `endpoint.hostPrefix` at its `{Label}`s, each of which must name a string
    /// member of the input with `hostLabel`.
    fn host_prefix(
        &self,
        op_path: &str,
        text: &str,
        input: &StructDef,
    ) -> Result<Vec<HostPrefixPart>, Error> {
        let path = format!("{op_path}.endpoint.hostPrefix");
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(HostPrefixPart::Literal(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| self.err(&path, format!("unclosed `{{` in `{text}`")))?;
            let label = &after[..close];
            let member = input
                .members
                .iter()
                .find(|m| m.wire == label)
                .ok_or_else(|| {
                    self.err(
                        &path,
                        format!("label `{{{label}}}` is not a member of the input"),
                    )
                })?;
            if !member.host_label || member.ty != Type::String {
                return Err(self.err(
                    &path,
                    format!("label `{{{label}}}` must be a string member with `hostLabel`"),
                ));
            }
            parts.push(HostPrefixPart::Label {
                wire: member.wire.clone(),
                field: member.field.clone(),
                required: member.required,
            });
            rest = &after[close + 1..];
        }
        if rest.contains('}') {
            return Err(self.err(&path, format!("unmatched `}}` in `{text}`")));
        }
        if !rest.is_empty() {
            parts.push(HostPrefixPart::Literal(rest.to_string()));
        }
        Ok(parts)
    }

    fn paginator(
        &self,
        op_name: &str,
        p: &model::Paginator,
        input: &StructDef,
        output: &StructDef,
    ) -> Result<PaginatorDef, Error> {
        let file = self.files.file("paginators-1.json");
        let perr =
            |key: &str, msg: String| Error::new(&file, &format!("pagination.{op_name}.{key}"), msg);
        let member = |s: &StructDef, name: &str| s.members.iter().find(|m| m.wire == name).cloned();
        let [input_token] = p.input_token.as_slice() else {
            return Err(perr(
                "input_token",
                "only one input token is supported".into(),
            ));
        };
        let Some(itok) = member(input, input_token) else {
            return Err(perr(
                "input_token",
                format!("`{input_token}` is not a member of the input"),
            ));
        };
        let token_ok = match &itok.ty {
            Type::String => true,
            Type::Map { sparse, .. } => !sparse,
            _ => false,
        };
        if !token_ok {
            return Err(perr(
                "input_token",
                format!("`{input_token}` must be a string or a map"),
            ));
        }
        let [output_token] = p.output_token.as_slice() else {
            return Err(perr(
                "output_token",
                "only one output token is supported".into(),
            ));
        };
        let (output_path, output_ty) = self
            .member_path(output, output_token)
            .map_err(|m| perr("output_token", m))?;
        if output_ty != itok.ty {
            return Err(perr(
                "output_token",
                format!("`{output_token}` must have the type of the input token `{input_token}`"),
            ));
        }
        let limit = match &p.limit_key {
            None => None,
            Some(k) => {
                let m = member(input, k).ok_or_else(|| {
                    perr("limit_key", format!("`{k}` is not a member of the input"))
                })?;
                if !matches!(m.ty, Type::I32 | Type::I64) {
                    return Err(perr("limit_key", format!("`{k}` must be an integer")));
                }
                Some((m.field, m.ty))
            }
        };
        // A result key that is not a list (budgets' `BudgetPerformanceHistory` is a
        // structure) or several keys (DynamoDB's `Items`, `Count`, ...): the items are
        // the pages.
        let items = match p.result_key.as_ref().map(|r| r.as_slice()) {
            Some([key]) => {
                let (path, ty) = self
                    .member_path(output, key)
                    .map_err(|m| perr("result_key", m))?;
                match ty {
                    Type::List {
                        item,
                        sparse: false,
                    } => Some((path, *item)),
                    _ => None,
                }
            }
            _ => None,
        };
        let more_results = match &p.more_results {
            None => None,
            Some(k) => {
                let (path, ty) = self
                    .member_path(output, k)
                    .map_err(|m| perr("more_results", m))?;
                if ty != Type::Bool {
                    return Err(perr("more_results", format!("`{k}` must be a boolean")));
                }
                Some(path)
            }
        };
        Ok(PaginatorDef {
            token: itok.ty,
            input_token: itok.field,
            output_token: output_path,
            limit,
            items,
            more_results,
        })
    }

    /// Resolves `A.B`, `A[-1].B` style paths against the output structure, with the
    /// type they lead to.
    fn member_path(&self, output: &StructDef, expr: &str) -> Result<(Vec<PathStep>, Type), String> {
        let mut steps = Vec::new();
        let mut current: Option<StructDef> = Some(output.clone());
        let mut ty: Option<Type> = None;
        for seg in expr.split('.') {
            let (name, last) = match seg.strip_suffix("[-1]") {
                Some(n) => (n, true),
                None => (seg, false),
            };
            let s = current
                .take()
                .ok_or_else(|| format!("`{expr}`: `{name}` is not inside a structure"))?;
            let m = s
                .members
                .iter()
                .find(|m| m.wire == name)
                .ok_or_else(|| format!("`{name}` is not a member of `{}`", s.name))?;
            steps.push(PathStep::Field {
                name: m.field.clone(),
                required: m.required,
            });
            let mut t = m.ty.clone();
            if last {
                match t {
                    Type::List { item, .. } => {
                        steps.push(PathStep::Last);
                        t = *item;
                    }
                    _ => return Err(format!("`{name}` is not a list")),
                }
            }
            if let Type::Struct { name, .. } = &t {
                let shape = self.shape_of.get(name).ok_or("unknown structure")?;
                current = Some(
                    self.structure(shape, name.clone())
                        .map_err(|e| e.to_string())?,
                );
            }
            ty = Some(t);
        }
        let ty = ty.ok_or_else(|| format!("`{expr}` is empty"))?;
        Ok((steps, ty))
    }
}

fn deprecation(deprecated: bool, message: Option<&String>) -> Option<String> {
    deprecated.then(|| message.cloned().unwrap_or_default())
}

/// Adds the model's constraints to a doc string, so users see them without the model.
fn constraint_docs(shape: Shape, docs: Option<&mut String>) {
    let Some(docs) = docs else { return };
    let mut parts = Vec::new();
    let unit = match shape.kind {
        ShapeKind::String
        | ShapeKind::Enum
        | ShapeKind::List
        | ShapeKind::Map
        | ShapeKind::Blob => "length ",
        _ => "",
    };
    match (shape.min, shape.max) {
        (Some(a), Some(b)) => parts.push(format!("{unit}{a}..={b}")),
        (Some(a), None) => parts.push(format!("{unit}at least {a}")),
        (None, Some(b)) => parts.push(format!("{unit}at most {b}")),
        (None, None) => {}
    }
    if let Some(p) = &shape.pattern {
        if p != ".*" {
            parts.push(format!("pattern `{}`", p.replace('`', "'")));
        }
    }
    if shape.sensitive {
        parts.push("sensitive: redacted in `Debug`".into());
    }
    if !parts.is_empty() {
        if !docs.is_empty() {
            docs.push_str("\n\n");
        }
        docs.push_str(&format!("Constraints: {}.", parts.join("; ")));
    }
}

/// Resolved shape lookups used by emitters, e.g. for doc examples.
pub fn struct_by_name<'a>(service: &'a Service, name: &str) -> Option<&'a StructDef> {
    match service.types.get(name) {
        Some(TypeDef::Struct(s)) => Some(s),
        _ => None,
    }
}
