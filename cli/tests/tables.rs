//! The command tables point each member at the right wire names: every member's `Field`
//! (the generated shape's own, which the codecs use) is the one its flag was made from,
//! and no two members of a structure share one (indeed the same `Field` in memory as the
//! codec's); every command's wire name is the one its command name was made from.

use std::collections::BTreeSet;

use awsrt::internal::cli::{Kind, ServiceTable, Struct};
use awsrt::internal::{Encode, Field, TimestampFormat, Writer};
use awsrt::DateTime;

/// Checks `s` and every structure under it once; returns the members checked.
fn check(s: &'static Struct, seen: &mut BTreeSet<usize>) -> usize {
    if !seen.insert(s as *const Struct as usize) {
        return 0;
    }
    let mut names = BTreeSet::new();
    let mut checked = 0;
    for m in s.members {
        // botocore's xform_name only inserts `-` and lower-cases.
        assert_eq!(
            m.flag.replace('-', ""),
            m.field.name.to_ascii_lowercase(),
            "{}: member --{} points at the Field of `{}`",
            s.name,
            m.flag,
            m.field.name
        );
        assert!(
            names.insert(m.field.name),
            "{}: two members share `{}`",
            s.name,
            m.field.name
        );
        checked += 1 + nested(&m.kind, seen);
    }
    checked
}

fn nested(kind: &Kind, seen: &mut BTreeSet<usize>) -> usize {
    match kind {
        Kind::Structure(s) => check(s, seen),
        Kind::List(k) | Kind::Map(k) => nested(k, seen),
        _ => 0,
    }
}

fn check_table(table: &'static ServiceTable) -> usize {
    let mut seen = BTreeSet::new();
    table
        .operations
        .iter()
        .map(|op| {
            // The wire name (the operation's own `NAME`) is the one the command was made from.
            assert_eq!(op.command.replace('-', ""), op.name.to_ascii_lowercase());
            check(op.input, &mut seen) + check(op.output, &mut seen)
        })
        .sum()
}

#[test]
fn members_point_at_their_own_fields() {
    // Every shape of both models is reached; the counts guard against a walk that
    // checks nothing.
    assert!(check_table(&snowball::cli::SERVICE) > 200);
    assert!(check_table(&importexport::cli::SERVICE) > 30);
}

/// A `Writer` that keeps the address of every `Field` the codec names.
#[derive(Default)]
struct FieldAddresses(Vec<usize>);

impl Writer for FieldAddresses {
    fn begin_struct(&mut self) {}
    fn field(&mut self, field: &'static Field) {
        self.0.push(field as *const Field as usize);
    }
    fn end_struct(&mut self) {}
    fn begin_list(&mut self, _: usize) {}
    fn end_list(&mut self) {}
    fn begin_map(&mut self, _: usize) {}
    fn map_key(&mut self, _: &str) {}
    fn end_map(&mut self) {}
    fn string(&mut self, _: &str) {}
    fn boolean(&mut self, _: bool) {}
    fn integer(&mut self, _: i64) {}
    fn float32(&mut self, _: f32) {}
    fn float64(&mut self, _: f64) {}
    fn timestamp(&mut self, _: &DateTime, _: TimestampFormat) {}
    fn blob(&mut self, _: &[u8]) {}
    fn null(&mut self) {}
}

/// The table's `Field`s are the very ones the codec writes (one copy in the binary), not
/// equal copies.
#[test]
fn table_and_codec_share_one_field() {
    let input = snowball::operation::list_jobs::ListJobsInput::new()
        .max_results(5)
        .next_token("t");
    let mut w = FieldAddresses::default();
    input.encode(&mut w);
    let op = snowball::cli::SERVICE
        .operations
        .iter()
        .find(|o| o.name == "ListJobs")
        .expect("ListJobs");
    let table: Vec<usize> = op
        .input
        .members
        .iter()
        .map(|m| m.field as *const Field as usize)
        .collect();
    assert_eq!(w.0, table);
}
