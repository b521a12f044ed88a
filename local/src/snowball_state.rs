//! Snowball in memory: addresses, jobs and clusters, with the job state machine of the
//! API reference. Ids have the documented forms, `ADID`, `JID` and `CID` followed by a
//! UUID; pages are offsets.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use awsrt::internal::server::{GenericError, HandlerError};

use crate::journal::{Ack, Journal, Record, Replayed};
use crate::lock::{Guard, Store};
use snowball::operation::cancel_cluster::{
    CancelClusterError, CancelClusterInput, CancelClusterOutput,
};
use snowball::operation::cancel_job::{CancelJobError, CancelJobInput, CancelJobOutput};
use snowball::operation::create_address::{
    CreateAddressError, CreateAddressInput, CreateAddressOutput,
};
use snowball::operation::create_cluster::{
    CreateClusterError, CreateClusterInput, CreateClusterOutput,
};
use snowball::operation::create_job::{CreateJobError, CreateJobInput, CreateJobOutput};
use snowball::operation::create_long_term_pricing::{
    CreateLongTermPricingError, CreateLongTermPricingInput, CreateLongTermPricingOutput,
};
use snowball::operation::create_return_shipping_label::{
    CreateReturnShippingLabelError, CreateReturnShippingLabelInput, CreateReturnShippingLabelOutput,
};
use snowball::operation::describe_address::{
    DescribeAddressError, DescribeAddressInput, DescribeAddressOutput,
};
use snowball::operation::describe_addresses::{
    DescribeAddressesError, DescribeAddressesInput, DescribeAddressesOutput,
};
use snowball::operation::describe_cluster::{
    DescribeClusterError, DescribeClusterInput, DescribeClusterOutput,
};
use snowball::operation::describe_job::{DescribeJobError, DescribeJobInput, DescribeJobOutput};
use snowball::operation::describe_return_shipping_label::{
    DescribeReturnShippingLabelError, DescribeReturnShippingLabelInput,
    DescribeReturnShippingLabelOutput,
};
use snowball::operation::get_job_manifest::{
    GetJobManifestError, GetJobManifestInput, GetJobManifestOutput,
};
use snowball::operation::get_job_unlock_code::{
    GetJobUnlockCodeError, GetJobUnlockCodeInput, GetJobUnlockCodeOutput,
};
use snowball::operation::get_snowball_usage::{
    GetSnowballUsageError, GetSnowballUsageInput, GetSnowballUsageOutput,
};
use snowball::operation::get_software_updates::{
    GetSoftwareUpdatesError, GetSoftwareUpdatesInput, GetSoftwareUpdatesOutput,
};
use snowball::operation::list_cluster_jobs::{
    ListClusterJobsError, ListClusterJobsInput, ListClusterJobsOutput,
};
use snowball::operation::list_clusters::{
    ListClustersError, ListClustersInput, ListClustersOutput,
};
use snowball::operation::list_compatible_images::{
    ListCompatibleImagesError, ListCompatibleImagesInput, ListCompatibleImagesOutput,
};
use snowball::operation::list_jobs::{ListJobsError, ListJobsInput, ListJobsOutput};
use snowball::operation::list_long_term_pricing::{
    ListLongTermPricingError, ListLongTermPricingInput, ListLongTermPricingOutput,
};
use snowball::operation::list_pickup_locations::{
    ListPickupLocationsError, ListPickupLocationsInput, ListPickupLocationsOutput,
};
use snowball::operation::list_service_versions::{
    ListServiceVersionsError, ListServiceVersionsInput, ListServiceVersionsOutput,
};
use snowball::operation::update_cluster::{
    UpdateClusterError, UpdateClusterInput, UpdateClusterOutput,
};
use snowball::operation::update_job::{UpdateJobError, UpdateJobInput, UpdateJobOutput};
use snowball::operation::update_job_shipment_state::{
    UpdateJobShipmentStateError, UpdateJobShipmentStateInput, UpdateJobShipmentStateOutput,
};
use snowball::operation::update_long_term_pricing::{
    UpdateLongTermPricingError, UpdateLongTermPricingInput, UpdateLongTermPricingOutput,
};
use snowball::types::{
    Address, ClusterLimitExceededException, ClusterListEntry, ClusterMetadata, ClusterState,
    CompatibleImage, InvalidAddressException, InvalidInputCombinationException,
    InvalidJobStateException, InvalidNextTokenException, InvalidResourceException, JobListEntry,
    JobMetadata, JobResource, JobState, JobType, LongTermPricingListEntry, LongTermPricingType,
    ReturnShippingLabelAlreadyExistsException, ServiceName, ServiceVersion, ShipmentState,
    ShippingDetails, ShippingLabelStatus,
};
use snowball::DateTime;

/// A job's states in the order it passes through them (the API reference's `JobState`);
/// `Cancelled` is reached only by `CancelJob` (or `CancelCluster`) while `New`.
const LIFECYCLE: [JobState; 10] = [
    JobState::New,
    JobState::PreparingAppliance,
    JobState::PreparingShipment,
    JobState::InTransitToCustomer,
    JobState::WithCustomer,
    JobState::InTransitToAws,
    JobState::WithAwsSortingFacility,
    JobState::WithAws,
    JobState::InProgress,
    JobState::Complete,
];

/// The state after `state`, or `None` for a job that is done (or cancelled).
pub fn next_state(state: &JobState) -> Option<JobState> {
    let i = LIFECYCLE.iter().position(|s| s == state)?;
    LIFECYCLE.get(i + 1).cloned()
}

/// How many jobs a cluster waits for before it leaves `AwaitingQuorum` ("Each cluster
/// supports five nodes").
const CLUSTER_SIZE: usize = 5;

/// `GetSnowballUsage`'s limit: the documented default service limit.
const SNOWBALL_LIMIT: i32 = 1;

/// The Snowball service's state.
#[derive(Debug)]
pub struct Snowball {
    /// One store per region: jobs, addresses and clusters are the region's, as on AWS.
    state: Store<BTreeMap<String, State>>,
    /// `http://127.0.0.1:PORT`, the base of the manifest URLs this server hands out.
    base_url: String,
    /// Signs `NextToken`s, so a token this process did not issue is refused.
    tokens: RandomState,
    /// With `--state`: where every change goes before it is acknowledged.
    journal: Option<Arc<Journal>>,
}

/// The region of the request being answered: the SigV4 `Authorization` header's
/// credential scope (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`). Signatures are
/// not verified here, so a request without one (or with a scope that names no region)
/// falls in `us-east-1`.
fn request_region() -> String {
    awsrt::internal::server::request_header("authorization")
        .as_deref()
        .and_then(region_of)
        .unwrap_or_else(|| DEFAULT_REGION.to_string())
}

/// Where unsigned requests land.
const DEFAULT_REGION: &str = "us-east-1";

fn region_of(authorization: &str) -> Option<String> {
    let scope = authorization.split("Credential=").nth(1)?;
    let region = scope.split(['/', ',']).nth(2)?.trim();
    let valid = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then(|| region.to_string())
}

/// `records` with their keys prefixed by the region (`REGION/ID`) for the log.
fn in_region(region: &str, records: Vec<Record>) -> Vec<Record> {
    records
        .into_iter()
        .map(|mut r| {
            r.key = format!("{region}/{}", r.key);
            r
        })
        .collect()
}

/// One region's state, taken out of the map while the lock is held and put back when
/// dropped (so handlers work on a plain `State`).
struct RegionGuard<'a> {
    all: Guard<'a, BTreeMap<String, State>>,
    region: String,
    state: State,
}

impl Drop for RegionGuard<'_> {
    fn drop(&mut self) {
        let state = std::mem::take(&mut self.state);
        self.all.insert(std::mem::take(&mut self.region), state);
    }
}

impl std::ops::Deref for RegionGuard<'_> {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

impl std::ops::DerefMut for RegionGuard<'_> {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.state
    }
}

/// A change's record: the entity after it, as JSON with the shape's own `Encode`.
fn record<T: awsrt::internal::Encode>(kind: &'static str, key: &str, value: &T) -> Record {
    Record {
        kind,
        key: key.to_string(),
        json: awsrt::internal::json::to_vec(value),
    }
}

/// A failed write of the state file: the change is not acknowledged.
fn unsaved<E>(e: String) -> HandlerError<E> {
    GenericError::internal(format!("the change was not saved: {e}")).into()
}

/// Replaces the item `same` picks, or appends it: replay keeps creation order.
fn upsert<T>(items: &mut Vec<T>, value: T, same: impl Fn(&T) -> bool) {
    match items.iter_mut().find(|i| same(i)) {
        Some(slot) => *slot = value,
        None => items.push(value),
    }
}

/// A region's jobs in creation order (what `ListJobs` pages over), with an index by id
/// so a lookup is a map lookup, not a scan of every job. Jobs are never removed and their
/// ids never change, so the index stays right.
#[derive(Debug, Default)]
struct Jobs {
    list: Vec<JobMetadata>,
    by_id: HashMap<String, usize>,
}

impl Jobs {
    fn get(&self, id: &str) -> Option<&JobMetadata> {
        self.by_id.get(id).and_then(|&i| self.list.get(i))
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut JobMetadata> {
        self.by_id.get(id).and_then(|&i| self.list.get_mut(i))
    }

    fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Adds a new job (or replaces the one with its id, keeping its place: replay).
    fn push(&mut self, job: JobMetadata) {
        let id = job.job_id.clone().unwrap_or_default();
        match self.by_id.get(&id) {
            Some(&i) => self.list[i] = job,
            None => {
                self.by_id.insert(id, self.list.len());
                self.list.push(job);
            }
        }
    }

    fn iter(&self) -> std::slice::Iter<'_, JobMetadata> {
        self.list.iter()
    }

    /// Mutable access to every job; callers change states, never ids.
    fn iter_mut(&mut self) -> std::slice::IterMut<'_, JobMetadata> {
        self.list.iter_mut()
    }
}

#[derive(Debug, Default)]
struct State {
    /// In creation order.
    addresses: Vec<Address>,
    jobs: Jobs,
    /// In creation order.
    clusters: Vec<ClusterMetadata>,
    /// In creation order.
    pricing: Vec<LongTermPricingListEntry>,
    /// Return shipping labels, by job id.
    labels: Vec<(String, DescribeReturnShippingLabelOutput)>,
    /// Export jobs split into job parts: the main job's id to its parts' ids.
    parts: HashMap<String, Vec<String>>,
}

/// The `sb.parts` record of a main job: its parts' ids as a JSON array.
fn parts_record(main: &str, parts: &[String]) -> Record {
    let list: Vec<String> = parts.iter().map(|p| format!("\"{p}\"")).collect();
    Record {
        kind: "sb.parts",
        key: main.to_string(),
        json: format!("[{}]", list.join(",")).into_bytes(),
    }
}

/// Reads what [`parts_record`] wrote: job ids have no quotes or commas.
fn parse_parts(json: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(json).ok()?.trim();
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    inner
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let id = s.trim().strip_prefix('"')?.strip_suffix('"')?;
            id.starts_with("JID").then(|| id.to_string())
        })
        .collect()
}

impl State {
    /// The records of a job and of its cluster, after a change to the job.
    fn job_recs(&self, id: &str) -> Vec<Record> {
        let job = self.jobs.get(id);
        let cluster = job.and_then(|j| j.cluster_id.as_deref()).and_then(|cid| {
            self.clusters
                .iter()
                .find(|c| c.cluster_id.as_deref() == Some(cid))
        });
        job.map(|j| record("sb.job", id, j))
            .into_iter()
            .chain(cluster.map(|c| record("sb.cluster", c.cluster_id.as_deref().unwrap_or(""), c)))
            .collect()
    }

    /// The records of a cluster and its jobs, after a change to the cluster.
    fn cluster_recs(&self, id: &str) -> Vec<Record> {
        let cluster = self
            .clusters
            .iter()
            .filter(|c| c.cluster_id.as_deref() == Some(id))
            .map(|c| record("sb.cluster", id, c));
        let jobs = self
            .jobs
            .iter()
            .filter(|j| j.cluster_id.as_deref() == Some(id))
            .map(|j| record("sb.job", j.job_id.as_deref().unwrap_or(""), j));
        cluster.chain(jobs).collect()
    }

    fn job_mut(&mut self, id: &str) -> Result<&mut JobMetadata, InvalidResourceException> {
        self.jobs
            .get_mut(id)
            .ok_or_else(|| invalid_resource("job", id))
    }

    fn cluster_mut(&mut self, id: &str) -> Result<&mut ClusterMetadata, InvalidResourceException> {
        self.clusters
            .iter_mut()
            .find(|c| c.cluster_id.as_deref() == Some(id))
            .ok_or_else(|| invalid_resource("cluster", id))
    }

    /// Every address id given exists.
    fn check_addresses<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a String>,
    ) -> Result<(), InvalidResourceException> {
        for id in ids {
            if !self
                .addresses
                .iter()
                .any(|a| a.address_id.as_deref() == Some(id.as_str()))
            {
                return Err(invalid_resource("address", id));
            }
        }
        Ok(())
    }

    /// Moves every job (and so every cluster) one state on; `job` limits it to one job.
    /// Returns the ids of the jobs that moved.
    fn advance(&mut self, job: Option<&str>) -> Vec<String> {
        let mut moved = Vec::new();
        // One job: straight to it; none: every job.
        let one;
        let jobs: Box<dyn Iterator<Item = &mut JobMetadata>> = match job {
            Some(id) => {
                one = self.jobs.get_mut(id);
                Box::new(one.into_iter())
            }
            None => Box::new(self.jobs.iter_mut()),
        };
        for j in jobs {
            // A job of a cluster that waits for its quorum does not move on its own.
            if let Some(cid) = j.cluster_id.as_deref() {
                let waiting = self.clusters.iter().any(|c| {
                    c.cluster_id.as_deref() == Some(cid)
                        && c.cluster_state == Some(ClusterState::AwaitingQuorum)
                });
                if waiting {
                    continue;
                }
            }
            if let Some(next) = j.job_state.as_ref().and_then(next_state) {
                j.job_state = Some(next);
                moved.push(j.job_id.clone().unwrap_or_default());
            }
        }
        self.refresh_clusters();
        moved
    }

    /// Each cluster's state from its jobs, after jobs were added or moved.
    fn refresh_clusters(&mut self) {
        for c in self.clusters.iter_mut() {
            let jobs: Vec<&JobMetadata> = self
                .jobs
                .iter()
                .filter(|j| j.cluster_id == c.cluster_id)
                .collect();
            c.cluster_state = Some(cluster_state(c.cluster_state.as_ref(), &jobs));
        }
    }
}

/// A cluster's state from its jobs: `AwaitingQuorum` until it has five, then `Pending`
/// until they ship, `InUse` once one is with the customer, `Complete` when all are.
fn cluster_state(current: Option<&ClusterState>, jobs: &[&JobMetadata]) -> ClusterState {
    if current == Some(&ClusterState::Cancelled) {
        return ClusterState::Cancelled;
    }
    if jobs.len() < CLUSTER_SIZE {
        return ClusterState::AwaitingQuorum;
    }
    let rank = |x: &JobState| LIFECYCLE.iter().position(|l| l == x);
    let at_least = |j: &&JobMetadata, s: JobState| j.job_state.as_ref().and_then(rank) >= rank(&s);
    if jobs.iter().all(|j| at_least(j, JobState::Complete)) {
        ClusterState::Complete
    } else if jobs.iter().any(|j| at_least(j, JobState::WithCustomer)) {
        ClusterState::InUse
    } else {
        ClusterState::Pending
    }
}

impl Snowball {
    /// An empty store whose manifest URLs start with `base_url`.
    pub fn new(base_url: impl Into<String>) -> Snowball {
        Snowball {
            state: Store::default(),
            base_url: base_url.into(),
            tokens: RandomState::new(),
            journal: None,
        }
    }

    /// The state of the request's region, locked.
    async fn state(&self) -> Result<RegionGuard<'_>, GenericError> {
        let mut all = self.state.lock().await?;
        let region = request_region();
        let state = all.remove(&region).unwrap_or_default();
        Ok(RegionGuard { all, region, state })
    }

    /// Moves jobs one state on (all of them in every region, or the one named): the
    /// admin endpoint's and `--advance-every`'s work. Returns how many moved; `None` for
    /// an unknown job.
    pub async fn advance(&self, job: Option<&str>) -> Result<Option<usize>, GenericError> {
        let mut all = self.state.lock().await?;
        if let Some(id) = job {
            let known = all.values().any(|s| s.jobs.contains(id));
            if !known {
                return Ok(None);
            }
        }
        let mut moved = 0;
        let mut recs = Vec::new();
        for (region, state) in all.iter_mut() {
            let ids = state.advance(job);
            moved += ids.len();
            let mut r: Vec<Record> = ids.iter().flat_map(|id| state.job_recs(id)).collect();
            if !ids.is_empty() {
                r.extend(
                    state
                        .clusters
                        .iter()
                        .map(|c| record("sb.cluster", c.cluster_id.as_deref().unwrap_or(""), c)),
                );
            }
            recs.extend(in_region(region, r));
        }
        let ack = match &self.journal {
            Some(j) => j.append(&recs),
            None => Ack::done(),
        };
        drop(all);
        ack.wait()
            .await
            .map_err(|e| GenericError::internal(format!("the change was not saved: {e}")))?;
        Ok(Some(moved))
    }

    /// With a journal, the store writes every change to it before answering.
    pub fn with_journal(mut self, journal: Arc<Journal>) -> Snowball {
        self.journal = Some(journal);
        self
    }

    /// Queues `records` while the state is still locked (so the log has the changes in
    /// their order), then unlocks it; the answer waits on the returned [`Ack`].
    fn log(&self, state: RegionGuard<'_>, records: &[Record]) -> Ack {
        let ack = match &self.journal {
            Some(j) => j.append(&in_region(&state.region, records.to_vec())),
            None => Ack::done(),
        };
        drop(state);
        ack
    }

    /// Applies one record read back from the state file; `Ok(false)` if it is not
    /// Snowball's.
    pub fn replay(&mut self, r: &Replayed) -> Result<bool, String> {
        use awsrt::internal::json::from_slice;
        if !r.kind.starts_with("sb.") {
            return Ok(false);
        }
        // Keys are REGION/ID.
        let (region, id) = r
            .key
            .split_once('/')
            .ok_or_else(|| format!("a {} record's key {:?} names no region", r.kind, r.key))?;
        let state = self.state.get_mut().entry(region.to_string()).or_default();
        let bad =
            |e: awsrt::internal::DecodeError| format!("a {} record for {}: {e}", r.kind, r.key);
        let key = Some(id);
        match r.kind.as_str() {
            "sb.address" => {
                let v: Address = from_slice(&r.json).map_err(bad)?;
                upsert(&mut state.addresses, v, |a| a.address_id.as_deref() == key);
            }
            "sb.job" => {
                let v: JobMetadata = from_slice(&r.json).map_err(bad)?;
                if v.job_id.as_deref() != key {
                    return Err(format!(
                        "a {} record for {} holds job {:?}",
                        r.kind, r.key, v.job_id
                    ));
                }
                state.jobs.push(v);
            }
            "sb.cluster" => {
                let v: ClusterMetadata = from_slice(&r.json).map_err(bad)?;
                upsert(&mut state.clusters, v, |c| c.cluster_id.as_deref() == key);
            }
            "sb.pricing" => {
                let v: LongTermPricingListEntry = from_slice(&r.json).map_err(bad)?;
                upsert(&mut state.pricing, v, |p| {
                    p.long_term_pricing_id.as_deref() == key
                });
            }
            "sb.parts" => {
                let parts = parse_parts(&r.json).ok_or_else(|| {
                    format!("a {} record for {} is not a list of job ids", r.kind, r.key)
                })?;
                state.parts.insert(id.to_string(), parts);
            }
            "sb.label" => {
                let v: DescribeReturnShippingLabelOutput = from_slice(&r.json).map_err(bad)?;
                upsert(&mut state.labels, (id.to_string(), v), |(j, _)| j == id);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// A job's software update file, as bytes (what `GetSoftwareUpdates`' URL serves).
    pub async fn updates(&self, job: &str) -> Result<Option<Vec<u8>>, GenericError> {
        let all = self.state.lock().await?;
        Ok(all.values().find_map(|s| s.jobs.get(job)).map(|j| {
            format!(
                "snowball-local software update\njob: {}\n",
                j.job_id.as_deref().unwrap_or("")
            )
            .into_bytes()
        }))
    }

    /// The manifest of a job, as bytes (what the URL `GetJobManifest` gives serves).
    pub async fn manifest(&self, job: &str) -> Result<Option<Vec<u8>>, GenericError> {
        // The URL names the job, not the region: look in every region.
        let all = self.state.lock().await?;
        Ok(all
            .values()
            .find_map(|s| s.jobs.get(job))
            .map(manifest_bytes))
    }
}

impl Snowball {
    /// A job's return shipping label, as bytes; `None` if the job has none.
    pub async fn label(&self, job: &str) -> Result<Option<Vec<u8>>, GenericError> {
        let all = self.state.lock().await?;
        Ok(all
            .values()
            .flat_map(|s| s.labels.iter())
            .find(|(j, _)| j == job)
            .map(|(j, _)| format!("snowball-local return shipping label\njob: {j}\n").into_bytes()))
    }
}

/// A job's manifest: a stand-in for the encrypted file AWS serves, fixed per job.
fn manifest_bytes(job: &JobMetadata) -> Vec<u8> {
    format!(
        "snowball-local manifest\njob: {}\ntype: {}\n",
        job.job_id.as_deref().unwrap_or(""),
        job.job_type.as_ref().map(|t| t.as_str()).unwrap_or("")
    )
    .into_bytes()
}

/// The documented 29-character unlock code (25 letters and digits in five groups of five),
/// derived from the job id so it is stable for the job's life.
fn unlock_code(job_id: &str) -> String {
    // The id's UUID has 32 hex digits; 25 of them, upper-cased, fill the groups.
    let digits: Vec<char> = job_id
        .chars()
        .skip(3)
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_uppercase())
        .chain(std::iter::repeat('0'))
        .take(25)
        .collect();
    digits
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn job_state_error(id: &str, state: Option<&JobState>, action: &str) -> InvalidJobStateException {
    InvalidJobStateException::new().message(format!(
        "The job {id} is in the {} state; {action}.",
        state.map(|s| s.as_str()).unwrap_or("unknown")
    ))
}

fn list_entry(j: &JobMetadata, is_master: bool) -> JobListEntry {
    let mut e = JobListEntry::new().is_master(is_master);
    e.job_id = j.job_id.clone();
    e.job_state = j.job_state.clone();
    e.job_type = j.job_type.clone();
    e.snowball_type = j.snowball_type.clone();
    e.creation_date = j.creation_date;
    e.description = j.description.clone();
    e
}

/// `items[start..start+max]` and the token of the next page: `NextToken` is the offset
/// of the next item and a keyed hash of it (`OFFSET.HASH`), so only tokens this process
/// issued are taken.
fn page<T: Clone>(
    keys: &RandomState,
    items: &[T],
    token: Option<&str>,
    max: Option<i32>,
) -> Result<(Vec<T>, Option<String>), String> {
    let sign = |offset: usize| format!("{offset}.{:016x}", keys.hash_one(offset));
    let start = match token {
        None | Some("") => 0,
        Some(t) => t
            .split_once('.')
            .and_then(|(o, _)| o.parse::<usize>().ok())
            .filter(|&s| s <= items.len() && sign(s) == t)
            .ok_or_else(|| format!("The NextToken {t:?} is not valid."))?,
    };
    // The model allows 0..=100; 0 or none means the service default.
    let max = match max {
        Some(m) if m > 0 => m as usize,
        _ => 100,
    };
    let end = start.saturating_add(max).min(items.len());
    let next = (end < items.len()).then(|| sign(end));
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
        // What a carrier needs to deliver: the fields the Snowball console requires
        // (StateOrProvince and PhoneNumber are not required everywhere).
        let a = &input.address;
        let required = [
            ("Name", &a.name),
            ("Street1", &a.street1),
            ("City", &a.city),
            ("PostalCode", &a.postal_code),
            ("Country", &a.country),
        ];
        let missing: Vec<&str> = required
            .iter()
            .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(CreateAddressError::InvalidAddressException(
                InvalidAddressException::new().message(format!(
                    "The address provided was invalid: {} missing. Check the address with \
                     your shipping carrier, and try again.",
                    missing.join(", ")
                )),
            )
            .into());
        }
        let id = format!("ADID{}", awsrt::internal::idempotency_token());
        let address = input.address.address_id(id.clone());
        let recs = [record("sb.address", &id, &address)];
        let mut state = self.state().await?;
        state.addresses.push(address);
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(CreateAddressOutput::new().address_id(id))
    }

    async fn describe_address(
        &self,
        input: DescribeAddressInput,
    ) -> Result<DescribeAddressOutput, HandlerError<DescribeAddressError>> {
        let state = self.state().await?;
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
        let state = self.state().await?;
        let (items, next) = page(
            &self.tokens,
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
        let combination = |m: &str| {
            HandlerError::Modeled(CreateJobError::InvalidInputCombinationException(
                InvalidInputCombinationException::new().message(m),
            ))
        };
        let mut state = self.state().await?;
        let id = format!("JID{}", awsrt::internal::idempotency_token());
        let mut job = JobMetadata::new()
            .job_id(id.clone())
            .job_state(JobState::New)
            .creation_date(DateTime::now());
        if let Some(cluster_id) = input.cluster_id {
            // A cluster's node: type, address and shipping come from the cluster.
            let nodes = state
                .jobs
                .iter()
                .filter(|j| j.cluster_id.as_deref() == Some(cluster_id.as_str()))
                .count();
            let cluster = state
                .cluster_mut(&cluster_id)
                .map_err(CreateJobError::InvalidResourceException)?;
            if nodes >= CLUSTER_SIZE && cluster.cluster_state != Some(ClusterState::Cancelled) {
                return Err(CreateJobError::ClusterLimitExceededException(
                    ClusterLimitExceededException::new().message(format!(
                        "Job creation failed. Currently, clusters support five nodes. The \
                         cluster {cluster_id} has {nodes} already."
                    )),
                )
                .into());
            }
            if cluster.cluster_state != Some(ClusterState::AwaitingQuorum) {
                return Err(combination(&format!(
                    "The cluster {cluster_id} is not in the AwaitingQuorum state; it takes no \
                     more jobs."
                )));
            }
            let cluster = cluster.clone();
            job = cluster_job(job, &cluster);
            job.description = input.description.or(job.description);
            state.jobs.push(job);
            state.refresh_clusters();
            let recs = state.job_recs(&id);
            self.log(state, &recs).wait().await.map_err(unsaved)?;
            return Ok(CreateJobOutput::new().job_id(id));
        }
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
        state
            .check_addresses(std::iter::once(&address_id).chain(&input.forwarding_address_id))
            .map_err(CreateJobError::InvalidResourceException)?;
        job = job.job_type(job_type).address_id(address_id);
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
        // An export of several S3 resources (buckets or key ranges) is split into job
        // parts, one device each; the job created is the main job.
        let s3 = job
            .resources
            .as_ref()
            .and_then(|r| r.s3_resources.clone())
            .unwrap_or_default();
        let split = job.job_type == Some(JobType::Export) && s3.len() > 1;
        let mut part_ids = Vec::new();
        let mut parts = Vec::new();
        if split {
            for resource in s3 {
                let part_id = format!("JID{}", awsrt::internal::idempotency_token());
                let mut part = job.clone().job_id(part_id.clone());
                part.resources = Some(JobResource::new().s3_resources(vec![resource]));
                part_ids.push(part_id);
                parts.push(part);
            }
        }
        state.jobs.push(job);
        let mut recs = state.job_recs(&id);
        for part in parts {
            let part_id = part.job_id.clone().unwrap_or_default();
            state.jobs.push(part);
            recs.extend(state.job_recs(&part_id));
        }
        if split {
            recs.push(parts_record(&id, &part_ids));
            state.parts.insert(id.clone(), part_ids);
        }
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(CreateJobOutput::new().job_id(id))
    }

    async fn describe_job(
        &self,
        input: DescribeJobInput,
    ) -> Result<DescribeJobOutput, HandlerError<DescribeJobError>> {
        let state = self.state().await?;
        match state.jobs.get(&input.job_id) {
            Some(j) => {
                let mut out = DescribeJobOutput::new().job_metadata(j.clone());
                if let Some(parts) = state.parts.get(&input.job_id) {
                    out.sub_job_metadata = Some(
                        parts
                            .iter()
                            .filter_map(|p| state.jobs.get(p))
                            .cloned()
                            .collect(),
                    );
                }
                Ok(out)
            }
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
        let state = self.state().await?;
        let (jobs, next) = page(
            &self.tokens,
            &state.jobs.list,
            input.next_token.as_deref(),
            input.max_results,
        )
        .map_err(|m| {
            ListJobsError::InvalidNextTokenException(InvalidNextTokenException::new().message(m))
        })?;
        // A main job (an export split into parts) is listed as the master.
        let entries = jobs
            .iter()
            .map(|j| {
                let main = j
                    .job_id
                    .as_deref()
                    .is_some_and(|id| state.parts.contains_key(id));
                list_entry(j, main)
            })
            .collect();
        let mut out = ListJobsOutput::new().job_list_entries(entries);
        out.next_token = next;
        Ok(out)
    }

    async fn cancel_job(
        &self,
        input: CancelJobInput,
    ) -> Result<CancelJobOutput, HandlerError<CancelJobError>> {
        let mut state = self.state().await?;
        let job = state
            .job_mut(&input.job_id)
            .map_err(CancelJobError::InvalidResourceException)?;
        // "You can only cancel a job before its JobState value changes to
        // PreparingAppliance."
        if job.job_state != Some(JobState::New) {
            return Err(CancelJobError::InvalidJobStateException(job_state_error(
                &input.job_id,
                job.job_state.as_ref(),
                "a job can be cancelled only while it is New",
            ))
            .into());
        }
        job.job_state = Some(JobState::Cancelled);
        let mut recs = state.job_recs(&input.job_id);
        // Cancelling a main job cancels its parts that have not moved on.
        let parts = state.parts.get(&input.job_id).cloned().unwrap_or_default();
        for part in parts {
            if let Some(p) = state.jobs.get_mut(&part) {
                if p.job_state == Some(JobState::New) {
                    p.job_state = Some(JobState::Cancelled);
                    recs.extend(state.job_recs(&part));
                }
            }
        }
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(CancelJobOutput::new())
    }

    async fn update_job(
        &self,
        input: UpdateJobInput,
    ) -> Result<UpdateJobOutput, HandlerError<UpdateJobError>> {
        let mut state = self.state().await?;
        state
            .check_addresses(input.address_id.iter().chain(&input.forwarding_address_id))
            .map_err(UpdateJobError::InvalidResourceException)?;
        let job = state
            .job_mut(&input.job_id)
            .map_err(UpdateJobError::InvalidResourceException)?;
        if job.job_state != Some(JobState::New) {
            return Err(UpdateJobError::InvalidJobStateException(job_state_error(
                &input.job_id,
                job.job_state.as_ref(),
                "a job can be updated only while it is New",
            ))
            .into());
        }
        // What the request leaves out stays as it was.
        job.role_arn = input.role_arn.or(job.role_arn.take());
        job.notification = input.notification.or(job.notification.take());
        job.resources = input.resources.or(job.resources.take());
        job.on_device_service_configuration = input
            .on_device_service_configuration
            .or(job.on_device_service_configuration.take());
        job.address_id = input.address_id.or(job.address_id.take());
        if let Some(o) = input.shipping_option {
            let details = job.shipping_details.take().unwrap_or_default();
            job.shipping_details = Some(details.shipping_option(o));
        }
        job.description = input.description.or(job.description.take());
        job.snowball_capacity_preference = input
            .snowball_capacity_preference
            .or(job.snowball_capacity_preference.take());
        job.forwarding_address_id = input
            .forwarding_address_id
            .or(job.forwarding_address_id.take());
        job.pickup_details = input.pickup_details.or(job.pickup_details.take());
        let recs = state.job_recs(&input.job_id);
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(UpdateJobOutput::new())
    }

    async fn update_job_shipment_state(
        &self,
        input: UpdateJobShipmentStateInput,
    ) -> Result<UpdateJobShipmentStateOutput, HandlerError<UpdateJobShipmentStateError>> {
        let mut state = self.state().await?;
        let job = state
            .job_mut(&input.job_id)
            .map_err(UpdateJobShipmentStateError::InvalidResourceException)?;
        // RECEIVED: the device reached the customer; RETURNED: it is on its way back.
        let (from, to) = match input.shipment_state {
            ShipmentState::Received => (JobState::InTransitToCustomer, JobState::WithCustomer),
            ShipmentState::Returned => (JobState::WithCustomer, JobState::InTransitToAws),
            _ => {
                return Err(UpdateJobShipmentStateError::InvalidJobStateException(
                    InvalidJobStateException::new().message(format!(
                        "ShipmentState {:?} is not RECEIVED or RETURNED.",
                        input.shipment_state.as_str()
                    )),
                )
                .into())
            }
        };
        if job.job_state.as_ref() == Some(&to) {
            return Ok(UpdateJobShipmentStateOutput::new());
        }
        if job.job_state.as_ref() != Some(&from) {
            return Err(
                UpdateJobShipmentStateError::InvalidJobStateException(job_state_error(
                    &input.job_id,
                    job.job_state.as_ref(),
                    &format!(
                        "{} applies to a job in the {} state",
                        input.shipment_state.as_str(),
                        from.as_str()
                    ),
                ))
                .into(),
            );
        }
        job.job_state = Some(to);
        state.refresh_clusters();
        let recs = state.job_recs(&input.job_id);
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(UpdateJobShipmentStateOutput::new())
    }

    async fn get_job_unlock_code(
        &self,
        input: GetJobUnlockCodeInput,
    ) -> Result<GetJobUnlockCodeOutput, HandlerError<GetJobUnlockCodeError>> {
        let mut state = self.state().await?;
        let job = state
            .job_mut(&input.job_id)
            .map_err(GetJobUnlockCodeError::InvalidResourceException)?;
        if job.job_state == Some(JobState::Cancelled) {
            return Err(
                GetJobUnlockCodeError::InvalidJobStateException(job_state_error(
                    &input.job_id,
                    job.job_state.as_ref(),
                    "a cancelled job has no unlock code",
                ))
                .into(),
            );
        }
        Ok(GetJobUnlockCodeOutput::new().unlock_code(unlock_code(&input.job_id)))
    }

    async fn get_job_manifest(
        &self,
        input: GetJobManifestInput,
    ) -> Result<GetJobManifestOutput, HandlerError<GetJobManifestError>> {
        let mut state = self.state().await?;
        let job = state
            .job_mut(&input.job_id)
            .map_err(GetJobManifestError::InvalidResourceException)?;
        if job.job_state == Some(JobState::Cancelled) {
            return Err(
                GetJobManifestError::InvalidJobStateException(job_state_error(
                    &input.job_id,
                    job.job_state.as_ref(),
                    "a cancelled job has no manifest",
                ))
                .into(),
            );
        }
        Ok(GetJobManifestOutput::new().manifest_uri(format!(
            "{}/_local/manifest/{}",
            self.base_url, input.job_id
        )))
    }

    async fn get_software_updates(
        &self,
        input: GetSoftwareUpdatesInput,
    ) -> Result<GetSoftwareUpdatesOutput, HandlerError<GetSoftwareUpdatesError>> {
        let mut state = self.state().await?;
        let job = state
            .job_mut(&input.job_id)
            .map_err(GetSoftwareUpdatesError::InvalidResourceException)?;
        if job.job_state == Some(JobState::Cancelled) {
            return Err(
                GetSoftwareUpdatesError::InvalidJobStateException(job_state_error(
                    &input.job_id,
                    job.job_state.as_ref(),
                    "a cancelled job has no software updates",
                ))
                .into(),
            );
        }
        Ok(GetSoftwareUpdatesOutput::new()
            .updates_uri(format!("{}/_local/updates/{}", self.base_url, input.job_id)))
    }

    async fn get_snowball_usage(
        &self,
        _input: GetSnowballUsageInput,
    ) -> Result<GetSnowballUsageOutput, HandlerError<GetSnowballUsageError>> {
        let state = self.state().await?;
        // A device is in use from creation until its job completes or is cancelled; a
        // main job has no device of its own (its parts do).
        let in_use = state
            .jobs
            .iter()
            .filter(|j| {
                !j.job_id
                    .as_deref()
                    .is_some_and(|id| state.parts.contains_key(id))
            })
            .filter(|j| {
                !matches!(
                    j.job_state,
                    Some(JobState::Complete) | Some(JobState::Cancelled)
                )
            })
            .count();
        Ok(GetSnowballUsageOutput::new()
            .snowball_limit(SNOWBALL_LIMIT)
            .snowballs_in_use(i32::try_from(in_use).unwrap_or(i32::MAX)))
    }

    async fn create_cluster(
        &self,
        input: CreateClusterInput,
    ) -> Result<CreateClusterOutput, HandlerError<CreateClusterError>> {
        let mut state = self.state().await?;
        state
            .check_addresses(std::iter::once(&input.address_id).chain(&input.forwarding_address_id))
            .map_err(CreateClusterError::InvalidResourceException)?;
        let size = match input.initial_cluster_size {
            None => 0,
            Some(n @ 0..=16) => n as usize,
            Some(n) => {
                return Err(CreateClusterError::InvalidInputCombinationException(
                    InvalidInputCombinationException::new()
                        .message(format!("InitialClusterSize {n} is not between 0 and 16.")),
                )
                .into())
            }
        };
        let id = format!("CID{}", awsrt::internal::idempotency_token());
        let mut cluster = ClusterMetadata::new()
            .cluster_id(id.clone())
            .cluster_state(ClusterState::AwaitingQuorum)
            .job_type(input.job_type)
            .snowball_type(input.snowball_type)
            .creation_date(DateTime::now())
            .address_id(input.address_id)
            .shipping_option(input.shipping_option);
        cluster.resources = input.resources;
        cluster.on_device_service_configuration = input.on_device_service_configuration;
        cluster.description = input.description;
        cluster.kms_key_arn = input.kms_key_arn;
        cluster.role_arn = input.role_arn;
        cluster.notification = input.notification;
        cluster.forwarding_address_id = input.forwarding_address_id;
        cluster.tax_documents = input.tax_documents;
        // ForceCreateJobs with InitialClusterSize creates the cluster's jobs with it.
        let mut entries = Vec::new();
        if input.force_create_jobs == Some(true) {
            for i in 0..size {
                let job = cluster_job(
                    JobMetadata::new()
                        .job_id(format!("JID{}", awsrt::internal::idempotency_token()))
                        .job_state(JobState::New)
                        .creation_date(DateTime::now()),
                    &cluster,
                );
                entries.push(list_entry(&job, i == 0));
                state.jobs.push(job);
            }
        }
        state.clusters.push(cluster);
        state.refresh_clusters();
        let recs = state.cluster_recs(&id);
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        let mut out = CreateClusterOutput::new().cluster_id(id);
        if !entries.is_empty() {
            out.job_list_entries = Some(entries);
        }
        Ok(out)
    }

    async fn describe_cluster(
        &self,
        input: DescribeClusterInput,
    ) -> Result<DescribeClusterOutput, HandlerError<DescribeClusterError>> {
        let mut state = self.state().await?;
        let cluster = state
            .cluster_mut(&input.cluster_id)
            .map_err(DescribeClusterError::InvalidResourceException)?;
        Ok(DescribeClusterOutput::new().cluster_metadata(cluster.clone()))
    }

    async fn list_clusters(
        &self,
        input: ListClustersInput,
    ) -> Result<ListClustersOutput, HandlerError<ListClustersError>> {
        let state = self.state().await?;
        let (clusters, next) = page(
            &self.tokens,
            &state.clusters,
            input.next_token.as_deref(),
            input.max_results,
        )
        .map_err(|m| {
            ListClustersError::InvalidNextTokenException(
                InvalidNextTokenException::new().message(m),
            )
        })?;
        let entries = clusters
            .into_iter()
            .map(|c| {
                let mut e = ClusterListEntry::new();
                e.cluster_id = c.cluster_id;
                e.cluster_state = c.cluster_state;
                e.creation_date = c.creation_date;
                e.description = c.description;
                e
            })
            .collect();
        let mut out = ListClustersOutput::new().cluster_list_entries(entries);
        out.next_token = next;
        Ok(out)
    }

    async fn list_cluster_jobs(
        &self,
        input: ListClusterJobsInput,
    ) -> Result<ListClusterJobsOutput, HandlerError<ListClusterJobsError>> {
        let mut state = self.state().await?;
        state
            .cluster_mut(&input.cluster_id)
            .map_err(ListClusterJobsError::InvalidResourceException)?;
        let jobs: Vec<&JobMetadata> = state
            .jobs
            .iter()
            .filter(|j| j.cluster_id.as_deref() == Some(input.cluster_id.as_str()))
            .collect();
        // The cluster's first job is its master.
        let master = jobs.first().and_then(|j| j.job_id.clone());
        let (jobs, next) = page(
            &self.tokens,
            &jobs,
            input.next_token.as_deref(),
            input.max_results,
        )
        .map_err(|m| {
            ListClusterJobsError::InvalidNextTokenException(
                InvalidNextTokenException::new().message(m),
            )
        })?;
        let entries = jobs
            .iter()
            .map(|j| list_entry(j, j.job_id == master))
            .collect();
        let mut out = ListClusterJobsOutput::new().job_list_entries(entries);
        out.next_token = next;
        Ok(out)
    }

    async fn update_cluster(
        &self,
        input: UpdateClusterInput,
    ) -> Result<UpdateClusterOutput, HandlerError<UpdateClusterError>> {
        let mut state = self.state().await?;
        state
            .check_addresses(input.address_id.iter().chain(&input.forwarding_address_id))
            .map_err(UpdateClusterError::InvalidResourceException)?;
        let cluster = state
            .cluster_mut(&input.cluster_id)
            .map_err(UpdateClusterError::InvalidResourceException)?;
        if cluster.cluster_state != Some(ClusterState::AwaitingQuorum) {
            return Err(
                UpdateClusterError::InvalidJobStateException(cluster_state_error(
                    cluster,
                    "a cluster can be updated only while it is",
                ))
                .into(),
            );
        }
        cluster.role_arn = input.role_arn.or(cluster.role_arn.take());
        cluster.description = input.description.or(cluster.description.take());
        cluster.resources = input.resources.or(cluster.resources.take());
        cluster.on_device_service_configuration = input
            .on_device_service_configuration
            .or(cluster.on_device_service_configuration.take());
        cluster.address_id = input.address_id.or(cluster.address_id.take());
        cluster.shipping_option = input.shipping_option.or(cluster.shipping_option.take());
        cluster.notification = input.notification.or(cluster.notification.take());
        cluster.forwarding_address_id = input
            .forwarding_address_id
            .or(cluster.forwarding_address_id.take());
        let recs = state.cluster_recs(&input.cluster_id);
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(UpdateClusterOutput::new())
    }

    async fn cancel_cluster(
        &self,
        input: CancelClusterInput,
    ) -> Result<CancelClusterOutput, HandlerError<CancelClusterError>> {
        let mut state = self.state().await?;
        let cluster = state
            .cluster_mut(&input.cluster_id)
            .map_err(CancelClusterError::InvalidResourceException)?;
        // "You can only cancel a cluster job while it's in the AwaitingQuorum status."
        if cluster.cluster_state != Some(ClusterState::AwaitingQuorum) {
            return Err(
                CancelClusterError::InvalidJobStateException(cluster_state_error(
                    cluster,
                    "a cluster can be cancelled only while it is",
                ))
                .into(),
            );
        }
        cluster.cluster_state = Some(ClusterState::Cancelled);
        for j in state.jobs.iter_mut() {
            if j.cluster_id.as_deref() == Some(input.cluster_id.as_str()) {
                j.job_state = Some(JobState::Cancelled);
            }
        }
        let recs = state.cluster_recs(&input.cluster_id);
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(CancelClusterOutput::new())
    }

    async fn create_return_shipping_label(
        &self,
        input: CreateReturnShippingLabelInput,
    ) -> Result<CreateReturnShippingLabelOutput, HandlerError<CreateReturnShippingLabelError>> {
        let mut state = self.state().await?;
        let job = state
            .job_mut(&input.job_id)
            .map_err(CreateReturnShippingLabelError::InvalidResourceException)?;
        // The label returns the device: it exists only while the customer has it.
        if job.job_state != Some(JobState::WithCustomer) {
            return Err(
                CreateReturnShippingLabelError::InvalidJobStateException(job_state_error(
                    &input.job_id,
                    job.job_state.as_ref(),
                    "a return shipping label is made only while it is WithCustomer",
                ))
                .into(),
            );
        }
        if state.labels.iter().any(|(j, _)| *j == input.job_id) {
            return Err(
                CreateReturnShippingLabelError::ReturnShippingLabelAlreadyExistsException(
                    ReturnShippingLabelAlreadyExistsException::new().message(format!(
                        "A return shipping label already exists for the job {}.",
                        input.job_id
                    )),
                )
                .into(),
            );
        }
        // Labels are made at once here; the URI is served by this binary.
        let label = DescribeReturnShippingLabelOutput::new()
            .status(ShippingLabelStatus::Succeeded)
            .expiration_date(DateTime::from_secs(
                DateTime::now().secs().saturating_add(LABEL_LIFETIME_SECS),
            ))
            .return_shipping_label_uri(format!("{}/_local/label/{}", self.base_url, input.job_id));
        let recs = [record("sb.label", &input.job_id, &label)];
        state.labels.push((input.job_id, label));
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(CreateReturnShippingLabelOutput::new().status(ShippingLabelStatus::Succeeded))
    }

    async fn describe_return_shipping_label(
        &self,
        input: DescribeReturnShippingLabelInput,
    ) -> Result<DescribeReturnShippingLabelOutput, HandlerError<DescribeReturnShippingLabelError>>
    {
        let mut state = self.state().await?;
        let job = state
            .job_mut(&input.job_id)
            .map_err(DescribeReturnShippingLabelError::InvalidResourceException)?;
        let job_state = job.job_state.clone();
        match state.labels.iter().find(|(j, _)| *j == input.job_id) {
            Some((_, label)) => Ok(label.clone()),
            None => Err(DescribeReturnShippingLabelError::InvalidJobStateException(
                job_state_error(
                    &input.job_id,
                    job_state.as_ref(),
                    "it has no return shipping label (CreateReturnShippingLabel makes one)",
                ),
            )
            .into()),
        }
    }

    async fn create_long_term_pricing(
        &self,
        input: CreateLongTermPricingInput,
    ) -> Result<CreateLongTermPricingOutput, HandlerError<CreateLongTermPricingError>> {
        let days = match input.long_term_pricing_type {
            LongTermPricingType::OneMonth => 30,
            LongTermPricingType::OneYear => 365,
            LongTermPricingType::ThreeYear => 3 * 365,
            _ => {
                return Err(CreateLongTermPricingError::InvalidResourceException(
                    InvalidResourceException::new().message(format!(
                        "LongTermPricingType {:?} is not OneMonth, OneYear or ThreeYear.",
                        input.long_term_pricing_type.as_str()
                    )),
                )
                .into())
            }
        };
        let id = format!("LTPID{}", awsrt::internal::idempotency_token());
        let start = DateTime::now();
        let mut entry = LongTermPricingListEntry::new()
            .long_term_pricing_id(id.clone())
            .long_term_pricing_type(input.long_term_pricing_type)
            .long_term_pricing_start_date(start)
            .long_term_pricing_end_date(DateTime::from_secs(
                start.secs().saturating_add(days * 86_400),
            ))
            .long_term_pricing_status("ACTIVE")
            .snowball_type(input.snowball_type)
            .job_ids(Vec::new());
        entry.is_long_term_pricing_auto_renew = input.is_long_term_pricing_auto_renew;
        let recs = [record("sb.pricing", &id, &entry)];
        let mut state = self.state().await?;
        state.pricing.push(entry);
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(CreateLongTermPricingOutput::new().long_term_pricing_id(id))
    }

    async fn list_long_term_pricing(
        &self,
        input: ListLongTermPricingInput,
    ) -> Result<ListLongTermPricingOutput, HandlerError<ListLongTermPricingError>> {
        let state = self.state().await?;
        // A pricing's jobs are the jobs created with its id.
        let entries: Vec<LongTermPricingListEntry> = state
            .pricing
            .iter()
            .map(|p| {
                let mut p = p.clone();
                let jobs: Vec<String> = state
                    .jobs
                    .iter()
                    .filter(|j| j.long_term_pricing_id == p.long_term_pricing_id)
                    .filter_map(|j| j.job_id.clone())
                    .collect();
                p.current_active_job = jobs.last().cloned();
                p.job_ids = Some(jobs);
                p
            })
            .collect();
        let (entries, next) = page(
            &self.tokens,
            &entries,
            input.next_token.as_deref(),
            input.max_results,
        )
        .map_err(|m| {
            ListLongTermPricingError::InvalidNextTokenException(
                InvalidNextTokenException::new().message(m),
            )
        })?;
        let mut out = ListLongTermPricingOutput::new().long_term_pricing_entries(entries);
        out.next_token = next;
        Ok(out)
    }

    async fn update_long_term_pricing(
        &self,
        input: UpdateLongTermPricingInput,
    ) -> Result<UpdateLongTermPricingOutput, HandlerError<UpdateLongTermPricingError>> {
        let mut state = self.state().await?;
        if let Some(job) = &input.replacement_job {
            state
                .job_mut(job)
                .map_err(UpdateLongTermPricingError::InvalidResourceException)?;
        }
        let id = &input.long_term_pricing_id;
        let entry = state
            .pricing
            .iter_mut()
            .find(|p| p.long_term_pricing_id.as_deref() == Some(id.as_str()))
            .ok_or_else(|| {
                UpdateLongTermPricingError::InvalidResourceException(invalid_resource(
                    "long-term pricing",
                    id,
                ))
            })?;
        entry.replacement_job = input.replacement_job.or(entry.replacement_job.take());
        entry.is_long_term_pricing_auto_renew = input
            .is_long_term_pricing_auto_renew
            .or(entry.is_long_term_pricing_auto_renew);
        let recs = [record("sb.pricing", id, entry)];
        self.log(state, &recs).wait().await.map_err(unsaved)?;
        Ok(UpdateLongTermPricingOutput::new())
    }

    async fn list_compatible_images(
        &self,
        input: ListCompatibleImagesInput,
    ) -> Result<ListCompatibleImagesOutput, HandlerError<ListCompatibleImagesError>> {
        let images: Vec<CompatibleImage> = COMPATIBLE_IMAGES
            .iter()
            .map(|(id, name)| CompatibleImage::new().ami_id(*id).name(*name))
            .collect();
        let (images, next) = page(
            &self.tokens,
            &images,
            input.next_token.as_deref(),
            input.max_results,
        )
        .map_err(|m| {
            ListCompatibleImagesError::InvalidNextTokenException(
                InvalidNextTokenException::new().message(m),
            )
        })?;
        let mut out = ListCompatibleImagesOutput::new().compatible_images(images);
        out.next_token = next;
        Ok(out)
    }

    async fn list_pickup_locations(
        &self,
        input: ListPickupLocationsInput,
    ) -> Result<ListPickupLocationsOutput, HandlerError<ListPickupLocationsError>> {
        let locations: Vec<Address> = PICKUP_LOCATIONS
            .iter()
            .map(|(id, name, city, state, postal)| {
                Address::new()
                    .address_id(*id)
                    .name(*name)
                    .city(*city)
                    .state_or_province(*state)
                    .postal_code(*postal)
                    .country("US")
            })
            .collect();
        // ListPickupLocations models no InvalidNextTokenException: a bad token is
        // InvalidResourceException there.
        let (locations, next) = page(
            &self.tokens,
            &locations,
            input.next_token.as_deref(),
            input.max_results,
        )
        .map_err(|m| {
            ListPickupLocationsError::InvalidResourceException(
                InvalidResourceException::new().message(m),
            )
        })?;
        let mut out = ListPickupLocationsOutput::new().addresses(locations);
        out.next_token = next;
        Ok(out)
    }

    async fn list_service_versions(
        &self,
        input: ListServiceVersionsInput,
    ) -> Result<ListServiceVersionsOutput, HandlerError<ListServiceVersionsError>> {
        let versions: &[&str] = match input.service_name {
            ServiceName::Kubernetes => KUBERNETES_VERSIONS,
            ServiceName::EksAnywhere => EKS_ANYWHERE_VERSIONS,
            _ => {
                return Err(ListServiceVersionsError::InvalidResourceException(
                    InvalidResourceException::new().message(format!(
                        "ServiceName {:?} is not KUBERNETES or EKS_ANYWHERE.",
                        input.service_name.as_str()
                    )),
                )
                .into())
            }
        };
        let versions: Vec<ServiceVersion> = versions
            .iter()
            .map(|v| ServiceVersion::new().version(*v))
            .collect();
        let (versions, next) = page(
            &self.tokens,
            &versions,
            input.next_token.as_deref(),
            input.max_results,
        )
        .map_err(|m| {
            ListServiceVersionsError::InvalidNextTokenException(
                InvalidNextTokenException::new().message(m),
            )
        })?;
        let mut out = ListServiceVersionsOutput::new(versions, input.service_name);
        out.dependent_services = input.dependent_services;
        out.next_token = next;
        Ok(out)
    }
}

/// How long a return shipping label stays valid.
const LABEL_LIFETIME_SECS: i64 = 30 * 86_400;

/// `ListCompatibleImages`' fixed answer: Amazon Linux 2 and Ubuntu images of the kind the
/// API reference names (ids in the EC2 `ami-` form).
const COMPATIBLE_IMAGES: &[(&str, &str)] = &[
    ("ami-0a1b2c3d4e5f60001", "Amazon Linux 2 (snowball-local)"),
    (
        "ami-0a1b2c3d4e5f60002",
        "Ubuntu Server 20.04 LTS (snowball-local)",
    ),
    (
        "ami-0a1b2c3d4e5f60003",
        "Ubuntu Server 22.04 LTS (snowball-local)",
    ),
];

/// `ListPickupLocations`' fixed answer: id, name, city, state, postal code.
const PICKUP_LOCATIONS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "ADID00000000-0000-4000-8000-00000000a001",
        "AWS Pickup Seattle",
        "Seattle",
        "WA",
        "98109",
    ),
    (
        "ADID00000000-0000-4000-8000-00000000a002",
        "AWS Pickup Ashburn",
        "Ashburn",
        "VA",
        "20147",
    ),
];

/// `ListServiceVersions`' fixed answers.
const KUBERNETES_VERSIONS: &[&str] = &["1.21", "1.22", "1.23"];
const EKS_ANYWHERE_VERSIONS: &[&str] = &["1.0", "1.1"];

/// A new job of `cluster`: its type, address, shipping and settings are the cluster's.
fn cluster_job(mut job: JobMetadata, cluster: &ClusterMetadata) -> JobMetadata {
    job.cluster_id = cluster.cluster_id.clone();
    job.job_type = cluster.job_type.clone().or(Some(JobType::LocalUse));
    job.snowball_type = cluster.snowball_type.clone();
    job.address_id = cluster.address_id.clone();
    job.forwarding_address_id = cluster.forwarding_address_id.clone();
    job.resources = cluster.resources.clone();
    job.on_device_service_configuration = cluster.on_device_service_configuration.clone();
    job.description = cluster.description.clone();
    job.kms_key_arn = cluster.kms_key_arn.clone();
    job.role_arn = cluster.role_arn.clone();
    job.notification = cluster.notification.clone();
    job.tax_documents = cluster.tax_documents.clone();
    job.shipping_details = cluster
        .shipping_option
        .clone()
        .map(|o| ShippingDetails::new().shipping_option(o));
    job
}

fn cluster_state_error(cluster: &ClusterMetadata, rule: &str) -> InvalidJobStateException {
    InvalidJobStateException::new().message(format!(
        "The cluster {} is in the {} state; {rule} AwaitingQuorum.",
        cluster.cluster_id.as_deref().unwrap_or(""),
        cluster
            .cluster_state
            .as_ref()
            .map(|s| s.as_str())
            .unwrap_or("unknown")
    ))
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn the_region_comes_from_the_credential_scope() {
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-2/snowball/aws4_request, \
                    SignedHeaders=host, Signature=abc";
        assert_eq!(super::region_of(auth).as_deref(), Some("eu-west-2"));
        for bad in [
            "",
            "Bearer x",
            "AWS4-HMAC-SHA256 Credential=AKID/20240101",
            "Credential=A/D/../s/x",
            "Credential=A/D/EU/s/x",
        ] {
            assert_eq!(super::region_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_walk_the_items_and_refuse_foreign_tokens() {
        let keys = std::hash::RandomState::new();
        let items: Vec<u32> = (0..5).collect();
        let (first, next) = page(&keys, &items, None, Some(2)).expect("first page");
        assert_eq!(first, [0, 1]);
        let next = next.expect("a token");
        let (second, next) = page(&keys, &items, Some(&next), Some(2)).expect("second");
        assert_eq!(second, [2, 3]);
        let next = next.expect("a token");
        assert_eq!(
            page(&keys, &items, Some(&next), Some(2)),
            Ok((vec![4], None))
        );
        assert_eq!(page(&keys, &items, None, None), Ok((items.clone(), None)));
        assert_eq!(
            page(&keys, &items, None, Some(0)),
            Ok((items.clone(), None))
        );
        // Offsets alone, edited tokens and another process's tokens are refused.
        let other = std::hash::RandomState::new();
        let (_, foreign) = page(&other, &items, None, Some(2)).expect("other");
        let edited = next.replacen('4', "3", 1);
        for bad in [
            "2",
            "6",
            "-1",
            "x",
            "2.0",
            &edited,
            &foreign.expect("a token"),
        ] {
            assert!(page(&keys, &items, Some(bad), None).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod jobs_tests {
    use super::{JobMetadata, JobState, Jobs};

    #[test]
    fn jobs_keep_creation_order_and_replacing_keeps_the_place() {
        let mut jobs = Jobs::default();
        for id in ["JIDb", "JIDa", "JIDc"] {
            jobs.push(JobMetadata::new().job_id(id).job_state(JobState::New));
        }
        jobs.push(
            JobMetadata::new()
                .job_id("JIDa")
                .job_state(JobState::Complete),
        );
        let ids: Vec<_> = jobs.iter().map(|j| j.job_id.clone().unwrap()).collect();
        assert_eq!(ids, ["JIDb", "JIDa", "JIDc"]);
        assert_eq!(
            jobs.get("JIDa").unwrap().job_state,
            Some(JobState::Complete)
        );
        assert!(jobs.get("JIDz").is_none() && !jobs.contains("JIDz"));
        jobs.get_mut("JIDc").unwrap().job_state = Some(JobState::Cancelled);
        assert_eq!(jobs.list[2].job_state, Some(JobState::Cancelled));
    }
}
