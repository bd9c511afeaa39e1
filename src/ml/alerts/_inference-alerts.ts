import { Duration } from 'cdk8s';
import { AlertCommon, AlertText, emitAlert, heldFor, pct, ratioValue, resolveAlert, ResolvedAlert } from './_alert-settings';
import { promDuration, toMillis } from '../../common/_duration';
import { invalidProp } from '../../common/_errors';
import { formatNumber, validateQuantile } from '../../common/_number';
import { selector } from '../../common/_promql';
import { Ratio } from '../../common/ratio';
import { Severity } from '../../common/severity';
import { RuleGroup } from '../../rules/rule-group';
import { quantileName, SERVICE_LABEL } from '../_inference-queries';
import { HistogramSignal, RuntimeSpec } from '../_runtime-spec';
import { InferenceAlerts } from '../inference-alerts';
import { InferenceSignals, Part } from '../signals/_inference-signals';
import { Series } from '../signals/_series';

type Key = Exclude<keyof InferenceAlerts, 'metricsMissing' | 'histogramTooCoarse'>;

/** Every inference alert's settings, defaults applied and validated once. @internal */
export interface InferenceSettings {
  readonly minRequestRate: number;
  readonly latency: ResolvedAlert & { readonly maxSeconds: number; readonly quantile: number };
  readonly errorRatio: ResolvedAlert & { readonly max: number };
  readonly latencyPerPod: ResolvedAlert & { readonly maxSeconds: number; readonly quantile: number };
  readonly errorRatioPerPod: ResolvedAlert & { readonly max: number };
  readonly latencyPerHandler: ResolvedAlert & { readonly maxSeconds: number; readonly quantile: number };
  readonly errorRatioPerHandler: ResolvedAlert & { readonly max: number };
  readonly podRestarts: ResolvedAlert & { readonly maxRestarts: number; readonly window: string; readonly windowMs: number };
  readonly podNotReady: ResolvedAlert;
  readonly cpu: ResolvedAlert & { readonly maxCores?: number; readonly maxLimitRatio?: number };
  readonly memory: ResolvedAlert & { readonly maxLimitRatio: number };
  readonly targetDown: ResolvedAlert;
  readonly metricsAbsent: ResolvedAlert;
  readonly trafficDrop: ResolvedAlert & { readonly minRatio: number; readonly baseline: string };
  readonly timeToFirstToken: ResolvedAlert & { readonly maxSeconds: number; readonly quantile: number };
  readonly interTokenLatency: ResolvedAlert & { readonly maxSeconds: number; readonly quantile: number };
  readonly kvCache: ResolvedAlert & { readonly maxRatio: number };
  readonly queue: ResolvedAlert & { readonly maxQueued: number };
  readonly gpuUtilization: ResolvedAlert & { readonly maxRatio: number };
  readonly gpuMemory: ResolvedAlert & { readonly maxRatio: number };
  readonly metricsMissing: ResolvedAlert & { readonly idleAllowance: string };
  readonly histogramTooCoarse: ResolvedAlert;
}

const W = Severity.WARNING;

/** Resolves `alerts` against each alert's defaults; every threshold is validated here, once. @internal */
export function resolveInferenceSettings(where: string, alerts: InferenceAlerts | undefined, hasHistogram: boolean,
  minRequestRate: number): InferenceSettings {
  const a = alerts ?? {};
  if (typeof a !== 'object' || a === null) throw invalidProp(where, 'alerts', a, 'an InferenceAlerts object, e.g. { latency: { maxLatency: Duration.seconds(2) } }');
  const tune = (key: Key, name: string, pendingFor: Duration | undefined, severity: Severity = W) =>
    resolveAlert(where, `alerts.${key}`, a[key], { name, pendingFor, severity });
  const variantLatency = (key: 'latencyPerPod' | 'latencyPerHandler', name: string) => ({
    ...tune(key, name, Duration.minutes(2)),
    enabled: a[key] !== undefined && (a[key]!.enabled ?? true),
    maxSeconds: seconds(where, `alerts.${key}.maxLatency`, a[key]?.maxLatency ?? Duration.seconds(5)),
    quantile: validateQuantile(where, `alerts.${key}.quantile`, a[key]?.quantile ?? 0.95),
  });
  const variantErrorRatio = (key: 'errorRatioPerPod' | 'errorRatioPerHandler', name: string) => ({
    ...tune(key, name, Duration.minutes(5)),
    enabled: a[key] !== undefined && (a[key]!.enabled ?? true),
    max: ratioValue(where, `alerts.${key}.maxErrorRatio`, a[key]?.maxErrorRatio ?? Ratio.percent(5)),
  });
  const cpu = a.cpu ?? {};
  if (cpu.maxCores !== undefined && cpu.maxLimitRatio !== undefined) {
    throw invalidProp(where, 'alerts.cpu.maxLimitRatio', cpu.maxLimitRatio.toString(), 'either maxCores or maxLimitRatio, not both');
  }
  const maxRestarts = a.podRestarts?.maxRestarts ?? 3;
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) throw invalidProp(where, 'alerts.podRestarts.maxRestarts', maxRestarts, 'a whole number of 0 or more');
  const maxQueued = a.queue?.maxQueued ?? 50;
  if (typeof maxQueued !== 'number' || !Number.isFinite(maxQueued) || maxQueued < 0) throw invalidProp(where, 'alerts.queue.maxQueued', maxQueued, 'a number of 0 or more');
  const maxCores = cpu.maxLimitRatio === undefined ? cpu.maxCores ?? 0.8 : undefined;
  if (maxCores !== undefined && (typeof maxCores !== 'number' || !Number.isFinite(maxCores) || !(maxCores > 0))) {
    throw invalidProp(where, 'alerts.cpu.maxCores', maxCores, 'a number of cores above 0, e.g. 0.8');
  }
  return {
    minRequestRate,
    latency: {
      ...tune('latency', hasHistogram ? 'ModelLatencyHigh' : 'ModelAverageLatencyHigh', Duration.minutes(2)),
      maxSeconds: seconds(where, 'alerts.latency.maxLatency', a.latency?.maxLatency ?? Duration.seconds(5)),
      quantile: validateQuantile(where, 'alerts.latency.quantile', a.latency?.quantile ?? 0.95),
    },
    errorRatio: { ...tune('errorRatio', 'ModelErrorRatioHigh', Duration.minutes(5), Severity.CRITICAL), max: ratioValue(where, 'alerts.errorRatio.maxErrorRatio', a.errorRatio?.maxErrorRatio ?? Ratio.percent(5)) },
    // The per-pod and per-handler variants are off unless given.
    latencyPerPod: variantLatency('latencyPerPod', 'ModelPodLatencyHigh'),
    errorRatioPerPod: variantErrorRatio('errorRatioPerPod', 'ModelPodErrorRatioHigh'),
    latencyPerHandler: variantLatency('latencyPerHandler', 'ModelHandlerLatencyHigh'),
    errorRatioPerHandler: variantErrorRatio('errorRatioPerHandler', 'ModelHandlerErrorRatioHigh'),
    podRestarts: {
      ...tune('podRestarts', 'ModelPodRestarting', undefined),
      maxRestarts,
      window: promDuration(a.podRestarts?.window ?? Duration.minutes(10), where, 'alerts.podRestarts.window'),
      windowMs: toMillis(a.podRestarts?.window ?? Duration.minutes(10), where, 'alerts.podRestarts.window'),
    },
    podNotReady: tune('podNotReady', 'ModelPodNotReady', Duration.minutes(5)),
    cpu: {
      ...tune('cpu', 'ModelCpuHigh', Duration.minutes(10)),
      maxCores,
      maxLimitRatio: cpu.maxLimitRatio !== undefined ? ratioValue(where, 'alerts.cpu.maxLimitRatio', cpu.maxLimitRatio) : undefined,
    },
    memory: { ...tune('memory', 'ModelMemoryHigh', Duration.minutes(5)), maxLimitRatio: ratioValue(where, 'alerts.memory.maxLimitRatio', a.memory?.maxLimitRatio ?? Ratio.percent(90)) },
    targetDown: tune('targetDown', 'ModelTargetDown', Duration.minutes(5)),
    metricsAbsent: tune('metricsAbsent', 'ModelMetricsAbsent', Duration.minutes(10)),
    trafficDrop: {
      ...tune('trafficDrop', 'ModelTrafficDrop', Duration.minutes(15)),
      minRatio: ratioValue(where, 'alerts.trafficDrop.minRatio', a.trafficDrop?.minRatio ?? Ratio.percent(20)),
      baseline: promDuration(a.trafficDrop?.baseline ?? Duration.days(7), where, 'alerts.trafficDrop.baseline'),
    },
    timeToFirstToken: {
      ...tune('timeToFirstToken', 'ModelTimeToFirstTokenHigh', Duration.minutes(5)),
      maxSeconds: seconds(where, 'alerts.timeToFirstToken.maxTimeToFirstToken', a.timeToFirstToken?.maxTimeToFirstToken ?? Duration.seconds(3)),
      quantile: validateQuantile(where, 'alerts.timeToFirstToken.quantile', a.timeToFirstToken?.quantile ?? 0.95),
    },
    interTokenLatency: {
      ...tune('interTokenLatency', 'ModelInterTokenLatencyHigh', Duration.minutes(5)),
      maxSeconds: seconds(where, 'alerts.interTokenLatency.maxInterTokenLatency', a.interTokenLatency?.maxInterTokenLatency ?? Duration.millis(200)),
      quantile: validateQuantile(where, 'alerts.interTokenLatency.quantile', a.interTokenLatency?.quantile ?? 0.95),
    },
    kvCache: { ...tune('kvCache', 'ModelKvCacheNearFull', Duration.minutes(5)), maxRatio: ratioValue(where, 'alerts.kvCache.maxRatio', a.kvCache?.maxRatio ?? Ratio.percent(95)) },
    queue: { ...tune('queue', 'ModelQueueBackingUp', Duration.minutes(5)), maxQueued },
    gpuUtilization: { ...tune('gpuUtilization', 'ModelGpuSaturated', Duration.minutes(15)), maxRatio: ratioValue(where, 'alerts.gpuUtilization.maxRatio', a.gpuUtilization?.maxRatio ?? Ratio.percent(95)) },
    gpuMemory: { ...tune('gpuMemory', 'ModelGpuMemoryNearFull', Duration.minutes(10)), maxRatio: ratioValue(where, 'alerts.gpuMemory.maxRatio', a.gpuMemory?.maxRatio ?? Ratio.percent(90)) },
    metricsMissing: {
      ...resolveAlert(where, 'alerts.metricsMissing', a.metricsMissing, { name: 'ModelMetricsMissing', pendingFor: Duration.minutes(10), severity: W }),
      idleAllowance: promDuration(a.metricsMissing?.idleAllowance ?? Duration.hours(6), where, 'alerts.metricsMissing.idleAllowance'),
    },
    histogramTooCoarse: resolveAlert(where, 'alerts.histogramTooCoarse', a.histogramTooCoarse,
      { name: 'ModelLatencyHistogramTooCoarse', pendingFor: Duration.minutes(15), severity: W }),
  };
}

/** A quantile alert on one of the runtime's histograms: what the threshold checks and the blind-spot alerts read. @internal */
export interface QuantileAlert {
  readonly histogram: HistogramSignal;
  readonly alert: ResolvedAlert & { readonly maxSeconds: number; readonly quantile: number };
  /** The prop of the alert's threshold, for errors. */
  readonly thresholdProp: string;
  /** What the quantile measures, for messages. */
  readonly what: string;
}

/** The enabled quantile alerts whose histogram the runtime has (latency, time to first token, inter-token latency). @internal */
export function quantileAlerts(spec: RuntimeSpec, st: InferenceSettings): QuantileAlert[] {
  const all: Array<[HistogramSignal | undefined, QuantileAlert['alert'], string, string]> = [
    [spec.latency, st.latency, 'alerts.latency.maxLatency', 'request latency'],
    [spec.timeToFirstToken, st.timeToFirstToken, 'alerts.timeToFirstToken.maxTimeToFirstToken', 'time to first token'],
    [spec.interTokenLatency, st.interTokenLatency, 'alerts.interTokenLatency.maxInterTokenLatency', 'inter-token latency'],
  ];
  return all.filter(([h, a]) => h !== undefined && a.enabled)
    .map(([histogram, alert, thresholdProp, what]) => ({ histogram: histogram!, alert, thresholdProp, what }));
}

interface Ctx {
  readonly s: InferenceSignals;
  readonly st: InferenceSettings;
  /** `for 5 minutes` of this alert, as configured. */
  readonly held: string;
}

/** One inference alert: which settings it reads, when the runtime supports it, and what it says. */
interface InferenceAlertDefinition {
  readonly key: Key;
  readonly available: (s: InferenceSignals) => boolean;
  readonly text: (c: Ctx) => AlertText;
}

const inNs = (s: InferenceSignals, x: string) => `${s.service} ${x} in {{ $labels.namespace }}`;
const podOf = (s: InferenceSignals) => `pod {{ $labels.namespace }}/{{ $labels.pod }} of ${s.service}`;

/** The traffic guard: the service (per namespace) serves at least `minRequestRate` requests per second. */
function guard(c: Ctx, signalLabels: ReadonlyArray<string>): string {
  const labels = c.s.q.base.filter(l => signalLabels.includes(l));
  const by = labels.join(', ');
  return `on (${by}) (sum by (${by}) (${c.s.requestRate().select()}) >= ${formatNumber(c.st.minRequestRate)})`;
}

/** The traffic guard of a per-pod or per-handler alert: the pod (the endpoint) serves at least `minRequestRate` requests per second. */
function partGuard(c: Ctx, part: Part): string {
  const series = c.s.requestRateBy(part);
  return `on (${series.labels.join(', ')}) (${series.select()} >= ${formatNumber(c.st.minRequestRate)})`;
}

/** An LLM token-latency quantile above its threshold (time to first token, inter-token latency). */
function tokenLatencyAlert(key: 'timeToFirstToken' | 'interTokenLatency', available: (s: InferenceSignals) => boolean,
  series: (s: InferenceSignals, quantile: number) => Series, what: string, consequence: string): InferenceAlertDefinition {
  return {
    key,
    available,
    text: c => {
      const t = c.st[key];
      const p = quantileName(t.quantile);
      return {
        expr: `${series(c.s, t.quantile).select()} > ${formatNumber(t.maxSeconds)}`,
        summary: inNs(c.s, `${p} ${what} above ${formatNumber(t.maxSeconds)}s`),
        description: `The ${p} ${what} is {{ $value | humanizeDuration }} (threshold ${formatNumber(t.maxSeconds)}s)${c.held}${consequence}.`,
      };
    },
  };
}

/**
 * The inference alerts, in the order they are written. A new alert is one entry here, one options
 * struct field in `InferenceAlerts`, its defaults in `resolveInferenceSettings` and a README runbook.
 */
const INFERENCE_ALERTS: ReadonlyArray<InferenceAlertDefinition> = [
  {
    key: 'latency',
    available: s => s.hasLatencyHistogram,
    text: c => {
      const l = c.st.latency;
      const series = c.s.latencyQuantile(l.quantile);
      const p = quantileName(l.quantile);
      return {
        expr: `${series.select()} > ${formatNumber(l.maxSeconds)} and ${guard(c, series.labels)}`,
        summary: inNs(c.s, `${p} latency above ${formatNumber(l.maxSeconds)}s`),
        description: `The ${p} request latency of ${c.s.service} is {{ $value | humanizeDuration }} (threshold ${formatNumber(l.maxSeconds)}s over ${c.s.window})${c.held}.`,
      };
    },
  },
  {
    key: 'latency',
    available: s => !s.hasLatencyHistogram && s.hasAverageLatency,
    text: c => {
      const l = c.st.latency;
      const series = c.s.averageLatency();
      return {
        expr: `${series.select()} > ${formatNumber(l.maxSeconds)} and ${guard(c, series.labels)}`,
        summary: inNs(c.s, `average latency above ${formatNumber(l.maxSeconds)}s`),
        description: `The ${c.s.q.spec.name} runtime exports no latency histogram, so this is the average request latency: {{ $value | humanizeDuration }} ` +
          `(threshold ${formatNumber(l.maxSeconds)}s over ${c.s.window})${c.held}.`,
      };
    },
  },
  {
    key: 'errorRatio',
    available: s => s.hasErrors,
    text: c => {
      const series = c.s.errorRatio();
      const t = c.st.errorRatio.max;
      return {
        expr: `${series.select()} > ${formatNumber(t)} and ${guard(c, series.labels)}`,
        summary: inNs(c.s, `error ratio above ${pct(t)}`),
        description: `{{ $value | humanizePercentage }} of the requests to ${c.s.service} fail (threshold ${pct(t)} over ${c.s.window}, ` +
          `at least ${formatNumber(c.st.minRequestRate)} requests/s)${c.held}.`,
      };
    },
  },
  {
    key: 'latencyPerPod',
    available: s => s.hasLatencyHistogram,
    text: c => {
      const l = c.st.latencyPerPod;
      const p = quantileName(l.quantile);
      return {
        expr: `${c.s.latencyQuantile(l.quantile, 'pod').select()} > ${formatNumber(l.maxSeconds)} and ${partGuard(c, 'pod')}`,
        summary: `${capital(podOf(c.s))} has ${p} latency above ${formatNumber(l.maxSeconds)}s`,
        description: `The ${p} request latency of this pod is {{ $value | humanizeDuration }} (threshold ${formatNumber(l.maxSeconds)}s over ${c.s.window})${c.held}, ` +
          'whatever the service\'s as a whole: look at its node, its resources and its recent restarts.',
      };
    },
  },
  {
    key: 'errorRatioPerPod',
    available: s => s.hasErrors,
    text: c => {
      const t = c.st.errorRatioPerPod.max;
      return {
        expr: `${c.s.errorRatioBy('pod').select()} > ${formatNumber(t)} and ${partGuard(c, 'pod')}`,
        summary: `${capital(podOf(c.s))} fails more than ${pct(t)} of its requests`,
        description: `{{ $value | humanizePercentage }} of the requests this pod serves fail (threshold ${pct(t)} over ${c.s.window}, ` +
          `at least ${formatNumber(c.st.minRequestRate)} requests/s to the pod)${c.held}.`,
      };
    },
  },
  {
    key: 'latencyPerHandler',
    available: s => s.hasLatencyHistogram && s.q.spec.handler?.onLatency === true,
    text: c => {
      const l = c.st.latencyPerHandler;
      const p = quantileName(l.quantile);
      const h = c.s.q.spec.handler!.label;
      return {
        expr: `${c.s.latencyQuantile(l.quantile, 'handler').select()} > ${formatNumber(l.maxSeconds)} and ${partGuard(c, 'handler')}`,
        summary: inNs(c.s, `${h} {{ $labels.${h} }} has ${p} latency above ${formatNumber(l.maxSeconds)}s`),
        description: `The ${p} latency of the requests to {{ $labels.${h} }} is {{ $value | humanizeDuration }} (threshold ${formatNumber(l.maxSeconds)}s over ${c.s.window})` +
          `${c.held}, whatever the service's as a whole.`,
      };
    },
  },
  {
    key: 'errorRatioPerHandler',
    available: s => s.hasErrors && s.q.spec.handler !== undefined,
    text: c => {
      const t = c.st.errorRatioPerHandler.max;
      const h = c.s.q.spec.handler!.label;
      return {
        expr: `${c.s.errorRatioBy('handler').select()} > ${formatNumber(t)} and ${partGuard(c, 'handler')}`,
        summary: inNs(c.s, `${h} {{ $labels.${h} }} fails more than ${pct(t)} of its requests`),
        description: `{{ $value | humanizePercentage }} of the requests to {{ $labels.${h} }} fail (threshold ${pct(t)} over ${c.s.window}, ` +
          `at least ${formatNumber(c.st.minRequestRate)} requests/s to it)${c.held}.`,
      };
    },
  },
  {
    key: 'podRestarts',
    available: () => true,
    text: c => {
      const r = c.st.podRestarts;
      return {
        expr: c.s.podRestarts(r.window, `> ${r.maxRestarts}`),
        summary: `${capital(podOf(c.s))} is restarting`,
        description: `Its containers restarted {{ $value | printf "%.0f" }} times in ${r.window} (more than ${r.maxRestarts})${c.held}.`,
      };
    },
  },
  {
    key: 'podNotReady',
    available: () => true,
    text: c => ({
      expr: c.s.podNotReady('> 0'),
      summary: `${capital(podOf(c.s))} is not ready`,
      description: `The pod has not been ready${c.held || ' at the last evaluation'}: it receives no traffic from its Service.`,
    }),
  },
  {
    key: 'cpu',
    available: () => true,
    text: c => {
      const cpu = c.st.cpu;
      if (cpu.maxLimitRatio !== undefined) {
        return {
          expr: `${c.s.podCpu().select()} / ${c.s.podCpuLimit().select()} > ${formatNumber(cpu.maxLimitRatio)}`,
          summary: `${capital(podOf(c.s))} uses {{ $value | humanizePercentage }} of its CPU limit`,
          description: `CPU use has been above ${pct(cpu.maxLimitRatio)} of the limit${c.held}: expect throttling and latency.`,
        };
      }
      return {
        expr: `${c.s.podCpu().select()} > ${formatNumber(cpu.maxCores!)}`,
        summary: `${capital(podOf(c.s))} uses {{ $value | printf "%.2f" }} CPU cores`,
        description: `CPU use has been above ${formatNumber(cpu.maxCores!)} cores${c.held}.`,
      };
    },
  },
  {
    key: 'memory',
    available: () => true,
    text: c => ({
      expr: `${c.s.podMemory().select()} / ${c.s.podMemoryLimit().select()} > ${formatNumber(c.st.memory.maxLimitRatio)}`,
      summary: `${capital(podOf(c.s))} uses {{ $value | humanizePercentage }} of its memory limit`,
      description: `The working set has been above ${pct(c.st.memory.maxLimitRatio)} of the limit${c.held}: the pod is close to being OOM-killed.`,
    }),
  },
  {
    key: 'targetDown',
    available: () => true,
    text: c => ({
      expr: `${c.s.targetsUp()} == 0`,
      summary: `Prometheus cannot scrape ${c.s.service} pod {{ $labels.namespace }}/{{ $labels.pod }}`,
      description: `The metrics endpoint has not answered${c.held}: the service may be down, and its other alerts are blind.`,
    }),
  },
  {
    key: 'metricsAbsent',
    available: () => true,
    text: c => {
      c.s.targetsUp();
      // absent() only keeps the labels of equality matchers: one term per namespace names the namespace.
      const expr = c.s.q.namespaces.map(ns => `absent(${selector('up', [{ name: SERVICE_LABEL, op: '=', value: c.s.service }, { name: 'namespace', op: '=', value: ns }])})`).join(' or ');
      return {
        expr,
        summary: inNs(c.s, 'has no scrape target'),
        description: `Prometheus has had no scrape target for the service${c.held}: all pods are gone, or the monitor selects nothing ` +
          '(check its selector, port name and the Prometheus selectors).',
      };
    },
  },
  {
    key: 'trafficDrop',
    available: () => true,
    text: c => {
      const d = c.st.trafficDrop;
      const by = `by (${c.s.q.base.join(', ')})`;
      const req = c.s.requestRate().select();
      const now = `sum ${by} (${req})`;
      const before = `sum ${by} (${req} offset ${d.baseline})`;
      return {
        expr: `${now} < ${formatNumber(d.minRatio)} * ${before} and ${before} >= ${formatNumber(c.st.minRequestRate)}`,
        summary: inNs(c.s, 'traffic dropped far below its usual level'),
        description: `The request rate is {{ $value | humanize }}/s, below ${pct(d.minRatio)} of the rate ${d.baseline} earlier${c.held}.`,
      };
    },
  },
  tokenLatencyAlert('timeToFirstToken', s => s.q.spec.timeToFirstToken !== undefined, (s, q) => s.ttftQuantile(q), 'time to first token', ''),
  tokenLatencyAlert('interTokenLatency', s => s.q.spec.interTokenLatency !== undefined, (s, q) => s.interTokenLatencyQuantile(q),
    'inter-token latency', ': streamed answers come slowly'),
  {
    key: 'kvCache',
    available: s => s.q.spec.kvCacheUsage !== undefined,
    text: c => {
      const spec = c.s.q.spec.kvCacheUsage!;
      const by = [...c.s.q.labels(spec.byModel), 'pod'].join(', ');
      return {
        expr: `max by (${by}) (${c.s.podGaugeRatio('kvCacheUsage')}) > ${formatNumber(c.st.kvCache.maxRatio)}`,
        summary: `${c.s.service} KV cache of {{ $labels.namespace }}/{{ $labels.pod }} is near full`,
        description: `The KV cache is {{ $value | humanizePercentage }} full (threshold ${pct(c.st.kvCache.maxRatio)})${c.held}: requests get preempted and latency rises.`,
      };
    },
  },
  {
    key: 'queue',
    available: s => s.q.spec.queueLength !== undefined,
    text: c => ({
      expr: `${c.s.queueLength().select()} > ${formatNumber(c.st.queue.maxQueued)}`,
      summary: inNs(c.s, 'requests are backing up'),
      description: `{{ $value | printf "%.0f" }} requests are waiting (more than ${formatNumber(c.st.queue.maxQueued)})${c.held}: add replicas or shed load.`,
    }),
  },
  {
    key: 'gpuUtilization',
    available: s => s.hasGpuUtilization,
    text: c => ({
      expr: `${c.s.podGaugeRatio('gpuUtilization')} > ${formatNumber(c.st.gpuUtilization.maxRatio)}`,
      summary: `A GPU of ${c.s.service} pod {{ $labels.namespace }}/{{ $labels.pod }} is saturated`,
      description: `GPU utilisation has been above ${pct(c.st.gpuUtilization.maxRatio)}${c.held || ' at the last evaluation'}.`,
    }),
  },
  {
    key: 'gpuMemory',
    available: s => s.hasGpuMemory,
    text: c => ({
      expr: `${c.s.gpuMemoryRatio()} > ${formatNumber(c.st.gpuMemory.maxRatio)}`,
      summary: `GPU memory of ${c.s.service} pod {{ $labels.namespace }}/{{ $labels.pod }} is near full`,
      description: `GPU memory is {{ $value | humanizePercentage }} used (threshold ${pct(c.st.gpuMemory.maxRatio)})${c.held}.`,
    }),
  },
];

/** Writes every enabled alert the runtime supports; returns their names. @internal */
export function addInferenceAlerts(where: string, group: RuleGroup, s: InferenceSignals, st: InferenceSettings, common: AlertCommon): string[] {
  const names: string[] = [];
  // A per-pod variant is asked for by name: a runtime without its signal is an Error, never a silent gap.
  const variants = [
    ['latencyPerPod', 'latency histogram'], ['errorRatioPerPod', 'count of failed requests'],
    ['latencyPerHandler', 'latency histogram labelled by endpoint'], ['errorRatioPerHandler', 'count of failed requests labelled by endpoint'],
  ] as const;
  for (const [key, needs] of variants) {
    if (st[key].enabled && !INFERENCE_ALERTS.some(d => d.key === key && d.available(s))) {
      throw invalidProp(where, `alerts.${key}`, 'given', `no ${key} alert for the ${s.q.spec.name} runtime, which exports no ${needs}`);
    }
  }
  for (const def of INFERENCE_ALERTS) {
    if (!def.available(s)) continue;
    const a = st[def.key] as ResolvedAlert;
    if (!a.enabled) continue;
    const name = emitAlert(where, `alerts.${def.key}`, group, a, def.text({ s, st, held: heldFor(a) }), common);
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

function capital(x: string): string {
  return x.charAt(0).toUpperCase() + x.slice(1);
}

function seconds(where: string, prop: string, d: Duration): number {
  promDuration(d, where, prop);
  return d.toMilliseconds({ integral: false }) / 1000;
}
