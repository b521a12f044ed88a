//! AWS Import/Export in memory: jobs created from a validated manifest, listed newest
//! first, updated and cancelled while `Pending`, their status moving
//! `Pending` → `Received` → `Processing` → `Completed` when advanced, and shipping
//! labels served by this binary. Job ids are five upper-case letters and digits, like the
//! service's (`ABC12`).

use std::sync::Arc;

use awsrt::internal::server::{GenericError, HandlerError};
use importexport::operation::cancel_job::{CancelJobError, CancelJobInput, CancelJobOutput};
use importexport::operation::create_job::{CreateJobError, CreateJobInput, CreateJobOutput};
use importexport::operation::get_shipping_label::{
    GetShippingLabelError, GetShippingLabelInput, GetShippingLabelOutput,
};
use importexport::operation::get_status::{GetStatusError, GetStatusInput, GetStatusOutput};
use importexport::operation::list_jobs::{ListJobsError, ListJobsInput, ListJobsOutput};
use importexport::operation::update_job::{UpdateJobError, UpdateJobInput, UpdateJobOutput};
use importexport::types::{
    CanceledJobIdException, InvalidJobIdException, InvalidManifestFieldException,
    InvalidParameterException, Job, JobType, MalformedManifestException,
    MissingManifestFieldException, UnableToCancelJobIdException, UnableToUpdateJobIdException,
};
use importexport::DateTime;

use crate::journal::{Ack, Journal, Record, Replayed};
use crate::lock::{Guard, Store};

/// A job's progress codes in order, each with the message `GetStatus` gives.
const PROGRESS: [(&str, &str); 4] = [
    ("Pending", "The specified job has not started."),
    ("Received", "The device has been received at AWS."),
    ("Processing", "The data on the device is being transferred."),
    ("Completed", "The job is complete."),
];

/// The code and message at `index`; past the end (never reached) reads as the last.
fn progress(index: usize) -> (&'static str, &'static str) {
    PROGRESS
        .get(index)
        .or(PROGRESS.last())
        .copied()
        .unwrap_or(("Pending", ""))
}

/// The Import/Export service's state.
#[derive(Debug)]
pub struct ImportExport {
    state: Store<Vec<StoredJob>>,
    /// `http://127.0.0.1:PORT`, the base of the shipping label URLs.
    base_url: String,
    /// With `--state`: where every change goes before it is acknowledged.
    journal: Option<Arc<Journal>>,
}

/// A job's record: `GetStatus`'s answer carries every stored field (a cancelled job's
/// progress code is `Canceled`).
fn record(j: &StoredJob) -> Record {
    let code = if j.canceled {
        "Canceled"
    } else {
        progress(j.progress).0
    };
    let status = GetStatusOutput::new()
        .job_id(j.id.clone())
        .job_type(j.job_type.clone())
        .progress_code(code)
        .current_manifest(j.manifest.clone())
        .creation_date(j.created);
    Record {
        kind: "ie.job",
        key: j.id.clone(),
        json: awsrt::internal::json::to_vec(&status),
    }
}

fn unsaved<E>(e: String) -> HandlerError<E> {
    GenericError::internal(format!("the change was not saved: {e}")).into()
}

#[derive(Debug, Clone)]
struct StoredJob {
    id: String,
    job_type: JobType,
    manifest: String,
    created: DateTime,
    /// An index into [`PROGRESS`].
    progress: usize,
    canceled: bool,
}

/// The manifest problems the service reports, each its own modeled error.
#[derive(Debug, PartialEq)]
enum ManifestError {
    Malformed(String),
    Missing(String),
    Invalid(String),
}

/// Checks a manifest: YAML-like `key: value` lines, nested fields indented under their
/// parent. Required: `manifestVersion` (2.0), `deviceId`, a `returnAddress` with `name`,
/// `street1`, `city`, `postalCode` and `country`, and `bucket` for an import or
/// `fileSystem` for an export.
fn check_manifest(manifest: &str, job_type: &JobType) -> Result<(), ManifestError> {
    let mut top: Vec<(String, String)> = Vec::new();
    let mut address: Vec<String> = Vec::new();
    for (n, line) in manifest.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if line.contains('\t') {
            return Err(ManifestError::Malformed(format!(
                "Line {n} of the manifest is indented with a tab."
            )));
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(ManifestError::Malformed(format!(
                "Line {n} of the manifest is not \"field: value\"."
            )));
        };
        let nested = key.starts_with(' ');
        let key = key.trim();
        if key.is_empty() || key.contains(' ') {
            return Err(ManifestError::Malformed(format!(
                "Line {n} of the manifest has no field name."
            )));
        }
        if nested {
            match top.last() {
                Some((parent, _)) if parent == "returnAddress" => address.push(key.to_string()),
                Some(_) => {}
                None => {
                    return Err(ManifestError::Malformed(format!(
                        "Line {n} of the manifest is indented under no field."
                    )))
                }
            }
        } else {
            top.push((key.to_string(), value.trim().to_string()));
        }
    }
    if top.is_empty() {
        return Err(ManifestError::Malformed("The manifest is empty.".into()));
    }
    let field = |k: &str| {
        top.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let mut required = vec!["manifestVersion", "deviceId", "returnAddress"];
    match job_type {
        JobType::Import => required.push("bucket"),
        JobType::Export => required.push("fileSystem"),
        _ => {}
    }
    for k in required {
        if field(k).is_none() {
            return Err(ManifestError::Missing(format!(
                "The manifest field {k} is required."
            )));
        }
    }
    for k in ["name", "street1", "city", "postalCode", "country"] {
        if !address.iter().any(|a| a == k) {
            return Err(ManifestError::Missing(format!(
                "The manifest field returnAddress.{k} is required."
            )));
        }
    }
    match field("manifestVersion").map(|v| v.trim_matches(['"', '\''])) {
        Some("2.0") => Ok(()),
        Some(v) => Err(ManifestError::Invalid(format!(
            "The manifest field manifestVersion is {v:?}; it must be 2.0."
        ))),
        None => Ok(()),
    }
}

impl ImportExport {
    /// An empty store whose shipping label URLs start with `base_url`.
    pub fn new(base_url: impl Into<String>) -> ImportExport {
        ImportExport {
            state: Store::default(),
            base_url: base_url.into(),
            journal: None,
        }
    }

    /// With a journal, the store writes every change to it before answering.
    pub fn with_journal(mut self, journal: Arc<Journal>) -> ImportExport {
        self.journal = Some(journal);
        self
    }

    async fn jobs(&self) -> Result<Guard<'_, Vec<StoredJob>>, GenericError> {
        self.state.lock().await
    }

    /// Queues `records` under the lock (the log keeps the changes' order), then unlocks.
    fn log(&self, state: Guard<'_, Vec<StoredJob>>, records: &[Record]) -> Ack {
        let ack = match &self.journal {
            Some(j) => j.append(records),
            None => Ack::done(),
        };
        drop(state);
        ack
    }

    /// Applies one record read back from the state file; `Ok(false)` if it is not
    /// Import/Export's.
    pub fn replay(&mut self, r: &Replayed) -> Result<bool, String> {
        if r.kind != "ie.job" {
            return Ok(false);
        }
        let s: GetStatusOutput = awsrt::internal::json::from_slice(&r.json)
            .map_err(|e| format!("a {} record for {}: {e}", r.kind, r.key))?;
        let code = s.progress_code.unwrap_or_default();
        let job = StoredJob {
            id: r.key.clone(),
            job_type: s.job_type.unwrap_or(JobType::Import),
            manifest: s.current_manifest.unwrap_or_default(),
            created: s.creation_date.unwrap_or_else(DateTime::now),
            progress: PROGRESS.iter().position(|(c, _)| *c == code).unwrap_or(0),
            canceled: code == "Canceled",
        };
        let jobs = self.state.get_mut();
        match jobs.iter_mut().find(|j| j.id == job.id) {
            Some(slot) => *slot = job,
            None => jobs.push(job),
        }
        Ok(true)
    }

    /// Moves jobs one progress code on (all of them, or the one named). Returns how many
    /// moved; `None` for an unknown job.
    pub async fn advance(&self, job: Option<&str>) -> Result<Option<usize>, GenericError> {
        let mut jobs = self.jobs().await?;
        if let Some(id) = job {
            if !jobs.iter().any(|j| j.id == id) {
                return Ok(None);
            }
        }
        let mut recs = Vec::new();
        for j in jobs.iter_mut() {
            if job.is_some_and(|id| j.id != id) || j.canceled {
                continue;
            }
            if j.progress + 1 < PROGRESS.len() {
                j.progress += 1;
                recs.push(record(j));
            }
        }
        self.log(jobs, &recs)
            .wait()
            .await
            .map_err(|e| GenericError::internal(format!("the change was not saved: {e}")))?;
        Ok(Some(recs.len()))
    }

    /// The shipping label of the jobs `ids` (comma separated), as bytes; `None` if one
    /// is unknown.
    pub async fn label(&self, ids: &str) -> Result<Option<Vec<u8>>, GenericError> {
        let jobs = self.jobs().await?;
        let ids: Vec<&str> = ids.split(',').collect();
        if ids.iter().any(|id| !jobs.iter().any(|j| j.id == *id)) {
            return Ok(None);
        }
        Ok(Some(
            format!(
                "snowball-local Import/Export shipping label\njobs: {}\n",
                ids.join(", ")
            )
            .into_bytes(),
        ))
    }
}

/// A new five-character id, from a random UUID's hex digits (upper-cased), not yet used.
fn new_id(jobs: &[StoredJob]) -> String {
    loop {
        let id: String = awsrt::internal::idempotency_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(5)
            .collect::<String>()
            .to_ascii_uppercase();
        if !jobs.iter().any(|j| j.id == id) {
            return id;
        }
    }
}

fn no_such_job(id: &str) -> InvalidJobIdException {
    InvalidJobIdException::new().message(format!("No such job {id} for your account"))
}

fn canceled(id: &str) -> CanceledJobIdException {
    CanceledJobIdException::new().message(format!("The specified job ID {id} has been canceled"))
}

fn valid_job_type(job_type: &JobType) -> Result<(), InvalidParameterException> {
    match job_type {
        JobType::Import | JobType::Export => Ok(()),
        other => Err(InvalidParameterException::new().message(format!(
            "JobType {:?} is not Import or Export.",
            other.as_str()
        ))),
    }
}

impl importexport::server::Service for ImportExport {
    async fn create_job(
        &self,
        input: CreateJobInput,
    ) -> Result<CreateJobOutput, HandlerError<CreateJobError>> {
        valid_job_type(&input.job_type).map_err(CreateJobError::InvalidParameterException)?;
        check_manifest(&input.manifest, &input.job_type).map_err(|e| match e {
            ManifestError::Malformed(m) => CreateJobError::MalformedManifestException(
                MalformedManifestException::new().message(m),
            ),
            ManifestError::Missing(m) => CreateJobError::MissingManifestFieldException(
                MissingManifestFieldException::new().message(m),
            ),
            ManifestError::Invalid(m) => CreateJobError::InvalidManifestFieldException(
                InvalidManifestFieldException::new().message(m),
            ),
        })?;
        // ValidateOnly checks the request and creates nothing.
        if input.validate_only {
            return Ok(CreateJobOutput::new().job_type(input.job_type));
        }
        let mut jobs = self.jobs().await?;
        let id = new_id(&jobs);
        let job = StoredJob {
            id: id.clone(),
            job_type: input.job_type.clone(),
            manifest: input.manifest,
            created: DateTime::now(),
            progress: 0,
            canceled: false,
        };
        let recs = [record(&job)];
        jobs.push(job);
        self.log(jobs, &recs).wait().await.map_err(unsaved)?;
        let (sig, file) = signature(&id);
        Ok(CreateJobOutput::new()
            .job_id(id)
            .job_type(input.job_type)
            .signature(sig)
            .signature_file_contents(file))
    }

    async fn update_job(
        &self,
        input: UpdateJobInput,
    ) -> Result<UpdateJobOutput, HandlerError<UpdateJobError>> {
        valid_job_type(&input.job_type).map_err(UpdateJobError::InvalidParameterException)?;
        let mut jobs = self.jobs().await?;
        let job = jobs
            .iter_mut()
            .find(|j| j.id == input.job_id)
            .ok_or_else(|| UpdateJobError::InvalidJobIdException(no_such_job(&input.job_id)))?;
        if job.canceled {
            return Err(UpdateJobError::CanceledJobIdException(canceled(&input.job_id)).into());
        }
        // "before the data transfer starts": only while Pending.
        if job.progress != 0 {
            return Err(UpdateJobError::UnableToUpdateJobIdException(
                UnableToUpdateJobIdException::new().message(format!(
                    "Job {} is {}; it can be updated only while Pending.",
                    input.job_id,
                    progress(job.progress).0
                )),
            )
            .into());
        }
        check_manifest(&input.manifest, &input.job_type).map_err(|e| match e {
            ManifestError::Malformed(m) => UpdateJobError::MalformedManifestException(
                MalformedManifestException::new().message(m),
            ),
            ManifestError::Missing(m) => UpdateJobError::MissingManifestFieldException(
                MissingManifestFieldException::new().message(m),
            ),
            ManifestError::Invalid(m) => UpdateJobError::InvalidManifestFieldException(
                InvalidManifestFieldException::new().message(m),
            ),
        })?;
        if input.validate_only {
            return Ok(UpdateJobOutput::new().success(true));
        }
        job.manifest = input.manifest;
        job.job_type = input.job_type;
        let recs = [record(job)];
        self.log(jobs, &recs).wait().await.map_err(unsaved)?;
        Ok(UpdateJobOutput::new().success(true))
    }

    async fn cancel_job(
        &self,
        input: CancelJobInput,
    ) -> Result<CancelJobOutput, HandlerError<CancelJobError>> {
        let mut jobs = self.jobs().await?;
        let job = jobs
            .iter_mut()
            .find(|j| j.id == input.job_id)
            .ok_or_else(|| CancelJobError::InvalidJobIdException(no_such_job(&input.job_id)))?;
        if job.canceled {
            return Err(CancelJobError::CanceledJobIdException(canceled(&input.job_id)).into());
        }
        // "The operation fails if the job has already started or is complete."
        if job.progress != 0 {
            return Err(CancelJobError::UnableToCancelJobIdException(
                UnableToCancelJobIdException::new().message(format!(
                    "Job {} is {}; it can be canceled only while Pending.",
                    input.job_id,
                    progress(job.progress).0
                )),
            )
            .into());
        }
        job.canceled = true;
        let recs = [record(job)];
        self.log(jobs, &recs).wait().await.map_err(unsaved)?;
        Ok(CancelJobOutput::new().success(true))
    }

    async fn list_jobs(
        &self,
        input: ListJobsInput,
    ) -> Result<ListJobsOutput, HandlerError<ListJobsError>> {
        let jobs = self.jobs().await?;
        // Newest first; `Marker` is the last job id of the previous page.
        let newest_first: Vec<&StoredJob> = jobs.iter().rev().collect();
        let start = match input.marker.as_deref() {
            None | Some("") => 0,
            Some(m) => match newest_first.iter().position(|j| j.id == m) {
                Some(i) => i + 1,
                None => {
                    return Err(ListJobsError::InvalidParameterException(
                        InvalidParameterException::new()
                            .message(format!("The Marker {m:?} is not a job id.")),
                    )
                    .into())
                }
            },
        };
        let max = match input.max_jobs {
            Some(m) if m > 0 => m as usize,
            _ => 1000,
        };
        let end = start.saturating_add(max).min(newest_first.len());
        let page = newest_first.get(start..end).unwrap_or_default();
        let out = page
            .iter()
            .map(|j| {
                Job::new()
                    .job_id(j.id.clone())
                    .creation_date(j.created)
                    .is_canceled(j.canceled)
                    .job_type(j.job_type.clone())
            })
            .collect();
        Ok(ListJobsOutput::new()
            .jobs(out)
            .is_truncated(end < newest_first.len()))
    }

    async fn get_status(
        &self,
        input: GetStatusInput,
    ) -> Result<GetStatusOutput, HandlerError<GetStatusError>> {
        let jobs = self.jobs().await?;
        let Some(j) = jobs.iter().find(|j| j.id == input.job_id) else {
            return Err(GetStatusError::InvalidJobIdException(no_such_job(&input.job_id)).into());
        };
        if j.canceled {
            return Err(GetStatusError::CanceledJobIdException(canceled(&input.job_id)).into());
        }
        let (code, message) = progress(j.progress);
        let (sig, file) = signature(&j.id);
        Ok(GetStatusOutput::new()
            .signature(sig)
            .signature_file_contents(file)
            .job_id(j.id.clone())
            .job_type(j.job_type.clone())
            .progress_code(code)
            .progress_message(message)
            .current_manifest(j.manifest.clone())
            .creation_date(j.created)
            .error_count(0))
    }

    async fn get_shipping_label(
        &self,
        input: GetShippingLabelInput,
    ) -> Result<GetShippingLabelOutput, HandlerError<GetShippingLabelError>> {
        let jobs = self.jobs().await?;
        if input.job_ids.is_empty() {
            return Err(GetShippingLabelError::InvalidParameterException(
                InvalidParameterException::new().message("jobIds names no job."),
            )
            .into());
        }
        for id in &input.job_ids {
            let Some(j) = jobs.iter().find(|j| j.id == *id) else {
                return Err(GetShippingLabelError::InvalidJobIdException(no_such_job(id)).into());
            };
            if j.canceled {
                return Err(GetShippingLabelError::CanceledJobIdException(canceled(id)).into());
            }
        }
        Ok(GetShippingLabelOutput::new().shipping_label_url(format!(
            "{}/_local/importexport-label/{}",
            self.base_url,
            input.job_ids.join(",")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{check_manifest, ManifestError};
    use importexport::types::JobType;

    const GOOD: &str = "manifestVersion: 2.0\ndeviceId: ABCDE\nbucket: my-bucket\n\
returnAddress:\n  name: Jane Doe\n  street1: 1 Main St\n  city: Seattle\n  postalCode: 98101\n  country: US\n";

    #[test]
    fn manifests_are_checked_field_by_field() {
        assert_eq!(check_manifest(GOOD, &JobType::Import), Ok(()));
        let missing =
            |m: &str, t: &JobType| matches!(check_manifest(m, t), Err(ManifestError::Missing(_)));
        // An export needs fileSystem, not bucket.
        assert!(missing(GOOD, &JobType::Export));
        assert!(missing(
            &GOOD.replace("deviceId: ABCDE\n", ""),
            &JobType::Import
        ));
        assert!(missing(
            &GOOD.replace("  city: Seattle\n", ""),
            &JobType::Import
        ));
        assert!(matches!(
            check_manifest(&GOOD.replace("2.0", "1.0"), &JobType::Import),
            Err(ManifestError::Invalid(_))
        ));
        for bad in [
            "",
            "  \n# only a comment\n",
            "just words",
            "\tbucket: x",
            "  x: y\n",
            ": v",
        ] {
            assert!(
                matches!(
                    check_manifest(bad, &JobType::Import),
                    Err(ManifestError::Malformed(_))
                ),
                "{bad:?}"
            );
        }
    }
}

/// The job's `Signature` (28 base64 characters, the length of the documented example
/// `DV+TpDfx1/TdSE9ktyK9k/bDTVI=`, an HMAC-SHA1) and the `SIGNATURE` file that carries
/// it. Nothing checks it here, so a stable digest of the job id stands in for AWS's
/// key: the same job gives the same signature after a restart.
fn signature(job_id: &str) -> (String, String) {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut bytes = Vec::with_capacity(24);
    for round in 0u8..3 {
        // DefaultHasher::new() has fixed keys: stable across processes.
        let mut h = DefaultHasher::new();
        (round, job_id).hash(&mut h);
        bytes.extend_from_slice(&h.finish().to_be_bytes());
    }
    bytes.truncate(20);
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut sig = String::with_capacity(28);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            sig.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    while sig.len() % 4 != 0 {
        sig.push('=');
    }
    let file = format!("version:2.0\nsigningMethod:HmacSHA1\njobId:{job_id}\nsignature:{sig}\n");
    (sig, file)
}

#[cfg(test)]
mod signature_tests {
    #[test]
    fn signatures_are_28_base64_characters_and_stable() {
        let (sig, file) = super::signature("ABCDE");
        assert_eq!(sig.len(), 28, "{sig}");
        assert!(sig.ends_with('='), "{sig}");
        assert!(sig[..27]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'));
        assert_eq!(super::signature("ABCDE").0, sig);
        assert_ne!(super::signature("ABCDF").0, sig);
        assert!(file.contains(&format!("signature:{sig}\n")), "{file}");
    }
}
