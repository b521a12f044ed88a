//! The model loader: `service-2.json` parsing (serde mirror with JSON paths in errors) and
//! lowering to the generator's IR, which must reject bad models with an error, never panic.
#![no_main]

use std::path::{Path, PathBuf};

use codegen::model::{parse_json, ModelFiles, ServiceModel};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let service: ServiceModel = match parse_json(Path::new("service-2.json"), text) {
        Ok(s) => s,
        Err(e) => {
            drop(e.to_string());
            return;
        }
    };
    let files = ModelFiles {
        dir: PathBuf::from("fuzz"),
        service,
        paginators: Default::default(),
        examples: Default::default(),
    };
    match codegen::ir::lower(&files, "fuzzed") {
        Ok(ir) => drop(format!("{:?}", ir.operations.len())),
        Err(e) => drop(e.to_string()),
    }
});
