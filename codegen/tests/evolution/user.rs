// Code a user wrote against the ORIGINAL generated crate. The evolution test builds and
// runs it unchanged against the original crate and against one generated from a newer
// model (an added enum value, an added optional member, an added operation); both builds
// must compile and print the same lines.

use awsrt::TestTransport;
use snowball::operation::create_job::CreateJobInput;
use snowball::types::{JobState, JobType, SnowballType};
use snowball::{Client, Config, Credentials, Protocol};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let transport = TestTransport::new();
    transport.push_response(
        200,
        &[("content-type", "application/x-amz-json-1.1")],
        r#"{"JobListEntries":[
            {"JobId":"JID1","JobState":"Complete","Priority":5},
            {"JobId":"JID2","JobState":"Recycled","IsMaster":true}
        ]}"#,
    );
    let client = Client::new(
        Config::new()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "SECRET", None))
            .protocol(Protocol::AwsJson1_1)
            .transport(transport.clone()),
    );

    // Inputs are built with constructors and setters, never struct literals.
    let input = CreateJobInput::new()
        .job_type(JobType::Import)
        .snowball_type(SnowballType::Edge);
    println!(
        "input job type: {}",
        input.job_type.as_ref().map(|t| t.as_str()).unwrap_or("-")
    );

    let out = client
        .list_jobs()
        .max_results(10)
        .send()
        .await
        .expect("list_jobs succeeds");
    for entry in out.job_list_entries.unwrap_or_default() {
        let state = entry.job_state.as_ref().expect("a state");
        // Enums are non_exhaustive: user code always has a catch-all arm.
        let kind = match state {
            JobState::Complete => "complete",
            JobState::Cancelled => "cancelled",
            _ => "other",
        };
        // A value this crate may not know is handled by its string in the catch-all arm
        // (never by matching `Unknown`): the same line holds once a newer crate knows it.
        let recycled = match state {
            JobState::Cancelled => false,
            other => other.as_str() == "Recycled",
        };
        println!(
            "{} {} {kind} master={:?} recycled={recycled}",
            entry.job_id.as_deref().unwrap_or("-"),
            state.as_str(),
            entry.is_master
        );
        // Which variant holds it: `Unknown` before the update, the new variant after.
        println!("  {state:?}");
    }
    let sent = transport.requests();
    let body = String::from_utf8_lossy(sent[0].body());
    println!("sent: {body}");
}
