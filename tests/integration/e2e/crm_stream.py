# A CRM sending a stream of messages: POST /api/v1/messages COUNT times, one
# after the other, each with a unique body PREFIX-NNN. Prints
# "accepted N ID BODY" for each 202 (flushed, so a test can act after N),
# and stops at the first failure with "stopped N REASON" (the daemon was
# killed: that message is not counted as accepted).
# Usage: crm_stream.py URL TOKEN COUNT PREFIX TO
import http.client, json, sys, urllib.parse

url, token, count, prefix, to = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
u = urllib.parse.urlsplit(url)
conn = None
for n in range(1, count + 1):
    body = "%s-%03d" % (prefix, n)
    try:
        if conn is None:
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        conn.request("POST", "/api/v1/messages", json.dumps({"to": to, "body": body}),
                     {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        if r.status != 202:
            print("stopped", n, "HTTP", r.status, data.decode(errors="replace"), flush=True)
            break
        print("accepted", n, json.loads(data)["id"], body, flush=True)
    except (OSError, http.client.HTTPException) as e:
        print("stopped", n, type(e).__name__, e, flush=True)
        break
else:
    print("done", count, flush=True)
