//! A `snowball-local` child for the tests, and a raw HTTP/1.1 call for its admin
//! endpoints (the service calls go through real clients).

#![allow(dead_code)] // each test binary uses a part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A `snowball-local --port 0` child, killed on drop.
pub struct Local {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Local {
    /// Starts the binary with `--port 0` and `args`, and reads its address.
    pub fn start_with(args: &[&str]) -> Local {
        Local::start_with_env(args, &[])
    }

    /// Starts the binary with `--port 0`, `args` and these environment variables.
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Local {
        let mut child = Command::new(env!("CARGO_BIN_EXE_snowball-local"))
            .args(["--port", "0"])
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting snowball-local");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the first line");
        let url = line
            .trim()
            .strip_prefix("snowball-local listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Local { child, url }
    }

    /// Starts the binary with no other arguments.
    pub fn start() -> Local {
        Local::start_with(&[])
    }

    /// `METHOD path` on the server with an empty body: status and body.
    pub fn http(&self, method: &str, path_and_query: &str) -> (u16, Vec<u8>) {
        let host = self.url.trim_start_matches("http://");
        let mut s = TcpStream::connect(host).expect("connect");
        write!(
            s,
            "{method} {path_and_query} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .expect("write");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header end");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("status line in {head:?}"));
        (status, raw[split + 4..].to_vec())
    }

    /// `POST /_local/advance` for one job (or every job): how many moved.
    pub fn advance(&self, job: Option<&str>) -> u64 {
        let path = match job {
            Some(j) => format!("/_local/advance?job={j}"),
            None => "/_local/advance".to_string(),
        };
        let (status, body) = self.http("POST", &path);
        let body = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, 200, "{path}: {body}");
        body.trim()
            .strip_prefix("{\"advanced\":")
            .and_then(|b| b.strip_suffix('}'))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{path}: {body}"))
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A program of the pinned venv (`aws`, `python`); `AWS_CLI` overrides `aws`.
pub fn venv_bin(name: &str) -> PathBuf {
    loopback::venv::bin(name)
}

/// The environment for a Python client of the venv: nothing from the caller's but
/// `PATH`, these keys, no config files, no instance metadata.
pub fn python_env(cmd: &mut Command, akid: &str, secret: &str) {
    let home = std::env::temp_dir().join(format!("snowball-local-aws-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("home");
    let empty = home.join("empty");
    std::fs::write(&empty, "").expect("empty file");
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("LANG", "C.UTF-8")
        .env("AWS_ACCESS_KEY_ID", akid)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // No __pycache__ beside the scenario scripts in the source tree.
        .env("PYTHONDONTWRITEBYTECODE", "1");
}

/// Runs `aws --endpoint-url URL --region us-east-1 ARGS` signed with these keys: exit
/// code, stdout, stderr.
pub fn aws(local: &Local, args: &[&str], akid: &str, secret: &str) -> (i32, String, String) {
    let mut cmd = Command::new(venv_bin("aws"));
    cmd.args(["--endpoint-url", &local.url, "--region", "us-east-1"])
        .args(args);
    python_env(&mut cmd, akid, secret);
    let out = cmd.output().expect("running aws");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An address with every field `CreateAddress` requires (name, street, city, postal code,
/// country).
pub fn address() -> snowball::types::Address {
    snowball::types::Address::new()
        .name("Jane")
        .street1("1 Main St")
        .city("Seattle")
        .postal_code("98101")
        .country("US")
}
