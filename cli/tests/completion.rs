//! `completion bash|zsh|fish`: the scripts complete commands, each command's options
//! (global ones too) and the values of enum options, `--output` and `--color`.
//!
//! bash runs the real script: COMP_WORDS/COMP_CWORD set, the function called, COMPREPLY
//! read. zsh and fish are not installed on the CI image: the zsh script is run by bash
//! with `compadd`/`compdef` stubbed and zsh's 1-based `words` mimicked (the script keeps
//! to syntax both shells share, which `bash -n` also checks), and the fish script's
//! `complete` lines are checked as text.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use awsrt::internal::cli::{Kind, ServiceTable};

fn script(bin: &str, shell: &str) -> String {
    let exe = match bin {
        "snowball" => PathBuf::from(env!("CARGO_BIN_EXE_snowball")),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_importexport")),
    };
    let out = Command::new(exe)
        .args(["completion", shell])
        .output()
        .expect("running the CLI");
    assert!(
        out.status.success(),
        "{bin} completion {shell}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// A directory of its own for each call: the tests run in parallel in one process.
fn temp_dir(bin: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("completion-{}-{bin}-{n}", std::process::id()))
}

fn bash_quote(w: &str) -> String {
    format!("'{}'", w.replace('\'', r"'\''"))
}

/// Completes each command line (its last word being completed) with the bash script in
/// one bash process; the sorted replies, one set per line.
fn bash_complete(bin: &str, lines: &[Vec<&str>]) -> Vec<BTreeSet<String>> {
    let dir = temp_dir(bin);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bash");
    std::fs::write(&path, script(bin, "bash")).expect("writing the script");
    let mut prog = format!("source {}\n", bash_quote(&path.to_string_lossy()));
    for words in lines {
        let quoted: Vec<String> = words.iter().map(|w| bash_quote(w)).collect();
        prog.push_str(&format!(
            "COMP_WORDS=({}); COMP_CWORD={}; COMPREPLY=(); _{}; echo \"${{COMPREPLY[*]}}\"\n",
            quoted.join(" "),
            words.len() - 1,
            bin
        ));
    }
    let replies = run_bash(&prog, lines.len());
    let _ = std::fs::remove_dir_all(&dir);
    replies
}

/// The same with the zsh script, run by bash: `words` 1-based (a dummy at 0), `CURRENT`
/// the completed word's index, `compadd` printing its words.
fn zsh_complete(bin: &str, lines: &[Vec<&str>]) -> Vec<BTreeSet<String>> {
    let dir = temp_dir(bin);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("zsh");
    std::fs::write(&path, script(bin, "zsh")).expect("writing the script");
    let mut prog = String::from(
        "REPLY=()\ncompadd() { [[ $1 == -- ]] && shift; REPLY+=(\"$@\"); }\ncompdef() { :; }\n",
    );
    prog.push_str(&format!("source {}\n", bash_quote(&path.to_string_lossy())));
    for words in lines {
        let quoted: Vec<String> = words.iter().map(|w| bash_quote(w)).collect();
        prog.push_str(&format!(
            "words=('' {}); CURRENT={}; PREFIX={}; REPLY=(); _{}; echo \"${{REPLY[*]}}\"\n",
            quoted.join(" "),
            words.len(),
            bash_quote(words.last().expect("a word")),
            bin
        ));
    }
    let replies = run_bash(&prog, lines.len());
    let _ = std::fs::remove_dir_all(&dir);
    // zsh's compadd filters by the typed prefix itself; here the test does.
    replies
        .into_iter()
        .zip(lines)
        .map(|(set, words)| {
            let prefix = words.last().expect("a word");
            set.into_iter().filter(|w| w.starts_with(prefix)).collect()
        })
        .collect()
}

fn run_bash(prog: &str, n: usize) -> Vec<BTreeSet<String>> {
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", prog])
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let sets: Vec<BTreeSet<String>> = text
        .lines()
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect();
    assert_eq!(sets.len(), n, "one reply per line: {text}");
    sets
}

fn set(words: &[&str]) -> BTreeSet<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// The hand-picked cases of the issue, for both bash and the zsh script.
fn cases() -> Vec<(Vec<&'static str>, BTreeSet<String>)> {
    vec![
        (
            vec!["snowball", "cre"],
            set(&[
                "create-address",
                "create-cluster",
                "create-job",
                "create-long-term-pricing",
                "create-return-shipping-label",
            ]),
        ),
        (
            vec!["snowball", "create-job", "--job-t"],
            set(&["--job-type"]),
        ),
        (
            vec!["snowball", "create-job", "--job-type", ""],
            set(&["IMPORT", "EXPORT", "LOCAL_USE"]),
        ),
        (
            vec![
                "snowball",
                "--region",
                "us-east-1",
                "create-job",
                "--job-type",
                "",
            ],
            set(&["IMPORT", "EXPORT", "LOCAL_USE"]),
        ),
        (
            vec!["snowball", "--output", ""],
            set(&["json", "text", "table"]),
        ),
        (
            vec!["snowball", "list-jobs", "--color", ""],
            set(&["on", "off", "auto"]),
        ),
        (
            vec!["snowball", "create-job", "--cli-"],
            set(&[
                "--cli-input-json",
                "--cli-read-timeout",
                "--cli-connect-timeout",
            ]),
        ),
        (vec!["snowball", "--deb"], set(&["--debug"])),
        // Refused options are not offered.
        (vec!["snowball", "--no-v"], set(&[])),
        (vec!["snowball", "list-jobs", "--v2"], set(&[])),
        (
            vec!["snowball", "completion", ""],
            set(&["bash", "zsh", "fish"]),
        ),
        (
            vec!["snowball", "list-jobs", "--max"],
            set(&["--max-items"]),
        ),
        (
            vec!["snowball", "create-long-term-pricing", "--no-is"],
            set(&["--no-is-long-term-pricing-auto-renew"]),
        ),
    ]
}

#[test]
fn bash_completes_commands_options_and_enum_values() {
    let (lines, want): (Vec<_>, Vec<_>) = cases().into_iter().unzip();
    let got = bash_complete("snowball", &lines);
    for ((line, want), got) in lines.iter().zip(&want).zip(&got) {
        assert_eq!(got, want, "{line:?}");
    }
    let got = bash_complete(
        "importexport",
        &[
            vec!["importexport", "create-job", "--job-type", ""],
            vec!["importexport", "create-job", "--valid"],
        ],
    );
    assert_eq!(got[0], set(&["Import", "Export"]));
    assert_eq!(got[1], set(&["--validate-only"]));
}

#[test]
fn zsh_script_completes_the_same() {
    let (lines, want): (Vec<_>, Vec<_>) = cases().into_iter().unzip();
    let got = zsh_complete("snowball", &lines);
    for ((line, want), got) in lines.iter().zip(&want).zip(&got) {
        assert_eq!(got, want, "{line:?}");
    }
    let s = script("snowball", "zsh");
    assert!(s.starts_with("#compdef snowball\n"), "{s}");
    assert!(s.contains("compdef _snowball snowball"), "{s}");
}

/// Every command, and every enum option of every command, from the table: the replies
/// are the command list and the enum's values.
fn every_enum(bin: &'static str, table: &'static ServiceTable) {
    let mut cases: Vec<(Vec<String>, BTreeSet<String>)> = Vec::new();
    let mut commands: BTreeSet<String> = table
        .operations
        .iter()
        .map(|o| o.command.to_string())
        .collect();
    commands.extend(["completion".to_string(), "help".to_string()]);
    cases.push((vec![bin.to_string(), String::new()], commands));
    for op in table.operations {
        for m in op.input.members {
            let values = match m.kind {
                Kind::Enum(v) => v,
                Kind::List(Kind::Enum(v)) => v,
                _ => continue,
            };
            cases.push((
                vec![
                    bin.to_string(),
                    op.command.to_string(),
                    format!("--{}", m.flag),
                    String::new(),
                ],
                values.iter().map(|v| v.to_string()).collect(),
            ));
        }
    }
    assert!(cases.len() > 1, "{bin}: some enum option");
    let lines: Vec<Vec<&str>> = cases
        .iter()
        .map(|(l, _)| l.iter().map(String::as_str).collect())
        .collect();
    let got = bash_complete(bin, &lines);
    for ((line, want), got) in cases
        .iter()
        .map(|(l, _)| l)
        .zip(cases.iter().map(|(_, w)| w))
        .zip(&got)
    {
        assert_eq!(got, want, "{line:?}");
    }
}

#[test]
fn bash_completes_every_enum_option_of_the_tables() {
    every_enum("snowball", &snowball::cli::SERVICE);
    every_enum("importexport", &importexport::cli::SERVICE);
}

#[test]
fn scripts_parse_and_fish_lines_are_complete_commands() {
    for bin in ["snowball", "importexport"] {
        for shell in ["bash", "zsh"] {
            let out = Command::new("bash")
                .args(["-n", "-c", &script(bin, shell)])
                .output()
                .expect("bash");
            assert!(
                out.status.success(),
                "{bin} {shell}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let fish = script(bin, "fish");
        for line in fish
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            assert!(line.starts_with(&format!("complete -c {bin} ")), "{line}");
            assert_eq!(line.matches('\'').count() % 2, 0, "quotes: {line}");
        }
    }
    let fish = script("snowball", "fish");
    for want in [
        "complete -c snowball -n '__fish_seen_subcommand_from create-job' -l job-type -x -a 'IMPORT EXPORT LOCAL_USE'",
        "complete -c snowball -l output -x -a 'json text table'",
        "complete -c snowball -l debug",
        "complete -c snowball -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'",
    ] {
        assert!(fish.lines().any(|l| l == want), "missing {want:?} in\n{fish}");
    }
    let commands = fish
        .lines()
        .find(|l| l.contains("__fish_use_subcommand"))
        .expect("the command line");
    for op in snowball::cli::SERVICE.operations {
        assert!(
            commands.contains(&format!(" {} ", op.command))
                || commands.contains(&format!("'{} ", op.command)),
            "{}",
            op.command
        );
    }
}
