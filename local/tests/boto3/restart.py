"""Run twice around a restart with --state: `create` makes an address, three jobs (one
advanced, one cancelled) and prints their ids; `check IDS_JSON` finds them as they were."""

import json

from common import *

sb = client()
if sys.argv[2] == "create":
    address = new_address(sb)
    jobs = [new_job(sb, address, Description="survivor %d" % i) for i in range(3)]
    advance(jobs[1])
    sb.cancel_job(JobId=jobs[2])
    print(json.dumps({"address": address, "jobs": jobs}))
else:
    ids = json.loads(sys.argv[3])
    assert sb.describe_address(AddressId=ids["address"])["Address"]["Name"] == ADDRESS["Name"]
    states = [job_state(sb, j) for j in ids["jobs"]]
    assert states == ["New", "PreparingAppliance", "Cancelled"], states
    for i, j in enumerate(ids["jobs"]):
        assert sb.describe_job(JobId=j)["JobMetadata"]["Description"] == "survivor %d" % i
    listed = sorted(e["JobId"] for e in sb.list_jobs()["JobListEntries"])
    assert listed == sorted(ids["jobs"]), listed
    # The restarted server keeps going from there.
    assert advance(ids["jobs"][0]) == 1
    print("restart: ok")
