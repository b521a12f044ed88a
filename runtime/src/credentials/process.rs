//! `credential_process`: runs a command (split like botocore does, no shell) under a
//! timeout and reads its JSON output.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

use super::util::{excerpt, json_credentials, parse_json};
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::BoxFuture;

/// How long the process may run by default (botocore has no limit; a process that never
/// exits would otherwise stall every call waiting for credentials).
pub const DEFAULT_PROCESS_TIMEOUT: Duration = Duration::from_secs(20);

/// Output larger than this is not credentials; reading stops there.
const MAX_OUTPUT: u64 = 1 << 20;

/// Runs the profile's `credential_process` command on every load.
#[derive(Clone)]
pub struct ProcessProvider {
    command: String,
    timeout: Duration,
}

/// The command line may carry a password or key as an argument: never shown.
impl std::fmt::Debug for ProcessProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessProvider")
            .field("command", &crate::http::redact::REDACTED)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ProcessProvider {
    /// The command line, e.g. `/usr/bin/get-creds --profile "my profile"`.
    pub fn new(command: impl Into<String>) -> Self {
        ProcessProvider {
            command: command.into(),
            timeout: DEFAULT_PROCESS_TIMEOUT,
        }
    }

    /// How long the process may take to exit and close its output (default 20 s); when
    /// it expires the process is killed and the load fails.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        // The command line may embed secrets (a token or password argument): messages
        // name the program only.
        let argv = split_command(&self.command, cfg!(windows))
            .map_err(|m| CredentialsError::Failed(format!("credential_process: {m}")))?;
        let Some((program, args)) = argv.split_first() else {
            return Err(CredentialsError::Failed(
                "credential_process: empty command".into(),
            ));
        };
        let fail =
            |m: String| CredentialsError::Failed(format!("credential_process `{program}`: {m}"));
        let mut child = tokio::process::Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Dropped mid-run (the cache's load timeout, a cancelled call): killed.
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| fail(format!("could not run it: {e}")))?;
        // Both pipes are read while waiting (a child that fills one would block), by tasks
        // that are aborted however this ends: a grandchild may hold the pipes open.
        let out_task = tokio::spawn(read_capped(child.stdout.take()));
        let err_task = tokio::spawn(read_capped(child.stderr.take()));
        let _readers = AbortOnDrop([out_task.abort_handle(), err_task.abort_handle()]);
        let joined = |r: Result<std::io::Result<Vec<u8>>, tokio::task::JoinError>| {
            r.map_err(std::io::Error::other).and_then(|r| r)
        };
        let run = async {
            let status = child.wait().await;
            (status, joined(out_task.await), joined(err_task.await))
        };
        let (status, stdout, stderr) = match tokio::time::timeout(self.timeout, run).await {
            Ok(done) => done,
            Err(_) => {
                // Kill and reap it; an error here means it is already gone.
                let _ = child.kill().await;
                return Err(fail(format!(
                    "no credentials within {}s; the process was killed",
                    self.timeout.as_secs_f64()
                )));
            }
        };
        let status = status.map_err(|e| fail(format!("could not wait for it: {e}")))?;
        let stdout = stdout.map_err(|e| fail(format!("could not read its output: {e}")))?;
        if !status.success() {
            let stderr = stderr.unwrap_or_default();
            return Err(fail(format!("exited with {status}: {}", excerpt(&stderr))));
        }
        let v = parse_json(&stdout, "its output").map_err(fail)?;
        match v.get("Version").and_then(crate::codec::json::Value::as_i64) {
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

/// Aborts the pipe readers when the load ends, by timeout, error or cancellation.
struct AbortOnDrop([tokio::task::AbortHandle; 2]);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.iter().for_each(tokio::task::AbortHandle::abort);
    }
}

/// Reads a pipe to its end, keeping at most [`MAX_OUTPUT`] bytes and draining the rest
/// so the writer never blocks on a full pipe.
async fn read_capped(pipe: Option<impl AsyncRead + Unpin>) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    if let Some(mut pipe) = pipe {
        (&mut pipe).take(MAX_OUTPUT).read_to_end(&mut buf).await?;
        tokio::io::copy(&mut pipe, &mut tokio::io::sink()).await?;
    }
    Ok(buf)
}

/// Splits a command line as botocore's `compat_shell_split` does: on Windows like the C
/// runtime's argument parser (space and tab separate, only double quotes quote, and a
/// backslash is literal unless a run of them leads up to a double quote), elsewhere like
/// Python's `shlex.split` in POSIX mode (space, tab, CR and LF separate; single quotes
/// are literal; in double quotes a backslash escapes only `"` and `\`; outside quotes it
/// escapes any character).
pub(crate) fn split_command(s: &str, windows: bool) -> Result<Vec<String>, String> {
    if windows {
        split_windows(s)
    } else {
        split_posix(s)
    }
}

fn split_posix(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
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
                    None => return Err("no escaped character after the final backslash".into()),
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

fn split_windows(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    // A pair of quotes makes a word even when nothing is between them.
    let mut in_word = false;
    let mut quoted = false;
    let mut backslashes = 0usize;
    for c in s.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                // A run of backslashes before a quote: pairs are literal backslashes, an
                // odd one escapes the quote.
                cur.extend(std::iter::repeat_n('\\', backslashes / 2));
                let escaped = backslashes % 2 == 1;
                backslashes = 0;
                in_word = true;
                if escaped {
                    cur.push('"');
                } else {
                    quoted = !quoted;
                }
            }
            ' ' | '\t' if !quoted => {
                cur.extend(std::iter::repeat_n('\\', backslashes));
                if backslashes > 0 {
                    in_word = true;
                }
                backslashes = 0;
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.extend(std::iter::repeat_n('\\', backslashes));
                backslashes = 0;
                in_word = true;
                cur.push(c);
            }
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

    /// Inputs and what botocore 1.44.5's `compat_shell_split` returns for them with
    /// platform `linux` and `win32` (`None`: it raises `ValueError`).
    #[test]
    fn splits_like_botocore_on_both_platforms() {
        #[allow(clippy::type_complexity)]
        let table: &[(&str, Option<&[&str]>, Option<&[&str]>)] = &[
            (
                "/bin/get \"a b\" 'c d' e\\ f  g",
                Some(&["/bin/get", "a b", "c d", "e f", "g"]),
                Some(&["/bin/get", "a b", "'c", "d'", "e\\", "f", "g"]),
            ),
            (
                "get \"a\\\"b\" \"c\\\\d\" \"e\\$f\" \"g\\x\"",
                Some(&["get", "a\"b", "c\\d", "e\\$f", "g\\x"]),
                Some(&["get", "a\"b", "c\\\\d", "e\\$f", "g\\x"]),
            ),
            (
                "get a\\\\b c\\\"d",
                Some(&["get", "a\\b", "c\"d"]),
                Some(&["get", "a\\\\b", "c\"d"]),
            ),
            (
                "get \"\" '' x",
                Some(&["get", "", "", "x"]),
                Some(&["get", "", "''", "x"]),
            ),
            (
                "get\ta\rb\nc",
                Some(&["get", "a", "b", "c"]),
                Some(&["get", "a\rb\nc"]),
            ),
            (
                "get a\"b c\"d",
                Some(&["get", "ab cd"]),
                Some(&["get", "ab cd"]),
            ),
            (
                "C:\\tools\\get.exe --profile \"my profile\"",
                Some(&["C:toolsget.exe", "--profile", "my profile"]),
                Some(&["C:\\tools\\get.exe", "--profile", "my profile"]),
            ),
            (
                "\"C:\\Program Files\\get.exe\" a\\\\\"b c\" d\\\"e f\\\\\\\\\"g h\"",
                Some(&["C:\\Program Files\\get.exe", "a\\b c", "d\"e", "f\\\\g h"]),
                Some(&["C:\\Program Files\\get.exe", "a\\b c", "d\"e", "f\\\\g h"]),
            ),
            (
                "get \\\\server\\share\\x a\\b",
                Some(&["get", "\\serversharex", "ab"]),
                Some(&["get", "\\\\server\\share\\x", "a\\b"]),
            ),
            ("get \"unterminated", None, None),
            ("get 'unterminated", None, Some(&["get", "'unterminated"])),
            ("get trailing\\", None, Some(&["get", "trailing\\"])),
            (
                "get a\\\\ b\\\\\\\\",
                Some(&["get", "a\\", "b\\\\"]),
                Some(&["get", "a\\\\", "b\\\\\\\\"]),
            ),
            ("get   ", Some(&["get"]), Some(&["get"])),
            ("", Some(&[]), Some(&[])),
            ("get \"a\"\"b\"", Some(&["get", "ab"]), Some(&["get", "ab"])),
            (
                "get \u{a0}x",
                Some(&["get", "\u{a0}x"]),
                Some(&["get", "\u{a0}x"]),
            ),
        ];
        for (input, posix, windows) in table {
            for (win, want) in [(false, posix), (true, windows)] {
                let got = split_command(input, win).ok();
                let want = want.map(|v| v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
                assert_eq!(got, want, "{input:?} (windows: {win})");
            }
        }
    }
}
