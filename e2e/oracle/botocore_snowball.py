"""botocore as the oracle for the Snowball awsJson1_1 differential test.

Reads a JSON list of cases (a file named by argv[1], or stdin). Each case is

    {"name": str, "operation": "ListJobs", "input": {...},
     "response": {"status": 200, "headers": {...}, "body": "<text>"}}

For each case one real botocore client call is made (no network): a `before-send`
handler records the prepared request and answers with the canned response, so botocore
serializes the input and parses the response with its own machinery. Writes a JSON list,
one entry per case, to stdout:

    {"name": str,
     "request": {"method", "path", "target", "content_type", "body": <decoded JSON>},
     "output": {...}                       # on success, ResponseMetadata removed
     | "error": {"code", "message", "request_id", "status", "members": {...}}
     | "exception": "<type>: <text>"}      # anything else (a failed oracle call)

Timestamps in outputs become epoch seconds (float), like the JSON wire format.
"""

import datetime
import json
import sys
import urllib.parse

import botocore
import botocore.awsrequest
import botocore.config
import botocore.exceptions
import botocore.session

EXPECTED_VERSION = "1.44.5"


class _Raw:
    """The bit of urllib3's response that AWSResponse reads."""

    def __init__(self, body):
        self._body = body

    def stream(self, *_args, **_kwargs):
        yield self._body


def _plain(value):
    """JSON-ready: datetimes to epoch seconds, bytes to text, recursively."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _header(request, name):
    value = request.headers.get(name)
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0 and (
            not name[i - 1].isupper()
            or (i + 1 < len(name) and name[i + 1].islower())
        ):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def main():
    if botocore.__version__ != EXPECTED_VERSION:
        sys.exit(f"botocore {botocore.__version__} found, {EXPECTED_VERSION} required")
    source = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    cases = json.load(source)

    session = botocore.session.get_session()
    client = session.create_client(
        "snowball",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        config=botocore.config.Config(retries={"total_max_attempts": 1}),
    )
    protocol = client.meta.service_model.resolved_protocol
    if protocol != "json":
        sys.exit(f"botocore chose the {protocol!r} protocol for snowball, not 'json'")

    current = {}

    def before_send(request, **_kwargs):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        current["request"] = {
            "method": request.method,
            "path": urllib.parse.urlsplit(request.url).path,
            "target": _header(request, "X-Amz-Target"),
            "content_type": _header(request, "Content-Type"),
            "body": json.loads(body) if body else None,
        }
        resp = current["response"]
        return botocore.awsrequest.AWSResponse(
            request.url,
            resp["status"],
            resp.get("headers", {}),
            _Raw(resp["body"].encode("utf-8")),
        )

    client.meta.events.register("before-send.snowball", before_send)

    results = []
    for case in cases:
        current.clear()
        current["response"] = case["response"]
        entry = {"name": case["name"]}
        method = getattr(client, _snake(case["operation"]))
        try:
            out = method(**case["input"])
            out.pop("ResponseMetadata", None)
            entry["output"] = _plain(out)
        except botocore.exceptions.ClientError as e:
            err = dict(e.response)
            info = err.pop("Error", {})
            meta = err.pop("ResponseMetadata", {})
            entry["error"] = {
                "code": info.get("Code"),
                "message": info.get("Message"),
                "request_id": meta.get("RequestId"),
                "status": meta.get("HTTPStatusCode"),
                "members": _plain(err),
            }
        except Exception as e:  # noqa: BLE001 - reported to the Rust side as a failure
            entry["exception"] = f"{type(e).__name__}: {e}"
        if "request" in current:
            entry["request"] = current["request"]
        results.append(entry)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
