"""Every modeled error of each Snowball operation that the emulator can produce, through
boto3: the code, a message, status 400. What it cannot produce (it needs a KMS, EC2 or
shipping-carrier backend, or a limit the emulator does not model) is listed in
NOT_PRODUCED and checked against the model, so the two lists cover every error."""

import json
import sys
import uuid

from common import *

sb = client()
bogus = lambda prefix: prefix + str(uuid.uuid4())
address = new_address(sb)
new = new_job(sb, address)
moved = new_job(sb, address)
advance(moved)
cancelled = new_job(sb, address)
sb.cancel_job(JobId=cancelled)
with_customer = new_job(sb, address)
for _ in range(4):
    advance(with_customer)
assert job_state(sb, with_customer) == "WithCustomer"
sb.create_return_shipping_label(JobId=with_customer)
cluster_args = dict(JobType="LOCAL_USE", AddressId=address, SnowballType="EDGE", ShippingOption="SECOND_DAY")
gone_cluster = sb.create_cluster(**cluster_args)["ClusterId"]
full_cluster = sb.create_cluster(**cluster_args)["ClusterId"]
for _ in range(5):
    sb.create_job(ClusterId=full_cluster)
sb.cancel_cluster(ClusterId=gone_cluster)
BAD_TOKEN = "bm90LWEtdG9rZW4tdGhpcy1zZXJ2ZXItaXNzdWVk"

CASES = [
    ("CancelCluster", "InvalidResourceException", dict(ClusterId=bogus("CID"))),
    ("CancelCluster", "InvalidJobStateException", dict(ClusterId=gone_cluster)),
    ("CancelJob", "InvalidResourceException", dict(JobId=bogus("JID"))),
    ("CancelJob", "InvalidJobStateException", dict(JobId=moved)),
    ("CreateAddress", "InvalidAddressException", dict(Address={"Name": "Jane", "City": "Seattle"})),
    ("CreateCluster", "InvalidResourceException", dict(cluster_args, AddressId=bogus("ADID"))),
    ("CreateCluster", "InvalidInputCombinationException", dict(cluster_args, InitialClusterSize=17, ForceCreateJobs=True)),
    ("CreateJob", "InvalidResourceException", dict(JobType="IMPORT", AddressId=bogus("ADID"))),
    ("CreateJob", "InvalidInputCombinationException", dict(AddressId=address)),
    ("CreateJob", "ClusterLimitExceededException", dict(ClusterId=full_cluster)),
    ("CreateLongTermPricing", "InvalidResourceException", dict(LongTermPricingType="TenYears", SnowballType="EDGE")),
    ("CreateReturnShippingLabel", "InvalidResourceException", dict(JobId=bogus("JID"))),
    ("CreateReturnShippingLabel", "InvalidJobStateException", dict(JobId=new)),
    ("CreateReturnShippingLabel", "ReturnShippingLabelAlreadyExistsException", dict(JobId=with_customer)),
    ("DescribeAddress", "InvalidResourceException", dict(AddressId=bogus("ADID"))),
    ("DescribeAddresses", "InvalidNextTokenException", dict(NextToken=BAD_TOKEN)),
    ("DescribeCluster", "InvalidResourceException", dict(ClusterId=bogus("CID"))),
    ("DescribeJob", "InvalidResourceException", dict(JobId=bogus("JID"))),
    ("DescribeReturnShippingLabel", "InvalidResourceException", dict(JobId=bogus("JID"))),
    ("DescribeReturnShippingLabel", "InvalidJobStateException", dict(JobId=new)),
    ("GetJobManifest", "InvalidResourceException", dict(JobId=bogus("JID"))),
    ("GetJobManifest", "InvalidJobStateException", dict(JobId=cancelled)),
    ("GetJobUnlockCode", "InvalidResourceException", dict(JobId=bogus("JID"))),
    ("GetJobUnlockCode", "InvalidJobStateException", dict(JobId=cancelled)),
    ("GetSoftwareUpdates", "InvalidResourceException", dict(JobId=bogus("JID"))),
    ("GetSoftwareUpdates", "InvalidJobStateException", dict(JobId=cancelled)),
    ("ListClusterJobs", "InvalidResourceException", dict(ClusterId=bogus("CID"))),
    ("ListClusterJobs", "InvalidNextTokenException", dict(ClusterId=gone_cluster, NextToken=BAD_TOKEN)),
    ("ListClusters", "InvalidNextTokenException", dict(NextToken=BAD_TOKEN)),
    ("ListCompatibleImages", "InvalidNextTokenException", dict(NextToken=BAD_TOKEN)),
    ("ListJobs", "InvalidNextTokenException", dict(NextToken=BAD_TOKEN)),
    ("ListLongTermPricing", "InvalidNextTokenException", dict(NextToken=BAD_TOKEN)),
    ("ListPickupLocations", "InvalidResourceException", dict(NextToken=BAD_TOKEN)),
    ("ListServiceVersions", "InvalidResourceException", dict(ServiceName="NOT_A_SERVICE")),
    ("ListServiceVersions", "InvalidNextTokenException", dict(ServiceName="KUBERNETES", NextToken=BAD_TOKEN)),
    ("UpdateCluster", "InvalidResourceException", dict(ClusterId=bogus("CID"))),
    ("UpdateCluster", "InvalidJobStateException", dict(ClusterId=gone_cluster, Description="late")),
    ("UpdateJob", "InvalidResourceException", dict(JobId=bogus("JID"))),
    ("UpdateJob", "InvalidJobStateException", dict(JobId=moved, Description="late")),
    ("UpdateJobShipmentState", "InvalidResourceException", dict(JobId=bogus("JID"), ShipmentState="RECEIVED")),
    ("UpdateJobShipmentState", "InvalidJobStateException", dict(JobId=new, ShipmentState="RECEIVED")),
    ("UpdateLongTermPricing", "InvalidResourceException", dict(LongTermPricingId=bogus("LTPID"))),
]

# Why the rest cannot happen here.
NOT_PRODUCED = {
    "KMSRequestFailedException": "no KMS: KmsKeyARN is stored, never used",
    "Ec2RequestFailedException": "no EC2: AMI ids are stored, never checked",
    ("UpdateJob", "ClusterLimitExceededException"): "UpdateJob cannot move a job into a cluster",
    "UnsupportedAddressException": "every country is served",
    "ConflictException": "no concurrent label request is ever in flight",
    ("CreateReturnShippingLabel", "InvalidInputCombinationException"): "ShippingOption is not checked against the job",
    ("UpdateCluster", "InvalidInputCombinationException"): "UpdateCluster takes any combination",
    ("UpdateJob", "InvalidInputCombinationException"): "UpdateJob takes any combination",
    ("DescribeAddresses", "InvalidResourceException"): "no address can be missing from a listing",
    ("ListLongTermPricing", "InvalidResourceException"): "no pricing can be missing from a listing",
}

model = json.load(open(sys.argv[2]))
snake = lambda name: "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
covered = set()
for op, code, kwargs in CASES:
    e = expect_error(code, getattr(sb, snake(op)), **kwargs)
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
    assert e.response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-requestid"), e.response
    covered.add((op, code))

missing = []
for op, spec in model["operations"].items():
    for err in spec.get("errors", []):
        code = err["shape"]
        if (op, code) not in covered and code not in NOT_PRODUCED and (op, code) not in NOT_PRODUCED:
            missing.append((op, code))
assert not missing, "modeled errors neither checked nor explained: %r" % missing
for key in NOT_PRODUCED:
    if isinstance(key, tuple):
        assert key[1] in [e["shape"] for e in model["operations"][key[0]].get("errors", [])], key
print("errors: ok, %d modeled errors checked, %d explained" % (len(covered), len(NOT_PRODUCED)))
