//! The shared config and credentials file parser, and the settings read from the result.
//!
//! Input: UTF-8 text; the part before the first NUL is the config file, the rest the
//! credentials file.
#![no_main]

use std::path::Path;

use awsrt::internal::shared_config::profile::ProfileSet;
use awsrt::internal::shared_config::{Env, SharedConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (config, credentials) = text.split_once('\0').unwrap_or((text, ""));
    let parsed = ProfileSet::parse(
        Some((Path::new("config"), config)),
        Some((Path::new("credentials"), credentials)),
    );
    let set = match parsed {
        Ok(set) => set,
        Err(e) => {
            drop(e.to_string());
            return;
        }
    };
    let mut names: Vec<String> = set.profiles.keys().take(4).cloned().collect();
    names.push("default".into());
    for name in names {
        let shared = SharedConfig::from_parts(Env::from_vars::<&str, &str>([]), set.clone(), &name);
        drop(shared.region());
        drop(shared.use_fips());
        drop(shared.use_dualstack());
        drop(shared.max_attempts());
        drop(shared.retry_mode());
        drop(shared.ignore_configured_endpoint_urls());
        drop(shared.configured_endpoint_url("Snowball"));
        if let Some(section) = shared.profile() {
            for key in section.properties().keys().take(8) {
                drop(section.sub_properties(key));
            }
        }
    }
});
