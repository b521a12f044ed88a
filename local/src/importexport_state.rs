//! AWS Import/Export in memory: jobs created, listed newest first, and their status
//! (every job stays `Pending`: nothing ships here). Job ids are five upper-case letters
//! and digits, like the service's (`ABC12`).

use std::sync::{Mutex, MutexGuard};

use awsrt::internal::server::{GenericError, HandlerError};
use importexport::operation::create_job::{CreateJobError, CreateJobInput, CreateJobOutput};
use importexport::operation::get_status::{GetStatusError, GetStatusInput, GetStatusOutput};
use importexport::operation::list_jobs::{ListJobsError, ListJobsInput, ListJobsOutput};
use importexport::types::{
    InvalidJobIdException, InvalidParameterException, Job, JobType, MalformedManifestException,
};
use importexport::DateTime;

/// The Import/Export service's state.
#[derive(Debug, Default)]
pub struct ImportExport {
    state: Mutex<Vec<StoredJob>>,
}

#[derive(Debug, Clone)]
struct StoredJob {
    id: String,
    job_type: JobType,
    manifest: String,
    created: DateTime,
}

impl ImportExport {
    fn jobs(&self) -> Result<MutexGuard<'_, Vec<StoredJob>>, GenericError> {
        self.state
            .lock()
            .map_err(|_| GenericError::internal("snowball-local state is unusable after a panic"))
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

impl importexport::server::Service for ImportExport {
    async fn create_job(
        &self,
        input: CreateJobInput,
    ) -> Result<CreateJobOutput, HandlerError<CreateJobError>> {
        if input.manifest.trim().is_empty() {
            return Err(CreateJobError::MalformedManifestException(
                MalformedManifestException::new().message("The manifest is empty."),
            )
            .into());
        }
        if input.job_type.as_str() != "Import" && input.job_type.as_str() != "Export" {
            return Err(CreateJobError::InvalidParameterException(
                InvalidParameterException::new().message(format!(
                    "JobType {:?} is not Import or Export.",
                    input.job_type.as_str()
                )),
            )
            .into());
        }
        // ValidateOnly checks the request and creates nothing.
        if input.validate_only {
            return Ok(CreateJobOutput::new().job_type(input.job_type));
        }
        let mut jobs = self.jobs()?;
        let id = new_id(&jobs);
        jobs.push(StoredJob {
            id: id.clone(),
            job_type: input.job_type.clone(),
            manifest: input.manifest,
            created: DateTime::now(),
        });
        Ok(CreateJobOutput::new().job_id(id).job_type(input.job_type))
    }

    async fn list_jobs(
        &self,
        input: ListJobsInput,
    ) -> Result<ListJobsOutput, HandlerError<ListJobsError>> {
        let jobs = self.jobs()?;
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
                    .is_canceled(false)
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
        let jobs = self.jobs()?;
        let Some(j) = jobs.iter().find(|j| j.id == input.job_id) else {
            return Err(GetStatusError::InvalidJobIdException(
                InvalidJobIdException::new()
                    .message(format!("No such job {} for your account", input.job_id)),
            )
            .into());
        };
        Ok(GetStatusOutput::new()
            .job_id(j.id.clone())
            .job_type(j.job_type.clone())
            .progress_code("Pending")
            .progress_message("The specified job has not started.")
            .current_manifest(j.manifest.clone())
            .creation_date(j.created)
            .error_count(0))
    }
}
