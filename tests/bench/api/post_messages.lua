-- wrk script: POST /api/v1/messages, counting 202 (accepted) responses.
-- Used by tests/bench/api/bench_api.sh; environment:
--   BENCH_TOKEN      API token (Authorization: Bearer), required
--   BENCH_IDEM=1     send a unique Idempotency-Key with every request
--   BENCH_RATE=N     total requests/s to aim at (0: as fast as possible)
--   BENCH_THREADS=N  wrk's -t, needed to split BENCH_RATE between threads
--   BENCH_SEND_AT    RFC 3339 send_at for every message ("" for none)
--
-- Fixed rate: wrk (not wrk2) has no open-loop mode, so each wrk thread keeps
-- its own schedule (one slot every THREADS/RATE seconds) and delay() holds
-- a connection until the next free slot. Latency is still measured by wrk
-- from the moment the request is written, so a request that misses its slot
-- because every connection was busy is not charged for the wait
-- (coordinated omission); the script counts those late starts so the
-- report can say whether the rate was really held.

local ffi = require("ffi")
ffi.cdef [[
struct bench_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk, struct bench_timespec *ts);
]]
local ts = ffi.new("struct bench_timespec")

local function now_ms()
	ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
	return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
local idem = os.getenv("BENCH_IDEM") == "1"
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local send_at = os.getenv("BENCH_SEND_AT") or ""
-- BENCH_IDS: a file prefix; each thread appends the id of every 202 to
-- PREFIX-THREAD, so the caller can check each one is in the store.
local ids_prefix = os.getenv("BENCH_IDS") or ""
local ids_file

local threads = {}
local thread_no = 0

function setup(thread)
	thread_no = thread_no + 1
	thread:set("tid", thread_no)
	table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state).
local counter = 0
local accepted, other, late = 0, 0, 0
local interval, next_slot = 0, nil
local body_head, body_tail

function init(args)
	tid = tonumber(tid) or 0
	if rate > 0 then
		interval = 1000.0 * nthreads / rate
	end
	body_head = '{"to":"+4477009'
	body_tail = '","body":"Benchmark message from wrk thread ' .. tid .. '"'
	if send_at ~= "" then
		body_tail = body_tail .. ',"send_at":"' .. send_at .. '"'
	end
	body_tail = body_tail .. '}'
	if ids_prefix ~= "" then
		ids_file = assert(io.open(ids_prefix .. "-" .. tid, "a"))
	end
end

function request()
	counter = counter + 1
	local headers = {
		["Authorization"] = "Bearer " .. token,
		["Content-Type"] = "application/json",
	}
	if idem then
		headers["Idempotency-Key"] = string.format("bench-%d-%d-%d", tid, counter, os.time())
	end
	-- A valid UK number per request (5 varying digits), so conversations
	-- are spread the way a CRM's sends would be.
	local body = body_head .. string.format("%05d", (tid * 7919 + counter) % 100000) .. body_tail
	return wrk.format("POST", "/api/v1/messages", headers, body)
end

function delay()
	if interval == 0 then
		return 0
	end
	local t = now_ms()
	if next_slot == nil then
		next_slot = t
	end
	local slot = next_slot
	next_slot = next_slot + interval
	if slot < t then
		-- Behind schedule: send now (counted as late if by more than 1 ms).
		if t - slot > 1 then
			late = late + 1
		end
		return 0
	end
	return math.floor(slot - t + 0.5)
end

function response(status, headers, body)
	if status == 202 then
		accepted = accepted + 1
		if ids_file then
			ids_file:write((body:match('"id":(%d+)') or "?"), "\n")
			ids_file:flush()
		end
	else
		other = other + 1
		if other <= 3 then
			io.stderr:write("non-202 response " .. status .. ": " .. tostring(body) .. "\n")
		end
	end
	-- wrk reads these with thread:get() in done()
	_G.accepted_n = accepted
	_G.other_n = other
	_G.late_n = late
end

function done(summary, latency, requests)
	local a, o, l = 0, 0, 0
	for _, t in ipairs(threads) do
		a = a + (tonumber(t:get("accepted_n")) or 0)
		o = o + (tonumber(t:get("other_n")) or 0)
		l = l + (tonumber(t:get("late_n")) or 0)
	end
	local secs = summary.duration / 1e6
	io.write(string.format("BENCH accepted=%d other=%d late_starts=%d duration_s=%.2f " ..
		"accepted_per_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
		"connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
		a, o, l, secs, a / secs,
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, latency.max / 1000,
		summary.errors.connect, summary.errors.read, summary.errors.write,
		summary.errors.timeout))
end
