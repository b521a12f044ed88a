//! Model diffs on real history: Snowball from botocore 1.13.50 (December 2019, before
//! long-term pricing and return shipping labels) against the committed model, the
//! committed model against itself, and single edits of the committed model.

use std::path::{Path, PathBuf};

use codegen::diff::{self, bump, Action, Bump, Category, Impact, ModelDiff};
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn current() -> PathBuf {
    root().join("models/snowball/2016-06-30")
}

fn old() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snowball-botocore-1.13.50")
}

const EXPECTED: &str = "tests/fixtures/snowball-1.13.50-to-current.md";

#[test]
fn old_to_current_matches_the_checked_in_changelog() {
    let d = diff::diff_dirs(&old(), &current(), "snowball").unwrap();
    let text = d.render(Some("0.1.0"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(EXPECTED);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        text == expected,
        "the changelog differs from {EXPECTED}; if models/ changed on purpose, rerun with \
         UPDATE_EXPECT=1 and review the diff\n--- got:\n{text}"
    );
}

#[test]
fn old_to_current_finds_the_new_features() {
    let d = diff::diff_dirs(&old(), &current(), "snowball").unwrap();
    assert!(
        d.headline().starts_with("Snowball - 8 new api methods"),
        "{}",
        d.headline()
    );
    let new: Vec<&str> = d.new_operations.iter().map(|(n, _)| n.as_str()).collect();
    for op in [
        "CreateLongTermPricing",
        "ListLongTermPricing",
        "UpdateLongTermPricing",
        "CreateReturnShippingLabel",
        "DescribeReturnShippingLabel",
    ] {
        assert!(new.contains(&op), "{op} missing from {new:?}");
    }
    let (_, doc) = &d.new_operations[0];
    assert!(
        doc.starts_with("Creates a job with the long-term usage option"),
        "{doc}"
    );
    // CreateCluster's Resources and RoleARN became optional, SnowballType required.
    assert_eq!(d.impact(), Some(Impact::Breaking));
    let breaking: Vec<&str> = d
        .changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .map(|c| c.subject.as_str())
        .collect();
    assert!(
        breaking.contains(&"`CreateCluster` request `.SnowballType`"),
        "{breaking:?}"
    );
    assert!(d
        .changes
        .iter()
        .any(|c| c.subject == "`CreateJob` request `.LongTermPricingId`"
            && c.action == Action::Added
            && c.impact == Impact::Additive));
    assert!(d.count(Category::Paginator, Action::Added) >= 1);
    assert!(d.count(Category::Documentation, Action::Changed) > 0);
    assert_eq!(d.count(Category::Operation, Action::Removed), 0);
    assert_eq!(
        bump("0.1.0", d.impact()).unwrap(),
        (Bump::Minor, "0.2.0".to_string())
    );
}

#[test]
fn current_to_old_removes_operations() {
    let d = diff::diff_dirs(&current(), &old(), "snowball").unwrap();
    assert_eq!(d.count(Category::Operation, Action::Removed), 8);
    assert!(d.new_operations.is_empty());
    assert_eq!(d.impact(), Some(Impact::Breaking));
    assert!(
        d.headline().contains("8 removed api methods"),
        "{}",
        d.headline()
    );
}

#[test]
fn current_against_itself_reports_no_change() {
    let d = diff::diff_dirs(&current(), &current(), "snowball").unwrap();
    assert!(d.is_empty(), "{:#?}", d.changes);
    assert_eq!(d.impact(), None);
    assert_eq!(
        bump("0.1.0", None).unwrap(),
        (Bump::None, "0.1.0".to_string())
    );
    assert_eq!(
        d.render(Some("0.1.0")),
        "### Snowball - no changes\n\nNo changes.\n"
    );
}

/// The committed model with `edit` applied, compared with the committed model.
fn edited(name: &str, edit: impl FnOnce(&mut Value)) -> ModelDiff {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("model-diff-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut service: Value =
        serde_json::from_str(&std::fs::read_to_string(current().join("service-2.json")).unwrap())
            .unwrap();
    edit(&mut service);
    std::fs::write(dir.join("service-2.json"), service.to_string()).unwrap();
    std::fs::copy(
        current().join("paginators-1.json"),
        dir.join("paginators-1.json"),
    )
    .unwrap();
    diff::diff_dirs(&current(), &dir, "snowball").unwrap()
}

fn only(d: &ModelDiff) -> &diff::Change {
    assert_eq!(d.changes.len(), 1, "{:#?}", d.changes);
    &d.changes[0]
}

#[test]
fn added_enum_value_is_additive() {
    let d = edited("enum-add", |s| {
        s["shapes"]["JobType"]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("RENTAL"));
    });
    let c = only(&d);
    assert_eq!(
        (c.category, c.action, c.impact),
        (Category::EnumValue, Action::Added, Impact::Additive)
    );
    assert_eq!(c.subject, "`JobType.RENTAL`");
    assert_eq!(
        bump("0.1.0", d.impact()).unwrap(),
        (Bump::Patch, "0.1.1".to_string())
    );
    assert_eq!(
        bump("1.2.3", d.impact()).unwrap(),
        (Bump::Minor, "1.3.0".to_string())
    );
}

#[test]
fn removed_enum_value_is_breaking() {
    let d = edited("enum-remove", |s| {
        s["shapes"]["JobType"]["enum"]
            .as_array_mut()
            .unwrap()
            .retain(|v| v != "LOCAL_USE");
    });
    let c = only(&d);
    assert_eq!(
        (c.category, c.action, c.impact),
        (Category::EnumValue, Action::Removed, Impact::Breaking)
    );
    assert_eq!(
        bump("1.2.3", d.impact()).unwrap(),
        (Bump::Major, "2.0.0".to_string())
    );
}

#[test]
fn member_becoming_required_is_breaking() {
    let d = edited("required", |s| {
        s["shapes"]["DescribeJobRequest"]["required"] = json!(["JobId"]);
        s["shapes"]["UpdateJobRequest"]["required"] = json!(["JobId", "Description"]);
    });
    let c = only(&d);
    assert_eq!(
        (c.category, c.action, c.impact),
        (Category::Member, Action::Changed, Impact::Breaking)
    );
    assert_eq!(c.subject, "`UpdateJob` request `.Description`");
    assert!(c.detail.starts_with("now required"), "{}", c.detail);
    assert_eq!(d.updated_operations(), vec!["UpdateJob"]);
}

#[test]
fn type_change_and_member_removal_are_breaking() {
    let d = edited("type", |s| {
        s["shapes"]["CreateJobRequest"]["members"]["Description"]["shape"] = json!("ListLimit");
        s["shapes"]["JobMetadata"]["members"]
            .as_object_mut()
            .unwrap()
            .remove("Description");
    });
    // The constraints in the member's docs change too (a length became a range).
    let breaking: Vec<_> = d
        .changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .collect();
    assert_eq!(breaking.len(), 2, "{:#?}", d.changes);
    assert!(d
        .changes
        .iter()
        .all(|c| c.impact == Impact::Breaking || c.category == Category::Documentation));
    assert!(d
        .changes
        .iter()
        .any(|c| c.detail.contains("`Option<String>` -> `Option<i32>`")));
    assert!(d
        .changes
        .iter()
        .any(|c| c.subject == "`JobMetadata` `.Description`" && c.action == Action::Removed));
}

#[test]
fn documentation_only_change_is_a_patch() {
    let d = edited("docs", |s| {
        s["operations"]["ListJobs"]["documentation"] = json!("<p>Lists jobs, newest first.</p>");
    });
    let c = only(&d);
    assert_eq!(
        (c.category, c.impact),
        (Category::Documentation, Impact::Patch)
    );
    assert_eq!(
        bump("0.1.0", d.impact()).unwrap(),
        (Bump::Patch, "0.1.1".to_string())
    );
    assert!(d
        .render(Some("0.1.0"))
        .contains("documentation only; suggested version bump: patch, 0.1.0 -> 0.1.1"));
}

#[test]
fn errors_and_operations_added_and_removed() {
    let d = edited("errors", |s| {
        let errs = s["operations"]["CancelJob"]["errors"]
            .as_array_mut()
            .unwrap();
        let removed = errs.remove(0);
        s["operations"]["ListJobs"]["errors"]
            .as_array_mut()
            .unwrap()
            .push(removed);
        s["operations"]
            .as_object_mut()
            .unwrap()
            .remove("GetSnowballUsage");
    });
    let kinds: Vec<(Category, Action, Impact)> = d
        .changes
        .iter()
        .map(|c| (c.category, c.action, c.impact))
        .collect();
    assert!(
        kinds.contains(&(Category::Error, Action::Added, Impact::Additive)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(Category::Error, Action::Removed, Impact::Breaking)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(Category::Operation, Action::Removed, Impact::Breaking)),
        "{kinds:?}"
    );
    assert!(
        d.headline()
            .contains("1 removed api method, 2 updated api methods"),
        "{}",
        d.headline()
    );
}

#[test]
fn bump_rejects_bad_versions() {
    assert!(bump("0.1", Some(Impact::Patch)).is_err());
    assert!(bump("x.1.0", None).is_err());
}
