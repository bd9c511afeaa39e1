/**
 * A small instrumented inference service for the end-to-end test and for trying the library locally.
 *
 * It serves `POST /predict` (a fraud score) and `GET /metrics`. Its HTTP metrics are exactly what
 * prometheus-fastapi-instrumentator 8.0.2 serves with its defaults (`Instrumentator().instrument(app)
 * .expose(app)`; see test/fixtures/runtimes/fastapi.prom for the upstream files): `http_requests_total
 * {handler,method,status}` with the status grouped as "2xx"/"4xx"/"5xx", the request and response size
 * summaries by handler, `http_request_duration_highr_seconds` with no labels and the buckets 0.01 ... 60 s,
 * `http_request_duration_seconds{handler,method}` with the buckets 0.1, 0.5 and 1 s, and prometheus_client's
 * `_created` samples; requests to `/metrics` itself are counted and timed too, as the instrumentator does
 * (its `excluded_handlers` is empty by default). Besides: the alibi-detect drift gauges (`seldon_metric_drift_*`),
 * the model's own counters (predictions by decision and customer segment, user feedback by rating and
 * model version) and its last evaluation time.
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

/** The instrumentator's default buckets (metrics.py default(): latency_highr_buckets, latency_lowr_buckets). */
const HIGHR_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 7.5, 10, 30, 60];
const LOWR_BUCKETS = [0.1, 0.5, 1];
const CREATED = Date.now() / 1000;

class Histogram {
  public readonly counts: number[];
  public sum = 0;
  public count = 0;
  constructor(public readonly bounds: number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }
  public observe(v: number): void {
    this.bounds.forEach((b, i) => { if (v <= b) this.counts[i]++; });
    this.sum += v;
    this.count++;
  }
}

/** Per (handler, method, status): the instrumentator's label sets. */
interface Key { handler: string; method: string; status: string }
const faults: Faults = { latencyMs: 0, errorRate: 0, drift: false, stopMetrics: false };
const totals = new Map<string, number>();
const sizes = new Map<string, { inCount: number; inSum: number; outCount: number; outSum: number }>();
const highr = new Histogram(HIGHR_BUCKETS);
const lowr = new Map<string, Histogram>();
/** Predictions by decision and customer segment (blocks of ten alternate segments, so both get the same mix). */
/** User feedback on every fifth prediction: a thumbs up, or down on one in ten of them. */
const feedback = new Map<string, number>([['up', 0], ['down', 0]]);
const decisions = new Map<string, number>([['approve/retail', 0], ['review/retail', 0], ['approve/business', 0], ['review/business', 0]]);
let served = 0;

/** Python's float repr, as prometheus_client writes floats ("1.0", "0.5"). */
function py(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function labels(l: { [k: string]: string }): string {
  return `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

/** What the instrumentator's middleware records at the end of every request it instruments. */
function instrument(k: Key, seconds: number, inBytes: number, outBytes: number): void {
  const key = JSON.stringify([k.handler, k.method, k.status]);
  totals.set(key, (totals.get(key) ?? 0) + 1);
  const sz = sizes.get(k.handler) ?? { inCount: 0, inSum: 0, outCount: 0, outSum: 0 };
  sz.inCount++; sz.inSum += inBytes; sz.outCount++; sz.outSum += outBytes;
  sizes.set(k.handler, sz);
  highr.observe(seconds);
  const lk = JSON.stringify([k.handler, k.method]);
  if (!lowr.has(lk)) lowr.set(lk, new Histogram(LOWR_BUCKETS));
  lowr.get(lk)!.observe(seconds);
}

function exposition(): string {
  const out: string[] = [];
  out.push('# HELP http_requests_total Total number of requests by method, status and handler.', '# TYPE http_requests_total counter');
  const keys = [...totals.keys()].sort();
  for (const key of keys) {
    const [handler, method, status] = JSON.parse(key);
    out.push(`http_requests_total${labels({ handler, method, status })} ${py(totals.get(key)!)}`);
  }
  out.push('# HELP http_requests_created Total number of requests by method, status and handler.', '# TYPE http_requests_created gauge');
  for (const key of keys) {
    const [handler, method, status] = JSON.parse(key);
    out.push(`http_requests_created${labels({ handler, method, status })} ${CREATED}`);
  }
  for (const [name, field] of [['http_request_size_bytes', 'in'], ['http_response_size_bytes', 'out']] as const) {
    out.push(`# HELP ${name} Content length of ${field === 'in' ? 'incoming requests' : 'outgoing responses'} by handler. Only value of header is respected. Otherwise ignored. No percentile calculated. `);
    out.push(`# TYPE ${name} summary`);
    for (const [handler, sz] of [...sizes.entries()].sort()) {
      out.push(`${name}_count${labels({ handler })} ${py(field === 'in' ? sz.inCount : sz.outCount)}`);
      out.push(`${name}_sum${labels({ handler })} ${py(field === 'in' ? sz.inSum : sz.outSum)}`);
    }
  }
  out.push('# HELP http_request_duration_highr_seconds Latency with many buckets but no API specific labels. Made for more accurate percentile calculations. ');
  out.push('# TYPE http_request_duration_highr_seconds histogram');
  highr.bounds.forEach((b, i) => out.push(`http_request_duration_highr_seconds_bucket{le="${py(b)}"} ${py(highr.counts[i])}`));
  out.push(`http_request_duration_highr_seconds_bucket{le="+Inf"} ${py(highr.count)}`);
  out.push(`http_request_duration_highr_seconds_count ${py(highr.count)}`, `http_request_duration_highr_seconds_sum ${highr.sum}`);
  out.push('# HELP http_request_duration_highr_seconds_created Latency with many buckets but no API specific labels. Made for more accurate percentile calculations. ');
  out.push('# TYPE http_request_duration_highr_seconds_created gauge', `http_request_duration_highr_seconds_created ${CREATED}`);
  out.push('# HELP http_request_duration_seconds Latency with only few buckets by handler. Made to be only used if aggregation by handler is important. ');
  out.push('# TYPE http_request_duration_seconds histogram');
  for (const [lk, h] of [...lowr.entries()].sort()) {
    const [handler, method] = JSON.parse(lk);
    h.bounds.forEach((b, i) => out.push(`http_request_duration_seconds_bucket${labels({ handler, le: py(b), method })} ${py(h.counts[i])}`));
    out.push(`http_request_duration_seconds_bucket${labels({ handler, le: '+Inf', method })} ${py(h.count)}`);
    out.push(`http_request_duration_seconds_count${labels({ handler, method })} ${py(h.count)}`, `http_request_duration_seconds_sum${labels({ handler, method })} ${h.sum}`);
  }
  out.push('# TYPE seldon_metric_drift_is_drift gauge', `seldon_metric_drift_is_drift{index="0"} ${faults.drift ? 1 : 0}`);
  out.push('# TYPE seldon_metric_drift_p_val gauge', `seldon_metric_drift_p_val{index="0"} ${faults.drift ? 0.001 : 0.62}`);
  out.push('# TYPE seldon_metric_drift_threshold gauge', 'seldon_metric_drift_threshold{index="0"} 0.05');
  out.push('# TYPE fraud_predictions_total counter');
  for (const [k, n] of decisions) {
    const [decision, segment] = k.split('/');
    out.push(`fraud_predictions_total${labels({ decision, segment })} ${n}`);
  }
  out.push('# TYPE fraud_user_feedback_total counter');
  for (const [rating, n] of feedback) out.push(`fraud_user_feedback_total${labels({ model_version: 'v1', rating })} ${n}`);
  out.push('# TYPE fraud_eval_last_success_timestamp_seconds gauge', `fraud_eval_last_success_timestamp_seconds ${Math.floor(Date.now() / 1000)}`);
  return out.join('\n') + '\n';
}

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', c => { data += c; if (data.length > 65536) req.destroy(); });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** The instrumentator's status grouping (should_group_status_codes=True): 200 -> "2xx". */
const group = (code: number) => `${String(code)[0]}xx`;

const server = http.createServer(async (req, res) => {
  const started = process.hrtime.bigint();
  const reply = (code: number, text: string, handler: string, headers: http.OutgoingHttpHeaders = {}) => {
    res.writeHead(code, headers).end(text);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // Untemplated paths are grouped as handler "none" (should_group_untemplated=True).
    instrument({ handler, method: req.method ?? 'GET', status: group(code) }, seconds, Number(req.headers['content-length'] ?? 0), Buffer.byteLength(text));
  };
  try {
    if (req.method === 'GET' && req.url === '/metrics') {
      if (faults.stopMetrics) { res.writeHead(503).end('exporter stopped\n'); return; }
      // The exposition is rendered before this request is recorded, as the instrumentator does.
      reply(200, exposition(), '/metrics', { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      return;
    }
    if (req.method === 'POST' && req.url === '/fault') {
      const f = JSON.parse((await body(req)) || '{}');
      faults.latencyMs = Number(f.latencyMs ?? 0);
      faults.errorRate = Number(f.errorRate ?? 0);
      faults.drift = Boolean(f.drift);
      faults.stopMetrics = Boolean(f.stopMetrics);
      reply(200, JSON.stringify(faults), '/fault', { 'Content-Type': 'application/json' });
      return;
    }
    if (req.method === 'POST' && req.url === '/predict') {
      await body(req);
      if (faults.latencyMs > 0) await new Promise(r => setTimeout(r, faults.latencyMs));
      // Deterministic failures: exactly errorRate of the requests fail.
      served++;
      const fail = faults.errorRate > 0 && (served % Math.max(1, Math.round(1 / faults.errorRate))) === 0;
      if (fail) { reply(500, '{"error":"model failed"}', '/predict'); return; }
      const score = (served % 10) / 10;
      const decision = score > 0.8 ? 'review' : 'approve';
      const key = `${decision}/${Math.floor(served / 10) % 2 === 0 ? 'retail' : 'business'}`;
      decisions.set(key, (decisions.get(key) ?? 0) + 1);
      if (served % 5 === 0) {
        const rating = served % 50 === 0 ? 'down' : 'up';
        feedback.set(rating, feedback.get(rating)! + 1);
      }
      reply(200, JSON.stringify({ score, decision }), '/predict', { 'Content-Type': 'application/json' });
      return;
    }
    reply(404, '{"detail":"Not Found"}', 'none');
  } catch (e) {
    reply(400, String(e), 'none');
  }
});

const port = Number(process.argv[2] ?? process.env.PORT ?? 8000);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
