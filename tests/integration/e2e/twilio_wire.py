# The Twilio-compatible facade spoken to exactly as twilio-python 9.x builds
# its requests (twilio/base/client_base.py get_headers: User-Agent
# "twilio-python/V (OS ARCH) Python/V", X-Twilio-Client, Accept-Charset
# utf-8, Accept application/json, and for POST Content-Type
# application/x-www-form-urlencoded; requests' HTTP Basic with
# AccountSid:AuthToken; the form fields To/From/Body with spaces as "+";
# paging by GETting next_page_uri on the same host), with the standard
# library only, so it runs where the twilio-node SDK test is skipped.
# Usage: twilio_wire.py URL ACCOUNT_SID AUTH_TOKEN. Exits 0 and prints PASS.
import base64, email.utils, http.client, json, platform, re, sys, urllib.parse

url, sid, token = sys.argv[1], sys.argv[2], sys.argv[3]
u = urllib.parse.urlsplit(url)
VERSION = "9.3.7"


def request(method, path, form=None, auth=(sid, token)):
    h = {
        "User-Agent": "twilio-python/%s (%s %s) Python/%s" % (
            VERSION, platform.system(), platform.machine(), platform.python_version()),
        "X-Twilio-Client": "python-" + VERSION,
        "Accept-Charset": "utf-8",
        "Accept": "application/json",
        "Authorization": "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode(),
    }
    body = None
    if method == "POST":
        h["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(form)  # quote_plus: spaces as '+', like requests
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    c.request(method, path, body, h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else None


def check_message(m, to, body):
    assert re.fullmatch(r"SM[0-9a-f]{32}", m["sid"]), m
    assert m["account_sid"] == sid and m["to"] == to and m["body"] == body, m
    assert m["direction"] == "outbound-api" and m["num_segments"] == "1", m
    assert m["uri"] == "/2010-04-01/Accounts/%s/Messages/%s.json" % (sid, m["sid"]), m
    for k in ("date_created", "date_updated"):
        assert email.utils.parsedate_to_datetime(m[k]) is not None, m  # RFC 2822
    assert m["status"] in ("accepted", "queued", "sending", "sent", "delivered"), m


base = "/2010-04-01/Accounts/%s/Messages" % sid
st, m = request("POST", base + ".json", {"To": "+447700900123", "Body": "Hi & welcome + more"})
assert st == 201, (st, m)
check_message(m, "+447700900123", "Hi & welcome + more")
st, f = request("GET", "%s/%s.json" % (base, m["sid"]))
assert st == 200 and f["sid"] == m["sid"], (st, f)
check_message(f, "+447700900123", "Hi & welcome + more")
sids = [m["sid"]]
for i in range(4):
    st, x = request("POST", base + ".json", {"To": "+447700900124", "Body": "page %d" % i})
    assert st == 201, (st, x)
    sids.append(x["sid"])
# Page by page, PageSize 2, following next_page_uri as the SDK does.
st, page = request("GET", base + ".json?PageSize=2")
listed, pages = [], 0
while True:
    assert st == 200, (st, page)
    pages += 1
    assert page["page_size"] == 2 and len(page["messages"]) <= 2, page
    assert page["first_page_uri"].startswith(base + ".json?"), page
    listed += [x["sid"] for x in page["messages"]]
    if not page["next_page_uri"]:
        break
    assert pages < 10
    st, page = request("GET", page["next_page_uri"])
assert pages == 3 and listed == sids[::-1], (pages, listed, sids)
# Errors in Twilio's shape.
st, e = request("POST", base + ".json", {"To": "not-a-number", "Body": "x"})
assert st == 400 and e["code"] == 21211 and e["status"] == 400 and "more_info" in e, e
st, e = request("POST", base + ".json", {"To": "+447700900123"})
assert st == 400 and e["code"] == 21602, e
st, e = request("GET", "%s/SM%s.json" % (base, "0" * 32))
assert st == 404 and e["code"] == 20404, e
st, e = request("GET", base + ".json", auth=(sid, "0" * 64))
assert st == 401 and e["code"] == 20003, e
print("PASS")
