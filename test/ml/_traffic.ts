import { InferenceRuntime, KnativeMetrics, KServeDeploymentMode } from '../../src';
import { Fixture, seriesText as text } from '../util/exposition';

/*
 * Traffic in a runtime's own shape. Every series a scenario writes is a series of the runtime's fixture
 * (test/fixtures/runtimes/*.prom, written from the runtime's source): the same metric name, the same label
 * names and values, and, for histograms, the fixture's own bucket bounds. A role that names a series the
 * fixture does not have fails the test, so these proofs cannot drift from what the runtime exports.
 */

/** A traffic scenario. */
export interface Scenario {
  /** Requests per second. */
  readonly rps: number;
  /** Share of failed requests. */
  readonly errorRatio: number;
  /** Latency of every request, in seconds. */
  readonly latency: number;
  /** Minutes of samples. */
  readonly minutes: number;
}

export interface Series { series: string; values: string }
type Labels = { [k: string]: string };

/** Successful, failed and all requests per second. */
export const ok = (s: Scenario) => s.rps * (1 - s.errorRatio);
export const failed = (s: Scenario) => s.rps * s.errorRatio;
export const all = (s: Scenario) => s.rps;

/** A fixture histogram: every request observed at the scenario's latency (or `latency`), in the fixture's buckets. */
interface HistogramRole {
  readonly histogram: string;
  readonly match?: Labels;
  readonly perSecond: (s: Scenario) => number;
  readonly unitSeconds?: number;
  readonly wholeSeconds?: boolean;
  readonly latency?: (s: Scenario) => number;
}

/** One fixture series (or histogram) and how fast it grows in a scenario. */
export type Role =
  | { readonly counter: string; readonly match?: Labels; readonly perSecond: (s: Scenario) => number }
  | HistogramRole
  | { readonly gauge: string; readonly match?: Labels; readonly value: (s: Scenario) => number };

export interface RuntimeCase {
  readonly runtime: InferenceRuntime;
  /** The fixture the roles' series come from. */
  readonly fixture: string;
  /** Fixtures of older releases whose names the preset also reads (where the current ones are absent). */
  readonly olderFixtures?: string[];
  readonly roles: ReadonlyArray<Role>;
}

function counter(perSecond: number, minutes: number): string {
  return `0+${+(perSecond * 60).toFixed(6)}x${minutes}`;
}

/** The labels Prometheus adds to every series it scrapes from one pod of the service. */
export function targetLabels(namespace: string, mlService: string, pod = 'model-0'): Labels {
  return { namespace, ml_service: mlService, pod, instance: `${pod}:8080`, job: mlService };
}

/** The runtime's model label and the value the fixture's series carry in it, if the runtime has one. */
export function modelOf(c: RuntimeCase): Labels {
  const spec = c.runtime._spec;
  if (!spec.modelLabel) return {};
  const values = new Set(Fixture.load(c.fixture).samples.map(s => s.labels[spec.modelLabel!]).filter(v => v !== undefined && v !== ''));
  if (values.size !== 1) throw new Error(`fixture ${c.fixture}: ${values.size} values of the model label ${spec.modelLabel} (expected one model)`);
  const value = [...values][0];
  return { [spec.modelLabel]: value };
}

/** The promtool input series of a case in a scenario, with the labels Prometheus adds when it scrapes. */
export function seriesOf(c: RuntimeCase, namespace: string, mlService: string, s: Scenario, pod = 'model-0'): Series[] {
  const fx = Fixture.load(c.fixture);
  const target = targetLabels(namespace, mlService, pod);
  const out: Series[] = [];
  for (const r of c.roles) {
    if ('counter' in r) {
      const f = fx.one(r.counter, r.match);
      out.push({ series: text(f.name, { ...f.labels, ...target }), values: counter(r.perSecond(s), s.minutes) });
    } else if ('gauge' in r) {
      const f = fx.one(r.gauge, r.match);
      out.push({ series: text(f.name, { ...f.labels, ...target }), values: `${r.value(s)}+0x${s.minutes}` });
    } else {
      const count = fx.one(`${r.histogram}_count`, r.match);
      const unit = r.unitSeconds ?? 1;
      const observed = (r.latency ?? (x => x.latency))(s);
      const value = r.wholeSeconds ? Math.floor(observed) : observed;
      const rate = r.perSecond(s);
      for (const le of [...fx.bucketBounds(r.histogram, r.match), '+Inf']) {
        const inBucket = le === '+Inf' || value <= Number(le) * unit;
        out.push({ series: text(`${r.histogram}_bucket`, { ...count.labels, ...target, le }), values: counter(inBucket ? rate : 0, s.minutes) });
      }
      out.push({ series: text(`${r.histogram}_count`, { ...count.labels, ...target }), values: counter(rate, s.minutes) });
      out.push({ series: text(`${r.histogram}_sum`, { ...count.labels, ...target }), values: counter(rate * value / unit, s.minutes) });
    }
  }
  return out;
}

const fastScrapes = () => 1 / 30;

export const RUNTIME_CASES: { [name: string]: RuntimeCase } = {
  'fastapi': {
    runtime: InferenceRuntime.fastApi(),
    fixture: 'fastapi',
    roles: [
      { counter: 'http_requests_total', match: { handler: '/predict', status: '2xx' }, perSecond: ok },
      { counter: 'http_requests_total', match: { handler: '/predict', status: '5xx' }, perSecond: failed },
      // Prometheus' own scrapes of /metrics are requests too: they must not count as traffic.
      { counter: 'http_requests_total', match: { handler: '/metrics' }, perSecond: fastScrapes },
      { histogram: 'http_request_duration_highr_seconds', perSecond: all },
      // The per-handler histogram is there too, with its three buckets.
      { histogram: 'http_request_duration_seconds', match: { handler: '/predict' }, perSecond: all },
    ],
  },
  'triton': {
    runtime: InferenceRuntime.triton(),
    fixture: 'triton',
    roles: [
      { counter: 'nv_inference_request_success', perSecond: ok },
      { counter: 'nv_inference_request_failure', match: { reason: 'BACKEND' }, perSecond: failed },
      { counter: 'nv_inference_request_failure', match: { reason: 'REJECTED' }, perSecond: () => 0 },
      { counter: 'nv_inference_request_duration_us', perSecond: s => ok(s) * s.latency * 1e6 },
    ],
  },
  'mlserver': {
    runtime: InferenceRuntime.mlServer(),
    fixture: 'mlserver',
    roles: [
      { counter: 'model_infer_request_success_total', perSecond: ok },
      { counter: 'model_infer_request_failure_total', perSecond: failed },
      { histogram: 'rest_server_request_duration_seconds', match: { status_code: '200' }, perSecond: all },
    ],
  },
  'seldon-core-v2': {
    runtime: InferenceRuntime.seldonCoreV2(),
    fixture: 'seldon-core-v2',
    roles: [
      { counter: 'seldon_model_infer_total', match: { code: '200' }, perSecond: ok },
      { counter: 'seldon_model_infer_total', match: { code: '500' }, perSecond: failed },
      { counter: 'seldon_model_infer_total', match: { code: 'OK' }, perSecond: () => 0 },
      { histogram: 'seldon_model_infer_api_seconds', perSecond: all },
    ],
  },
  'kserve': {
    runtime: InferenceRuntime.kserve(),
    fixture: 'kserve-knative-1.21',
    roles: [
      { histogram: 'kn_serving_invocation_duration_seconds', match: { http_response_status_code: '200' }, perSecond: ok },
      { histogram: 'kn_serving_invocation_duration_seconds', match: { http_response_status_code: '500' }, perSecond: failed },
    ],
  },
  'kserve-knative-1.19': {
    runtime: InferenceRuntime.kserve({ knative: KnativeMetrics.OPEN_TELEMETRY_1_19 }),
    fixture: 'kserve-knative-1.19',
    roles: [
      { histogram: 'kn_queueproxy_app_duration_seconds', match: { http_response_status_code: '200' }, perSecond: ok, wholeSeconds: true },
      { histogram: 'kn_queueproxy_app_duration_seconds', match: { http_response_status_code: '500' }, perSecond: failed, wholeSeconds: true },
    ],
  },
  'kserve-knative-1.18': {
    runtime: InferenceRuntime.kserve({ knative: KnativeMetrics.OPEN_CENSUS }),
    fixture: 'kserve-knative-1.18',
    roles: [
      { counter: 'revision_request_count', match: { response_code: '200' }, perSecond: ok },
      { counter: 'revision_request_count', match: { response_code: '500' }, perSecond: failed },
      { histogram: 'revision_request_latencies', match: { response_code: '200' }, perSecond: ok, unitSeconds: 0.001 },
      { histogram: 'revision_request_latencies', match: { response_code: '500' }, perSecond: failed, unitSeconds: 0.001 },
    ],
  },
  'kserve-standard': {
    runtime: InferenceRuntime.kserve({ deploymentMode: KServeDeploymentMode.STANDARD }),
    fixture: 'kserve-standard',
    roles: [
      { histogram: 'request_predict_seconds', perSecond: all },
      { histogram: 'request_preprocess_seconds', perSecond: all, latency: () => 0.001 },
    ],
  },
  'torchserve': {
    runtime: InferenceRuntime.torchServe(),
    fixture: 'torchserve',
    roles: [
      { counter: 'ts_inference_requests_total', perSecond: all },
      { counter: 'Requests2XX', perSecond: ok },
      { counter: 'Requests5XX', perSecond: failed },
      { counter: 'ts_inference_latency_microseconds', perSecond: s => ok(s) * s.latency * 1e6 },
    ],
  },
  'bentoml': {
    runtime: InferenceRuntime.bentoMl(),
    fixture: 'bentoml',
    roles: [
      { counter: 'bentoml_service_request_total', match: { endpoint: '/summarize', http_response_code: '200' }, perSecond: ok },
      { counter: 'bentoml_service_request_total', match: { endpoint: '/summarize', http_response_code: '500' }, perSecond: failed },
      // The kubelet's probes, every 10 s each: BentoML counts them, the preset must not.
      { counter: 'bentoml_service_request_total', match: { endpoint: '/livez' }, perSecond: () => 0.1 },
      { counter: 'bentoml_service_request_total', match: { endpoint: '/readyz' }, perSecond: () => 0.1 },
      { histogram: 'bentoml_service_request_duration_seconds', match: { endpoint: '/summarize' }, perSecond: all },
      { histogram: 'bentoml_service_request_duration_seconds', match: { endpoint: '/livez' }, perSecond: () => 0.1, latency: () => 0.001 },
    ],
  },
  'ray-serve': {
    runtime: InferenceRuntime.rayServe(),
    fixture: 'ray-serve',
    roles: [
      { counter: 'ray_serve_num_http_requests_total', match: { application: 'translator', status_code: '200' }, perSecond: ok },
      { counter: 'ray_serve_num_http_requests_total', match: { application: 'translator', status_code: '500' }, perSecond: failed },
      { counter: 'ray_serve_num_http_error_requests_total', match: { application: 'translator', error_code: '500' }, perSecond: failed },
      // Client errors: a 404 scan is counted by Ray as an error of application "", not the model's failure.
      { counter: 'ray_serve_num_http_requests_total', match: { status_code: '404' }, perSecond: () => 2 },
      { counter: 'ray_serve_num_http_error_requests_total', match: { error_code: '404' }, perSecond: () => 2 },
      { histogram: 'ray_serve_http_request_latency_ms', match: { application: 'translator' }, perSecond: all, unitSeconds: 0.001 },
    ],
  },
  'vllm': {
    runtime: InferenceRuntime.vllm(),
    fixture: 'vllm',
    olderFixtures: ['vllm-0.9'],
    roles: [
      { counter: 'http_requests_total', match: { handler: '/v1/chat/completions', status: '2xx' }, perSecond: ok },
      { counter: 'http_requests_total', match: { handler: '/v1/chat/completions', status: '5xx' }, perSecond: failed },
      { counter: 'http_requests_total', match: { handler: '/v1/models' }, perSecond: () => 0.5 },
      { histogram: 'vllm:e2e_request_latency_seconds', perSecond: ok },
    ],
  },
  'tgi': {
    runtime: InferenceRuntime.tgi(),
    fixture: 'tgi',
    roles: [
      { counter: 'tgi_request_count', perSecond: all },
      { counter: 'tgi_request_failure', match: { err: 'generation' }, perSecond: failed },
      // Validation failures are the client's fault: they must not count as errors.
      { counter: 'tgi_request_failure', match: { err: 'validation' }, perSecond: all },
      { histogram: 'tgi_request_duration', perSecond: s => ok(s) },
    ],
  },
};
