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
//!
//! Compaction: the writer keeps the last line of each KIND and KEY (in first-seen order,
//! so a replay keeps creation order). When the file holds more than twice as many lines
//! as that, and at least [`COMPACT_MIN_LINES`], it writes those lines alone to
//! `PATH.compact`, syncs it, renames it over PATH and syncs the directory: a `kill -9` at
//! any moment leaves either the old log or the new one, both whole. A leftover
//! `PATH.compact` (killed before the rename) is removed at start.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use tokio::sync::oneshot;

const MAGIC: &str = "snowball-local-state";
const VERSION: u32 = 1;

/// No compaction below this many lines: rewriting a small file saves nothing.
pub const COMPACT_MIN_LINES: usize = 4096;

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

/// One change's lines, each with its `KIND\tKEY` (what compaction keeps the last of).
type Lines = Vec<(String, Vec<u8>)>;
type Batch = (Lines, oneshot::Sender<Result<(), String>>);

/// The open log: a queue to the writer thread.
#[derive(Debug)]
pub struct Journal {
    queue: mpsc::Sender<Batch>,
    /// The writer thread, for `Journal::close` (tests); the server never stops it, it
    /// ends with the process.
    #[cfg_attr(not(test), allow(dead_code))]
    writer: std::thread::JoinHandle<()>,
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
    encode_parts(r.kind, &r.key, &r.json)
}

fn encode_parts(kind: &str, key: &str, json: &[u8]) -> Vec<u8> {
    let r = (kind, key, json);
    let mut body = Vec::with_capacity(r.0.len() + r.1.len() + r.2.len() + 2);
    body.extend_from_slice(r.0.as_bytes());
    body.push(b'\t');
    body.extend_from_slice(r.1.as_bytes());
    body.push(b'\t');
    body.extend_from_slice(r.2);
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
/// `SNOWBALL_LOCAL_COMPACT_MIN_LINES` lowers the threshold, for tests that must see
/// compactions under `kill -9` without writing thousands of lines.
pub fn open(path: &Path) -> Result<(Journal, Vec<Replayed>), String> {
    let min = std::env::var("SNOWBALL_LOCAL_COMPACT_MIN_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(COMPACT_MIN_LINES);
    open_compacting_at(path, min)
}

/// `PATH.compact`, where a compaction writes before its rename.
fn compact_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".compact");
    PathBuf::from(p)
}

/// [`open`], compacting from `min_lines` lines on (tests use a small number).
fn open_compacting_at(path: &Path, min_lines: usize) -> Result<(Journal, Vec<Replayed>), String> {
    let name = path.display();
    // A compaction killed before its rename: the log itself is whole.
    let _ = std::fs::remove_file(compact_path(path));
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
    let mut live = Live::default();
    for r in &records {
        live.keep(
            format!("{}\t{}", r.kind, r.key),
            encode_parts(&r.kind, &r.key, &r.json),
        );
    }
    let lines_in_file = records.len();
    let (tx, rx) = mpsc::channel::<Batch>();
    let owned: PathBuf = path.to_path_buf();
    let log = Log {
        file,
        path: owned,
        live,
        lines_in_file,
        min_lines,
    };
    let writer = std::thread::Builder::new()
        .name("snowball-local-state".into())
        .spawn(move || writer(log, rx))
        .map_err(|e| format!("cannot start the state writer: {e}"))?;
    Ok((Journal { queue: tx, writer }, records))
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

/// The last line of each `KIND\tKEY`, in first-seen order: what a compacted log holds.
#[derive(Default)]
struct Live {
    lines: Vec<Vec<u8>>,
    index: HashMap<String, usize>,
}

impl Live {
    fn keep(&mut self, id: String, line: Vec<u8>) {
        match self.index.get(&id) {
            Some(&i) => self.lines[i] = line,
            None => {
                self.index.insert(id, self.lines.len());
                self.lines.push(line);
            }
        }
    }
}

/// The writer thread's file and what it knows of it.
struct Log {
    file: File,
    path: PathBuf,
    live: Live,
    lines_in_file: usize,
    min_lines: usize,
}

impl Log {
    /// Rewrites the log as its live lines when it has grown to over twice as many (and
    /// past `min_lines`). A failure leaves the old log in use, untouched.
    fn maybe_compact(&mut self) {
        if self.lines_in_file < self.min_lines || self.lines_in_file <= 2 * self.live.lines.len() {
            return;
        }
        let tmp = compact_path(&self.path);
        let written = (|| -> std::io::Result<File> {
            let mut f = File::create(&tmp)?;
            let mut buf = format!("{MAGIC} {VERSION}\n").into_bytes();
            for line in &self.live.lines {
                buf.extend_from_slice(line);
            }
            f.write_all(&buf)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)?;
            sync_dir(&self.path);
            OpenOptions::new().append(true).open(&self.path)
        })();
        match written {
            Ok(file) => {
                self.file = file;
                self.lines_in_file = self.live.lines.len();
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                eprintln!(
                    "snowball-local: compacting the state file {} failed ({e}); it grows on",
                    self.path.display()
                );
                // Do not retry on every batch: wait for twice as many lines again.
                self.min_lines = self.lines_in_file.saturating_mul(2);
            }
        }
    }
}

/// The writer thread: every batch queued since the last sync goes out with one sync.
fn writer(mut log: Log, rx: mpsc::Receiver<Batch>) {
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
                    for (_, line) in lines {
                        buf.extend_from_slice(line);
                    }
                }
                log.file
                    .write_all(&buf)
                    .and_then(|()| log.file.sync_data())
                    .map_err(|e| format!("writing the state file {}: {e}", log.path.display()))
            }
        };
        // After a failed write the file's end is unknown: refuse every later change.
        if let Err(e) = &result {
            failed = Some(e.clone());
        }
        let ok = result.is_ok();
        let mut written = Vec::new();
        for (lines, ack) in batch {
            let _ = ack.send(result.clone());
            written.push(lines);
        }
        if ok {
            for (id, line) in written.into_iter().flatten() {
                log.lines_in_file += 1;
                log.live.keep(id, line);
            }
            // After the acks: the changes are durable in the old file already.
            log.maybe_compact();
        }
    }
}

impl Journal {
    /// Stops the writer once it has written (and compacted) everything queued.
    #[cfg(test)]
    fn close(self) {
        drop(self.queue);
        let _ = self.writer.join();
    }

    /// Queues `records` (call it while holding the state lock, so the log keeps the
    /// order of the changes) and returns what to wait on before answering.
    pub fn append(&self, records: &[Record]) -> Ack {
        if records.is_empty() {
            return Ack::done();
        }
        let lines: Lines = records
            .iter()
            .map(|r| (format!("{}\t{}", r.kind, r.key), encode_line(r)))
            .collect();
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

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("snowball-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("state")
    }

    fn job(key: &str, n: usize) -> Record {
        Record {
            kind: "sb.job",
            key: key.into(),
            json: format!("{{\"JobId\":\"{key}\",\"Description\":\"{n}\"}}").into_bytes(),
        }
    }

    #[test]
    fn a_log_much_larger_than_its_state_is_rewritten_as_a_snapshot() {
        let path = temp("compact");
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        {
            let (journal, records) = open_compacting_at(&path, 8).unwrap();
            assert!(records.is_empty());
            rt.block_on(async {
                journal.append(&[job("B", 0)]).wait().await.unwrap();
                for n in 0..100 {
                    journal
                        .append(&[job("A", n), job("C", n)])
                        .wait()
                        .await
                        .unwrap();
                }
            });
            // A compaction may still be running after the last acknowledgement.
            journal.close();
        }
        let bytes = std::fs::read(&path).unwrap();
        let lines = bytes.iter().filter(|b| **b == b'\n').count();
        // 201 changes went in; three entities are live, so the file holds a few lines.
        // (The header, and under the 8-line threshold plus one change since.)
        assert!(lines <= 1 + 8 + 2, "{lines} lines after compaction");
        let (records, keep) = parse(&bytes).unwrap();
        assert_eq!(keep, bytes.len());
        // The last change of each, in the order each first appeared.
        let last: Vec<(String, String)> = records
            .iter()
            .map(|r| (r.key.clone(), String::from_utf8(r.json.clone()).unwrap()))
            .collect();
        let seen: Vec<&str> = last.iter().map(|(k, _)| k.as_str()).collect();
        let mut firsts = seen.clone();
        firsts.dedup();
        assert_eq!(&firsts[..3], ["B", "A", "C"], "{seen:?}");
        let replayed: HashMap<&str, &str> =
            last.iter().map(|(k, j)| (k.as_str(), j.as_str())).collect();
        assert!(replayed["A"].contains("\"99\""), "{replayed:?}");
        assert!(replayed["C"].contains("\"99\""), "{replayed:?}");
        assert!(replayed["B"].contains("\"0\""), "{replayed:?}");
        assert!(!compact_path(&path).exists());
    }

    #[test]
    fn a_compaction_killed_before_its_rename_leaves_the_log_in_charge() {
        let path = temp("leftover");
        let whole = [
            format!("{MAGIC} 1\n").into_bytes(),
            encode_line(&job("A", 1)),
        ]
        .concat();
        std::fs::write(&path, &whole).unwrap();
        // Half a snapshot, as a kill -9 mid-compaction leaves it.
        std::fs::write(compact_path(&path), &whole[..whole.len() / 2]).unwrap();
        let (_journal, records) = open(&path).unwrap();
        assert_eq!(records.len(), 1);
        assert!(!compact_path(&path).exists(), "the leftover is removed");
        assert_eq!(std::fs::read(&path).unwrap(), whole, "the log is untouched");
    }
}
