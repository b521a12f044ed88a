#!/usr/bin/env python3
"""Writes the committed seed corpora (small, deterministic). Run from fuzz/:
python3 seeds/make_seeds.py"""
import json, os, struct, hashlib

HERE = os.path.dirname(os.path.abspath(__file__))

def cbor(v):
    def head(major, n):
        if n < 24: return bytes([major << 5 | n])
        if n < 256: return bytes([major << 5 | 24, n])
        if n < 65536: return bytes([major << 5 | 25]) + struct.pack(">H", n)
        return bytes([major << 5 | 26]) + struct.pack(">I", n)
    if v is True: return b"\xf5"
    if v is False: return b"\xf4"
    if v is None: return b"\xf6"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, float): return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode(); return head(3, len(b)) + b
    if isinstance(v, bytes): return head(2, len(v)) + v
    if isinstance(v, list): return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict): return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    if isinstance(v, tuple) and v[0] == "ts":  # tag 1 epoch seconds
        return b"\xc1" + cbor(v[1])
    raise TypeError(v)

def plain(v):
    if isinstance(v, tuple): return v[1]
    if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list): return [plain(x) for x in v]
    return v

def write(target, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

job = {"JobId": "JID123", "JobState": "New", "JobType": "IMPORT", "SnowballType": "EDGE",
       "CreationDate": ("ts", 1700000000.5), "Resources": {"S3Resources": [{"BucketArn": "arn:aws:s3:::b",
       "KeyRange": {"BeginMarker": "a", "EndMarker": "z"}}]}, "Description": "d",
       "PickupDetails": {"Name": "Pat", "Email": "p@example.org", "PhoneNumber": "+1 206 555 0100"},
       "ShippingDetails": {"ShippingOption": "SECOND_DAY", "InboundShipment": {"Status": "x", "TrackingNumber": "1"}},
       "DataTransferProgress": {"BytesTransferred": 10, "ObjectsTransferred": 2, "TotalBytes": 100, "TotalObjects": 5}}
bodies = [
    {},
    {"JobListEntries": [{"JobId": "JID1", "JobState": "Complete", "IsMaster": True, "CreationDate": ("ts", 1)}], "NextToken": "t"},
    {"JobMetadata": job, "SubJobMetadata": [job]},
    {"Addresses": [{"AddressId": "ADID1", "Name": "n", "City": "c", "Country": "US", "IsRestricted": False}]},
    {"__type": "InvalidResourceException", "Message": "no such job", "ResourceType": "JOB"},
    {"__type": "aws.protocoltests#InvalidJobStateException:http://x/", "message": "bad state"},
    {"__type": "ThrottlingException", "message": "slow down"},
    {"UnknownMember": [1, -2, 3.5, None, {"x": "y"}]},
]
for i, body in enumerate(bodies):
    for proto in (0, 1):
        enc = cbor(body) if proto == 0 else json.dumps(plain(body)).encode()
        # shape mode: pick shapes by index; error mode; response mode with a few statuses.
        write("decode", bytes([proto | 0, (i * 13) & 255, 0]) + enc)
        write("decode", bytes([proto | 4, i, 0]) + enc)
        write("decode", bytes([proto | 6, i & 3, (i % 8)]) + enc)
write("decode", bytes([1, 0, 0]) + b'{"a":"\\u00e9\\ud83d\\ude00","b":[1e308,-0.0,123456789012345678901234567890]}')
write("decode", bytes([0, 0, 0]) + b"\xbf\x63abc\x7f\x61x\x61y\xff\x9f\x01\x02\xff\xff")  # indefinite lengths

configs = [
    ("[default]\nregion = us-west-2\nmax_attempts = 5\nretry_mode = adaptive\n"
     "[profile dev]\nregion=eu-west-1 ; comment\nuse_fips_endpoint = true\nservices = local\n"
     "s3 =\n  max_concurrent_requests = 10\n  addressing_style = path\n"
     "[services local]\nsnowball =\n  endpoint_url = http://localhost:4566\n"
     "[sso-session s]\nsso_region = us-east-1\nsso_start_url = https://example.awsapps.com/start\n",
     "[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\naws_session_token = TOKEN\n"),
    ("# comment\n[profile default]\nregion = ap-south-1\n[default]\nregion = ignored\n[ profile   spaced ]\nretry_mode=legacy\n",
     "[dev]\naws_access_key_id=A\n"),
    ("[profile broken\nregion = x\n", ""),
    ("region = before any section\n", "[x]\n= novalue\n"),
]
for c, k in configs:
    write("shared_config", (c + "\0" + k).encode())

for flags, text in [(0, "us-east-1"), (2, "us-gov-west-1"), (4, "cn-north-1"), (6, "eu-west-1"),
                    (0, "us-east-1\0https://localhost:8443/path"), (0, "snow-device\0http://192.0.2.1:8080"),
                    (2, "us-east-1\0https://example.com"), (0, "us-iso-east-1"), (0, "not a region!")]:
    write("endpoint", bytes([flags]) + text.encode())
rules = {"version": "1.0", "parameters": {
    "Region": {"builtIn": "AWS::Region", "required": False, "type": "String"},
    "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": True, "default": False, "type": "Boolean"},
    "UseDualStack": {"builtIn": "AWS::UseDualStack", "required": True, "default": False, "type": "Boolean"},
    "Endpoint": {"builtIn": "SDK::Endpoint", "required": False, "type": "String"}},
    "rules": [
        {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
         "endpoint": {"url": {"ref": "Endpoint"}, "properties": {}, "headers": {}}, "type": "endpoint"},
        {"conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "PartitionResult"},
                        {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, True]}],
         "endpoint": {"url": "https://svc-fips.{Region}.{PartitionResult#dnsSuffix}", "properties": {
             "authSchemes": [{"name": "sigv4", "signingRegion": "{Region}", "signingName": "svc"}]}, "headers": {}},
         "type": "endpoint"},
        {"conditions": [{"fn": "parseURL", "argv": ["https://{Region}.example.com/x"], "assign": "u"},
                        {"fn": "substring", "argv": [{"ref": "Region"}, 0, 2, False], "assign": "p"},
                        {"fn": "not", "argv": [{"fn": "stringEquals", "argv": [{"ref": "p"}, "cn"]}]}],
         "endpoint": {"url": "{u#scheme}://{u#authority}{u#path}", "properties": {}, "headers": {"x": ["y"]}},
         "type": "endpoint"},
        {"conditions": [], "error": "no endpoint for {Region}", "type": "error"}]}
write("endpoint", bytes([1]) + json.dumps(rules).encode())
with open(os.path.join(HERE, "..", "..", "models", "partitions.json"), "rb") as f:
    write("endpoint", bytes([1]) + f.read())

svc_path = os.path.join(HERE, "..", "..", "models", "snowball", "2016-06-30", "service-2.json")
with open(svc_path) as f:
    svc = json.load(f)
def closure(names):
    seen, todo = set(), list(names)
    while todo:
        n = todo.pop()
        if n in seen or n not in svc["shapes"]: continue
        seen.add(n)
        s = svc["shapes"][n]
        for key in ("member", "key", "value"):
            if key in s: todo.append(s[key]["shape"])
        for m in s.get("members", {}).values(): todo.append(m["shape"])
    return seen
for ops in (["ListJobs"], ["DescribeJob", "CancelJob"], ["CreateAddress", "GetSnowballUsage"]):
    o = {k: svc["operations"][k] for k in ops}
    names = set()
    for op in o.values():
        for k in ("input", "output"):
            if k in op: names.add(op[k]["shape"])
        names.update(e["shape"] for e in op.get("errors", []))
    shapes = {k: svc["shapes"][k] for k in sorted(closure(names))}
    for s in shapes.values():
        s.pop("documentation", None)
        for m in s.get("members", {}).values(): m.pop("documentation", None)
    for op in o.values(): op.pop("documentation", None)
    model = {"version": "2.0", "metadata": svc["metadata"], "operations": o, "shapes": shapes}
    write("model", json.dumps(model, separators=(",", ":")).encode())
write("model", b'{"version":"2.0","metadata":{},"operations":{},"shapes":{}}')

# query: byte 0 = mode (bit 0: 0 shape, 1 response) and status (bits 1-3), byte 1 = pick.
ie = b'xmlns="http://importexport.amazonaws.com/doc/2010-06-01/"'
xml_bodies = [
    b'<ListJobsResponse ' + ie + b'><ListJobsResult><Jobs><member><JobId>ABC</JobId>'
    b'<CreationDate>2024-01-02T03:04:05Z</CreationDate><IsCanceled>false</IsCanceled>'
    b'<JobType>Import</JobType></member></Jobs><IsTruncated>true</IsTruncated>'
    b'</ListJobsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></ListJobsResponse>',
    b'<GetStatusResponse ' + ie + b'><GetStatusResult><JobId>ABC</JobId><ProgressCode>Pending</ProgressCode>'
    b'<ArtifactList><member><Description>d</Description><URL>https://x/&amp;y</URL></member></ArtifactList>'
    b'<CreationDate>2024-01-02T03:04:05.123Z</CreationDate><ErrorCount>0</ErrorCount></GetStatusResult></GetStatusResponse>',
    b'<CancelJobResponse ' + ie + b'><CancelJobResult><Success>true</Success></CancelJobResult></CancelJobResponse>',
    b'<?xml version="1.0"?>\n<ErrorResponse ' + ie + b'><Error><Type>Sender</Type><Code>InvalidJobIdException</Code>'
    b'<Message>no such job</Message></Error><RequestId>r2</RequestId></ErrorResponse>',
    b'<Response><Errors><Error><Code>Throttling</Code><Message>slow</Message></Error></Errors><RequestID>r3</RequestID></Response>',
    b'<a x="1" y="&lt;"><![CDATA[<raw>]]><!-- c --><b/><b>t</b></a>',
]
for i, body in enumerate(xml_bodies):
    write("query", bytes([0, i]) + body)
    write("query", bytes([1 | (i % 8) << 1, i]) + body)

# cli_params: byte 0 = operation, byte 1 = member, then NUL-separated arguments.
for op, member, text in [
    (0, 0, "JID123"),
    (1, 1, "SnsTopicARN=arn:aws:sns:us-east-1:1:t,JobStatesToNotify=New,Complete,NotifyAll=true"),
    (2, 2, '{"S3Resources":[{"BucketArn":"arn:aws:s3:::b","KeyRange":{"BeginMarker":"a"}}]}'),
    (3, 3, "A={B=[c,d],E='x,y'},F=\"q\\\"\""),
    (4, 4, "a\0b\0c"),
    (5, 5, "[1, 2.5, \"x\"]"),
    (6, 6, "1700000000"),
    (7, 7, "2024-01-02T03:04:05Z"),
]:
    write("cli_params", bytes([op, member]) + text.encode())
