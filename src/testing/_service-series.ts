import { counter, gauge, SeriesSet, wholeCounter } from './_input-series';
import { labelsFor, passesAll } from './_label-values';
import { LabelMatcher } from '../common/_promql';
import { SERVICE_LABEL } from '../ml/_inference-queries';
import { CounterSignal, GaugeSignal, HistogramSignal, RuntimeSpec } from '../ml/_runtime-spec';

/*
 * The series one pod of a monitored service exposes in a steady state, in its runtime's own names, labels
 * and units (from the runtime spec, which cites the runtime's source), with the labels Prometheus adds when
 * it scrapes the pod, and the kube-state-metrics and cAdvisor series of the pod.
 */

/** A steady state of one pod of the service: every value holds for the whole test. @internal */
export interface ServiceState {
  /** Requests per second. */
  readonly rps: number;
  /** Share of the requests that fail. */
  readonly errorRatio: number;
  /** Latency of every request, in seconds. */
  readonly latency: number;
  readonly timeToFirstToken: number;
  readonly interTokenLatency: number;
  /** 0..1 */
  readonly kvCache: number;
  readonly queue: number;
  /** 0..1 */
  readonly gpuUtilization: number;
  /** 0..1 */
  readonly gpuMemory: number;
  /** Container restarts per minute. */
  readonly restartsPerMinute: number;
  readonly ready: boolean;
  readonly cpuCores: number;
  readonly cpuLimitCores: number;
  readonly memoryBytes: number;
  readonly memoryLimitBytes: number;
  readonly cpuRequestCores: number;
  readonly memoryRequestBytes: number;
  /** GPUs requested (`nvidia.com/gpu`); none: no request series. */
  readonly gpuRequests: number;
  /** Whether Prometheus scrapes the pod successfully, fails to, or has no target for it at all. */
  readonly target: 'up' | 'down' | 'absent';
}

/** A healthy pod. @internal */
export const HEALTHY: ServiceState = {
  rps: 5,
  errorRatio: 0,
  latency: 0,
  timeToFirstToken: 0,
  interTokenLatency: 0,
  kvCache: 0.1,
  queue: 0,
  gpuUtilization: 0.1,
  gpuMemory: 0.1,
  restartsPerMinute: 0,
  ready: true,
  cpuCores: 0.1,
  cpuLimitCores: 2,
  memoryBytes: 256 * 2 ** 20,
  memoryLimitBytes: 4 * 2 ** 30,
  cpuRequestCores: 1,
  memoryRequestBytes: 2 ** 30,
  gpuRequests: 0,
  target: 'up',
};

/** The identity of the pod the series come from. @internal */
export interface PodIdentity {
  readonly namespace: string;
  readonly service: string;
  readonly pod: string;
  /** The value of the runtime's model label on by-model series. */
  readonly model: string;
}

interface RequestSeries { readonly metric: string; readonly labels: { [k: string]: string }; readonly perSecond: number }

/** The values of the labels a service's signals are aggregated by, for the pod: its alerts carry them. @internal */
export function podLabelValues(spec: RuntimeSpec, id: PodIdentity): { [k: string]: string } {
  return { namespace: id.namespace, [SERVICE_LABEL]: id.service, pod: id.pod, ...(spec.modelLabel ? { [spec.modelLabel]: id.model } : {}) };
}

/** The labels Prometheus adds to the runtime's series of one pod (the monitor's relabelings add `ml_service`). @internal */
export function targetLabels(id: PodIdentity): { [k: string]: string } {
  return { namespace: id.namespace, [SERVICE_LABEL]: id.service, pod: id.pod, instance: `${id.pod}:8080`, job: id.service };
}

/**
 * The labels of one of the runtime's series of the pod: values its matchers accept (and `refused` refuses),
 * the model label when the series is by model, and the scrape's labels. Throws when none are found. @internal
 */
export function seriesLabels(spec: RuntimeSpec, id: PodIdentity, what: string, matchers: ReadonlyArray<LabelMatcher> | undefined, byModel: boolean,
  refused?: ReadonlyArray<LabelMatcher>, byHandler = false): { [k: string]: string } {
  // The endpoint a request went to, where the series name it: the runtime's own example, the value tried
  // first for a regex matcher of the label, and written where no matcher sets it (a negative one leaves it out).
  const h = byHandler && spec.handler ? { [spec.handler.label]: spec.handler.example } : {};
  const known = { ...spec.exampleLabels, ...Object.fromEntries(Object.entries(h).map(([k, v]) => [k, [v]])) };
  const r = labelsFor(matchers ?? [], refused, known);
  if ('reason' in r) throw new Error(`${what}: ${r.reason}`);
  const labels = { ...h, ...r.labels };
  if (!passesAll(matchers ?? [], labels)) throw new Error(`${what}: the endpoint ${JSON.stringify(h)} does not pass the preset's matchers`);
  return { ...labels, ...(byModel && spec.modelLabel ? { [spec.modelLabel]: id.model } : {}), ...targetLabels(id) };
}

/** The labels a runtime gauge of the pod is written with. @internal */
export function gaugeSeriesLabels(spec: RuntimeSpec, id: PodIdentity, g: GaugeSignal): { [k: string]: string } {
  return seriesLabels(spec, id, 'gauge', g.matchers, g.byModel);
}

/** Writes the state's series into `out` (one steady phase of one-minute steps); throws when a label set cannot be found. @internal */
export function writeService(out: SeriesSet, spec: RuntimeSpec, id: PodIdentity, s: ServiceState): void {
  const target = targetLabels(id);
  const step = (perSecond: number) => perSecond * 60;
  const labels = (what: string, matchers: ReadonlyArray<LabelMatcher> | undefined, byModel: boolean, refused?: ReadonlyArray<LabelMatcher>,
    byHandler = false) => seriesLabels(spec, id, what, matchers, byModel, refused, byHandler);

  if (s.target === 'absent') return;
  out.add('up', target, gauge(s.target === 'up' ? 1 : 0));
  if (s.target === 'down') return;
  writeKubernetes(out, id, s);

  // Requests: the runtime's counters, successes and failures as the runtime splits them.
  const ok = s.rps * (1 - s.errorRatio);
  const failed = s.rps * s.errorRatio;
  const requests: RequestSeries[] = [];
  const request = (c: CounterSignal, l: { [k: string]: string }, perSecond: number) => {
    out.add(c.metric, l, counter(step(perSecond)));
    requests.push({ metric: c.metric, labels: l, perSecond });
  };
  const req = spec.requests;
  const err = spec.errors;
  if (!err) {request(req, labels('requests', req.matchers, req.byModel, undefined, true), s.rps);} else if (spec.errorsAreExtra) {
    request(req, labels('requests', req.matchers, req.byModel, undefined, true), ok);
    request(err, labels('errors', err.matchers, err.byModel, undefined, true), failed);
  } else if (err.metric === req.metric) {
    request(req, labels('successful requests', req.matchers, req.byModel, err.matchers, true), ok);
    request(err, labels('failed requests', [...(req.matchers ?? []), ...(err.matchers ?? [])], err.byModel, undefined, true), failed);
  } else {
    request(req, labels('requests', req.matchers, req.byModel, undefined, true), s.rps);
    request(err, labels('errors', err.matchers, err.byModel, undefined, true), failed);
  }

  const histogram = (what: string, h: HistogramSignal, seconds: number) => {
    const unit = h.unitSeconds;
    const observed = (h.wholeSeconds ? Math.floor(seconds) : seconds) / unit;
    const bounds = h.buckets ?? DEFAULT_BUCKETS.map(b => b / unit);
    const write = (l: { [k: string]: string }, perSecond: number) => {
      for (const le of [...bounds.map(b => String(b)), '+Inf']) {
        const inBucket = le === '+Inf' || observed <= Number(le) * (1 + 1e-9);
        out.add(`${h.base}_bucket`, { ...l, le }, counter(step(inBucket ? perSecond : 0)));
      }
      out.add(`${h.base}_count`, l, counter(step(perSecond)));
      out.add(`${h.base}_sum`, l, counter(step(perSecond * observed)));
    };
    // A histogram whose count is the request counter (KServe, Knative) is written on the requests' own series.
    const shared = requests.filter(r => r.metric === `${h.base}_count`);
    if (shared.length > 0) shared.forEach(r => write(r.labels, r.perSecond));
    else write(labels(what, h.matchers, h.byModel, undefined, h === spec.latency && spec.handler?.onLatency === true), s.rps);
  };
  if (spec.latency) histogram('latency histogram', spec.latency, s.latency);
  if (spec.timeToFirstToken) histogram('time-to-first-token histogram', spec.timeToFirstToken, s.timeToFirstToken);
  if (spec.interTokenLatency) histogram('inter-token latency histogram', spec.interTokenLatency, s.interTokenLatency);

  // Token counters (LLM runtimes): written from start, growing with the requests.
  const tokens = (what: string, c: CounterSignal | undefined, perRequest: number) => {
    if (c) out.add(c.metric, labels(what, c.matchers, c.byModel), counter(step(s.rps * perRequest)));
  };
  tokens('prompt token counter', spec.promptTokens, 200);
  tokens('generation token counter', spec.generationTokens, 100);

  const avg = spec.averageLatency;
  if (avg && !spec.latency) {
    const rateOf = (c: CounterSignal) => requests.filter(r => r.metric === c.metric).reduce((a, r) => a + r.perSecond, 0);
    const countLabels = labels('latency count', avg.count.matchers, avg.count.byModel);
    if (!requests.some(r => r.metric === avg.count.metric)) out.add(avg.count.metric, countLabels, counter(step(s.rps)));
    const counted = requests.some(r => r.metric === avg.count.metric) ? rateOf(avg.count) : s.rps;
    const timed = counted - (avg.untimed ?? []).reduce((a, u) => a + rateOf(u), 0);
    out.add(avg.sum.metric, labels('latency sum', avg.sum.matchers, avg.sum.byModel), counter(step(timed * s.latency / avg.unitSeconds)));
  }

  const runtimeGauge = (what: string, g: GaugeSignal | undefined, value: number) => {
    if (!g) return;
    const l = labels(what, g.matchers, g.byModel);
    if (g.histogramMean) {
      out.add(`${g.metric}_count`, l, counter(60));
      out.add(`${g.metric}_sum`, l, counter(60 * value));
    } else {
      out.add(g.metric, l, gauge(value));
    }
  };
  runtimeGauge('KV cache gauge', spec.kvCacheUsage, s.kvCache * (spec.kvCacheUsage?.scale ?? 1));
  runtimeGauge('queue gauge', spec.queueLength, s.queue);
  runtimeGauge('GPU utilisation gauge', spec.gpuUtilization, s.gpuUtilization * (spec.gpuUtilization?.scale ?? 1));
  const gpuBytes = 80e9;
  runtimeGauge('GPU memory gauge', spec.gpuMemoryUsed, s.gpuMemory * gpuBytes);
  runtimeGauge('GPU memory total gauge', spec.gpuMemoryTotal, gpuBytes);
}

/** kube-state-metrics' and cAdvisor's series of the pod (one container, named `model`). */
function writeKubernetes(out: SeriesSet, id: PodIdentity, s: ServiceState): void {
  const ksm = { namespace: id.namespace, pod: id.pod, job: 'kube-state-metrics', instance: 'kube-state-metrics:8080' };
  const container = { ...ksm, container: 'model' };
  const cadvisor = { namespace: id.namespace, pod: id.pod, container: 'model', job: 'kubelet', metrics_path: '/metrics/cadvisor', instance: 'node-0' };
  out.add('kube_pod_status_phase', { ...ksm, phase: 'Running' }, gauge(1));
  out.add('kube_pod_status_ready', { ...ksm, condition: 'true' }, gauge(s.ready ? 1 : 0));
  out.add('kube_pod_status_ready', { ...ksm, condition: 'false' }, gauge(s.ready ? 0 : 1));
  out.add('kube_pod_container_status_restarts_total', container, wholeCounter(s.restartsPerMinute));
  out.add('kube_pod_container_resource_limits', { ...container, resource: 'cpu', unit: 'core' }, gauge(s.cpuLimitCores));
  out.add('kube_pod_container_resource_limits', { ...container, resource: 'memory', unit: 'byte' }, gauge(s.memoryLimitBytes));
  out.add('kube_pod_container_resource_requests', { ...container, resource: 'cpu', unit: 'core' }, gauge(s.cpuRequestCores));
  out.add('kube_pod_container_resource_requests', { ...container, resource: 'memory', unit: 'byte' }, gauge(s.memoryRequestBytes));
  if (s.gpuRequests > 0) out.add('kube_pod_container_resource_requests', { ...container, resource: 'nvidia_com_gpu', unit: 'integer' }, gauge(s.gpuRequests));
  out.add('container_cpu_usage_seconds_total', cadvisor, counter(60 * s.cpuCores));
  out.add('container_memory_working_set_bytes', cadvisor, gauge(s.memoryBytes));
}

/** The Prometheus client libraries' default buckets, in seconds: used for a custom histogram whose buckets are not known. @internal */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
