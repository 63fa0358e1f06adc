# A CRM's webhook receiver for the tests: prints "listening PORT", then one
# line per POST:
#   EVENT SIG_OK STATUS DIRECTION BODY conv=C delivery=D id=ID
# The signature (X-Smsrelay-Signature: t=T,v1=HEX of HMAC-SHA256(secret,
# "T." + body), app/api/webhook.c, docs/webhooks.md) is checked with the
# secret in the file argv[1], which the test writes after creating the
# webhook; a t more than 300 s from this clock is refused (sig_bad) as the
# docs tell receivers to.
#
# --down: the port is bound (so it is known and reserved) but not listening,
# so the daemon's connections are refused, like a CRM that is down; SIGUSR1
# brings it up (listen), and it prints "up".
import hashlib, hmac, http.server, json, signal, sys, time

SECRET_FILE = sys.argv[1]
DOWN = "--down" in sys.argv[2:]
REPLAY_WINDOW_S = 300


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        sig = dict(p.split("=", 1) for p in self.headers.get("X-Smsrelay-Signature", "").split(",") if "=" in p)
        try:
            secret = open(SECRET_FILE).read().strip().encode()
        except OSError:
            secret = b""
        want = hmac.new(secret, sig.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
        ok = bool(secret) and hmac.compare_digest(want, sig.get("v1", ""))
        try:
            ok = ok and abs(int(sig.get("t", "")) - time.time()) <= REPLAY_WINDOW_S
        except ValueError:
            ok = False
        data = json.loads(body).get("data", {})
        print(self.headers.get("X-Smsrelay-Event"), "sig_ok" if ok else "sig_bad",
              data.get("status"), data.get("direction"), json.dumps(data.get("body")),
              "conv=%s" % data.get("conversation_id"),
              "delivery=%s" % self.headers.get("X-Smsrelay-Delivery"),
              "id=%s" % data.get("id"), flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=not DOWN)
if DOWN:
    # Bound, not listening: connect() gets ECONNREFUSED.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    server.server_bind()
    print("listening", server.server_address[1], flush=True)
    signal.sigwait({signal.SIGUSR1})
    server.server_activate()
    print("up", flush=True)
else:
    print("listening", server.server_address[1], flush=True)
server.serve_forever()
