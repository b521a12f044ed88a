"""Shared by the boto3 scenarios: a client for the snowball-local at argv[1], the admin
endpoint, and a check that a call fails with a given modeled error code."""

import json
import sys
import urllib.request

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

URL = sys.argv[1]
ROLE = "arn:aws:iam::123456789012:role/snowball-import"
BUCKET = "arn:aws:s3:::scenario-bucket"
ADDRESS = {
    "Name": "Jane Doe",
    "Street1": "1 Main St",
    "City": "Seattle",
    "StateOrProvince": "WA",
    "Country": "US",
    "PostalCode": "98101",
    "PhoneNumber": "+1 206 555 0100",
}


def client(service="snowball", region="us-east-1", key=None, secret=None, unsigned=False):
    """A boto3 client for URL; one attempt, so a refusal is not retried."""
    extra = {}
    if key is not None:
        extra = {"aws_access_key_id": key, "aws_secret_access_key": secret}
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    if unsigned:
        config = config.merge(Config(signature_version=UNSIGNED))
    return boto3.client(
        service, endpoint_url=URL, region_name=region, config=config, **extra
    )


def advance(job=None):
    """POST /_local/advance[?job=ID]: how many jobs moved."""
    path = URL + "/_local/advance" + ("?job=" + job if job else "")
    with urllib.request.urlopen(urllib.request.Request(path, method="POST")) as r:
        return json.load(r)["advanced"]


def expect_error(code, call, **kwargs):
    """Calls `call(**kwargs)`, which must fail with `code`; returns the error."""
    try:
        out = call(**kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, "%s%r: %s, expected %s" % (call.__name__, kwargs, got, code)
        assert e.response["Error"].get("Message"), "no message: %r" % e.response
        return e
    raise AssertionError("%s%r succeeded: %r; expected %s" % (call.__name__, kwargs, out, code))


def job_state(sb, job):
    return sb.describe_job(JobId=job)["JobMetadata"]["JobState"]


def new_address(sb):
    return sb.create_address(Address=ADDRESS)["AddressId"]


def new_job(sb, address, **extra):
    args = dict(
        JobType="IMPORT",
        AddressId=address,
        Resources={"S3Resources": [{"BucketArn": BUCKET}]},
        RoleARN=ROLE,
        SnowballType="EDGE",
        ShippingOption="SECOND_DAY",
    )
    args.update(extra)
    return sb.create_job(**args)["JobId"]


WALK = [
    "New",
    "PreparingAppliance",
    "PreparingShipment",
    "InTransitToCustomer",
    "WithCustomer",
    "InTransitToAWS",
    "WithAWSSortingFacility",
    "WithAWS",
    "InProgress",
    "Complete",
]
