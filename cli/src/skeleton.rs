//! `--generate-cli-skeleton`: botocore's `ArgumentGenerator` over the command table. For
//! `input`, placeholder values (`""`, `0`, `0.0`, `true`, the epoch, one list item, a
//! `KeyName` map entry); for `output`, the fake response `StubbedCLIOperationCaller`
//! formats, whose strings are their member names.

use awsrt::internal::cli::{Kind, Struct};
use serde_json::{Map, Number, Value};

/// The epoch as `json_encoder` writes a `datetime` (JSON output)...
pub const EPOCH_ISO: &str = "1970-01-01T00:00:00";
/// ...and as `str(datetime)` prints it (text and table output).
pub const EPOCH_STR: &str = "1970-01-01 00:00:00";

/// How placeholders are chosen.
pub struct Generator {
    /// Strings are their member's name (the `output` skeleton); else `""`, or an enum's
    /// first value (the AWS CLI picks one at random).
    pub member_names: bool,
    /// What a timestamp becomes.
    pub epoch: &'static str,
}

impl Generator {
    /// `generate_skeleton(shape)`.
    pub fn structure(&self, s: &'static Struct) -> Value {
        let mut stack = Vec::new();
        self.struct_value(s, &mut stack)
    }

    fn struct_value(&self, s: &'static Struct, stack: &mut Vec<&'static str>) -> Value {
        stack.push(s.name);
        // A structure already being generated (a recursive shape) is `{}`.
        let out = if stack.iter().filter(|n| **n == s.name).count() > 1 {
            Map::new()
        } else {
            s.members
                .iter()
                .map(|m| {
                    (
                        m.field.name.to_string(),
                        self.value(&m.kind, stack, m.field.name),
                    )
                })
                .collect()
        };
        stack.pop();
        Value::Object(out)
    }

    fn value(&self, kind: &Kind, stack: &mut Vec<&'static str>, name: &str) -> Value {
        match kind {
            Kind::Structure(s) => self.struct_value(s, stack),
            // botocore names a list item after its shape, which the command table does
            // not keep; the item of a list of strings is `""` here.
            Kind::List(item) => Value::Array(vec![self.value(item, stack, "")]),
            Kind::Map(v) => {
                let mut m = Map::new();
                m.insert("KeyName".into(), self.value(v, stack, ""));
                Value::Object(m)
            }
            Kind::String if self.member_names => Value::String(name.into()),
            Kind::Enum(_) if self.member_names => Value::String(name.into()),
            Kind::Enum(values) => Value::String(values.first().copied().unwrap_or("").into()),
            Kind::String => Value::String(String::new()),
            Kind::Integer | Kind::Long => Value::from(0),
            Kind::Float | Kind::Double => Number::from_f64(0.0).map_or(Value::Null, Value::Number),
            Kind::Boolean => Value::Bool(true),
            Kind::Timestamp => Value::String(self.epoch.into()),
            // botocore has no placeholder for blobs (or anything else): None.
            _ => Value::Null,
        }
    }
}
