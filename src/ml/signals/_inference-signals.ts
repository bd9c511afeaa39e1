import { SignalCatalog } from './_catalog';
import { DCGM } from '../_dcgm-exports';
import { Series } from './_series';
import { formatNumber } from '../../common/_number';
import { LabelMatcher, selector } from '../../common/_promql';
import { RuleGroup } from '../../rules/rule-group';
import { InferenceQueries, quantileName, SERVICE_LABEL } from '../_inference-queries';
import { GaugeSignal, HistogramSignal } from '../_runtime-spec';

const POD_LABELS = ['namespace', SERVICE_LABEL, 'pod'];

/** What a per-part alert splits the service by: its pods, or its endpoints (handler, route). @internal */
export type Part = 'pod' | 'handler';

/** Who writes a family the service's alerts and panels read. @internal */
export type ReadSource = 'runtime' | 'kube-state-metrics' | 'cAdvisor';

/**
 * A family the service's alerts or panels read, as the missing-series alert checks it: present on every
 * scraped pod of the service, at once (`atStart`) or once the pod has served requests.
 * @internal
 */
export interface FamilyRead {
  /** The series names, the current one first: any one of them present is enough (a runtime's rename). */
  readonly names: ReadonlyArray<string>;
  /** The family as the alert names it: a histogram by its base name, former names after `or`. */
  readonly family: string;
  readonly source: ReadSource;
  readonly atStart: boolean;
}

/**
 * The signal catalog of one monitored inference service. Every recorded series of the service is
 * defined here, once: its name, its expression, what it is aggregated by and which raw families it
 * reads. Alerts, panels, SLOs and autoscalers ask for a signal and get a `Series` handle whose
 * selector carries the service's identity (`ml_service` and its namespaces); the recording rule is
 * written the first time anyone asks, so nothing is recorded that nothing reads, and nothing is read
 * that is not recorded.
 * @internal
 */
export class InferenceSignals extends SignalCatalog {
  private readonly familyReads = new Map<string, FamilyRead>();

  constructor(public readonly q: InferenceQueries, group: RuleGroup, staticLabels: { [key: string]: string },
    private readonly dcgm?: { readonly namespaceLabel: string; readonly podLabel: string }) {
    super({ group, identity: q.identity, staticLabels });
  }

  /** Notes a family that an alert or panel reads: in `families`, and for the missing-series alert. */
  private reads(names: ReadonlyArray<string>, source: ReadSource, atStart: boolean | undefined, family = names.join(' or ')): void {
    this.readsRaw(...names);
    if (!this.familyReads.has(family)) this.familyReads.set(family, { names, family, source, atStart: atStart ?? false });
  }

  /** The families the alerts and panels read so far, in the order first read. */
  public get familiesRead(): FamilyRead[] {
    return [...this.familyReads.values()];
  }

  /** The request counter's family (what tells that a pod has served requests). */
  public get requestFamily(): FamilyRead {
    const r = this.q.spec.requests;
    return { names: [r.metric], family: r.metric, source: 'runtime', atStart: r.atStart ?? false };
  }

  private readsHistogram(h: HistogramSignal, suffix: string): void {
    const bases = [h.base, ...(h.formerBases ?? [])];
    this.reads(bases.map(b => `${b}${suffix}`), 'runtime', h.atStart, bases.join(' or '));
  }

  private readsGauge(g: GaugeSignal): void {
    this.readsRaw(...this.q.gaugeFamilies(g));
    const names = [g.metric, ...(g.formerMetrics ?? [])];
    this.reads(names.map(n => g.histogramMean ? `${n}_count` : n), 'runtime', g.atStart, names.join(' or '));
  }

  /** Whether GPU utilisation is known: from DCGM, or from the runtime's own gauge. */
  public get hasGpuUtilization(): boolean {
    return this.dcgm !== undefined || this.q.spec.gpuUtilization !== undefined;
  }

  /** Whether GPU memory use is known: from DCGM, or from the runtime's own gauges. */
  public get hasGpuMemory(): boolean {
    return this.dcgm !== undefined || (this.q.spec.gpuMemoryUsed !== undefined && this.q.spec.gpuMemoryTotal !== undefined);
  }

  /** The GPU's label in the series the GPU panels show (`gpu_uuid` of Triton, `UUID` of DCGM). */
  public get gpuLabel(): string {
    return this.dcgm ? 'UUID' : 'gpu_uuid';
  }

  /**
   * A DCGM expression over the GPUs allocated to the service's pods: selected by the exporter's pod
   * namespace label, relabelled to `namespace` and `pod`, and joined to the pods the service's monitor scrapes.
   */
  private onServiceGpus(expr: (matchers: LabelMatcher[]) => string, families: string[], extra: ReadonlyArray<LabelMatcher>): string {
    const d = this.dcgm!;
    this.readsRaw(...families);
    const rename = (m: LabelMatcher): LabelMatcher => ({ ...m, name: m.name === 'namespace' ? d.namespaceLabel : m.name === 'pod' ? d.podLabel : m.name });
    let e = expr([rename(this.q.namespaceMatcher), ...extra.map(rename)]);
    if (d.namespaceLabel !== 'namespace') e = `label_replace(${e}, "namespace", "$1", "${d.namespaceLabel}", "(.+)")`;
    if (d.podLabel !== 'pod') e = `label_replace(${e}, "pod", "$1", "${d.podLabel}", "(.+)")`;
    return `(${e} and on (namespace, pod) ${this.podUp().select()})`;
  }

  /** The rate window of the recorded series (part of their names). */
  public get window(): string {
    return this.q.window;
  }

  /** The service's name (`ml_service`). */
  public get service(): string {
    return this.q.service;
  }

  /** All requests per second, per namespace, service and (where the runtime labels it) model. */
  public requestRate(): Series {
    const q = this.q;
    this.reads([q.spec.requests.metric], 'runtime', q.spec.requests.atStart);
    return this.signal('requests', `ml_service:requests:rate${q.window}`, q.requestLabels, q.requestFamilies, () => q.requestRate());
  }

  /** Failed requests per second; zero, not absent, while the service serves without errors. */
  public errorRate(): Series {
    const q = this.q;
    return this.signal('errors', `ml_service:request_errors:rate${q.window}`, q.errorLabels, q.errorFamilies, () => q.errorRate());
  }

  /** Failed over all requests; absent (never NaN) while there is no traffic. */
  public errorRatio(): Series {
    const q = this.q;
    return this.signal('errorRatio', `ml_service:request_errors:ratio_rate${q.window}`, q.ratioLabels, [...q.requestFamilies, ...q.errorFamilies], () => {
      const by = q.by(q.ratioLabels);
      return `sum ${by} (${this.errorRate().select()}) / (sum ${by} (${this.requestRate().select()}) > 0)`;
    });
  }

  /** The label that splits the service by `part`: `pod`, or the runtime's endpoint label. */
  private partLabel(part: Part): string {
    if (part === 'pod') return 'pod';
    const h = this.q.spec.handler;
    if (!h) throw new Error(`internal: the ${this.q.spec.name} runtime names no endpoint`);
    return h.label;
  }

  /** All requests per second of each pod or endpoint of the service (the traffic guard of the per-part alerts). */
  public requestRateBy(part: Part): Series {
    const q = this.q;
    const labels = [...q.base, this.partLabel(part)];
    this.reads([q.spec.requests.metric], 'runtime', q.spec.requests.atStart);
    return this.signal(`requestsPer:${part}`, `ml_service_${part}:requests:rate${q.window}`, labels, q.requestFamilies, () => q.requestRate(q.window, labels));
  }

  /** Failed over all requests of each pod or endpoint; absent while it serves nothing. */
  public errorRatioBy(part: Part): Series {
    const q = this.q;
    const labels = [...q.ratioLabels, this.partLabel(part)];
    return this.signal(`errorRatioPer:${part}`, `ml_service_${part}:request_errors:ratio_rate${q.window}`, labels, [...q.requestFamilies, ...q.errorFamilies], () => {
      const by = q.by(labels);
      return `sum ${by} (${q.errorRate(q.window, labels)}) / (sum ${by} (${q.requestRate(q.window, labels)}) > 0)`;
    });
  }

  /** Whether the runtime counts failed requests. */
  public get hasErrors(): boolean {
    return this.q.hasErrors;
  }

  /** Whether the runtime has a latency histogram (quantiles), rather than only cumulative counters. */
  public get hasLatencyHistogram(): boolean {
    return this.q.spec.latency !== undefined;
  }

  /** A latency quantile in seconds, from the runtime's histogram: per service, or per pod or endpoint of the service. */
  public latencyQuantile(quantile: number, part?: Part): Series {
    const q = this.q;
    const h = q.spec.latency;
    if (!h) throw new Error(`internal: the ${q.spec.name} runtime has no latency histogram`);
    checkQuantile(quantile);
    this.readsHistogram(h, '_bucket');
    const labels = [...q.labels(h.byModel), ...(part ? [this.partLabel(part)] : [])];
    const key = part ? `latencyPer:${part}` : 'latency';
    return this.signal(`${key}:${quantile}`, `${part ? `ml_service_${part}` : 'ml_service'}:request_duration_seconds:${quantileName(quantile)}_${q.window}`, labels,
      q.histogramFamilies(h), () => q.quantile(h, quantile, q.window, labels));
  }

  /** Whether the runtime exports anything an average latency can be computed from. */
  public get hasAverageLatency(): boolean {
    return this.q.averageLatencyFamilies.length > 0;
  }

  /** The average latency in seconds (from a histogram's sum and count or from cumulative counters). */
  public averageLatency(): Series {
    const q = this.q;
    const expr = q.averageLatency();
    if (expr === undefined) throw new Error(`internal: the ${q.spec.name} runtime has no latency signal`);
    const avg = q.spec.averageLatency;
    if (q.spec.latency) this.readsHistogram(q.spec.latency, '_count');
    else if (avg) [avg.sum, avg.count].forEach(c => this.reads([c.metric], 'runtime', c.atStart));
    return this.signal('averageLatency', `ml_service:request_duration_seconds:avg_${q.window}`, q.latencyLabels, q.averageLatencyFamilies, () => expr);
  }

  /** A time-to-first-token quantile in seconds (LLM runtimes). */
  public ttftQuantile(quantile: number): Series {
    const q = this.q;
    const h = q.spec.timeToFirstToken;
    if (!h) throw new Error(`internal: the ${q.spec.name} runtime has no time-to-first-token histogram`);
    checkQuantile(quantile);
    this.readsHistogram(h, '_bucket');
    return this.signal(`ttft:${quantile}`, `ml_service:time_to_first_token_seconds:${quantileName(quantile)}_${q.window}`, q.labels(h.byModel),
      q.histogramFamilies(h), () => q.quantile(h, quantile));
  }

  /** An inter-token latency quantile in seconds (LLM runtimes that export it). */
  public interTokenLatencyQuantile(quantile: number): Series {
    const q = this.q;
    const h = q.spec.interTokenLatency;
    if (!h) throw new Error(`internal: the ${q.spec.name} runtime has no inter-token latency histogram`);
    checkQuantile(quantile);
    this.readsHistogram(h, '_bucket');
    return this.signal(`itl:${quantile}`, `ml_service:inter_token_latency_seconds:${quantileName(quantile)}_${q.window}`, q.labels(h.byModel),
      q.histogramFamilies(h), () => q.quantile(h, quantile));
  }

  /** The service's pods (those its monitor scrapes): 1 while up, 0 while down. */
  public podUp(): Series {
    return this.signal('podUp', 'ml_service_pod:up:max', POD_LABELS, ['up'], () => this.q.podMembership(), this.podLabel);
  }

  /** `expr` (per namespace and pod) restricted to this service's pods. */
  public onPods(expr: string): string {
    return `${expr} and on (namespace, pod) ${this.podUp().select()}`;
  }

  /** CPU cores used per pod. */
  public podCpu(): Series {
    this.reads(['container_cpu_usage_seconds_total'], 'cAdvisor', true);
    return this.signal('podCpu', `ml_service_pod:cpu_usage:rate${this.q.window}`, POD_LABELS, ['container_cpu_usage_seconds_total', 'up'],
      () => this.onPods(this.q.podCpu()), this.podLabel);
  }

  /** CPU limit per pod (pods without a limit have no series). */
  public podCpuLimit(): Series {
    return this.signal('podCpuLimit', 'ml_service_pod:cpu_limit:sum', POD_LABELS, ['kube_pod_container_resource_limits', 'up'],
      () => this.onPods(this.q.podLimit('cpu')), this.podLabel);
  }

  /** Working-set bytes per pod. */
  public podMemory(): Series {
    this.reads(['container_memory_working_set_bytes'], 'cAdvisor', true);
    return this.signal('podMemory', 'ml_service_pod:memory_working_set_bytes:sum', POD_LABELS, ['container_memory_working_set_bytes', 'up'],
      () => this.onPods(this.q.podMemory()), this.podLabel);
  }

  /** Memory limit per pod (pods without a limit have no series). */
  public podMemoryLimit(): Series {
    return this.signal('podMemoryLimit', 'ml_service_pod:memory_limit_bytes:sum', POD_LABELS, ['kube_pod_container_resource_limits', 'up'],
      () => this.onPods(this.q.podLimit('memory')), this.podLabel);
  }

  /**
   * What each pod of the service requests of a resource (pods without a request have no series; a request
   * is optional, so it is not a family the missing-series alert waits for).
   */
  public podRequest(resource: 'cpu' | 'memory' | 'gpu'): Series {
    const record = { cpu: 'ml_service_pod:cpu_request:sum', memory: 'ml_service_pod:memory_request_bytes:sum', gpu: 'ml_service_pod:gpu_request:sum' }[resource];
    return this.signal(`podRequest:${resource}`, record, POD_LABELS, ['kube_pod_container_resource_requests', 'up'],
      () => this.onPods(this.q.podRequest(resource === 'gpu' ? 'nvidia_com_gpu' : resource)), this.podLabel);
  }

  /** Requests waiting in the runtime's queue, per namespace and service (and model). */
  public queueLength(): Series {
    const q = this.q;
    const g = this.gauge('queueLength');
    this.readsGauge(g);
    return this.signal('queue', 'ml_service:queue_length:sum', q.labels(g.byModel), q.gaugeFamilies(g), () => q.gaugeSum(g));
  }

  /** Requests per second by model and version, for runtimes that label both. */
  public requestsByVersion(): Series {
    const q = this.q;
    const s = q.spec;
    if (!s.modelLabel || !s.versionLabel || !s.requests.byModel) throw new Error(`internal: the ${s.name} runtime labels no model version`);
    const labels = [...q.base, s.modelLabel, s.versionLabel];
    return this.signal('requestsByVersion', `ml_service:requests_by_version:rate${q.window}`, labels, [s.requests.metric], () => q.rate(s.requests, labels));
  }

  /** Prompt or generated tokens per second (LLM runtimes). */
  public tokenRate(kind: 'prompt' | 'generation'): Series {
    const q = this.q;
    const c = kind === 'prompt' ? q.spec.promptTokens : q.spec.generationTokens;
    if (!c) throw new Error(`internal: the ${q.spec.name} runtime exports no ${kind} token counter`);
    this.reads([c.metric], 'runtime', c.atStart);
    return this.signal(`tokens:${kind}`, `ml_service:${kind}_tokens:rate${q.window}`, q.labels(c.byModel), [c.metric], () => q.rate(c, q.labels(c.byModel)));
  }

  /** A per-pod gauge of the runtime read directly (KV cache, GPU), as a fraction of its capacity. */
  public podGaugeRatio(kind: 'kvCacheUsage' | 'gpuUtilization', extra: ReadonlyArray<LabelMatcher> = []): string {
    if (kind === 'gpuUtilization' && this.dcgm) {
      return this.onServiceGpus(m => `${selector(DCGM.utilization, m)} / 100`, [DCGM.utilization], extra);
    }
    const g = this.gauge(kind);
    this.readsGauge(g);
    const sel = this.q.gaugeSeries(g, extra);
    const compound = (g.formerMetrics?.length ?? 0) > 0 || g.histogramMean === true;
    const value = compound ? `(${sel})` : sel;
    return (g.scale ?? 1) === 1 ? value : `${value} / ${formatNumber(g.scale!)}`;
  }

  /** GPU memory used over the GPU's memory, per GPU of the service's pods. */
  public gpuMemoryRatio(extra: ReadonlyArray<LabelMatcher> = []): string {
    if (this.dcgm) {
      return this.onServiceGpus(m => `${selector(DCGM.memoryUsed, m)} / (${selector(DCGM.memoryUsed, m)} + ${selector(DCGM.memoryFree, m)})`,
        [DCGM.memoryUsed, DCGM.memoryFree], extra);
    }
    const used = this.gauge('gpuMemoryUsed');
    const total = this.gauge('gpuMemoryTotal');
    this.readsGauge(used);
    this.readsGauge(total);
    return `${this.q.sel(used.metric, [...(used.matchers ?? []), ...extra])} / ${this.q.sel(total.metric, [...(total.matchers ?? []), ...extra])}`;
  }

  /**
   * Container restarts per pod within `window` (kube-state-metrics) on the service's pods; `filter` is a
   * comparison applied before the join, e.g. `> 3`; `extra` narrows further (a Grafana variable).
   */
  public podRestarts(window: string, filter = '', extra: ReadonlyArray<LabelMatcher> = []): string {
    this.reads(['kube_pod_container_status_restarts_total'], 'kube-state-metrics', true);
    return this.onPods(`${this.q.podRestarts(window, extra)}${filter ? ` ${filter}` : ''}`);
  }

  /** Not-ready conditions per pod on the service's pods; `filter` as for `podRestarts`. */
  public podNotReady(filter = ''): string {
    this.reads(['kube_pod_status_ready'], 'kube-state-metrics', true);
    return this.onPods(`${this.q.podNotReady()}${filter ? ` ${filter}` : ''}`);
  }

  /** Running pods of the service; `extra` narrows further (a Grafana variable). */
  public podsRunning(extra: ReadonlyArray<LabelMatcher> = []): string {
    this.reads(['kube_pod_status_phase'], 'kube-state-metrics', true);
    return this.onPods(this.q.podsRunning(extra));
  }

  /** The scrape health of each target (`up`), scoped to the service. */
  public targetsUp(): string {
    this.readsRaw('up');
    return this.q.sel('up');
  }

  private gauge(kind: 'queueLength' | 'kvCacheUsage' | 'gpuUtilization' | 'gpuMemoryUsed' | 'gpuMemoryTotal'): GaugeSignal {
    const g = this.q.spec[kind];
    if (!g) throw new Error(`internal: the ${this.q.spec.name} runtime has no ${kind} gauge`);
    return g;
  }

  private get podLabel(): { [k: string]: string } {
    return { [SERVICE_LABEL]: this.q.service };
  }
}

function checkQuantile(q: number): void {
  if (!(typeof q === 'number' && q > 0 && q < 1)) throw new Error(`internal: quantile ${q} is not between 0 and 1 exclusive`);
}
