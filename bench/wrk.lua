-- wrk script of `python -m bench.http`: sends the credentials given after `--` as header
-- name/value pairs (e.g. `-- Cookie "sessionid=…"` or `-- Authorization "Token …"`) and, when
-- the run ends, prints one line "BENCH-WRK {json}" with the latency percentiles (µs), the
-- number of requests and the errors, for the driver to read.

function init(args)
  for i = 1, #args, 2 do
    wrk.headers[args[i]] = args[i + 1]
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-WRK {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"p50_us": %.0f, "p90_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, '
      .. '"max_us": %.0f, "mean_us": %.1f, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
