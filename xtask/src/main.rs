//! Project commands, run as `cargo xtask <command>`.

mod bench;
mod bench_local;
mod ci;
mod codegen;
mod conformance;
mod fuzz;
mod generate_all;
mod model_diff;
mod update_model;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("conformance") => run_conformance(&args[1..]),
        Some("ci") => ci::run(&conformance::root()),
        // The one place that makes the pinned venv; tests run this and read the path.
        Some("venv") => ci::python_venv(&conformance::root()).map(|p| println!("{}", p.display())),
        Some("fuzz") => fuzz::run_cli(&conformance::root(), &args[1..]),
        Some("bench") => match &args[1..] {
            [] => bench::run(&conformance::root(), false),
            [flag] if flag == "--quick" => bench::run(&conformance::root(), true),
            _ => Err("usage: cargo xtask bench [--quick]".into()),
        },
        Some("bench-local") => {
            let flags = &args[1..];
            if flags.iter().all(|f| f == "--quick" || f == "--pin") {
                let has = |f: &str| flags.iter().any(|a| a == f);
                bench_local::run(&conformance::root(), has("--quick"), has("--pin"))
            } else {
                Err("usage: cargo xtask bench-local [--quick] [--pin]".into())
            }
        }
        Some("update-model") => match &args[1..] {
            [flag, version] if flag == "--botocore" => {
                update_model::run(&conformance::root(), version)
            }
            _ => Err("usage: cargo xtask update-model --botocore VERSION".into()),
        },
        Some("generate-all") => generate_all::run(&conformance::root(), &args[1..]),
        Some("model-diff") => match &args[1..] {
            [old, new] => model_diff::run(&conformance::root(), old.as_ref(), new.as_ref()),
            _ => Err("usage: cargo xtask model-diff OLD_DIR NEW_DIR".into()),
        },
        Some("codegen") => match &args[1..] {
            [] => codegen::run(&conformance::root(), false),
            [flag] if flag == "--check" => codegen::run(&conformance::root(), true),
            _ => Err("usage: cargo xtask codegen [--check]".into()),
        },
        _ => {
            eprintln!("usage: cargo xtask <codegen [--check] | bench [--quick] | bench-local [--quick] [--pin] | conformance [protocol FILE...] | ci | venv | fuzz [--seconds N] [TARGET...] | update-model --botocore VERSION | generate-all --botocore VERSION [--compile] [--jobs N] [--batch N] [SERVICE...] | model-diff OLD_DIR NEW_DIR>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn run_conformance(args: &[String]) -> Result<(), String> {
    let mut reports = Vec::new();
    match args {
        [] => {
            let botocore = conformance::botocore_sdist()?;
            let shared = conformance::shared_vectors();
            reports.extend(conformance::cbor::run(&botocore, &shared));
            reports.extend(conformance::sigv4::run(&botocore, &shared));
            reports.extend(conformance::protocol::run(&botocore));
            reports.extend(conformance::endpoints::run(&botocore, &conformance::root()));
        }
        // Only the endpoint suites (rule sets and configured URLs): no harness to build.
        [cmd] if cmd == "endpoints" => {
            let botocore = conformance::botocore_sdist()?;
            reports.extend(conformance::endpoints::run(&botocore, &conformance::root()));
        }
        [cmd, ruleset, tests] if cmd == "endpoints" => {
            reports.push(conformance::endpoints::run_rules(
                "endpoints",
                std::path::Path::new(ruleset),
                std::path::Path::new(tests),
            ));
        }
        [cmd, files @ ..] if cmd == "protocol" && !files.is_empty() => {
            let files: Vec<std::path::PathBuf> = files.iter().map(Into::into).collect();
            reports.extend(conformance::protocol::run_files(&files));
        }
        _ => {
            return Err(
                "usage: cargo xtask conformance [protocol FILE... | endpoints [RULESET TESTS]]"
                    .into(),
            )
        }
    }
    let (_, failed) = conformance::summarize(&mut reports);
    if failed > 0 {
        return Err(format!("{failed} conformance cases failed"));
    }
    Ok(())
}
