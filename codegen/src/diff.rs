//! Compares two versions of a service model as the user of the generated crate sees
//! them: at the IR level, where every shape already has its Rust name and type.
//!
//! [`ModelDiff::compare`] lists every change (operations, shapes, members, enum values,
//! errors, paginators, documentation), each classified by its [`Impact`] on Rust code
//! written against the older crate. [`ModelDiff::render`] writes the changelog entry in
//! the style of the AWS SDK changelogs, and [`bump`] turns the worst impact into a semver
//! bump of the generated crate's version.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::path::Path;

use crate::ir::{
    self, EnumDef, MemberDef, OperationDef, PaginatorDef, Protocol, Service, StructDef, Type,
    TypeDef,
};
use crate::model::ModelFiles;
use crate::Error;

/// What a change means for code written against the older generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// No change to the Rust API: documentation, constraints, wire details.
    Patch,
    /// New API that existing code does not see: new operations, types, optional members,
    /// enum values and errors (the generated structs and enums are `#[non_exhaustive]`).
    Additive,
    /// Existing code may stop compiling or change meaning: removed operations, types,
    /// members, enum values or errors; a member becoming required or optional; a changed
    /// type.
    Breaking,
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Impact::Patch => "documentation only",
            Impact::Additive => "additive",
            Impact::Breaking => "breaking",
        })
    }
}

/// What kind of thing changed; the rows of the changelog's count table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// The service itself (protocols, names).
    Service,
    /// An operation (a client method).
    Operation,
    /// A named structure or enum (`types/`).
    Shape,
    /// A member of a structure, an operation's request or its response.
    Member,
    /// A value of an enum.
    EnumValue,
    /// A modeled error of an operation.
    Error,
    /// An operation's paginator.
    Paginator,
    /// Documentation (including constraints, which the docs state) and nothing else.
    Documentation,
}

impl Category {
    fn label(self) -> &'static str {
        match self {
            Category::Service => "service",
            Category::Operation => "operations",
            Category::Shape => "shapes",
            Category::Member => "members",
            Category::EnumValue => "enum values",
            Category::Error => "errors",
            Category::Paginator => "paginators",
            Category::Documentation => "documentation-only changes",
        }
    }
}

/// Whether something was added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Added,
    Removed,
    Changed,
}

/// One change between the two models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub category: Category,
    pub action: Action,
    /// The operation it belongs to, if any (`CreateJob`).
    pub operation: Option<String>,
    /// What changed, in model names: `CreateJob`, `JobMetadata.LongTermPricingId`,
    /// `CreateJob` request `.Notification`, `JobType.EDGE`.
    pub subject: String,
    /// A sentence about the change.
    pub detail: String,
    pub impact: Impact,
}

/// Every change between two versions of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelDiff {
    /// The service id of the newer model (`Snowball`).
    pub service_id: String,
    /// The generated crate's name.
    pub crate_name: String,
    /// New operations with the first paragraph of their documentation.
    pub new_operations: Vec<(String, String)>,
    /// Every change, in a stable order.
    pub changes: Vec<Change>,
}

/// Loads and lowers both model directories, then compares them.
pub fn diff_dirs(old_dir: &Path, new_dir: &Path, crate_name: &str) -> Result<ModelDiff, Error> {
    let old = ir::lower(&ModelFiles::load(old_dir)?, crate_name)?;
    let new = ir::lower(&ModelFiles::load(new_dir)?, crate_name)?;
    Ok(ModelDiff::compare(&old, &new))
}

impl ModelDiff {
    /// The changes from `old` to `new`.
    pub fn compare(old: &Service, new: &Service) -> ModelDiff {
        let mut d = Differ::default();
        d.service(old, new);
        let mut new_operations = Vec::new();
        for (name, op) in ops_by_name(new) {
            if !ops_by_name(old).contains_key(name) {
                new_operations.push((name.to_string(), first_paragraph(&op.docs)));
            }
        }
        ModelDiff {
            service_id: new.meta.service_id.clone(),
            crate_name: new.crate_name.clone(),
            new_operations,
            changes: d.changes,
        }
    }

    /// True when the models are the same as far as the generated crate can tell.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The worst impact of any change, `None` when nothing changed.
    pub fn impact(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.impact).max()
    }

    /// How many changes of `category` did `action`.
    pub fn count(&self, category: Category, action: Action) -> usize {
        self.changes
            .iter()
            .filter(|c| c.category == category && c.action == action)
            .count()
    }

    /// Operations that exist in both models and changed in any way (request, response,
    /// errors, paginator, documentation), sorted.
    pub fn updated_operations(&self) -> Vec<&str> {
        let new: BTreeSet<&str> = self
            .new_operations
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        let mut out: BTreeSet<&str> = BTreeSet::new();
        for c in &self.changes {
            if let Some(op) = &c.operation {
                let removed = c.category == Category::Operation && c.action == Action::Removed;
                if !new.contains(op.as_str()) && !removed {
                    out.insert(op);
                }
            }
        }
        out.into_iter().collect()
    }

    /// The one-line summary in the AWS changelog style: `Snowball - 8 new api methods`.
    pub fn headline(&self) -> String {
        let mut parts = Vec::new();
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let added = self.new_operations.len();
        let removed = self.count(Category::Operation, Action::Removed);
        let updated = self.updated_operations().len();
        if added > 0 {
            parts.push(plural(added, "new api method"));
        }
        if removed > 0 {
            parts.push(plural(removed, "removed api method"));
        }
        if updated > 0 {
            parts.push(plural(updated, "updated api method"));
        }
        if parts.is_empty() {
            parts.push(if self.is_empty() {
                "no changes".to_string()
            } else {
                "updated shapes".to_string()
            });
        }
        format!("{} - {}", self.service_id, parts.join(", "))
    }

    /// The compatibility sentence: the worst impact and, given the crate's current
    /// `version`, the bump it calls for.
    pub fn compatibility(&self, version: Option<&str>) -> String {
        let Some(impact) = self.impact() else {
            return format!("No change for `{}`.", self.crate_name);
        };
        match version.map(|v| (v, bump(v, Some(impact)))) {
            Some((v, Ok((kind, next)))) => format!(
                "Compatibility for `{}`: {impact}; suggested version bump: {kind}, {v} -> {next}.",
                self.crate_name
            ),
            _ => format!(
                "Compatibility for `{}`: {impact}; suggested version bump: {}.",
                self.crate_name,
                match impact {
                    Impact::Breaking => "minor before 1.0, major from 1.0",
                    Impact::Additive => "patch before 1.0, minor from 1.0",
                    Impact::Patch => "patch",
                }
            ),
        }
    }

    /// The report as Markdown, headed with `### headline`: the compatibility sentence
    /// (with the bump from `version`, the crate's current version, when given), new
    /// operations with their description, a count table, then every change grouped by
    /// impact.
    pub fn render(&self, version: Option<&str>) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "### {}\n", self.headline());
        if self.is_empty() {
            s.push_str("No changes.\n");
            return s;
        }
        let _ = writeln!(s, "{}\n", self.compatibility(version));
        if !self.new_operations.is_empty() {
            s.push_str("New api methods:\n\n");
            for (name, doc) in &self.new_operations {
                if doc.is_empty() {
                    let _ = writeln!(s, "- `{name}`");
                } else {
                    let _ = writeln!(s, "- `{name}`: {doc}");
                }
            }
            s.push('\n');
        }
        let updated = self.updated_operations();
        if !updated.is_empty() {
            s.push_str("Updated api methods: ");
            let names: Vec<String> = updated.iter().map(|n| format!("`{n}`")).collect();
            s.push_str(&names.join(", "));
            s.push_str(".\n\n");
        }
        s.push_str("| | new | removed | changed |\n|---|---:|---:|---:|\n");
        for cat in [
            Category::Service,
            Category::Operation,
            Category::Shape,
            Category::Member,
            Category::EnumValue,
            Category::Error,
            Category::Paginator,
            Category::Documentation,
        ] {
            let (a, r, c) = (
                self.count(cat, Action::Added),
                self.count(cat, Action::Removed),
                self.count(cat, Action::Changed),
            );
            if a + r + c > 0 {
                let _ = writeln!(s, "| {} | {a} | {r} | {c} |", cat.label());
            }
        }
        s.push('\n');
        for (impact, title) in [
            (Impact::Breaking, "Breaking changes"),
            (Impact::Additive, "Additive changes"),
        ] {
            let list: Vec<&Change> = self.changes.iter().filter(|c| c.impact == impact).collect();
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(s, "{title} ({}):\n", list.len());
            for c in list {
                let _ = writeln!(s, "- {}: {}", c.subject, c.detail);
            }
            s.push('\n');
        }
        let docs: Vec<&Change> = self
            .changes
            .iter()
            .filter(|c| c.impact == Impact::Patch)
            .collect();
        if !docs.is_empty() {
            let _ = writeln!(
                s,
                "Documentation-only and other compatible changes ({}):\n",
                docs.len()
            );
            for c in docs {
                let _ = writeln!(s, "- {}: {}", c.subject, c.detail);
            }
            s.push('\n');
        }
        s
    }
}

/// The semver bump a change of `impact` calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// The next version of a crate at `version` after changes of `impact` (`None`: no
/// change), following Cargo's semver rules: before 1.0 a breaking change bumps the minor
/// version and anything else the patch version; from 1.0 on breaking is major, additive is
/// minor, documentation is patch. Fails on a version that is not `MAJOR.MINOR.PATCH`.
pub fn bump(version: &str, impact: Option<Impact>) -> Result<(Bump, String), String> {
    let parts: Vec<u64> = version
        .trim()
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("version {version:?} is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("version {version:?} is not MAJOR.MINOR.PATCH"));
    };
    let kind = match (impact, major) {
        (None, _) => Bump::None,
        (Some(Impact::Breaking), 0) => Bump::Minor,
        (Some(Impact::Breaking), _) => Bump::Major,
        (Some(Impact::Additive), 0) => Bump::Patch,
        (Some(Impact::Additive), _) => Bump::Minor,
        (Some(Impact::Patch), _) => Bump::Patch,
    };
    let next = match kind {
        Bump::None => format!("{major}.{minor}.{patch}"),
        Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
        Bump::Minor => format!("{major}.{}.0", minor + 1),
        Bump::Major => format!("{}.0.0", major + 1),
    };
    Ok((kind, next))
}

fn ops_by_name(s: &Service) -> BTreeMap<&str, &OperationDef> {
    s.operations
        .values()
        .map(|o| (o.name.as_str(), o))
        .collect()
}

/// The first paragraph of Markdown docs, on one line.
fn first_paragraph(docs: &str) -> String {
    docs.trim()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Rust-like spelling of a type, for reports.
fn type_name(t: &Type) -> String {
    match t {
        Type::String => "String".into(),
        Type::Bool => "bool".into(),
        Type::I8 => "i8".into(),
        Type::I16 => "i16".into(),
        Type::I32 => "i32".into(),
        Type::I64 => "i64".into(),
        Type::F32 => "f32".into(),
        Type::F64 => "f64".into(),
        Type::Timestamp(_) => "DateTime".into(),
        Type::Blob => "Vec<u8>".into(),
        Type::Document => "Document".into(),
        Type::Enum(n) => n.clone(),
        Type::Struct { name, boxed: false } => name.clone(),
        Type::Struct { name, boxed: true } => format!("Box<{name}>"),
        Type::List {
            item,
            sparse: false,
        } => format!("Vec<{}>", type_name(item)),
        Type::List { item, sparse: true } => format!("Vec<Option<{}>>", type_name(item)),
        Type::Map {
            value,
            sparse: false,
        } => format!("Map<{}>", type_name(value)),
        Type::Map {
            value,
            sparse: true,
        } => {
            format!("Map<Option<{}>>", type_name(value))
        }
    }
}

fn field_type(m: &MemberDef) -> String {
    if m.required {
        type_name(&m.ty)
    } else {
        format!("Option<{}>", type_name(&m.ty))
    }
}

#[derive(Default)]
struct Differ {
    changes: Vec<Change>,
}

impl Differ {
    fn push(
        &mut self,
        category: Category,
        action: Action,
        operation: Option<&str>,
        subject: String,
        detail: String,
        impact: Impact,
    ) {
        self.changes.push(Change {
            category,
            action,
            operation: operation.map(str::to_string),
            subject,
            detail,
            impact,
        });
    }

    fn docs(&mut self, operation: Option<&str>, subject: &str, old: &str, new: &str) {
        if old != new {
            self.push(
                Category::Documentation,
                Action::Changed,
                operation,
                subject.to_string(),
                "documentation changed".into(),
                Impact::Patch,
            );
        }
    }

    fn deprecation(
        &mut self,
        category: Category,
        operation: Option<&str>,
        subject: &str,
        old: &Option<String>,
        new: &Option<String>,
    ) {
        let detail = match (old, new) {
            (None, Some(msg)) if msg.is_empty() => "deprecated".to_string(),
            (None, Some(msg)) => format!("deprecated: {msg}"),
            (Some(_), None) => "no longer deprecated".to_string(),
            (Some(a), Some(b)) if a != b => "deprecation message changed".to_string(),
            _ => return,
        };
        // A deprecation warns; it does not remove anything.
        self.push(
            category,
            Action::Changed,
            operation,
            subject.to_string(),
            detail,
            Impact::Additive,
        );
    }

    fn service(&mut self, old: &Service, new: &Service) {
        let (o, n) = (&old.meta, &new.meta);
        let svc = format!("service `{}`", n.service_id);
        if o.protocols != n.protocols {
            // The default protocol may change; the Rust API does not.
            self.push(
                Category::Service,
                Action::Changed,
                None,
                svc.clone(),
                format!(
                    "protocols {:?} -> {:?}",
                    protocol_names(&o.protocols),
                    protocol_names(&n.protocols)
                ),
                Impact::Patch,
            );
        }
        let (op, np) = (
            o.target_prefix.as_deref().unwrap_or(""),
            n.target_prefix.as_deref().unwrap_or(""),
        );
        for (what, a, b) in [
            ("service id", o.service_id.as_str(), n.service_id.as_str()),
            ("full name", &o.full_name, &n.full_name),
            ("endpoint prefix", &o.endpoint_prefix, &n.endpoint_prefix),
            ("signing name", &o.signing_name, &n.signing_name),
            ("target prefix", op, np),
            ("API version", &o.api_version, &n.api_version),
        ] {
            if a != b {
                self.push(
                    Category::Service,
                    Action::Changed,
                    None,
                    svc.clone(),
                    format!("{what} `{a}` -> `{b}`"),
                    Impact::Patch,
                );
            }
        }
        self.docs(None, &svc, &old.docs, &new.docs);

        let (oo, no) = (ops_by_name(old), ops_by_name(new));
        for (name, op) in &no {
            match oo.get(name) {
                None => {
                    let method = &op.module;
                    self.push(
                        Category::Operation,
                        Action::Added,
                        Some(name),
                        format!("`{name}`"),
                        format!("new operation (`Client::{method}`)"),
                        Impact::Additive,
                    );
                    self.paginator(name, None, op.paginator.as_ref());
                }
                Some(prev) => self.operation(prev, op),
            }
        }
        for (name, op) in &oo {
            if !no.contains_key(name) {
                self.push(
                    Category::Operation,
                    Action::Removed,
                    Some(name),
                    format!("`{name}`"),
                    format!("operation removed (`Client::{}`)", op.module),
                    Impact::Breaking,
                );
            }
        }

        for (rust, ty) in &new.types {
            match old.types.get(rust) {
                None => {
                    let (shape, what) = type_kind(ty);
                    self.push(
                        Category::Shape,
                        Action::Added,
                        None,
                        format!("`{shape}`"),
                        format!("new {what} `types::{rust}`"),
                        Impact::Additive,
                    );
                }
                Some(prev) => self.named_type(rust, prev, ty),
            }
        }
        for (rust, ty) in &old.types {
            if !new.types.contains_key(rust) {
                let (shape, what) = type_kind(ty);
                self.push(
                    Category::Shape,
                    Action::Removed,
                    None,
                    format!("`{shape}`"),
                    format!("{what} `types::{rust}` removed"),
                    Impact::Breaking,
                );
            }
        }
    }

    fn operation(&mut self, old: &OperationDef, new: &OperationDef) {
        let op = Some(new.name.as_str());
        let name = &new.name;
        self.docs(op, &format!("`{name}`"), &old.docs, &new.docs);
        self.deprecation(
            Category::Operation,
            op,
            &format!("`{name}`"),
            &old.deprecated,
            &new.deprecated,
        );
        self.structure(
            op,
            &format!("`{name}` request"),
            &old.input,
            &new.input,
            true,
        );
        self.structure(
            op,
            &format!("`{name}` response"),
            &old.output,
            &new.output,
            false,
        );

        let old_errors: BTreeMap<&str, _> = old
            .errors
            .iter()
            .map(|e| (e.type_name.as_str(), e))
            .collect();
        let new_errors: BTreeMap<&str, _> = new
            .errors
            .iter()
            .map(|e| (e.type_name.as_str(), e))
            .collect();
        for (t, e) in &new_errors {
            match old_errors.get(t) {
                None => self.push(
                    Category::Error,
                    Action::Added,
                    op,
                    format!("`{name}`"),
                    format!(
                        "new error `{}` (`{}::{}`)",
                        e.code, new.error_name, e.variant
                    ),
                    Impact::Additive,
                ),
                Some(prev) if prev.variant != e.variant => self.push(
                    Category::Error,
                    Action::Changed,
                    op,
                    format!("`{name}`"),
                    format!("error variant `{}` renamed `{}`", prev.variant, e.variant),
                    Impact::Breaking,
                ),
                Some(prev) if prev.code != e.code => self.push(
                    Category::Error,
                    Action::Changed,
                    op,
                    format!("`{name}`"),
                    format!("error `{}` code `{}` -> `{}`", e.variant, prev.code, e.code),
                    Impact::Patch,
                ),
                Some(_) => {}
            }
        }
        for (t, e) in &old_errors {
            if !new_errors.contains_key(t) {
                self.push(
                    Category::Error,
                    Action::Removed,
                    op,
                    format!("`{name}`"),
                    format!(
                        "error `{}` removed (`{}::{}`)",
                        e.code, old.error_name, e.variant
                    ),
                    Impact::Breaking,
                );
            }
        }
        self.paginator(name, old.paginator.as_ref(), new.paginator.as_ref());
    }

    fn paginator(&mut self, name: &str, old: Option<&PaginatorDef>, new: Option<&PaginatorDef>) {
        let op = Some(name);
        let subject = format!("`{name}`");
        let push = |d: &mut Differ, action, detail: String, impact| {
            d.push(
                Category::Paginator,
                action,
                op,
                subject.clone(),
                detail,
                impact,
            )
        };
        match (old, new) {
            (None, None) => {}
            (None, Some(_)) => push(
                self,
                Action::Added,
                "now paginated (`into_paginator()`)".into(),
                Impact::Additive,
            ),
            (Some(_), None) => push(
                self,
                Action::Removed,
                "no longer paginated (`into_paginator()` removed)".into(),
                Impact::Breaking,
            ),
            (Some(o), Some(n)) => {
                let mut notes = Vec::new();
                let mut impact = Impact::Patch;
                let opt =
                    |x: &Option<(String, Type)>| x.as_ref().map(|(f, t)| (f.clone(), type_name(t)));
                let items = |x: &Option<(Vec<crate::ir::PathStep>, Type)>| {
                    x.as_ref()
                        .map(|(p, t)| (crate::ir::path_text(p), type_name(t)))
                };
                match (items(&o.items), items(&n.items)) {
                    (a, b) if a == b => {}
                    (None, Some((f, t))) => {
                        notes.push(format!("items of `{f}` ({t}) with `.items()`"));
                        impact = impact.max(Impact::Additive);
                    }
                    (a, b) => {
                        notes.push(format!("items {a:?} -> {b:?}"));
                        impact = Impact::Breaking;
                    }
                }
                match (opt(&o.limit), opt(&n.limit)) {
                    (a, b) if a == b => {}
                    (None, Some((f, _))) => {
                        notes.push(format!("page size `{f}` (`page_size()`)"));
                        impact = impact.max(Impact::Additive);
                    }
                    (a, b) => {
                        notes.push(format!("page size {a:?} -> {b:?}"));
                        impact = Impact::Breaking;
                    }
                }
                if o.input_token != n.input_token
                    || o.token != n.token
                    || o.output_token != n.output_token
                    || o.more_results != n.more_results
                {
                    notes.push("tokens changed".into());
                }
                if !notes.is_empty() {
                    push(
                        self,
                        Action::Changed,
                        format!("paginator: {}", notes.join("; ")),
                        impact,
                    );
                }
            }
        }
    }

    fn named_type(&mut self, rust: &str, old: &TypeDef, new: &TypeDef) {
        match (old, new) {
            (TypeDef::Struct(o), TypeDef::Struct(n)) => {
                let subject = format!("`{}`", n.shape_name());
                self.docs(None, &subject, &o.docs, &n.docs);
                self.deprecation(
                    Category::Shape,
                    None,
                    &subject,
                    &o.deprecated,
                    &n.deprecated,
                );
                if o.error_code != n.error_code {
                    self.push(
                        Category::Shape,
                        Action::Changed,
                        None,
                        subject.clone(),
                        format!("error code {:?} -> {:?}", o.error_code, n.error_code),
                        Impact::Patch,
                    );
                }
                self.structure(None, &subject, o, n, false);
            }
            (TypeDef::Enum(o), TypeDef::Enum(n)) => self.enumeration(o, n),
            _ => {
                let (shape, was) = type_kind(old);
                let (_, now) = type_kind(new);
                self.push(
                    Category::Shape,
                    Action::Changed,
                    None,
                    format!("`{shape}`"),
                    format!("`types::{rust}` was a {was}, is now a {now}"),
                    Impact::Breaking,
                );
            }
        }
    }

    fn enumeration(&mut self, old: &EnumDef, new: &EnumDef) {
        let subject = format!("`{}`", new.shape);
        self.docs(None, &subject, &old.docs, &new.docs);
        let ov: BTreeMap<&str, &str> = old
            .values
            .iter()
            .map(|(w, v)| (w.as_str(), v.as_str()))
            .collect();
        let nv: BTreeMap<&str, &str> = new
            .values
            .iter()
            .map(|(w, v)| (w.as_str(), v.as_str()))
            .collect();
        for (wire, variant) in &new.values {
            match ov.get(wire.as_str()) {
                None => self.push(
                    Category::EnumValue,
                    Action::Added,
                    None,
                    format!("`{}.{wire}`", new.shape),
                    format!("new value (`{}::{variant}`)", new.name),
                    Impact::Additive,
                ),
                Some(prev) if prev != variant => self.push(
                    Category::EnumValue,
                    Action::Changed,
                    None,
                    format!("`{}.{wire}`", new.shape),
                    format!("variant `{}::{prev}` renamed `{variant}`", new.name),
                    Impact::Breaking,
                ),
                Some(_) => {}
            }
        }
        for (wire, variant) in &old.values {
            if !nv.contains_key(wire.as_str()) {
                self.push(
                    Category::EnumValue,
                    Action::Removed,
                    None,
                    format!("`{}.{wire}`", old.shape),
                    format!("value removed (`{}::{variant}`)", old.name),
                    Impact::Breaking,
                );
            }
        }
    }

    /// Members of one structure; `context` names it (`JobMetadata`, `CreateJob` request).
    fn structure(
        &mut self,
        op: Option<&str>,
        context: &str,
        old: &StructDef,
        new: &StructDef,
        is_input: bool,
    ) {
        let om: BTreeMap<&str, &MemberDef> =
            old.members.iter().map(|m| (m.wire.as_str(), m)).collect();
        let nm: BTreeMap<&str, &MemberDef> =
            new.members.iter().map(|m| (m.wire.as_str(), m)).collect();
        let subject = |wire: &str| format!("{context} `.{wire}`");
        for m in &new.members {
            let s = subject(&m.wire);
            let Some(prev) = om.get(m.wire.as_str()) else {
                let (detail, impact) = if m.required {
                    let also = if is_input {
                        " and the client method"
                    } else {
                        ""
                    };
                    (
                        format!(
                            "new required member `{}: {}`: `new()`{also} take it",
                            m.field,
                            field_type(m)
                        ),
                        Impact::Breaking,
                    )
                } else {
                    (
                        format!("new optional member `{}: {}`", m.field, field_type(m)),
                        Impact::Additive,
                    )
                };
                self.push(Category::Member, Action::Added, op, s, detail, impact);
                continue;
            };
            let mut breaking = Vec::new();
            if prev.field != m.field {
                breaking.push(format!("field `{}` renamed `{}`", prev.field, m.field));
            }
            if prev.required != m.required || prev.ty != m.ty {
                let what = match (prev.required, m.required) {
                    (false, true) => "now required, ",
                    (true, false) => "now optional, ",
                    _ => "type changed, ",
                };
                breaking.push(format!(
                    "{what}`{}` -> `{}`",
                    field_type(prev),
                    field_type(m)
                ));
            }
            if !breaking.is_empty() {
                self.push(
                    Category::Member,
                    Action::Changed,
                    op,
                    s.clone(),
                    breaking.join("; "),
                    Impact::Breaking,
                );
            }
            let mut compatible = Vec::new();
            if prev.json_name != m.json_name {
                compatible.push(format!(
                    "JSON name {:?} -> {:?}",
                    prev.json_name, m.json_name
                ));
            }
            if prev.sensitive != m.sensitive {
                compatible.push(if m.sensitive {
                    "now sensitive (redacted in Debug)".to_string()
                } else {
                    "no longer sensitive".to_string()
                });
            }
            if prev.idempotency_token != m.idempotency_token {
                compatible.push(if m.idempotency_token {
                    "now an idempotency token".to_string()
                } else {
                    "no longer an idempotency token".to_string()
                });
            }
            if !compatible.is_empty() {
                self.push(
                    Category::Member,
                    Action::Changed,
                    op,
                    s.clone(),
                    compatible.join("; "),
                    Impact::Patch,
                );
            }
            self.deprecation(Category::Member, op, &s, &prev.deprecated, &m.deprecated);
            self.docs(op, &s, &prev.docs, &m.docs);
        }
        for m in &old.members {
            if !nm.contains_key(m.wire.as_str()) {
                self.push(
                    Category::Member,
                    Action::Removed,
                    op,
                    subject(&m.wire),
                    format!("member removed (`{}: {}`)", m.field, field_type(m)),
                    Impact::Breaking,
                );
            }
        }
    }
}

/// The runtime variant names, printed as the changelog always has.
fn protocol_names(protocols: &[Protocol]) -> Vec<&'static str> {
    protocols.iter().map(|p| p.variant()).collect()
}

/// The shape name and what kind of type it is.
fn type_kind(t: &TypeDef) -> (&str, &'static str) {
    match t {
        TypeDef::Struct(s) if s.error_code.is_some() => (s.shape_name(), "error structure"),
        TypeDef::Struct(s) => (s.shape_name(), "structure"),
        TypeDef::Enum(e) => (&e.shape, "enum"),
    }
}
