"""A cluster with five jobs: created one by one, listed, the cluster leaves
AwaitingQuorum, can no longer be cancelled, and completes with its nodes."""

from common import *

sb = client()
address = new_address(sb)
cluster = sb.create_cluster(
    JobType="LOCAL_USE",
    AddressId=address,
    SnowballType="EDGE",
    ShippingOption="SECOND_DAY",
    Resources={"S3Resources": [{"BucketArn": BUCKET}]},
    RoleARN=ROLE,
    Description="five nodes",
)["ClusterId"]
assert cluster.startswith("CID") and len(cluster) == 39, cluster
assert sb.describe_cluster(ClusterId=cluster)["ClusterMetadata"]["ClusterState"] == "AwaitingQuorum"

jobs = [sb.create_job(ClusterId=cluster)["JobId"] for _ in range(5)]
entries = [e for p in sb.get_paginator("list_cluster_jobs").paginate(ClusterId=cluster) for e in p["JobListEntries"]]
assert sorted(e["JobId"] for e in entries) == sorted(jobs), entries
assert sum(1 for e in entries if e.get("IsMaster")) == 1, entries
for j in jobs:
    meta = sb.describe_job(JobId=j)["JobMetadata"]
    assert meta["ClusterId"] == cluster and meta["JobType"] == "LOCAL_USE", meta
    assert meta["AddressId"] == address, "a node takes the cluster's address: %r" % meta

meta = sb.describe_cluster(ClusterId=cluster)["ClusterMetadata"]
assert meta["ClusterState"] == "Pending", meta
assert meta["Description"] == "five nodes", meta
expect_error("InvalidJobStateException", sb.cancel_cluster, ClusterId=cluster)
expect_error("ClusterLimitExceededException", sb.create_job, ClusterId=cluster)
listed = sb.list_clusters()["ClusterListEntries"]
assert [c["ClusterId"] for c in listed] == [cluster], listed

for _ in range(len(WALK) - 1):
    advance()
assert all(job_state(sb, j) == "Complete" for j in jobs)
assert sb.describe_cluster(ClusterId=cluster)["ClusterMetadata"]["ClusterState"] == "Complete"
print("cluster: ok, %d nodes" % len(jobs))
