//! Paginators over real HTTP, for every paginated Snowball operation in both protocols:
//! pages and items in order, the tokens and page size on the wire, and botocore's stop
//! rules (absent or empty token stops, a repeated token is an error, an error ends the
//! stream).
//!
//! Shared by both clients: `tests/paginators.rs` includes this file once for the async
//! client (a `Stream`) and once for the blocking one (an `Iterator`); `super` provides
//! `Client`, `client`, `Paginator` and `collect_all`.

use std::collections::BTreeSet;

use super::*;
use awsrt::internal::Paginated;
use e2e::{check_request, Reply, ReplyExt, Server, PROTOCOLS};
use serde_json::{json, Value as J};
use snowball::types::*;
use snowball::Protocol;

const CLUSTER: &str = "CID123e4567-e89b-12d3-a456-426655440000";

/// One paginated operation, described for the generic tests below.
trait Spec {
    type Op: Paginated<Token = String>;
    /// The wire name.
    const OP: &'static str;
    /// The result key of the output.
    const RESULT_KEY: &'static str;
    /// Required members every page's request repeats.
    fn required() -> J {
        json!({})
    }
    /// The wire form of result item `i`.
    fn item(i: usize) -> J;
    /// What identifies a decoded item (compared with `item(i)`).
    fn id(item: &<Self::Op as Paginated>::Item) -> String;
    /// The id `item(i)` decodes to.
    fn wire_id(i: usize) -> String;
    /// A paginator from a fresh call, with an optional starting token.
    fn paginator(c: &Client, start: Option<&str>) -> Paginator<Self::Op>;
}

struct ListJobs;
impl Spec for ListJobs {
    type Op = snowball::operation::list_jobs::ListJobsInput;
    const OP: &'static str = "ListJobs";
    const RESULT_KEY: &'static str = "JobListEntries";
    fn item(i: usize) -> J {
        json!({"JobId": Self::wire_id(i), "JobState": "New", "IsMaster": i % 2 == 0})
    }
    fn id(item: &JobListEntry) -> String {
        assert_eq!(item.job_state, Some(JobState::New));
        item.job_id.clone().unwrap_or_default()
    }
    fn wire_id(i: usize) -> String {
        format!("JID{i}")
    }
    fn paginator(c: &Client, start: Option<&str>) -> Paginator<Self::Op> {
        let call = c.list_jobs();
        match start {
            Some(t) => call.next_token(t),
            None => call,
        }
        .into_paginator()
    }
}

struct DescribeAddresses;
impl Spec for DescribeAddresses {
    type Op = snowball::operation::describe_addresses::DescribeAddressesInput;
    const OP: &'static str = "DescribeAddresses";
    const RESULT_KEY: &'static str = "Addresses";
    fn item(i: usize) -> J {
        json!({"AddressId": Self::wire_id(i), "City": "Seattle", "Type": "AWS_SHIP"})
    }
    fn id(item: &Address) -> String {
        assert_eq!(item.r#type, Some(AddressType::AwsShip));
        item.address_id.clone().unwrap_or_default()
    }
    fn wire_id(i: usize) -> String {
        format!("ADID{i}")
    }
    fn paginator(c: &Client, start: Option<&str>) -> Paginator<Self::Op> {
        let call = c.describe_addresses();
        match start {
            Some(t) => call.next_token(t),
            None => call,
        }
        .into_paginator()
    }
}

struct ListClusterJobs;
impl Spec for ListClusterJobs {
    type Op = snowball::operation::list_cluster_jobs::ListClusterJobsInput;
    const OP: &'static str = "ListClusterJobs";
    const RESULT_KEY: &'static str = "JobListEntries";
    fn required() -> J {
        json!({"ClusterId": CLUSTER})
    }
    fn item(i: usize) -> J {
        json!({"JobId": Self::wire_id(i)})
    }
    fn id(item: &JobListEntry) -> String {
        item.job_id.clone().unwrap_or_default()
    }
    fn wire_id(i: usize) -> String {
        format!("JID-C{i}")
    }
    fn paginator(c: &Client, start: Option<&str>) -> Paginator<Self::Op> {
        let call = c.list_cluster_jobs(CLUSTER);
        match start {
            Some(t) => call.next_token(t),
            None => call,
        }
        .into_paginator()
    }
}

struct ListClusters;
impl Spec for ListClusters {
    type Op = snowball::operation::list_clusters::ListClustersInput;
    const OP: &'static str = "ListClusters";
    const RESULT_KEY: &'static str = "ClusterListEntries";
    fn item(i: usize) -> J {
        json!({"ClusterId": Self::wire_id(i), "ClusterState": "Pending"})
    }
    fn id(item: &ClusterListEntry) -> String {
        item.cluster_id.clone().unwrap_or_default()
    }
    fn wire_id(i: usize) -> String {
        format!("CID{i}")
    }
    fn paginator(c: &Client, start: Option<&str>) -> Paginator<Self::Op> {
        let call = c.list_clusters();
        match start {
            Some(t) => call.next_token(t),
            None => call,
        }
        .into_paginator()
    }
}

struct ListCompatibleImages;
impl Spec for ListCompatibleImages {
    type Op = snowball::operation::list_compatible_images::ListCompatibleImagesInput;
    const OP: &'static str = "ListCompatibleImages";
    const RESULT_KEY: &'static str = "CompatibleImages";
    fn item(i: usize) -> J {
        json!({"AmiId": Self::wire_id(i), "Name": "img"})
    }
    fn id(item: &CompatibleImage) -> String {
        item.ami_id.clone().unwrap_or_default()
    }
    fn wire_id(i: usize) -> String {
        format!("ami-{i}")
    }
    fn paginator(c: &Client, start: Option<&str>) -> Paginator<Self::Op> {
        let call = c.list_compatible_images();
        match start {
            Some(t) => call.next_token(t),
            None => call,
        }
        .into_paginator()
    }
}

struct ListLongTermPricing;
impl Spec for ListLongTermPricing {
    type Op = snowball::operation::list_long_term_pricing::ListLongTermPricingInput;
    const OP: &'static str = "ListLongTermPricing";
    const RESULT_KEY: &'static str = "LongTermPricingEntries";
    fn item(i: usize) -> J {
        json!({"LongTermPricingId": Self::wire_id(i), "LongTermPricingType": "OneYear"})
    }
    fn id(item: &LongTermPricingListEntry) -> String {
        item.long_term_pricing_id.clone().unwrap_or_default()
    }
    fn wire_id(i: usize) -> String {
        format!("LTPID{i}")
    }
    fn paginator(c: &Client, start: Option<&str>) -> Paginator<Self::Op> {
        let call = c.list_long_term_pricing();
        match start {
            Some(t) => call.next_token(t),
            None => call,
        }
        .into_paginator()
    }
}

// ---------------------------------------------------------------------------------------
// Generic scenarios
// ---------------------------------------------------------------------------------------

/// A page of items `range` with `token` (None: no NextToken member at all).
fn page<S: Spec>(p: Protocol, range: std::ops::Range<usize>, token: Option<&str>) -> Reply {
    let items: Vec<J> = range.map(S::item).collect();
    let mut body = json!({ S::RESULT_KEY: items });
    if let Some(t) = token {
        body["NextToken"] = json!(t);
    }
    Reply::ok(p, &body)
}

/// The request body a page request must carry.
fn expected_request<S: Spec>(token: Option<&str>, page_size: Option<i32>) -> J {
    let mut want = S::required();
    if let Some(n) = page_size {
        want["MaxResults"] = json!(n);
    }
    if let Some(t) = token {
        want["NextToken"] = json!(t);
    }
    want
}

fn check_requests<S: Spec>(server: &Server, p: Protocol, want: &[J]) {
    let reqs = server.requests();
    let bodies: Vec<J> = reqs.iter().map(|r| check_request(r, p, S::OP)).collect();
    assert_eq!(bodies, want, "{} over {p:?}: page requests", S::OP);
}

/// Three pages (tokens t1, t2, then none): 3 pages, 5 items in order, the tokens and the
/// page size on the wire.
async fn three_pages<S: Spec>(p: Protocol) {
    let replies = || {
        [
            page::<S>(p, 0..2, Some("t1")),
            page::<S>(p, 2..4, Some("t2")),
            page::<S>(p, 4..5, None),
        ]
    };
    let want_requests = [
        expected_request::<S>(None, Some(2)),
        expected_request::<S>(Some("t1"), Some(2)),
        expected_request::<S>(Some("t2"), Some(2)),
    ];
    let want_ids: Vec<String> = (0..5).map(S::wire_id).collect();

    // Pages.
    let server = Server::queue(replies()).await;
    let pages: Vec<_> = collect_all(S::paginator(&client(&server, p), None).page_size(2))
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{} over {p:?}: {e}", S::OP));
    assert_eq!(pages.len(), 3, "{} over {p:?}: pages", S::OP);
    let tokens: Vec<Option<String>> = pages
        .iter()
        .map(|o| <S::Op as Paginated>::next_token(o).cloned())
        .collect();
    assert_eq!(tokens, [Some("t1".into()), Some("t2".into()), None]);
    let per_page: Vec<usize> = pages
        .into_iter()
        .map(|o| <S::Op as Paginated>::into_items(o).len())
        .collect();
    assert_eq!(per_page, [2, 2, 1]);
    check_requests::<S>(&server, p, &want_requests);

    // Items.
    let server = Server::queue(replies()).await;
    let items: Vec<_> = collect_all(S::paginator(&client(&server, p), None).page_size(2).items())
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{} over {p:?}: {e}", S::OP));
    let ids: Vec<String> = items.iter().map(S::id).collect();
    assert_eq!(ids, want_ids, "{} over {p:?}: items", S::OP);
    check_requests::<S>(&server, p, &want_requests);
}

/// A starting token is sent on the first request; an empty-string token stops.
async fn start_token_and_empty_token<S: Spec>(p: Protocol) {
    let server = Server::queue([
        page::<S>(p, 0..1, Some("a")),
        page::<S>(p, 1..2, Some("")),
        page::<S>(p, 9..10, None), // never requested
    ])
    .await;
    let pages: Vec<_> = collect_all(S::paginator(&client(&server, p), Some("start")))
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pages.len(), 2, "{} over {p:?}", S::OP);
    check_requests::<S>(
        &server,
        p,
        &[
            expected_request::<S>(Some("start"), None),
            expected_request::<S>(Some("a"), None),
        ],
    );
}

/// A page repeating the previous token yields the pages before it, then an error, then
/// nothing; no further request is sent.
async fn repeated_token<S: Spec>(p: Protocol) {
    let server = Server::queue([
        page::<S>(p, 0..1, Some("same")),
        page::<S>(p, 1..2, Some("same")),
        page::<S>(p, 2..3, None),
    ])
    .await;
    let mut pages = collect_all(S::paginator(&client(&server, p), None))
        .await
        .into_iter();
    assert!(pages.next().unwrap().is_ok());
    // The second page itself arrived, but its token repeats the first's.
    let err = pages
        .next()
        .expect("a second item")
        .err()
        .expect("an error for the repeated token");
    assert!(
        matches!(err, snowball::SdkError::InvalidInput { .. }),
        "{err:?}"
    );
    assert_eq!(err.operation(), S::OP);
    assert!(err.to_string().contains("token"), "{err}");
    assert!(pages.next().is_none(), "the stream ends after the error");
    assert_eq!(server.requests().len(), 2);

    // Through items: the first page's items, then the error.
    let server = Server::queue([
        page::<S>(p, 0..2, Some("same")),
        page::<S>(p, 2..3, Some("same")),
    ])
    .await;
    let got: Vec<Result<String, String>> =
        collect_all(S::paginator(&client(&server, p), None).items())
            .await
            .into_iter()
            .map(|r| r.map(|i| S::id(&i)).map_err(|e| e.to_string()))
            .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0], Ok(S::wire_id(0)));
    assert_eq!(got[1], Ok(S::wire_id(1)));
    assert!(got[2].is_err(), "{got:?}");
}

/// A service error on the second page ends the stream with that error.
async fn error_mid_way<S: Spec>(p: Protocol) {
    let error = Reply::new(400)
        .protocol_headers(p)
        .header("x-amzn-requestid", "req-err")
        .body(e2e::encode_body(
            p,
            &json!({"__type": "com.amazonaws.snowball#InvalidNextTokenException", "Message": "bad token"}),
        ));
    let server = Server::queue([
        page::<S>(p, 0..2, Some("t1")),
        error,
        page::<S>(p, 2..3, None), // never requested
    ])
    .await;
    let got: Vec<_> = collect_all(S::paginator(&client(&server, p), None).items()).await;
    assert_eq!(got.len(), 3, "two items, then the error");
    assert_eq!(got[0].as_ref().map(S::id).ok(), Some(S::wire_id(0)));
    assert_eq!(got[1].as_ref().map(S::id).ok(), Some(S::wire_id(1)));
    let err = got[2].as_ref().err().expect("the third item is the error");
    assert_eq!(err.code(), Some("InvalidNextTokenException"));
    assert_eq!(err.message(), Some("bad token"));
    assert_eq!(err.request_id(), Some("req-err"));
    assert_eq!(server.requests().len(), 2);
}

async fn all_scenarios<S: Spec>() {
    for p in PROTOCOLS {
        three_pages::<S>(p).await;
        start_token_and_empty_token::<S>(p).await;
        repeated_token::<S>(p).await;
        error_mid_way::<S>(p).await;
    }
}

#[tokio::test]
async fn list_jobs_paginates() {
    all_scenarios::<ListJobs>().await;
}

#[tokio::test]
async fn describe_addresses_paginates() {
    all_scenarios::<DescribeAddresses>().await;
}

#[tokio::test]
async fn list_cluster_jobs_paginates_and_repeats_required_members() {
    all_scenarios::<ListClusterJobs>().await;
}

#[tokio::test]
async fn list_clusters_paginates() {
    all_scenarios::<ListClusters>().await;
}

#[tokio::test]
async fn list_compatible_images_paginates() {
    all_scenarios::<ListCompatibleImages>().await;
}

#[tokio::test]
async fn list_long_term_pricing_paginates() {
    all_scenarios::<ListLongTermPricing>().await;
}

/// The six tests above cover every operation the generated crate paginates.
#[test]
fn every_paginated_operation_is_covered() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../generated/snowball/src/operation"
    );
    let mut paginated = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        if src.contains("impl ::awsrt::internal::Paginated for") {
            let name = src
                .lines()
                .find_map(|l| l.split("const NAME: &'static str = \"").nth(1))
                .and_then(|rest| rest.split('"').next())
                .expect("operation name")
                .to_owned();
            paginated.insert(name);
        }
    }
    let covered: BTreeSet<String> = [
        ListJobs::OP,
        DescribeAddresses::OP,
        ListClusterJobs::OP,
        ListClusters::OP,
        ListCompatibleImages::OP,
        ListLongTermPricing::OP,
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(paginated, covered);
}
