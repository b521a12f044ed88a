"""address -> job -> describe -> update -> advance -> cancel refused -> Complete."""

from common import *

sb = client()
address = new_address(sb)
assert address.startswith("ADID") and len(address) == 40, address
assert sb.describe_address(AddressId=address)["Address"] == dict(ADDRESS, AddressId=address)

job = new_job(sb, address, Description="boto3 first")
assert job.startswith("JID") and len(job) == 39, job
meta = sb.describe_job(JobId=job)["JobMetadata"]
assert meta["JobState"] == "New", meta
assert meta["JobType"] == "IMPORT" and meta["AddressId"] == address, meta
assert meta["Description"] == "boto3 first", meta
assert meta["Resources"] == {"S3Resources": [{"BucketArn": BUCKET}]}, meta
assert meta["RoleARN"] == ROLE and meta["SnowballType"] == "EDGE", meta
assert meta["ShippingDetails"]["ShippingOption"] == "SECOND_DAY", meta

sb.update_job(JobId=job, Description="updated", ShippingOption="NEXT_DAY")
meta = sb.describe_job(JobId=job)["JobMetadata"]
assert meta["Description"] == "updated", meta
assert meta["ShippingDetails"]["ShippingOption"] == "NEXT_DAY", meta
assert meta["RoleARN"] == ROLE, "what UpdateJob leaves out stays: %r" % meta

assert advance(job) == 1
assert job_state(sb, job) == "PreparingAppliance"
e = expect_error("InvalidJobStateException", sb.cancel_job, JobId=job)
assert job in e.response["Error"]["Message"], e.response
expect_error("InvalidJobStateException", sb.update_job, JobId=job, Description="late")

seen = [job_state(sb, job)]
while seen[-1] != "Complete" and len(seen) < 20:
    advance(job)
    seen.append(job_state(sb, job))
assert seen == WALK[1:], seen
assert advance(job) == 0, "a Complete job moves no further"
entries = sb.list_jobs()["JobListEntries"]
assert [(e["JobId"], e["JobState"]) for e in entries] == [(job, "Complete")], entries
print("lifecycle: ok, %d states" % len(seen))
