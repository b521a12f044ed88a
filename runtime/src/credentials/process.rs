//! `credential_process`: runs a command (split shell-style, no shell) and reads its
//! JSON output.

use std::time::Duration;

use super::util::{excerpt, json_credentials, parse_json};
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::BoxFuture;

/// Runs the profile's `credential_process` command on every load. `Debug` shows no
/// part of the command line: its arguments may carry secrets.
#[derive(Clone)]
pub struct ProcessProvider {
    command: String,
    timeout: Duration,
}

impl std::fmt::Debug for ProcessProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessProvider").finish_non_exhaustive()
    }
}

/// How long a `credential_process` may run before it is killed. botocore waits forever;
/// a hung helper must not hang the client. Below the cache's load timeout, so the error
/// names the process.
pub const PROCESS_TIMEOUT: Duration = Duration::from_secs(20);

impl ProcessProvider {
    /// The command line, e.g. `/usr/bin/get-creds --profile "my profile"`.
    pub fn new(command: impl Into<String>) -> Self {
        ProcessProvider {
            command: command.into(),
            timeout: PROCESS_TIMEOUT,
        }
    }

    /// Kills the process and fails the load after `timeout` (default [`PROCESS_TIMEOUT`]).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        // Messages name the program only: the arguments may carry secrets.
        let argv = split_command(&self.command, cfg!(windows)).map_err(|m| {
            CredentialsError::Failed(format!("credential_process: invalid command line: {m}"))
        })?;
        let Some((program, args)) = argv.split_first() else {
            return Err(CredentialsError::Failed(
                "credential_process: empty command".into(),
            ));
        };
        let fail =
            |m: String| CredentialsError::Failed(format!("credential_process {program}: {m}"));
        let mut cmd = tokio::process::Command::new(program);
        cmd.args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            // Dropping the wait (timeout, or the caller gave up) kills the process.
            .kill_on_drop(true);
        let child = cmd
            .spawn()
            .map_err(|e| fail(format!("could not run it: {e}")))?;
        // A grandchild that keeps stdout open cannot hold the load either: the timeout
        // covers reading the output, and the pipes are dropped with the future.
        let output = match tokio::time::timeout(self.timeout, child.wait_with_output()).await {
            Ok(r) => r.map_err(|e| fail(format!("could not wait for it: {e}")))?,
            Err(_) => {
                return Err(fail(format!(
                    "no answer within {:?}; the process was killed",
                    self.timeout
                )))
            }
        };
        if !output.status.success() {
            return Err(fail(format!(
                "exited with {}: {}",
                output.status,
                excerpt(&output.stderr)
            )));
        }
        let v = parse_json(&output.stdout, "its output").map_err(fail)?;
        match v.get("Version").and_then(serde_json::Value::as_i64) {
            Some(1) => {}
            other => {
                return Err(fail(format!(
                    "output Version must be 1, got {}",
                    other.map_or("none".to_string(), |v| v.to_string())
                )))
            }
        }
        json_credentials(
            &v,
            [
                "AccessKeyId",
                "SecretAccessKey",
                "SessionToken",
                "Expiration",
            ],
            false,
        )
        .map_err(fail)
    }
}

impl ProvideCredentials for ProcessProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// Splits a command line as botocore does: `shlex.split` (POSIX rules) except on
/// Windows, where it follows `CommandLineToArgvW` (backslashes are literal unless they
/// precede a double quote), so `C:\\tools\\creds.exe` keeps its backslashes.
pub(crate) fn split_command(s: &str, windows: bool) -> Result<Vec<String>, String> {
    if windows {
        split_windows(s)
    } else {
        split_posix(s)
    }
}

/// `shlex.split(s)`: whitespace separates, single quotes are literal, in double quotes a
/// backslash escapes only `"` and `\\`, outside quotes it escapes any character.
fn split_posix(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("no closing quotation".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => cur.push(c),
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err("no closing quotation".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("no closing quotation".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(c) => cur.push(c),
                    None => return Err("no escaped character".into()),
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// botocore's `_windows_shell_split`: runs of backslashes are literal unless a double
/// quote follows, where each pair is one backslash and an odd one escapes the quote;
/// an unescaped quote toggles quoting; spaces and tabs separate outside quotes.
fn split_windows(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    // Whether `cur` is a word, even an empty one (`""`).
    let mut in_word = false;
    let mut quoted = false;
    let mut backslashes = 0usize;
    for c in s.chars() {
        if c == '\\' {
            backslashes += 1;
            continue;
        }
        if c == '"' {
            cur.extend(std::iter::repeat_n('\\', backslashes / 2));
            let escaped = backslashes % 2 == 1;
            backslashes = 0;
            in_word = true;
            if escaped {
                cur.push('"');
            } else {
                quoted = !quoted;
            }
            continue;
        }
        cur.extend(std::iter::repeat_n('\\', backslashes));
        in_word |= backslashes > 0;
        backslashes = 0;
        if (c == ' ' || c == '\t') && !quoted {
            if in_word {
                out.push(std::mem::take(&mut cur));
                in_word = false;
            }
        } else {
            cur.push(c);
            in_word = true;
        }
    }
    if quoted {
        return Err("no closing quotation".into());
    }
    cur.extend(std::iter::repeat_n('\\', backslashes));
    if in_word || backslashes > 0 {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::split_command;

    /// (command line, POSIX split, Windows split); `None` is an error. The expected
    /// values are what botocore 1.44.5's `compat_shell_split` returns on each platform.
    type Split = Option<&'static [&'static str]>;

    const CASES: &[(&str, Split, Split)] = &[
        (
            r#"/bin/get "a b" 'c d' e\ f  g"#,
            Some(&["/bin/get", "a b", "c d", "e f", "g"]),
            Some(&["/bin/get", "a b", "'c", "d'", "e\\", "f", "g"]),
        ),
        (
            r#"C:\tools\creds.exe --profile "my profile""#,
            Some(&["C:toolscreds.exe", "--profile", "my profile"]),
            Some(&["C:\\tools\\creds.exe", "--profile", "my profile"]),
        ),
        (
            r#"a\\"b c" d\"e "f\$g""#,
            Some(&["a\\b c", "d\"e", "f\\$g"]),
            Some(&["a\\b c", "d\"e", "f\\$g"]),
        ),
        (r#"x "" y"#, Some(&["x", "", "y"]), Some(&["x", "", "y"])),
        (r#"tail\\"#, Some(&["tail\\"]), Some(&["tail\\\\"])),
        ("x 'open", None, Some(&["x", "'open"])),
        (r#"x "open"#, None, None),
        ("", Some(&[]), Some(&[])),
    ];

    #[test]
    fn splits_like_botocore_on_each_platform() {
        for (line, posix, windows) in CASES {
            let got = |w| split_command(line, w).ok();
            let want = |v: &Option<&[&str]>| v.map(|v| v.iter().map(|s| s.to_string()).collect());
            assert_eq!(got(false), want(posix), "POSIX split of {line:?}");
            assert_eq!(got(true), want(windows), "Windows split of {line:?}");
        }
    }
}
