"""Import/Export through boto3 (awsQuery): create with a manifest, status, update,
cancel refused once Received, walked to Completed, listed, and a shipping label."""

from common import *

ie = client("importexport")
MANIFEST = (
    "manifestVersion: 2.0\ndeviceId: ABCDE\nbucket: my-bucket\nreturnAddress:\n"
    "  name: Jane Doe\n  street1: 1 Main St\n  city: Seattle\n  postalCode: 98101\n  country: US\n"
)
job = ie.create_job(JobType="Import", Manifest=MANIFEST, ValidateOnly=False)
job_id = job["JobId"]
assert job["Signature"] and job["SignatureFileContents"], job
status = ie.get_status(JobId=job_id)
assert status["ProgressCode"] == "Pending" and status["JobType"] == "Import", status
assert ie.update_job(JobId=job_id, Manifest=MANIFEST.replace("my-bucket", "other"), JobType="Import", ValidateOnly=False)["Success"]
expect_error("MissingManifestFieldException", ie.create_job, JobType="Import", Manifest=MANIFEST.replace("deviceId: ABCDE\n", ""), ValidateOnly=False)
advance(job_id)
assert ie.get_status(JobId=job_id)["ProgressCode"] == "Received"
expect_error("UnableToCancelJobIdException", ie.cancel_job, JobId=job_id)
advance(job_id)
advance(job_id)
assert ie.get_status(JobId=job_id)["ProgressCode"] == "Completed"
assert [j["JobId"] for j in ie.list_jobs()["Jobs"]] == [job_id]
label = ie.get_shipping_label(jobIds=[job_id])
assert label["ShippingLabelURL"].startswith(URL), label
print("importexport: ok")
