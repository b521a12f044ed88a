//! `credential_process`: runs a command (split shell-style, no shell) and reads its
//! JSON output.

use super::util::{excerpt, json_credentials, parse_json};
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::http::BoxFuture;

/// Runs the profile's `credential_process` command on every load.
#[derive(Clone)]
pub struct ProcessProvider {
    command: String,
}

// The command line may carry a password or key as an argument.
impl std::fmt::Debug for ProcessProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessProvider")
            .field("command", &crate::http::redact::REDACTED)
            .finish()
    }
}

impl ProcessProvider {
    /// The command line, e.g. `/usr/bin/get-creds --profile "my profile"`.
    pub fn new(command: impl Into<String>) -> Self {
        ProcessProvider {
            command: command.into(),
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let fail = |m: String| {
            CredentialsError::Failed(format!("credential_process `{}`: {m}", self.command))
        };
        let argv = split_command(&self.command).map_err(fail)?;
        let Some((program, args)) = argv.split_first() else {
            return Err(fail("empty command".into()));
        };
        let mut cmd = std::process::Command::new(program);
        cmd.args(args)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let output = tokio::task::spawn_blocking(move || cmd.output())
            .await
            .map_err(|e| fail(format!("could not wait for the process: {e}")))?
            .map_err(|e| fail(format!("could not run it: {e}")))?;
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

/// Splits a command line the way a POSIX shell would for words: whitespace separates,
/// single quotes are literal, double quotes allow `\"` and `\\`, a backslash outside
/// quotes escapes the next character.
pub(crate) fn split_command(s: &str) -> Result<Vec<String>, String> {
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
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => cur.push(c),
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    cur.push(c);
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

#[cfg(test)]
mod tests {
    use super::split_command;

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            split_command(r#"/bin/get "a b" 'c d' e\ f  g"#).unwrap(),
            ["/bin/get", "a b", "c d", "e f", "g"]
        );
        assert!(split_command("x 'open").is_err());
    }
}
