import { dcgmAlertLabels, DcgmLabels, writeDcgm } from './_dcgm-series';
import { SeriesSet, timeline } from './_input-series';
import { DEFAULT_BUCKETS, gaugeSeriesLabels, HEALTHY, PodIdentity, podLabelValues, ServiceState, targetLabels, writeService } from './_service-series';
import { ExpectedAlerts, GeneratedCase, GeneratedSuite, NotGenerated, pendingMs, ratioAbove, seconds } from './_test-case';
import { trafficDropCases } from './_traffic-drop-cases';
import { formatNumber } from '../common/_number';
import { InferenceQueries, SERVICE_LABEL } from '../ml/_inference-queries';
import { GaugeSignal, HistogramSignal } from '../ml/_runtime-spec';
import { inWords, ResolvedAlert } from '../ml/alerts/_alert-settings';
import { CostSettings } from '../ml/alerts/_cost-alerts';
import { InferenceSettings, quantileAlerts } from '../ml/alerts/_inference-alerts';
import { FamilyRead } from '../ml/signals/_inference-signals';

/*
 * Tests of the inference alerts of one MlInferenceMonitoring, from its resolved settings: for each alert,
 * a pod whose signal sits just above the threshold fires once the alert's `for` has passed (and not
 * before), and a pod just below it stays silent. The series are the runtime's own (see _service-series).
 */

/** What the generator needs of an MlInferenceMonitoring. @internal */
export interface InferenceSource {
  /**
   * The service's queries: its runtime, name and namespaces (the probed pod runs in the first, a healthy
   * pod in each other), and the labels each signal is aggregated by.
   */
  readonly queries: InferenceQueries;
  /** The series families the service's alerts and panels read, for the missing-series alert. */
  readonly familiesRead: ReadonlyArray<FamilyRead>;
  /** The runtime's request counter. */
  readonly requestFamily: FamilyRead;
  readonly settings: InferenceSettings;
  /** The rate window, in ms. */
  readonly windowMs: number;
  readonly alertNames: ReadonlyArray<string>;
  /** GPU gauges come from DCGM's exporter rather than the runtime: the labels it names the pod in. */
  readonly dcgm?: DcgmLabels;
  /** The cost settings, when the service is priced. */
  readonly cost?: CostSettings;
  /** The static labels of the one rule of `alert` whose labels include `having`, as synthesized. */
  readonly ruleLabels: (alert: string, having?: { [k: string]: string }) => { [k: string]: string } | undefined;
}

/** A signal just above and just below one alert's threshold, and the labels the alert then carries. */
interface Probe {
  readonly above?: Partial<ServiceState>;
  readonly below?: Partial<ServiceState>;
  /** Why the alert cannot fire at all. */
  readonly cannotFire?: string;
  /** The labels of the alert, from its expression. */
  readonly labels: { [k: string]: string };
  /** When the condition is true at the latest, in ms after the start (the signal's windows filled). */
  readonly settleMs: number;
  /** More states that must stay silent (the traffic guard), by name. */
  readonly silent?: { [name: string]: Partial<ServiceState> };
  /** Static labels that tell this probe's rule from others of the same alert name (a histogram's). */
  readonly rule?: { [k: string]: string };
  /** What the probe is about, after the alert's name in the tests' names. */
  readonly what?: string;
  /** Series names the probed pod lacks in the state above the threshold (a family missing). */
  readonly drop?: ReadonlyArray<string>;
  /**
   * The state of the service's pods in its other namespaces, where the healthy state would fire the alert
   * (an idle GPU is healthy for every alert but this one).
   * @default the healthy state
   */
  readonly others?: Partial<ServiceState>;
  /** What the states above and below are, in the tests' names. @default just above and just below the threshold */
  readonly story?: { readonly above: string; readonly below: string };
}

const MINUTE = 60_000;

/** The generated tests of an MlInferenceMonitoring's alerts. @internal */
export function inferenceCases(src: InferenceSource): GeneratedSuite {
  const cases: GeneratedCase[] = [];
  const notGenerated: NotGenerated[] = [];
  const st = src.settings;
  const q = src.queries;
  const id: PodIdentity = { namespace: q.namespaces[0], service: q.service, pod: `${q.service}-0`, model: 'model-a' };
  const base: ServiceState = { ...HEALTHY, rps: Math.max(HEALTHY.rps, 2 * st.minRequestRate) };
  const probes = probesOf(src, id);
  if (st.trafficDrop.enabled && src.alertNames.includes(st.trafficDrop.name)) {
    const t = trafficDropCases(src, id, base);
    if (Array.isArray(t)) cases.push(...t);
    else notGenerated.push(t);
  }
  for (const [alert, probe] of probes) {
    if (!alert.enabled || !src.alertNames.includes(alert.name)) continue;
    const ruleLabels = typeof probe === 'string' ? {} : src.ruleLabels(alert.name, probe.rule);
    if (typeof probe === 'string' || ruleLabels === undefined) {
      notGenerated.push({ alert: alert.name, reason: typeof probe === 'string' ? probe : 'the rule is written more than once', cannotFire: false });
      continue;
    }
    if (probe.cannotFire) {
      notGenerated.push({ alert: alert.name, reason: probe.cannotFire, cannotFire: true });
      continue;
    }
    try {
      cases.push(...casesOf(src, id, base, alert, probe, { ...probe.labels, ...ruleLabels }));
    } catch (e) {
      notGenerated.push({ alert: alert.name, reason: (e as Error).message, cannotFire: false });
    }
  }
  return { cases, notGenerated };
}

function casesOf(src: InferenceSource, id: PodIdentity, base: ServiceState, alert: ResolvedAlert, p: Probe,
  labels: { [k: string]: string }): GeneratedCase[] {
  const forMs = pendingMs(alert);
  // The condition holds from `settle` at the latest; the alert fires one evaluation after `for` has passed.
  const fireAt = p.settleMs + forMs + MINUTE;
  const steps = Math.ceil(fireAt / MINUTE) + 1;
  const series = (s: Partial<ServiceState>, drop: ReadonlyArray<string> = []) => {
    const out = new SeriesSet();
    const spec = src.queries.spec;
    const pod = new SeriesSet();
    const state = { ...base, ...s };
    writeService(pod, spec, id, state);
    if (src.dcgm && state.target === 'up') writeDcgm(pod, id, src.dcgm, state.gpuUtilization, state.gpuMemory);
    out.addFrom(pod, x => !drop.includes(x.name));
    // The service's pods in its other namespaces stay healthy: the alert must name only the probed one.
    const other = { ...base, ...p.others };
    src.queries.namespaces.slice(1).forEach(ns => {
      writeService(out, spec, { ...id, namespace: ns }, other);
      if (src.dcgm) writeDcgm(out, { ...id, namespace: ns }, src.dcgm, other.gpuUtilization, other.gpuMemory);
    });
    return timeline([{ set: out, steps }]);
  };
  const at = (evalMs: number, firing: boolean): ExpectedAlerts =>
    ({ evalTime: seconds(evalMs), alertname: alert.name, alerts: firing ? [labels] : [] });
  const out: GeneratedCase[] = [];
  const expectAbove = [at(fireAt, true)];
  // Half a minute before `for` has passed since the very start, the alert can only be pending.
  if (forMs >= 2 * MINUTE) expectAbove.unshift(at(forMs - MINUTE / 2, false));
  const held = forMs > 0 ? inWords(alert.pendingFor!) : '0s (no pending period)';
  const name = p.what ? `${alert.name} (${p.what})` : alert.name;
  const story = p.story ?? { above: 'just above its threshold', below: 'just below its threshold' };
  const [fires, silent] = [`fires ${story.above} once held for ${held}`, `stays silent ${story.below}`];
  out.push({ name: `${name} ${fires}`, inputSeries: series(p.above!, p.drop), expect: expectAbove });
  if (p.below) out.push({ name: `${name} ${silent}`, inputSeries: series(p.below), expect: [at(fireAt, false)] });
  for (const [what, s] of Object.entries(p.silent ?? {})) {
    out.push({ name: `${name} stays silent ${what}`, inputSeries: series(s), expect: [at(fireAt, false)] });
  }
  return out;
}


function probesOf(src: InferenceSource, id: PodIdentity): Array<[ResolvedAlert, Probe | string]> {
  const { queries: q, settings: st } = src;
  const spec = q.spec;
  // An alert's labels are those its signal is aggregated by (the queries say which), with the pod's values.
  const value = podLabelValues(spec, id);
  const valuesOf = (names: ReadonlyArray<string>) => Object.fromEntries(names.map(n => [n, value[n]]));
  const service = (byModel: boolean) => valuesOf(q.labels(byModel));
  const pod = valuesOf(['namespace', 'pod']);
  const podOfService = valuesOf(['namespace', SERVICE_LABEL, 'pod']);
  const rate = 1.5 * MINUTE;
  const windowed = src.windowMs + MINUTE;
  const guard = st.minRequestRate > 0 ? { 'below the traffic guard': { rps: st.minRequestRate / 2 } } : undefined;
  // A threshold on a ratio (at most 1) or on a count (unbounded): above it by half, below it by a third.
  const threshold = (what: string, t: number, set: (v: number) => Partial<ServiceState>, labels: { [k: string]: string }, settleMs = rate,
    ratio = true): Probe => (ratio && t >= 1
    ? { labels, settleMs, cannotFire: `its threshold ${formatNumber(t)} is the highest ${what} there can be` }
    : { labels, settleMs, above: set(ratio ? ratioAbove(t) : t * 1.5 + 1), below: t > 0 ? set(t * 2 / 3) : undefined });

  const out: Array<[ResolvedAlert, Probe | string]> = [];
  // The latency and error alerts of the service, and their per-pod and per-endpoint variants: the same probes
  // on the labels each is split by (the probed pod; the endpoint the generated series name, the runtime's own).
  const handler = spec.handler ? { [spec.handler.label]: spec.handler.example } : undefined;
  const splits: Array<[InferenceSettings['latency'], InferenceSettings['errorRatio'], { [k: string]: string } | undefined, boolean]> = [
    [st.latency, st.errorRatio, {}, true],
    [st.latencyPerPod, st.errorRatioPerPod, { pod: value.pod }, true],
    [st.latencyPerHandler, st.errorRatioPerHandler, handler, spec.handler?.onLatency === true],
  ];
  for (const [latency, errors, split, latencySplit] of splits) {
    if (!split) continue;
    if (spec.latency && latencySplit) {
      const p = quantileProbe(spec.latency, latency, s => ({ latency: s }), { ...service(spec.latency.byModel), ...split });
      out.push([latency, { ...p, silent: guardAbove(guard, p.above) }]);
    }
    if (spec.errors) {
      const p = threshold('error ratio', errors.max, e => ({ errorRatio: e }), { ...valuesOf(q.ratioLabels), ...split });
      out.push([errors, { ...p, silent: guardAbove(guard, p.above) }]);
    }
  }
  if (!spec.latency && spec.averageLatency) {
    const t = st.latency.maxSeconds;
    out.push([st.latency, {
      labels: valuesOf(q.latencyLabels),
      settleMs: rate,
      above: { latency: t * 1.5 },
      below: { latency: t * 2 / 3 },
      silent: guardAbove(guard, { latency: t * 1.5 }),
    }]);
  }
  const restartMinutes = st.podRestarts.windowMs / MINUTE;
  out.push([st.podRestarts, {
    labels: pod,
    settleMs: st.podRestarts.windowMs + MINUTE,
    // increase() extrapolates whole restarts to the window's edges: about N + 1.5 in the window is above N.
    above: { restartsPerMinute: (st.podRestarts.maxRestarts + 1.5) / restartMinutes },
    below: st.podRestarts.maxRestarts > 0 ? { restartsPerMinute: st.podRestarts.maxRestarts / (2 * restartMinutes) } : undefined,
  }]);
  out.push([st.podNotReady, { labels: pod, settleMs: MINUTE, above: { ready: false }, below: { ready: true } }]);
  if (st.cpu.maxLimitRatio !== undefined) {
    out.push([st.cpu, threshold('share of the CPU limit', st.cpu.maxLimitRatio, r => ({ cpuCores: r * HEALTHY.cpuLimitCores }), podOfService, windowed)]);
  } else {
    const t = st.cpu.maxCores!;
    out.push([st.cpu, {
      labels: podOfService,
      settleMs: windowed,
      above: { cpuCores: t * 1.5, cpuLimitCores: t * 4 },
      below: { cpuCores: t * 2 / 3, cpuLimitCores: t * 4 },
    }]);
  }
  const memory = (r: number) => ({ memoryBytes: Math.round(r * HEALTHY.memoryLimitBytes) });
  out.push([st.memory, threshold('share of the memory limit', st.memory.maxLimitRatio, memory, podOfService, MINUTE)]);
  out.push([st.targetDown, { labels: targetLabels(id), settleMs: MINUTE, above: { target: 'down' }, below: { target: 'up' } }]);
  out.push([st.metricsAbsent, { labels: valuesOf(['namespace', SERVICE_LABEL]), settleMs: MINUTE, above: { target: 'absent' }, below: { target: 'up' } }]);
  const ttft = spec.timeToFirstToken;
  if (ttft) out.push([st.timeToFirstToken, quantileProbe(ttft, st.timeToFirstToken, s => ({ timeToFirstToken: s }), service(ttft.byModel))]);
  const itl = spec.interTokenLatency;
  if (itl) out.push([st.interTokenLatency, quantileProbe(itl, st.interTokenLatency, s => ({ interTokenLatency: s }), service(itl.byModel))]);
  if (spec.kvCacheUsage) {
    const byPod = valuesOf([...q.labels(spec.kvCacheUsage.byModel), 'pod']);
    out.push([st.kvCache, threshold('KV cache usage', st.kvCache.maxRatio, r => ({ kvCache: r }), byPod)]);
  }
  if (spec.queueLength) {
    const g = spec.queueLength;
    out.push([st.queue, threshold('queue length', st.queue.maxQueued, n => ({ queue: Math.round(n) }), service(g.byModel), g.histogramMean ? windowed : rate, false)]);
  }
  if (src.dcgm) {
    // DCGM's series of the pod's GPU: the alert carries their labels, with the pod's namespace and name.
    const gpu = dcgmAlertLabels(id, src.dcgm);
    out.push([st.gpuUtilization, threshold('GPU utilisation', st.gpuUtilization.maxRatio, r => ({ gpuUtilization: r }), gpu)]);
    out.push([st.gpuMemory, threshold('GPU memory use', st.gpuMemory.maxRatio, r => ({ gpuMemory: r }), gpu)]);
    if (src.cost) out.push([src.cost.gpuIdle, idleProbe(src.cost.gpuIdle.minRatio, gpu, rate)]);
  } else {
    // A runtime gauge is read as scraped: the alert carries all of the labels the series is written with.
    const gaugeLabels = (g: GaugeSignal) => gaugeSeriesLabels(spec, id, g);
    const util = spec.gpuUtilization;
    if (util) out.push([st.gpuUtilization, attempt(() => threshold('GPU utilisation', st.gpuUtilization.maxRatio, r => ({ gpuUtilization: r }), gaugeLabels(util)))]);
    if (util && src.cost) out.push([src.cost.gpuIdle, attempt(() => idleProbe(src.cost!.gpuIdle.minRatio, gaugeLabels(util), rate))]);
    const used = spec.gpuMemoryUsed;
    if (used && spec.gpuMemoryTotal) out.push([st.gpuMemory, attempt(() => threshold('GPU memory use', st.gpuMemory.maxRatio, r => ({ gpuMemory: r }), gaugeLabels(used)))]);
  }
  if (src.cost) out.push(...costProbes(src, valuesOf(['namespace', SERVICE_LABEL]), rate));
  out.push([st.metricsMissing, missingProbe(src, valuesOf(['namespace', SERVICE_LABEL, 'pod']))]);
  out.push(...coarseProbes(src, service));
  return out;
}

/** A number to four significant digits, for test names. */
function short(n: number): string {
  return formatNumber(Number(n.toPrecision(4)));
}

/** A GPU used less than `min`: at half of it the alert fires, half way to full use it does not. */
function idleProbe(min: number, labels: { [k: string]: string }, settleMs: number): Probe {
  return {
    labels,
    settleMs,
    above: { gpuUtilization: min / 2 },
    below: { gpuUtilization: min + (1 - min) / 2 },
    others: { gpuUtilization: min + (1 - min) / 2 },
    story: { above: `when a GPU is used at ${formatNumber(min * 50)}%`, below: `when it is used at ${formatNumber((min + (1 - min) / 2) * 100)}%` },
  };
}

/**
 * The cost alerts, on the probed pod's namespace: its reservations priced (requests above use, so the
 * requests are what is paid), the traffic moved to put 1,000 predictions above or below their limit, and
 * the CPU request moved to put a month above or below the budget.
 */
function costProbes(src: InferenceSource, labels: { [k: string]: string }, rateSettle: number): Array<[ResolvedAlert, Probe | string]> {
  const c = src.cost!;
  const p = c.prices;
  const h = HEALTHY;
  const perHour = (cpu: number) => cpu * p.cpuCoreHour + h.memoryRequestBytes / 2 ** 30 * p.memoryGibHour + h.gpuRequests * (p.gpuHour ?? 0);
  const out: Array<[ResolvedAlert, Probe | string]> = [];
  // The service's healthy pods in its other namespaces must stay below both thresholds.
  const others = src.queries.namespaces.length > 1;
  const healthyRps = Math.max(h.rps, 2 * src.settings.minRequestRate);
  if (c.costPerPrediction.enabled) {
    const max = c.costPerPrediction.max!;
    const rps = (per1k: number) => perHour(h.cpuRequestCores) / (3.6 * per1k);
    if (others && rps(max) > healthyRps * 0.9) {
      out.push([c.costPerPrediction, `1,000 predictions of a healthy pod cost more than ${formatNumber(max)} in the service's other namespaces`]);
    } else {
      out.push([c.costPerPrediction, {
        labels,
        settleMs: c.windowMs + src.windowMs + 2 * MINUTE,
        above: { rps: rps(max * 1.5) },
        below: { rps: rps(max * 2 / 3) },
        story: { above: `when 1,000 predictions cost ${short(max * 1.5)}`, below: `when they cost ${short(max * 2 / 3)}` },
      }]);
    }
  }
  if (c.budgetBurn.enabled) {
    const monthly = c.budgetBurn.monthly!;
    const cores = (month: number) => (month / 730 - perHour(0)) / p.cpuCoreHour;
    const [above, below] = [cores(monthly * 1.5), cores(monthly * 2 / 3)];
    out.push([c.budgetBurn, below <= h.cpuCores || (others && perHour(h.cpuRequestCores) * 730 > monthly * 0.9)
      ? `the budget ${formatNumber(monthly)} is below what a healthy pod's reservations (or its memory and CPU use) cost a month`
      : {
        labels,
        settleMs: rateSettle,
        above: { cpuRequestCores: above },
        below: { cpuRequestCores: below },
        story: { above: 'when a month at the pod\'s cost exceeds the budget by half', below: 'when it is a third below' },
      }]);
  }
  return out;
}

/**
 * A runtime family the alerts read, missing from the probed pod while it is scraped and serving: the first
 * one that is not the request counter (whose absence on an idle pod is healthy).
 */
function missingProbe(src: InferenceSource, pod: { [k: string]: string }): Probe | string {
  const read = src.familiesRead.find(r => r.source === 'runtime' && !r.names.includes(src.requestFamily.names[0]));
  if (!read) return 'the service\'s alerts read no runtime family beside the request counter, whose absence on an idle pod is healthy';
  return {
    labels: { ...pod, metric_family: read.family, metric_source: read.source },
    settleMs: 1.5 * MINUTE,
    what: read.family,
    above: {},
    below: {},
    drop: read.names,
    story: { above: 'when a scraped, serving pod lacks it', below: 'while every pod has it' },
  };
}

/**
 * Each quantile alert's histogram: the service's requests all slower than its highest finite bucket fire
 * its too-coarse alert (the quantile sat in +Inf), requests within the buckets do not. A histogram whose
 * highest bucket is below its alert's threshold fires it always, as it should.
 */
function coarseProbes(src: InferenceSource, service: (byModel: boolean) => { [k: string]: string }): Array<[ResolvedAlert, Probe | string]> {
  const st = src.settings;
  if (!st.histogramTooCoarse.enabled) return [];
  const hs = quantileAlerts(src.queries.spec, st);
  const tops = hs.map(({ histogram: h }) => Math.max(...boundsSeconds(h)));
  const always = hs.find((q, i) => tops[i] < q.alert.maxSeconds);
  if (always) {
    return [[st.histogramTooCoarse, `the highest bucket of ${always.histogram.base} is below ${always.alert.name}'s threshold: it fires always, as it should`]];
  }
  const spec = src.queries.spec;
  const observe = (h: HistogramSignal, s: number): Partial<ServiceState> =>
    (h === spec.latency ? { latency: s } : h === spec.timeToFirstToken ? { timeToFirstToken: s } : { interTokenLatency: s });
  return hs.map(({ histogram: h }, i) => {
    const slow = h.wholeSeconds ? Math.ceil(2 * tops[i]) : 2 * tops[i];
    return [st.histogramTooCoarse, {
      labels: service(h.byModel),
      rule: { histogram: h.base },
      what: h.base,
      settleMs: 2 * MINUTE,
      above: observe(h, slow),
      below: {},
      story: { above: 'when every request is slower than its highest finite bucket', below: 'while the requests fall within its buckets' },
    }];
  });
}

/** A histogram's finite bucket bounds in seconds (the client libraries' defaults where the preset does not know them). */
function boundsSeconds(h: HistogramSignal): number[] {
  return h.buckets ? h.buckets.map(b => b * h.unitSeconds) : DEFAULT_BUCKETS;
}

/** The probe, or why it could not be built (a label value no matcher example was found for). */
function attempt(probe: () => Probe): Probe | string {
  try {
    return probe();
  } catch (e) {
    return (e as Error).message;
  }
}

function guardAbove(guard: { [k: string]: Partial<ServiceState> } | undefined, above: Partial<ServiceState> | undefined) {
  if (!guard || !above) return undefined;
  return Object.fromEntries(Object.entries(guard).map(([k, v]) => [k, { ...above, ...v }]));
}


/**
 * A quantile alert on a histogram: every request observed in one bucket, whose interpolated quantile is
 * the first above the threshold (above) and the last below it (below). Prometheus interpolates linearly
 * inside a bucket and returns the highest finite bound for the +Inf bucket.
 */
function quantileProbe(h: HistogramSignal, a: { readonly maxSeconds: number; readonly quantile: number }, set: (s: number) => Partial<ServiceState>,
  labels: { [k: string]: string }): Probe {
  const bounds = boundsSeconds(h);
  const t = a.maxSeconds;
  // Bucket i holds (lower, bounds[i]]; the last entry is the +Inf bucket, observed at twice the highest bound.
  const candidates = [...bounds.map((hi, i) => {
    const lo = i === 0 ? 0 : bounds[i - 1];
    return { observe: hi, quantile: lo + (hi - lo) * a.quantile };
  }), { observe: bounds[bounds.length - 1] * 2, quantile: bounds[bounds.length - 1] }]
    .filter(c => !h.wholeSeconds || Math.floor(c.observe) === c.observe);
  const above = candidates.find(c => c.quantile > t * (1 + 1e-6));
  const below = [...candidates].reverse().find(c => c.quantile < t * (1 - 1e-6));
  if (!above) return { labels, settleMs: 1.5 * MINUTE, cannotFire: `no latency its histogram can record puts the quantile above ${formatNumber(t)}s` };
  return {
    labels,
    settleMs: 1.5 * MINUTE,
    above: set(above.observe),
    below: below ? set(below.observe) : undefined,
  };
}
