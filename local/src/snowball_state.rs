//! Snowball in memory: addresses and jobs (no clusters yet). Ids have the documented
//! forms, `ADID` and `JID` followed by a UUID; pages are opaque offsets.

use std::sync::{Mutex, MutexGuard};

use awsrt::internal::server::{GenericError, HandlerError};
use snowball::operation::create_address::{
    CreateAddressError, CreateAddressInput, CreateAddressOutput,
};
use snowball::operation::create_job::{CreateJobError, CreateJobInput, CreateJobOutput};
use snowball::operation::describe_address::{
    DescribeAddressError, DescribeAddressInput, DescribeAddressOutput,
};
use snowball::operation::describe_addresses::{
    DescribeAddressesError, DescribeAddressesInput, DescribeAddressesOutput,
};
use snowball::operation::describe_job::{DescribeJobError, DescribeJobInput, DescribeJobOutput};
use snowball::operation::list_jobs::{ListJobsError, ListJobsInput, ListJobsOutput};
use snowball::types::{
    Address, InvalidInputCombinationException, InvalidNextTokenException, InvalidResourceException,
    JobListEntry, JobMetadata, JobState, ShippingDetails,
};
use snowball::DateTime;

/// The Snowball service's state.
#[derive(Debug, Default)]
pub struct Snowball {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// In creation order.
    addresses: Vec<Address>,
    /// In creation order.
    jobs: Vec<JobMetadata>,
}

impl Snowball {
    fn state(&self) -> Result<MutexGuard<'_, State>, GenericError> {
        // A poisoned lock means a handler panicked mid-update; say so rather than serve
        // state that may be half written.
        self.state
            .lock()
            .map_err(|_| GenericError::internal("snowball-local state is unusable after a panic"))
    }
}

/// `items[start..start+max]` and the token of the next page: `NextToken` is the offset
/// of the next item, as text. A token that is not one we gave is an error.
fn page<T: Clone>(
    items: &[T],
    token: Option<&str>,
    max: Option<i32>,
) -> Result<(Vec<T>, Option<String>), String> {
    let start = match token {
        None | Some("") => 0,
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|&s| s <= items.len())
            .ok_or_else(|| format!("The NextToken {t:?} is not valid."))?,
    };
    // The model allows 0..=100; 0 or none means the service default.
    let max = match max {
        Some(m) if m > 0 => m as usize,
        _ => 100,
    };
    let end = start.saturating_add(max).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    Ok((items[start..end].to_vec(), next))
}

fn invalid_resource(kind: &str, id: &str) -> InvalidResourceException {
    InvalidResourceException::new()
        .message(format!("The {kind} ID {id} is not valid."))
        .resource_type(kind)
}

impl snowball::server::Service for Snowball {
    async fn create_address(
        &self,
        input: CreateAddressInput,
    ) -> Result<CreateAddressOutput, HandlerError<CreateAddressError>> {
        let id = format!("ADID{}", awsrt::internal::idempotency_token());
        self.state()?
            .addresses
            .push(input.address.address_id(id.clone()));
        Ok(CreateAddressOutput::new().address_id(id))
    }

    async fn describe_address(
        &self,
        input: DescribeAddressInput,
    ) -> Result<DescribeAddressOutput, HandlerError<DescribeAddressError>> {
        let state = self.state()?;
        let found = state
            .addresses
            .iter()
            .find(|a| a.address_id.as_deref() == Some(input.address_id.as_str()));
        match found {
            Some(a) => Ok(DescribeAddressOutput::new().address(a.clone())),
            None => Err(
                DescribeAddressError::InvalidResourceException(invalid_resource(
                    "address",
                    &input.address_id,
                ))
                .into(),
            ),
        }
    }

    async fn describe_addresses(
        &self,
        input: DescribeAddressesInput,
    ) -> Result<DescribeAddressesOutput, HandlerError<DescribeAddressesError>> {
        let state = self.state()?;
        let (items, next) = page(
            &state.addresses,
            input.next_token.as_deref(),
            input.max_results,
        )
        .map_err(|m| {
            DescribeAddressesError::InvalidNextTokenException(
                InvalidNextTokenException::new().message(m),
            )
        })?;
        let mut out = DescribeAddressesOutput::new().addresses(items);
        out.next_token = next;
        Ok(out)
    }

    async fn create_job(
        &self,
        input: CreateJobInput,
    ) -> Result<CreateJobOutput, HandlerError<CreateJobError>> {
        if input.cluster_id.is_some() {
            return Err(GenericError::new(
                501,
                "NotImplemented",
                "CreateJob for a cluster (ClusterId) is not implemented yet in snowball-local",
            )
            .into());
        }
        let combination = |m: &str| {
            HandlerError::Modeled(CreateJobError::InvalidInputCombinationException(
                InvalidInputCombinationException::new().message(m),
            ))
        };
        let Some(job_type) = input.job_type else {
            return Err(combination(
                "JobType is required for a job that is not part of a cluster.",
            ));
        };
        let Some(address_id) = input.address_id else {
            return Err(combination(
                "AddressId is required for a job that is not part of a cluster.",
            ));
        };
        let mut state = self.state()?;
        let known = |id: &str| {
            state
                .addresses
                .iter()
                .any(|a| a.address_id.as_deref() == Some(id))
        };
        for id in std::iter::once(&address_id).chain(input.forwarding_address_id.as_ref()) {
            if !known(id) {
                return Err(CreateJobError::InvalidResourceException(invalid_resource(
                    "address", id,
                ))
                .into());
            }
        }
        let id = format!("JID{}", awsrt::internal::idempotency_token());
        let mut job = JobMetadata::new()
            .job_id(id.clone())
            .job_state(JobState::New)
            .job_type(job_type)
            .creation_date(DateTime::now())
            .address_id(address_id);
        job.resources = input.resources;
        job.on_device_service_configuration = input.on_device_service_configuration;
        job.description = input.description;
        job.kms_key_arn = input.kms_key_arn;
        job.role_arn = input.role_arn;
        job.snowball_capacity_preference = input.snowball_capacity_preference;
        job.notification = input.notification;
        job.snowball_type = input.snowball_type;
        job.forwarding_address_id = input.forwarding_address_id;
        job.tax_documents = input.tax_documents;
        job.device_configuration = input.device_configuration;
        job.remote_management = input.remote_management;
        job.long_term_pricing_id = input.long_term_pricing_id;
        job.impact_level = input.impact_level;
        job.pickup_details = input.pickup_details;
        job.shipping_details = input
            .shipping_option
            .map(|o| ShippingDetails::new().shipping_option(o));
        state.jobs.push(job);
        Ok(CreateJobOutput::new().job_id(id))
    }

    async fn describe_job(
        &self,
        input: DescribeJobInput,
    ) -> Result<DescribeJobOutput, HandlerError<DescribeJobError>> {
        let state = self.state()?;
        let found = state
            .jobs
            .iter()
            .find(|j| j.job_id.as_deref() == Some(input.job_id.as_str()));
        match found {
            Some(j) => Ok(DescribeJobOutput::new().job_metadata(j.clone())),
            None => Err(DescribeJobError::InvalidResourceException(invalid_resource(
                "job",
                &input.job_id,
            ))
            .into()),
        }
    }

    async fn list_jobs(
        &self,
        input: ListJobsInput,
    ) -> Result<ListJobsOutput, HandlerError<ListJobsError>> {
        let state = self.state()?;
        let (jobs, next) = page(&state.jobs, input.next_token.as_deref(), input.max_results)
            .map_err(|m| {
                ListJobsError::InvalidNextTokenException(
                    InvalidNextTokenException::new().message(m),
                )
            })?;
        let entries = jobs
            .into_iter()
            .map(|j| {
                let mut e = JobListEntry::new().is_master(false);
                e.job_id = j.job_id;
                e.job_state = j.job_state;
                e.job_type = j.job_type;
                e.snowball_type = j.snowball_type;
                e.creation_date = j.creation_date;
                e.description = j.description;
                e
            })
            .collect();
        let mut out = ListJobsOutput::new().job_list_entries(entries);
        out.next_token = next;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn pages_walk_the_items_and_refuse_foreign_tokens() {
        let items: Vec<u32> = (0..5).collect();
        assert_eq!(
            page(&items, None, Some(2)),
            Ok((vec![0, 1], Some("2".into())))
        );
        assert_eq!(
            page(&items, Some("2"), Some(2)),
            Ok((vec![2, 3], Some("4".into())))
        );
        assert_eq!(page(&items, Some("4"), Some(2)), Ok((vec![4], None)));
        assert_eq!(page(&items, None, None), Ok((items.clone(), None)));
        assert_eq!(page(&items, None, Some(0)), Ok((items.clone(), None)));
        for bad in ["6", "-1", "x", "99999999999999999999999"] {
            assert!(page(&items, Some(bad), None).is_err(), "{bad}");
        }
    }
}
