-- Appended to every wrk script the bench runs: wrk calls done() once at the
-- end, and the bench reads this one JSON line instead of wrk's text report;
-- errors are non-2xx/3xx responses plus socket errors.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
