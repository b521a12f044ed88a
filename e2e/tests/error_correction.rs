//! Client error correction over real HTTP: a response that lacks a required member
//! still succeeds, the member holding its type's zero value (Smithy), where the call used
//! to fail with "required member ... is missing". Both protocols, with the generated
//! Snowball client. Snowball's outputs require a list and an enum (ListServiceVersions)
//! and a string inside a structure (`Ec2AmiResource.AmiId`); the other types are covered
//! by the runtime's codec tests (`codec::error_correction_tests`).

use awsrt::Protocol;
use e2e::{client, Reply, ReplyExt, Server};
use serde_json::json;
use snowball::types::ServiceName;

const PROTOCOLS: [Protocol; 2] = [Protocol::RpcV2Cbor, Protocol::AwsJson1_1];

#[tokio::test]
async fn a_missing_required_list_and_enum_are_empty() {
    for protocol in PROTOCOLS {
        let server = Server::queue([Reply::ok(protocol, &json!({"NextToken": "t"}))]).await;
        let out = client(&server, protocol)
            .list_service_versions(ServiceName::Kubernetes)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{protocol:?}: {e}"));
        assert!(out.service_versions.is_empty(), "{protocol:?}");
        assert_eq!(out.service_name, ServiceName::from(""), "{protocol:?}");
        assert_eq!(out.service_name.as_str(), "");
        // Members that came are kept.
        assert_eq!(out.next_token.as_deref(), Some("t"));
    }
}

#[tokio::test]
async fn members_that_are_present_are_kept() {
    for protocol in PROTOCOLS {
        let body = json!({"ServiceName": "EKS_ANYWHERE", "ServiceVersions": [{"Version": "1"}]});
        let server = Server::queue([Reply::ok(protocol, &body)]).await;
        let out = client(&server, protocol)
            .list_service_versions(ServiceName::Kubernetes)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{protocol:?}: {e}"));
        assert_eq!(out.service_name, ServiceName::EksAnywhere);
        assert_eq!(out.service_versions.len(), 1);
    }
}

#[tokio::test]
async fn a_missing_required_string_in_a_nested_structure_is_empty() {
    for protocol in PROTOCOLS {
        let body = json!({"JobMetadata": {"JobId": "JID1", "Resources": {
            "Ec2AmiResources": [{"SnowballAmiId": "s-1"}, {"AmiId": "ami-2"}]
        }}});
        let server = Server::queue([Reply::ok(protocol, &body)]).await;
        let out = client(&server, protocol)
            .describe_job("JID1")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{protocol:?}: {e}"));
        let amis = out
            .job_metadata
            .and_then(|m| m.resources)
            .and_then(|r| r.ec2_ami_resources)
            .expect("the AMI list");
        assert_eq!(amis[0].ami_id, "", "{protocol:?}");
        assert_eq!(amis[0].snowball_ami_id.as_deref(), Some("s-1"));
        assert_eq!(amis[1].ami_id, "ami-2");
    }
}
