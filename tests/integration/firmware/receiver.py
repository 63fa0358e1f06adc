# A CRM's webhook receiver for the tests: prints "listening PORT", then one
# line per POST: EVENT SIG_OK STATUS DIRECTION BODY. The signature
# (X-Smsrelay-Signature: t=T,v1=HEX of HMAC-SHA256(secret, "T." + body),
# app/api/webhook.c) is checked with the secret in the file argv[1], which
# the test writes after creating the webhook.
import hashlib, hmac, http.server, json, sys

SECRET_FILE = sys.argv[1]


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
        data = json.loads(body).get("data", {})
        print(self.headers.get("X-Smsrelay-Event"), "sig_ok" if ok else "sig_bad",
              data.get("status"), data.get("direction"), json.dumps(data.get("body")), flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print("listening", server.server_address[1], flush=True)
server.serve_forever()
