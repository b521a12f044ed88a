//! The table formatter's wide-character ranges (`cli/src/wide.rs`) are exactly what the
//! oracle's Python counts as two columns (`unicodedata.east_asian_width` in W, F, A).

mod common;

#[path = "../src/wide.rs"]
mod wide;

#[test]
fn wide_ranges_match_the_oracles_python() {
    let python = common::aws_cli().with_file_name("python");
    let script = "import unicodedata, json\n\
        r = []; start = None\n\
        for c in range(0x110000):\n\
        \x20   w = unicodedata.east_asian_width(chr(c)) in 'WFA'\n\
        \x20   if w and start is None: start = c\n\
        \x20   if not w and start is not None: r.append((start, c - 1)); start = None\n\
        if start is not None: r.append((start, 0x10ffff))\n\
        print(json.dumps(r))";
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .output()
        .expect("python");
    let theirs: Vec<(u32, u32)> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("python: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(wide::WIDE, theirs.as_slice());
}
