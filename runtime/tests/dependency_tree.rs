//! The runtime keeps one JSON parser, its own (`codec::json`): a default build of awsrt
//! must not pull serde_json or what comes with it. `cargo tree` reads only the lock file
//! and the local registry cache (`--offline`), so this never reaches the network.

use std::process::Command;

#[test]
fn a_default_build_has_no_serde_json() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let out = Command::new(cargo)
        .args(["tree", "--offline", "--manifest-path", manifest])
        .args(["-p", "awsrt", "-e", "normal", "--prefix", "none"])
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo tree failed: {stderr}");
    let tree = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.contains(&"awsrt"), "{tree}");
    // serde_json and the crates only it brings (serde through serde_core, and its
    // float formatters); itoa and memchr stay, for http and quick-xml.
    // flate2 comes only with feature `gzip`, which only crates that compress turn on.
    for banned in ["serde_json", "serde", "serde_core", "ryu", "zmij", "flate2"] {
        assert!(!names.contains(&banned), "{banned} is in the tree:\n{tree}");
    }
}
