/**
 * A small instrumented inference service for the end-to-end test and for trying the library locally.
 *
 * It serves `POST /predict` (a fraud score) and `GET /metrics` in the names of
 * prometheus-fastapi-instrumentator (`http_requests_total{handler,method,status}`,
 * `http_request_duration_seconds` histogram), plus the alibi-detect drift gauges
 * (`seldon_metric_drift_*`), the model's own counters and its last evaluation time.
 *
 * Faults are switched with `POST /fault` and a JSON body (every field optional, `{}` clears all):
 *   { "latencyMs": 6000 }   every prediction takes this long
 *   { "errorRate": 0.5 }    this share of predictions fail with HTTP 500
 *   { "drift": true }       the drift detector reports drift (is_drift 1, p-value 0.001)
 *   { "stopMetrics": true } /metrics answers 503, as a hung or crashed exporter would
 *
 * Usage: node -r ts-node/register/transpile-only server.ts [port] (default 8000; port 0 picks one and
 * prints `listening <port>`). It listens on 127.0.0.1 only.
 */
import * as http from 'http';

interface Faults { latencyMs: number; errorRate: number; drift: boolean; stopMetrics: boolean }

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const faults: Faults = { latencyMs: 0, errorRate: 0, drift: false, stopMetrics: false };
const requests = new Map<string, number>(); // status → count
const buckets = new Array<number>(BUCKETS.length).fill(0);
let durationSum = 0;
let durationCount = 0;
const decisions = new Map<string, number>([['approve', 0], ['review', 0]]);
let served = 0;

function observe(status: string, seconds: number): void {
  requests.set(status, (requests.get(status) ?? 0) + 1);
  BUCKETS.forEach((b, i) => { if (seconds <= b) buckets[i]++; });
  durationSum += seconds;
  durationCount++;
}

function exposition(): string {
  const lines: string[] = [];
  lines.push('# HELP http_requests_total Total number of requests by method, status and handler.', '# TYPE http_requests_total counter');
  for (const [status, n] of [...requests.entries()].sort()) lines.push(`http_requests_total{handler="/predict",method="POST",status="${status}"} ${n}`);
  lines.push('# HELP http_request_duration_seconds Latency with many buckets but no API specific labels.', '# TYPE http_request_duration_seconds histogram');
  BUCKETS.forEach((b, i) => lines.push(`http_request_duration_seconds_bucket{handler="/predict",method="POST",le="${b}"} ${buckets[i]}`));
  lines.push(`http_request_duration_seconds_bucket{handler="/predict",method="POST",le="+Inf"} ${durationCount}`);
  lines.push(`http_request_duration_seconds_sum{handler="/predict",method="POST"} ${durationSum}`);
  lines.push(`http_request_duration_seconds_count{handler="/predict",method="POST"} ${durationCount}`);
  lines.push('# TYPE seldon_metric_drift_is_drift gauge', `seldon_metric_drift_is_drift{index="0"} ${faults.drift ? 1 : 0}`);
  lines.push('# TYPE seldon_metric_drift_p_val gauge', `seldon_metric_drift_p_val{index="0"} ${faults.drift ? 0.001 : 0.62}`);
  lines.push('# TYPE seldon_metric_drift_threshold gauge', 'seldon_metric_drift_threshold{index="0"} 0.05');
  lines.push('# TYPE fraud_predictions_total counter');
  for (const [d, n] of decisions) lines.push(`fraud_predictions_total{decision="${d}"} ${n}`);
  lines.push('# TYPE fraud_eval_last_success_timestamp_seconds gauge', `fraud_eval_last_success_timestamp_seconds ${Math.floor(Date.now() / 1000)}`);
  return lines.join('\n') + '\n';
}

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', c => { data += c; if (data.length > 65536) req.destroy(); });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === 'GET' && req.url === '/metrics') {
      if (faults.stopMetrics) { res.writeHead(503).end('exporter stopped\n'); return; }
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(exposition());
      return;
    }
    if (req.method === 'POST' && req.url === '/fault') {
      const f = JSON.parse((await body(req)) || '{}');
      faults.latencyMs = Number(f.latencyMs ?? 0);
      faults.errorRate = Number(f.errorRate ?? 0);
      faults.drift = Boolean(f.drift);
      faults.stopMetrics = Boolean(f.stopMetrics);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(faults));
      return;
    }
    if (req.method === 'POST' && req.url === '/predict') {
      const started = process.hrtime.bigint();
      await body(req);
      if (faults.latencyMs > 0) await new Promise(r => setTimeout(r, faults.latencyMs));
      // Deterministic failures: exactly errorRate of the requests fail.
      served++;
      const fail = faults.errorRate > 0 && (served % Math.max(1, Math.round(1 / faults.errorRate))) === 0;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      observe(fail ? '5xx' : '2xx', seconds);
      if (fail) { res.writeHead(500).end('{"error":"model failed"}'); return; }
      const score = (served % 10) / 10;
      const decision = score > 0.8 ? 'review' : 'approve';
      decisions.set(decision, (decisions.get(decision) ?? 0) + 1);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ score, decision }));
      return;
    }
    res.writeHead(404).end();
  } catch (e) {
    res.writeHead(400).end(String(e));
  }
});

const port = Number(process.argv[2] ?? process.env.PORT ?? 8000);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
