"""snowball-local --credentials AKIDSCENARIO:...: boto3 signed right works; a wrong
secret, an unknown key and no signature get AWS's codes (awsJson and awsQuery)."""

import os

from common import *

key, secret = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
assert client().list_jobs()["JobListEntries"] == []
assert client("importexport").list_jobs()["Jobs"] == []

wrong = client(key=key, secret=secret + "x")
e = expect_error("InvalidSignatureException", wrong.list_jobs)
assert e.response["Error"]["Message"].startswith("The request signature we calculated does not match"), e.response
expect_error("UnrecognizedClientException", client(key="AKIDSTRANGER", secret=secret).list_jobs)
e = expect_error("MissingAuthenticationTokenException", client(unsigned=True).list_jobs)
assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response

ie_wrong = client("importexport", key=key, secret=secret + "x")
e = expect_error("SignatureDoesNotMatch", ie_wrong.list_jobs)
assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response
expect_error("InvalidClientTokenId", client("importexport", key="AKIDSTRANGER", secret=secret).list_jobs)
assert secret not in str(e.response)
print("signature: ok")
