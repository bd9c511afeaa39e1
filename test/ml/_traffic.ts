import { InferenceRuntime, KnativeMetrics } from '../../src';

/** A traffic scenario, rendered as input series in one runtime's own metric and label names. */
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

/** Histogram buckets in seconds; each runtime's own unit is applied to `le`. */
const BUCKETS = [0.1, 1, 10];

function counter(perSecond: number, minutes: number): string {
  return `0+${+(perSecond * 60).toFixed(6)}x${minutes}`;
}

function labels(l: { [k: string]: string }): string {
  return `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

function histogram(base: string, l: { [k: string]: string }, unitSeconds: number, s: Scenario, okOnly = false): Series[] {
  const rate = okOnly ? s.rps * (1 - s.errorRatio) : s.rps;
  const out: Series[] = [];
  for (const b of BUCKETS) {
    out.push({ series: `${base}_bucket${labels({ ...l, le: String(+(b / unitSeconds).toPrecision(6)) })}`, values: counter(s.latency <= b ? rate : 0, s.minutes) });
  }
  out.push({ series: `${base}_bucket${labels({ ...l, le: '+Inf' })}`, values: counter(rate, s.minutes) });
  out.push({ series: `${base}_count${labels(l)}`, values: counter(rate, s.minutes) });
  out.push({ series: `${base}_sum${labels(l)}`, values: counter(rate * s.latency / unitSeconds, s.minutes) });
  return out;
}

export interface RuntimeCase {
  readonly runtime: InferenceRuntime;
  /** The model label value the series carry, if the runtime has a model label. */
  readonly model?: string;
  readonly series: (ns: string, svc: string, s: Scenario) => Series[];
}

export const RUNTIME_CASES: { [name: string]: RuntimeCase } = {
  'fastapi': {
    runtime: InferenceRuntime.fastApi(),
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace, handler: '/predict', method: 'POST' };
      return [
        { series: `http_requests_total${labels({ ...t, status: '2xx' })}`, values: counter(s.rps * (1 - s.errorRatio), s.minutes) },
        { series: `http_requests_total${labels({ ...t, status: '5xx' })}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        // Scrapes of /metrics itself must not count as traffic.
        { series: `http_requests_total${labels({ ...t, handler: '/metrics', method: 'GET', status: '2xx' })}`, values: counter(1, s.minutes) },
        ...histogram('http_request_duration_seconds', t, 1, s),
      ];
    },
  },
  'triton': {
    runtime: InferenceRuntime.triton(),
    model: 'resnet50',
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace, model: 'resnet50', version: '1' };
      const ok = s.rps * (1 - s.errorRatio);
      return [
        { series: `nv_inference_request_success${labels(t)}`, values: counter(ok, s.minutes) },
        { series: `nv_inference_request_failure${labels({ ...t, reason: 'BACKEND' })}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        { series: `nv_inference_request_duration_us${labels(t)}`, values: counter(ok * s.latency * 1e6, s.minutes) },
      ];
    },
  },
  'mlserver': {
    runtime: InferenceRuntime.mlServer(),
    model: 'iris',
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace, model_name: 'iris', model_version: 'v1' };
      return [
        { series: `model_infer_request_success_total${labels(t)}`, values: counter(s.rps * (1 - s.errorRatio), s.minutes) },
        { series: `model_infer_request_failure_total${labels(t)}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        ...histogram('rest_server_request_duration_seconds', { ml_service, namespace, method: 'POST' }, 1, s),
      ];
    },
  },
  'seldon-core-v2': {
    runtime: InferenceRuntime.seldonCoreV2(),
    model: 'iris',
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace, server: 'mlserver', model: 'iris', model_internal: 'iris_1', method_type: 'rest' };
      return [
        { series: `seldon_model_infer_total${labels({ ...t, code: '200' })}`, values: counter(s.rps * (1 - s.errorRatio), s.minutes) },
        { series: `seldon_model_infer_total${labels({ ...t, code: '500' })}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        ...histogram('seldon_model_infer_api_seconds', { ml_service, namespace, server: 'mlserver', method: 'rest', code: '200' }, 1, s),
      ];
    },
  },
  'kserve': {
    runtime: InferenceRuntime.kserve(),
    model: 'sklearn-iris-predictor',
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace, kn_service_name: 'sklearn-iris-predictor' };
      return [
        ...histogram('kn_serving_invocation_duration_seconds', { ...t, http_response_status_code: '200' }, 1, { ...s, rps: s.rps * (1 - s.errorRatio) }),
        ...histogram('kn_serving_invocation_duration_seconds', { ...t, http_response_status_code: '500' }, 1, { ...s, rps: s.rps * s.errorRatio }),
      ];
    },
  },
  'kserve-knative-1.18': {
    runtime: InferenceRuntime.kserve({ knative: KnativeMetrics.OPEN_CENSUS }),
    model: 'sklearn-iris-predictor',
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace, service_name: 'sklearn-iris-predictor', revision_name: 'sklearn-iris-predictor-00001' };
      return [
        { series: `revision_request_count${labels({ ...t, response_code: '200', response_code_class: '2xx' })}`, values: counter(s.rps * (1 - s.errorRatio), s.minutes) },
        { series: `revision_request_count${labels({ ...t, response_code: '500', response_code_class: '5xx' })}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        ...histogram('revision_request_latencies', t, 0.001, s),
      ];
    },
  },
  'torchserve': {
    runtime: InferenceRuntime.torchServe(),
    model: 'densenet161',
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace, model_name: 'densenet161', model_version: 'default' };
      return [
        { series: `ts_inference_requests_total${labels(t)}`, values: counter(s.rps, s.minutes) },
        { series: `Requests5XX${labels({ ml_service, namespace, Level: 'Host', Hostname: 'ts-0' })}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        { series: `ts_inference_latency_microseconds${labels(t)}`, values: counter(s.rps * s.latency * 1e6, s.minutes) },
      ];
    },
  },
  'bentoml': {
    runtime: InferenceRuntime.bentoMl(),
    model: 'summarizer',
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace, service_name: 'summarizer', service_version: 'abc123', endpoint: '/summarize' };
      return [
        { series: `bentoml_service_request_total${labels({ ...t, http_response_code: '200' })}`, values: counter(s.rps * (1 - s.errorRatio), s.minutes) },
        { series: `bentoml_service_request_total${labels({ ...t, http_response_code: '500' })}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        ...histogram('bentoml_service_request_duration_seconds', t, 1, s),
      ];
    },
  },
  'ray-serve': {
    runtime: InferenceRuntime.rayServe(),
    model: 'translator',
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace, application: 'translator', route: '/translate' };
      return [
        { series: `ray_serve_num_http_requests_total${labels({ ...t, method: 'POST', status_code: '200' })}`, values: counter(s.rps, s.minutes) },
        { series: `ray_serve_num_http_error_requests_total${labels({ ...t, method: 'POST', error_code: '500' })}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        ...histogram('ray_serve_http_request_latency_ms', { ...t, method: 'POST', status_code: '200' }, 0.001, s),
      ];
    },
  },
  'vllm': {
    runtime: InferenceRuntime.vllm(),
    model: 'llama-3-8b',
    series: (namespace, ml_service, s) => {
      const h = { ml_service, namespace, handler: '/v1/chat/completions', method: 'POST' };
      return [
        { series: `http_requests_total${labels({ ...h, status: '2xx' })}`, values: counter(s.rps * (1 - s.errorRatio), s.minutes) },
        { series: `http_requests_total${labels({ ...h, status: '5xx' })}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        ...histogram('vllm:e2e_request_latency_seconds', { ml_service, namespace, model_name: 'llama-3-8b', engine: '0' }, 1, s, true),
      ];
    },
  },
  'tgi': {
    runtime: InferenceRuntime.tgi(),
    series: (namespace, ml_service, s) => {
      const t = { ml_service, namespace };
      return [
        { series: `tgi_request_count${labels(t)}`, values: counter(s.rps, s.minutes) },
        { series: `tgi_request_failure${labels({ ...t, err: 'generation' })}`, values: counter(s.rps * s.errorRatio, s.minutes) },
        // Validation failures are the client's fault: they must not count as errors.
        { series: `tgi_request_failure${labels({ ...t, err: 'validation' })}`, values: counter(s.rps, s.minutes) },
        ...histogram('tgi_request_duration', t, 1, s),
      ];
    },
  },
};
