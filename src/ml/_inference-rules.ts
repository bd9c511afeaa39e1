import { Duration } from 'cdk8s';
import { InferenceQueries, quantileName, SERVICE_LABEL } from './_inference-queries';
import { AlertTuning, InferenceAlerts } from './inference-alerts';
import { promDuration } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { formatNumber } from '../common/_number';
import { Ratio } from '../common/ratio';
import { Severity } from '../common/severity';
import { RuleGroup } from '../rules/rule-group';

/** Settings resolved by the construct. @internal */
export interface InferenceRuleSettings {
  readonly where: string;
  readonly alerts: InferenceAlerts;
  readonly minRequestRate: number;
  /** Static labels on every recorded series and alert (e.g. a model name for runtimes without a model label). */
  readonly staticLabels: { [key: string]: string };
  readonly alertLabels: { [key: string]: string };
  readonly runbookBaseUrl: string;
  readonly dashboardUrl?: string;
}

/** The latency quantiles always recorded (for panels), plus the alert's own. @internal */
export const PANEL_QUANTILES = [0.5, 0.95, 0.99];

/**
 * Adds the service's recording rules and alerts to `group`, and returns the names of the alerts added.
 * Recording rules come first: rules of a group run in order, so the alerts read this evaluation's values.
 * @internal
 */
export function addInferenceRules(group: RuleGroup, q: InferenceQueries, s: InferenceRuleSettings): string[] {
  const spec = q.spec;
  const a = s.alerts;
  const record = (name: string, expr: string, extra: { [k: string]: string } = {}) =>
    group.addRecordingRule({ record: name, expr, labels: { ...s.staticLabels, ...extra } });

  // --- Recording rules: traffic, errors, latency, pods. -------------------------------------------
  record(q.R.requests, q.requestRate());
  record(q.R.errors, q.errorRate());
  record(q.R.errorRatio, q.errorRatio());
  const latencyQ = checkQuantile(s.where, 'alerts.latency.quantile', a.latency?.quantile ?? 0.95);
  const quantiles = spec.latency ? [...new Set([...PANEL_QUANTILES, latencyQ])].sort() : [];
  for (const quant of quantiles) record(q.R.latencyQuantile(quant), q.quantile(spec.latency!, quant));
  const avg = q.averageLatency();
  if (avg) record(q.R.averageLatency, avg);
  const ttftQ = checkQuantile(s.where, 'alerts.timeToFirstToken.quantile', a.timeToFirstToken?.quantile ?? 0.95);
  if (spec.timeToFirstToken) record(q.R.ttftQuantile(ttftQ), q.quantile(spec.timeToFirstToken, ttftQ));
  const pod = { [SERVICE_LABEL]: q.service };
  record(q.R.podUp, q.podMembership(), pod);
  record(q.R.podCpu, q.podCpu(), pod);
  record(q.R.podCpuLimit, q.podLimit('cpu'), pod);
  record(q.R.podMemory, q.podMemory(), pod);
  record(q.R.podMemoryLimit, q.podLimit('memory'), pod);

  // --- Alerts. ------------------------------------------------------------------------------------
  const names: string[] = [];
  const alert = (name: string, tuning: AlertTuning | undefined, defaults: { for?: Duration; severity: Severity },
    expr: string, summary: string, description: string) => {
    if (tuning?.enabled === false) return;
    const annotations: { [k: string]: string } = {};
    if (s.dashboardUrl) annotations.dashboard_url = s.dashboardUrl;
    group.addAlertingRule({
      alert: name,
      expr,
      for: tuning?.for ?? defaults.for,
      severity: tuning?.severity ?? defaults.severity,
      summary,
      description,
      runbookUrl: `${s.runbookBaseUrl}#${name.toLowerCase()}`,
      labels: { ...s.staticLabels, ...s.alertLabels, ...pod },
      annotations,
    });
    names.push(name);
  };
  const where = (x: string) => `${x} in {{ $labels.namespace }}`;
  const guard = (labels: string[]) => q.trafficAtLeast(s.minRequestRate, q.base.filter(l => labels.includes(l)));

  if (spec.latency) {
    const t = seconds(s.where, 'alerts.latency.threshold', a.latency?.threshold ?? Duration.seconds(5));
    const p = quantileName(latencyQ);
    alert('ModelLatencyHigh', a.latency, { for: Duration.minutes(2), severity: Severity.WARNING },
      `${q.rec(q.R.latencyQuantile(latencyQ))} > ${t} and ${guard(q.latencyLabels)}`,
      where(`${q.service} ${p} latency above ${t}s`),
      `The ${p} request latency of ${q.service} is {{ $value | humanizeDuration }} (threshold ${t}s, over ${q.window}).`);
  } else if (spec.averageLatency) {
    const t = seconds(s.where, 'alerts.latency.threshold', a.latency?.threshold ?? Duration.seconds(5));
    alert('ModelAverageLatencyHigh', a.latency, { for: Duration.minutes(2), severity: Severity.WARNING },
      `${q.rec(q.R.averageLatency)} > ${t} and ${guard(q.latencyLabels)}`,
      where(`${q.service} average latency above ${t}s`),
      `The ${spec.name} runtime exports no latency histogram, so this is the average request latency: {{ $value | humanizeDuration }} (threshold ${t}s, over ${q.window}).`);
  }

  const errT = ratio(s.where, 'alerts.errorRatio.threshold', a.errorRatio?.threshold ?? Ratio.percent(5));
  alert('ModelErrorRatioHigh', a.errorRatio, { for: Duration.minutes(5), severity: Severity.CRITICAL },
    `${q.rec(q.R.errorRatio)} > ${errT} and ${guard(q.ratioLabels)}`,
    where(`${q.service} error ratio above ${formatNumber(Number(errT) * 100)}%`),
    `{{ $value | humanizePercentage }} of the requests to ${q.service} fail (threshold ${formatNumber(Number(errT) * 100)}%, over ${q.window}, at least ${formatNumber(s.minRequestRate)} requests/s).`);

  const maxRestarts = a.podRestarts?.maxRestarts ?? 3;
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) throw invalidProp(s.where, 'alerts.podRestarts.maxRestarts', maxRestarts, 'a whole number of 0 or more');
  const restartWindow = promDuration(a.podRestarts?.window ?? Duration.minutes(10), s.where, 'alerts.podRestarts.window');
  alert('ModelPodRestarting', a.podRestarts, { severity: Severity.WARNING },
    `${q.onPods(`${q.podRestarts(restartWindow)} > ${maxRestarts}`)}`,
    `Pod {{ $labels.namespace }}/{{ $labels.pod }} of ${q.service} is restarting`,
    `Its containers restarted {{ $value | printf "%.0f" }} times in ${restartWindow} (more than ${maxRestarts}).`);

  alert('ModelPodNotReady', a.podNotReady, { for: Duration.minutes(5), severity: Severity.WARNING },
    q.onPods(`${q.podNotReady()} > 0`),
    `Pod {{ $labels.namespace }}/{{ $labels.pod }} of ${q.service} is not ready`,
    'The pod has not been ready for 5 minutes: it receives no traffic from its Service.');

  const cpu = a.cpu ?? {};
  if (cpu.cores !== undefined && cpu.limitRatio !== undefined) throw invalidProp(s.where, 'alerts.cpu.limitRatio', cpu.limitRatio.toString(), 'either cores or limitRatio, not both');
  if (cpu.limitRatio !== undefined) {
    const r = ratio(s.where, 'alerts.cpu.limitRatio', cpu.limitRatio);
    alert('ModelCpuHigh', cpu, { for: Duration.minutes(10), severity: Severity.WARNING },
      `${q.rec(q.R.podCpu)} / ${q.rec(q.R.podCpuLimit)} > ${r}`,
      `Pod {{ $labels.namespace }}/{{ $labels.pod }} of ${q.service} uses {{ $value | humanizePercentage }} of its CPU limit`,
      `CPU use has been above ${formatNumber(Number(r) * 100)}% of the limit for 10 minutes: expect throttling and latency.`);
  } else {
    const cores = cpu.cores ?? 0.8;
    if (typeof cores !== 'number' || !(cores > 0)) throw invalidProp(s.where, 'alerts.cpu.cores', cores, 'a number of cores above 0, e.g. 0.8');
    alert('ModelCpuHigh', cpu, { for: Duration.minutes(10), severity: Severity.WARNING },
      `${q.rec(q.R.podCpu)} > ${formatNumber(cores)}`,
      `Pod {{ $labels.namespace }}/{{ $labels.pod }} of ${q.service} uses {{ $value | printf "%.2f" }} CPU cores`,
      `CPU use has been above ${formatNumber(cores)} cores for 10 minutes.`);
  }

  const memR = ratio(s.where, 'alerts.memory.limitRatio', a.memory?.limitRatio ?? Ratio.percent(90));
  alert('ModelMemoryHigh', a.memory, { for: Duration.minutes(5), severity: Severity.WARNING },
    `${q.rec(q.R.podMemory)} / ${q.rec(q.R.podMemoryLimit)} > ${memR}`,
    `Pod {{ $labels.namespace }}/{{ $labels.pod }} of ${q.service} uses {{ $value | humanizePercentage }} of its memory limit`,
    `The working set has been above ${formatNumber(Number(memR) * 100)}% of the limit for 5 minutes: the pod is close to being OOM-killed.`);

  alert('ModelTargetDown', a.targetDown, { for: Duration.minutes(5), severity: Severity.WARNING },
    `${q.sel('up')} == 0`,
    `Prometheus cannot scrape ${q.service} pod {{ $labels.namespace }}/{{ $labels.pod }}`,
    'The metrics endpoint has not answered for 5 minutes: the service may be down, and its other alerts are blind.');

  if (a.metricsAbsent?.enabled !== false) {
    // absent() only keeps the labels of equality matchers: one rule per namespace names the namespace.
    const absent = q.namespaces.map(ns => `absent(up{${SERVICE_LABEL}=${JSON.stringify(q.service)},namespace=${JSON.stringify(ns)}})`).join(' or ');
    alert('ModelMetricsAbsent', a.metricsAbsent, { for: Duration.minutes(10), severity: Severity.WARNING },
      absent,
      where(`No ${q.service} target reports`),
      'Prometheus has no scrape target for the service: all pods are gone, or the monitor selects nothing (check its selector, port name and the Prometheus selectors).');
  }

  const drop = a.trafficDrop ?? {};
  const dropR = ratio(s.where, 'alerts.trafficDrop.ratio', drop.ratio ?? Ratio.percent(20));
  const baseline = promDuration(drop.baseline ?? Duration.days(7), s.where, 'alerts.trafficDrop.baseline');
  const now = `sum ${q.by(q.base)} (${q.rec(q.R.requests)})`;
  const before = `sum ${q.by(q.base)} (${q.rec(q.R.requests)} offset ${baseline})`;
  alert('ModelTrafficDrop', drop, { for: Duration.minutes(15), severity: Severity.WARNING },
    `${now} < ${dropR} * ${before} and ${before} >= ${formatNumber(s.minRequestRate)}`,
    where(`${q.service} traffic dropped far below its usual level`),
    `The request rate is {{ $value | humanize }}/s, below ${formatNumber(Number(dropR) * 100)}% of the rate ${baseline} earlier.`);

  if (spec.timeToFirstToken) {
    const t = seconds(s.where, 'alerts.timeToFirstToken.threshold', a.timeToFirstToken?.threshold ?? Duration.seconds(3));
    alert('ModelTimeToFirstTokenHigh', a.timeToFirstToken, { for: Duration.minutes(5), severity: Severity.WARNING },
      `${q.rec(q.R.ttftQuantile(ttftQ))} > ${t}`,
      where(`${q.service} ${quantileName(ttftQ)} time to first token above ${t}s`),
      `The ${quantileName(ttftQ)} time to first token is {{ $value | humanizeDuration }} (threshold ${t}s).`);
  }
  if (spec.kvCacheUsage) {
    const r = ratio(s.where, 'alerts.kvCache.ratio', a.kvCache?.ratio ?? Ratio.percent(95));
    alert('ModelKvCacheNearFull', a.kvCache, { for: Duration.minutes(5), severity: Severity.WARNING },
      `max ${q.by([...q.labels(spec.kvCacheUsage.byModel), 'pod'])} (${q.sel(spec.kvCacheUsage.metric)}) > ${formatNumber(Number(r) * (spec.kvCacheUsage.scale ?? 1))}`,
      `${q.service} KV cache of {{ $labels.namespace }}/{{ $labels.pod }} is near full`,
      'The KV cache is {{ $value | humanizePercentage }} full: requests get preempted and latency rises.');
  }
  if (spec.queueLength) {
    const max = a.queue?.maxQueued ?? 50;
    if (typeof max !== 'number' || max < 0) throw invalidProp(s.where, 'alerts.queue.maxQueued', max, 'a number of 0 or more');
    alert('ModelQueueBackingUp', a.queue, { for: Duration.minutes(5), severity: Severity.WARNING },
      `${q.gaugeSum(spec.queueLength)} > ${formatNumber(max)}`,
      where(`${q.service} requests are backing up`),
      `{{ $value | printf "%.0f" }} requests are waiting (more than ${formatNumber(max)}): add replicas or shed load.`);
  }
  if (spec.gpuUtilization) {
    const r = ratio(s.where, 'alerts.gpuUtilization.ratio', a.gpuUtilization?.ratio ?? Ratio.percent(95));
    alert('ModelGpuSaturated', a.gpuUtilization, { for: Duration.minutes(15), severity: Severity.WARNING },
      `${q.sel(spec.gpuUtilization.metric)} > ${formatNumber(Number(r) * (spec.gpuUtilization.scale ?? 1))}`,
      `A GPU of ${q.service} pod {{ $labels.namespace }}/{{ $labels.pod }} is saturated`,
      `GPU utilisation has been above ${formatNumber(Number(r) * 100)}% for 15 minutes.`);
  }
  if (spec.gpuMemoryUsed && spec.gpuMemoryTotal) {
    const r = ratio(s.where, 'alerts.gpuMemory.ratio', a.gpuMemory?.ratio ?? Ratio.percent(90));
    alert('ModelGpuMemoryNearFull', a.gpuMemory, { for: Duration.minutes(10), severity: Severity.WARNING },
      `${q.sel(spec.gpuMemoryUsed.metric)} / ${q.sel(spec.gpuMemoryTotal.metric)} > ${r}`,
      `GPU memory of ${q.service} pod {{ $labels.namespace }}/{{ $labels.pod }} is near full`,
      'GPU memory is {{ $value | humanizePercentage }} used.');
  }
  return names;
}

function checkQuantile(where: string, prop: string, q: number): number {
  if (typeof q !== 'number' || !(q > 0 && q < 1)) throw invalidProp(where, prop, q, 'a quantile between 0 and 1 exclusive, e.g. 0.95');
  return q;
}

function seconds(where: string, prop: string, d: Duration): string {
  promDuration(d, where, prop);
  return formatNumber(d.toMilliseconds({ integral: false }) / 1000);
}

function ratio(where: string, prop: string, r: Ratio): string {
  if (!(r instanceof Ratio)) throw invalidProp(where, prop, r, 'a Ratio, e.g. Ratio.percent(5)');
  return r.toString();
}
