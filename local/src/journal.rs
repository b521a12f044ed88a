//! `--state PATH`: an append-only log of changes, fsynced before a change is
//! acknowledged. Each change is one line, `HASH<TAB>KIND<TAB>KEY<TAB>JSON`, where JSON is
//! the whole entity after the change (the shapes' own `Encode`), so replaying the lines in
//! order (last one per KIND and KEY wins) rebuilds the state. Concurrent changes are
//! batched: one writer thread takes every line queued since its last sync, writes them,
//! syncs once and acknowledges them all.
//!
//! The first line is `snowball-local-state 1`. A file from a newer format, or with a bad
//! line anywhere but a torn last line, is refused with its path and never written to. A
//! torn last line (no newline, bad hash) is a write that was never acknowledged — the
//! process died mid-append — and is cut off.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use tokio::sync::oneshot;

const MAGIC: &str = "snowball-local-state";
const VERSION: u32 = 1;

/// One change: which kind of entity, its key, and the entity as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// `sb.job`, `ie.job`, ...: the service and the entity.
    pub kind: &'static str,
    /// The entity's id.
    pub key: String,
    /// The entity after the change.
    pub json: Vec<u8>,
}

/// A line read back: like [`Record`] with an owned kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    /// The kind as written.
    pub kind: String,
    /// The entity's id.
    pub key: String,
    /// The entity as JSON.
    pub json: Vec<u8>,
}

type Batch = (Vec<u8>, oneshot::Sender<Result<(), String>>);

/// The open log: a queue to the writer thread.
#[derive(Debug)]
pub struct Journal {
    queue: mpsc::Sender<Batch>,
}

/// Waits for a change to be on disk.
#[derive(Debug)]
pub struct Ack(Option<oneshot::Receiver<Result<(), String>>>);

impl Ack {
    /// Already durable (no `--state`, or nothing changed).
    pub fn done() -> Ack {
        Ack(None)
    }

    /// `Ok` once the change is synced; the write error otherwise.
    pub async fn wait(self) -> Result<(), String> {
        match self.0 {
            None => Ok(()),
            Some(rx) => rx
                .await
                .unwrap_or_else(|_| Err("the state writer stopped".to_string())),
        }
    }
}

/// FNV-1a, 64 bits: enough to tell a torn or edited line from a whole one.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn encode_line(r: &Record) -> Vec<u8> {
    let mut body = Vec::with_capacity(r.kind.len() + r.key.len() + r.json.len() + 2);
    body.extend_from_slice(r.kind.as_bytes());
    body.push(b'\t');
    body.extend_from_slice(r.key.as_bytes());
    body.push(b'\t');
    body.extend_from_slice(&r.json);
    let mut line = format!("{:016x}\t", hash(&body)).into_bytes();
    line.extend_from_slice(&body);
    line.push(b'\n');
    line
}

fn decode_line(line: &[u8]) -> Option<Replayed> {
    let (h, body) = (line.get(..16)?, line.get(17..)?);
    if line.get(16) != Some(&b'\t') {
        return None;
    }
    let h = u64::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
    if h != hash(body) {
        return None;
    }
    let mut parts = body.splitn(3, |b| *b == b'\t');
    let kind = String::from_utf8(parts.next()?.to_vec()).ok()?;
    let key = String::from_utf8(parts.next()?.to_vec()).ok()?;
    let json = parts.next()?.to_vec();
    Some(Replayed { kind, key, json })
}

/// Opens (or creates) the log at `path` and reads its changes; the errors name the file.
pub fn open(path: &Path) -> Result<(Journal, Vec<Replayed>), String> {
    let name = path.display();
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| format!("cannot open the state file {name}: {e}"))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the state file {name}: {e}"))?;
    let (records, keep) = parse(&bytes).map_err(|e| format!("the state file {name} {e}"))?;
    if bytes.is_empty() {
        let header = format!("{MAGIC} {VERSION}\n");
        file.write_all(header.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot write the state file {name}: {e}"))?;
        sync_dir(path);
    } else if keep < bytes.len() {
        // Cut the torn, never acknowledged last line.
        file.set_len(keep as u64)
            .and_then(|()| file.seek(SeekFrom::End(0)).map(drop))
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot repair the torn end of the state file {name}: {e}"))?;
    }
    let (tx, rx) = mpsc::channel::<Batch>();
    let owned: PathBuf = path.to_path_buf();
    std::thread::Builder::new()
        .name("snowball-local-state".into())
        .spawn(move || writer(file, &owned, rx))
        .map_err(|e| format!("cannot start the state writer: {e}"))?;
    Ok((Journal { queue: tx }, records))
}

/// A new file's directory entry must be durable too.
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// The records of a log and the length of its good part; a refusal says why.
fn parse(bytes: &[u8]) -> Result<(Vec<Replayed>, usize), String> {
    if bytes.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let header_end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .ok_or("has no header line: it is not a snowball-local state file")?;
    let header = std::str::from_utf8(&bytes[..header_end]).unwrap_or("");
    let version = header
        .strip_prefix(MAGIC)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| {
            format!(
                "starts with {header:?}, not \"{MAGIC} N\": it is not a snowball-local state file"
            )
        })?;
    if version > VERSION {
        return Err(format!(
            "was written by a newer snowball-local (format {version}; this one reads up to \
             {VERSION}); it is left untouched"
        ));
    }
    let mut records = Vec::new();
    let mut at = header_end + 1;
    let mut line_no = 1;
    while at < bytes.len() {
        line_no += 1;
        let rest = &bytes[at..];
        match rest.iter().position(|b| *b == b'\n') {
            Some(end) => {
                let rec = decode_line(&rest[..end]).ok_or_else(|| {
                    format!("is corrupt at line {line_no} (byte {at}); it is left untouched")
                })?;
                records.push(rec);
                at += end + 1;
            }
            // No newline: the last append never finished, so it was never acknowledged.
            None => return Ok((records, at)),
        }
    }
    Ok((records, at))
}

/// The writer thread: every batch queued since the last sync goes out with one sync.
fn writer(mut file: File, path: &Path, rx: mpsc::Receiver<Batch>) {
    let mut failed: Option<String> = None;
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        let result = match &failed {
            Some(e) => Err(e.clone()),
            None => {
                let mut buf = Vec::new();
                for (lines, _) in &batch {
                    buf.extend_from_slice(lines);
                }
                file.write_all(&buf)
                    .and_then(|()| file.sync_data())
                    .map_err(|e| format!("writing the state file {}: {e}", path.display()))
            }
        };
        // After a failed write the file's end is unknown: refuse every later change.
        if let Err(e) = &result {
            failed = Some(e.clone());
        }
        for (_, ack) in batch {
            let _ = ack.send(result.clone());
        }
    }
}

impl Journal {
    /// Queues `records` (call it while holding the state lock, so the log keeps the
    /// order of the changes) and returns what to wait on before answering.
    pub fn append(&self, records: &[Record]) -> Ack {
        if records.is_empty() {
            return Ack::done();
        }
        let lines: Vec<u8> = records.iter().flat_map(encode_line).collect();
        let (tx, rx) = oneshot::channel();
        if self.queue.send((lines, tx)).is_err() {
            let (tx, rx) = oneshot::channel();
            let _ = tx.send(Err("the state writer stopped".to_string()));
            return Ack(Some(rx));
        }
        Ack(Some(rx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(key: &str) -> Record {
        Record {
            kind: "sb.job",
            key: key.into(),
            json: br#"{"JobId":"x\ty"}"#.to_vec(),
        }
    }

    #[test]
    fn lines_round_trip_and_damage_is_found() {
        let line = encode_line(&rec("JID1"));
        let back = decode_line(&line[..line.len() - 1]).expect("decodes");
        assert_eq!(back.key, "JID1");
        assert_eq!(back.json, rec("JID1").json);
        let mut bad = line.clone();
        bad[20] ^= 1;
        assert_eq!(decode_line(&bad[..bad.len() - 1]), None);
        assert_eq!(decode_line(b""), None);
        assert_eq!(decode_line(b"zz"), None);
    }

    #[test]
    fn files_are_refused_when_corrupt_or_newer_and_a_torn_tail_is_dropped() {
        let good = [
            format!("{MAGIC} 1\n").into_bytes(),
            encode_line(&rec("A")),
            encode_line(&rec("B")),
        ]
        .concat();
        let (records, keep) = parse(&good).expect("good");
        assert_eq!(records.len(), 2);
        assert_eq!(keep, good.len());
        // A torn last line (no newline) is dropped, not an error.
        let torn = [&good[..], &encode_line(&rec("C"))[..10]].concat();
        let (records, keep) = parse(&torn).expect("torn");
        assert_eq!((records.len(), keep), (2, good.len()));
        // A damaged line followed by more is corruption.
        let mut corrupt = good.clone();
        let at = format!("{MAGIC} 1\n").len() + 20;
        corrupt[at] ^= 1;
        assert!(parse(&corrupt).unwrap_err().contains("corrupt at line 2"));
        let newer = format!("{MAGIC} 2\n").into_bytes();
        assert!(parse(&newer).unwrap_err().contains("newer"));
        assert!(parse(b"hello\n")
            .unwrap_err()
            .contains("not a snowball-local"));
        assert!(parse(b"no newline").is_err());
    }
}
