// smsrelay's Twilio-compatible facade driven by the official twilio-node SDK
// (package.json pins it), the way a CRM integration written for Twilio
// would run against the appliance. The ONLY change from a stock SDK setup:
// an httpClient that sends the SDK's requests to SMSRELAY_URL instead of
// https://api.twilio.com (scheme, host and port; path, query, form body,
// headers and Basic auth are the SDK's own: RequestClient builds them).
// Env: SMSRELAY_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, MODEMSIM,
// MODEMSIM_SOCK. Prints "PASS" or throws.
"use strict";
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const twilio = require("twilio");

const base = new URL(process.env.SMSRELAY_URL);
const sid = process.env.TWILIO_ACCOUNT_SID;
const token = process.env.TWILIO_AUTH_TOKEN;
const seen = []; // what the SDK asked for, for the header checks

class ApplianceClient extends twilio.RequestClient {
  request(opts) {
    const u = new URL(opts.uri);
    assert.equal(u.host, "api.twilio.com", "the SDK aims at Twilio itself");
    u.protocol = base.protocol;
    u.host = base.host;
    seen.push({ method: opts.method, headers: { ...opts.headers } });
    return super.request({ ...opts, uri: u.href });
  }
}

const client = twilio(sid, token, { httpClient: new ApplianceClient({ timeout: 10000 }) });
const bad = twilio(sid, "0".repeat(64), { httpClient: new ApplianceClient({ timeout: 10000 }) });

function ctl(cmd) {
  return execFileSync(process.env.MODEMSIM, ["ctl", process.env.MODEMSIM_SOCK, cmd], {
    encoding: "utf8",
    timeout: 30000,
  });
}

// A message resource as Twilio's api.v2010.account.message describes it.
function checkShape(m, want) {
  assert.match(m.sid, /^SM[0-9a-f]{32}$/);
  assert.equal(m.accountSid, sid);
  assert.equal(m.to, want.to);
  assert.equal(m.body, want.body);
  assert.equal(m.direction, "outbound-api");
  assert.equal(typeof m.numSegments, "string");
  assert.equal(m.numSegments, "1");
  assert.ok(m.dateCreated instanceof Date && !isNaN(m.dateCreated), "dateCreated " + m.dateCreated);
  assert.ok(m.dateUpdated instanceof Date && !isNaN(m.dateUpdated), "dateUpdated " + m.dateUpdated);
  assert.equal(m.uri, `/2010-04-01/Accounts/${sid}/Messages/${m.sid}.json`);
  assert.ok(
    ["accepted", "queued", "sending", "sent", "delivered"].includes(m.status),
    "status " + m.status
  );
}

async function restError(p) {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof twilio.RestException, "not a RestException: " + e);
    return e;
  }
  assert.fail("no error");
}

async function main() {
  // Create: form-encoded POST, Basic AccountSid:token.
  const m = await client.messages.create({ to: "+447700900123", body: "Hello from twilio-node" });
  checkShape(m, { to: "+447700900123", body: "Hello from twilio-node" });
  const h = seen[seen.length - 1].headers;
  assert.equal(seen[seen.length - 1].method, "post");
  assert.match(h["User-Agent"], /^twilio-node\//);
  assert.equal(h["Content-Type"], "application/x-www-form-urlencoded");
  assert.equal(h["Accept"], "application/json");

  // It reaches the simulated network.
  ctl("wait 20000 sent 1");
  assert.match(ctl("sent"), /to=\+447700900123 .*text=Hello from twilio-node\n/);

  // Fetch by Sid until the appliance says it left (bounded; each try asks).
  let f;
  for (let i = 0; i < 200; i++) {
    f = await client.messages(m.sid).fetch();
    if (["sent", "delivered"].includes(f.status)) break;
  }
  checkShape(f, { to: "+447700900123", body: "Hello from twilio-node" });
  assert.equal(f.sid, m.sid);
  assert.ok(["sent", "delivered"].includes(f.status), "status " + f.status);
  assert.equal(f.errorCode, null);

  // Five more, then list two per page, following next_page_uri.
  const sids = [m.sid];
  for (let i = 1; i <= 5; i++) {
    const x = await client.messages.create({ to: "+447700900124", body: `Page test ${i}` });
    sids.push(x.sid);
  }
  let page = await client.messages.page({ pageSize: 2 });
  const listed = [];
  let pages = 0;
  while (page) {
    pages++;
    assert.ok(page.instances.length <= 2, "page of " + page.instances.length);
    listed.push(...page.instances.map((x) => x.sid));
    page = await page.nextPage();
    assert.ok(pages < 10, "paging does not end");
  }
  assert.equal(pages, 3);
  assert.deepEqual(listed, [...sids].reverse(), "newest first, each once");
  // The SDK's own auto-paging (list -> each page's next_page_uri).
  const all = await client.messages.list({ pageSize: 4 });
  assert.deepEqual(all.map((x) => x.sid), [...sids].reverse());
  const to124 = await client.messages.list({ to: "+447700900124", pageSize: 50 });
  assert.equal(to124.length, 5);

  // Errors as Twilio reports them.
  let e = await restError(client.messages.create({ to: "12345", body: "x" }));
  assert.equal(e.status, 400);
  assert.equal(e.code, 21211);
  e = await restError(client.messages.create({ to: "+447700900123" }));
  assert.equal(e.status, 400);
  assert.equal(e.code, 21602);
  e = await restError(client.messages("SM" + "0".repeat(32)).fetch());
  assert.equal(e.status, 404);
  assert.equal(e.code, 20404);
  e = await restError(bad.messages.list({ pageSize: 1 }));
  assert.equal(e.status, 401);
  assert.equal(e.code, 20003);
  console.log("PASS");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
