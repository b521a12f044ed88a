//! The `serde` feature of the generated crate: shapes serialize with their wire names,
//! enums as their wire strings, timestamps as ISO 8601, and absent members are left out.

use serde_json::json;
use snowball::types::{Address, JobListEntry, JobState};
use snowball::DateTime;

#[test]
fn shapes_serialize_with_wire_names() {
    let address = Address::new().city("Seattle").phone_number("425-555-5555");
    assert_eq!(
        serde_json::to_value(&address).unwrap(),
        json!({"City": "Seattle", "PhoneNumber": "425-555-5555"})
    );

    let entry: JobListEntry =
        serde_json::from_value(json!({"JobId": "JID1", "JobState": "Recycled", "IsMaster": true}))
            .unwrap();
    assert_eq!(entry.job_id.as_deref(), Some("JID1"));
    assert_eq!(entry.job_state, Some(JobState::from("Recycled")));
    assert_eq!(
        serde_json::to_value(&entry).unwrap(),
        json!({"JobId": "JID1", "JobState": "Recycled", "IsMaster": true})
    );
}

#[test]
fn timestamps_serialize_as_iso8601() {
    let input = snowball::operation::list_jobs::ListJobsInput::new().max_results(5);
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({"MaxResults": 5})
    );
    let t = DateTime::from_secs(1_704_164_645);
    assert_eq!(
        serde_json::to_value(t).unwrap(),
        json!("2024-01-02T03:04:05Z")
    );
}
