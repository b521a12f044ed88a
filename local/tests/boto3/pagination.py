"""250 jobs through boto3's paginators: every job exactly once, in pages of the asked
size; a token the server did not issue is InvalidNextTokenException."""

from common import *

sb = client()
address = new_address(sb)
created = [new_job(sb, address, Description="job %d" % i) for i in range(250)]

pages = list(sb.get_paginator("list_jobs").paginate(PaginationConfig={"PageSize": 100}))
assert [len(p["JobListEntries"]) for p in pages] == [100, 100, 50], [len(p["JobListEntries"]) for p in pages]
listed = [e["JobId"] for p in pages for e in p["JobListEntries"]]
assert len(listed) == 250 and set(listed) == set(created), "each job once"
# MaxItems resumes from the paginator's own token.
first = sb.get_paginator("list_jobs").paginate(PaginationConfig={"MaxItems": 30, "PageSize": 7}).build_full_result()
rest = sb.get_paginator("list_jobs").paginate(PaginationConfig={"StartingToken": first["NextToken"]}).build_full_result()
both = [e["JobId"] for e in first["JobListEntries"] + rest["JobListEntries"]]
assert sorted(both) == sorted(created), (len(both), len(set(both)))

addresses = [e for p in sb.get_paginator("describe_addresses").paginate(PaginationConfig={"PageSize": 1}) for e in p["Addresses"]]
assert [a["AddressId"] for a in addresses] == [address], addresses

expect_error("InvalidNextTokenException", sb.list_jobs, NextToken="not-a-token-we-issued")
token = pages[0]["NextToken"]
expect_error("InvalidNextTokenException", sb.list_jobs, NextToken=token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
print("pagination: ok, %d jobs in %d pages" % (len(listed), len(pages)))
