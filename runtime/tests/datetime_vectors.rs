//! Runs `DateTime` against every case of the Smithy date-time format suite
//! (`date_time_format_test_suite.json` from smithy-rs, kept in `shared/vectors`).

use std::path::PathBuf;

use awsrt::DateTime;
use serde_json::Value;

fn suite() -> Value {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "shared",
        "vectors",
        "smithy-types-datetime",
    ]
    .iter()
    .collect::<PathBuf>()
    .join("date_time_format_test_suite.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} (shared/ must sit beside the checkout): {e}",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("suite is JSON")
}

/// Checks one case: the canonical instant, whether an error is expected, and the text.
type Check = dyn Fn(DateTime, bool, Option<&str>) -> Result<(), String>;

/// Runs one section; returns (cases run, failure descriptions).
fn run_section(suite: &Value, section: &str, check: &Check) -> (usize, Vec<String>) {
    let cases = suite[section]
        .as_array()
        .unwrap_or_else(|| panic!("section {section} missing"));
    let mut failures = Vec::new();
    for case in cases {
        let secs: i64 = case["canonical_seconds"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("canonical_seconds");
        let nanos = u32::try_from(case["canonical_nanos"].as_u64().expect("canonical_nanos"))
            .expect("nanos fit u32");
        let error = case["error"].as_bool().expect("error flag");
        let value = case["smithy_format_value"].as_str();
        let dt = DateTime::from_parts(secs, nanos).expect("canonical nanos below one second");
        if let Err(why) = check(dt, error, value) {
            failures.push(format!("{section} {}: {why}", case["iso8601"]));
        }
    }
    (cases.len(), failures)
}

fn expect_format(got: Option<String>, error: bool, value: Option<&str>) -> Result<(), String> {
    let want = if error {
        None
    } else {
        Some(value.ok_or("no expected value")?.to_owned())
    };
    if got == want {
        Ok(())
    } else {
        Err(format!("formatted {got:?}, want {want:?}"))
    }
}

fn expect_parse(
    parse: fn(&str) -> Result<DateTime, awsrt::DateTimeParseError>,
) -> impl Fn(DateTime, bool, Option<&str>) -> Result<(), String> {
    move |dt, error, value| {
        let text = value.ok_or("no input value")?;
        match (parse(text), error) {
            (Ok(got), false) if got == dt => Ok(()),
            (Err(_), true) => Ok(()),
            (got, _) => Err(format!(
                "parsed {text:?} as {got:?}, want {}",
                if error {
                    "an error".into()
                } else {
                    format!("{dt:?}")
                }
            )),
        }
    }
}

#[test]
fn smithy_date_time_format_suite() {
    let suite = suite();
    let sections: [(&str, Box<Check>); 6] = [
        (
            "format_epoch_seconds",
            Box::new(|dt: DateTime, e, v| expect_format(Some(dt.fmt_epoch()), e, v)),
        ),
        (
            "format_http_date",
            Box::new(|dt: DateTime, e, v| expect_format(dt.try_fmt_http_date(), e, v)),
        ),
        (
            "format_date_time",
            Box::new(|dt: DateTime, e, v| expect_format(dt.try_fmt_iso8601(), e, v)),
        ),
        (
            "parse_epoch_seconds",
            Box::new(expect_parse(DateTime::parse_epoch)),
        ),
        (
            "parse_http_date",
            Box::new(expect_parse(DateTime::parse_http_date)),
        ),
        (
            "parse_date_time",
            Box::new(expect_parse(DateTime::parse_iso8601)),
        ),
    ];
    let (mut total, mut failures) = (0, Vec::new());
    for (name, check) in &sections {
        let (n, f) = run_section(&suite, name, check);
        assert!(n > 0, "section {name} is empty");
        println!("{name}: {} passed, {} failed", n - f.len(), f.len());
        total += n;
        failures.extend(f);
    }
    println!(
        "datetime vectors: {} passed, {} failed",
        total - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn formatted_values_parse_back() {
    let suite = suite();
    let mut checked = 0;
    for case in suite["format_date_time"]
        .as_array()
        .expect("section")
        .iter()
        .chain(suite["format_http_date"].as_array().expect("section"))
    {
        let secs: i64 = case["canonical_seconds"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("seconds");
        let nanos =
            u32::try_from(case["canonical_nanos"].as_u64().expect("nanos")).expect("nanos fit");
        let dt = DateTime::from_parts(secs, nanos).expect("valid");
        // The ISO text truncates to microseconds; the HTTP date to seconds.
        let iso = DateTime::parse_iso8601(&dt.fmt_iso8601()).expect("own ISO output parses");
        assert_eq!(
            iso,
            DateTime::from_parts(secs, nanos / 1_000 * 1_000).expect("valid")
        );
        if let Some(http) = dt.try_fmt_http_date() {
            assert_eq!(
                DateTime::parse_http_date(&http).expect("own HTTP date parses"),
                DateTime::from_secs(secs)
            );
        }
        checked += 1;
    }
    assert!(checked > 0);
}
