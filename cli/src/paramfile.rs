//! Parameter values from files, as the AWS CLI v1 loads them (`awscli/paramfile.py`): a
//! value (or a list flag's only value) starting with `file://` is replaced by the file's
//! text (UTF-8, universal newlines), one starting with `fileb://` by its bytes. `~` and
//! `$VAR` in the path are expanded. The AWS CLI v1 also fetches `http://` and `https://`
//! values unless `cli_follow_urlparam = false`; this client sends them as written (as
//! AWS CLI v2 does), so a value never turns into a network request.

use std::path::PathBuf;

/// A flag's arguments after loading.
pub enum Loaded {
    /// Text arguments (unchanged, or one file's text).
    Text(Vec<String>),
    /// One `fileb://` file's bytes.
    Bytes(Vec<u8>),
}

/// Loads `values` of `--flag` when they name a file. The error is the AWS CLI's
/// `Error parsing parameter '--flag': ...`.
pub fn load(flag: &str, values: Vec<String>) -> Result<Loaded, String> {
    let [value] = values.as_slice() else {
        return Ok(Loaded::Text(values));
    };
    let err = |msg: String| format!("Error parsing parameter '--{flag}': {msg}");
    if let Some(rest) = value.strip_prefix("fileb://") {
        let path = expand(rest);
        return std::fs::read(&path)
            .map(Loaded::Bytes)
            .map_err(|e| err(os_error(value, &path, &e)));
    }
    if let Some(rest) = value.strip_prefix("file://") {
        let path = expand(rest);
        let bytes = std::fs::read(&path).map_err(|e| err(os_error(value, &path, &e)))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            err(format!(
                "Unable to load paramfile ({}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix.",
                path.display()
            ))
        })?;
        return Ok(Loaded::Text(vec![universal_newlines(&text)]));
    }
    Ok(Loaded::Text(values))
}

/// Python's text mode: `\r\n` and `\r` read as `\n`.
fn universal_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// The message of Python's `OSError` for `path`: `Unable to load paramfile file://x:
/// [Errno 2] No such file or directory: 'x'`.
fn os_error(value: &str, path: &std::path::Path, e: &std::io::Error) -> String {
    let text = e.to_string();
    let strerror = text
        .rsplit_once(" (os error")
        .map_or(text.as_str(), |(s, _)| s);
    match e.raw_os_error() {
        Some(code) => format!(
            "Unable to load paramfile {value}: [Errno {code}] {strerror}: '{}'",
            path.display()
        ),
        None => format!("Unable to load paramfile {value}: {strerror}"),
    }
}

/// `os.path.expandvars(os.path.expanduser(path))`: a leading `~` or `~/` becomes
/// `$HOME`; `$NAME` and `${NAME}` become the variable's value when it is set, and stay
/// as written otherwise.
fn expand(path: &str) -> PathBuf {
    let home = std::env::var("HOME").unwrap_or_default();
    let path = if path == "~" {
        home.clone()
    } else if let Some(rest) = path.strip_prefix("~/") {
        format!("{}/{rest}", home.trim_end_matches('/'))
    } else {
        path.to_string()
    };
    let mut out = String::new();
    let mut rest = path.as_str();
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        match std::env::var(name).ok().filter(|_| !name.is_empty()) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[i..i + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    PathBuf::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_expand_like_python() {
        std::env::set_var("PARAMFILE_TEST_DIR", "/d");
        assert_eq!(expand("$PARAMFILE_TEST_DIR/x"), PathBuf::from("/d/x"));
        assert_eq!(expand("${PARAMFILE_TEST_DIR}y"), PathBuf::from("/dy"));
        assert_eq!(
            expand("$NO_SUCH_VAR_HERE/x"),
            PathBuf::from("$NO_SUCH_VAR_HERE/x")
        );
        assert_eq!(expand("a$"), PathBuf::from("a$"));
    }

    #[test]
    fn newlines_read_as_python_text_mode() {
        assert_eq!(universal_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
    }
}
