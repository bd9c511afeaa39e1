import { CounterSignal, GaugeSignal, HistogramSignal, RuntimeSpec } from './_runtime-spec';
import { formatNumber } from '../common/_number';
import { LabelMatcher, selector } from '../common/_promql';

/** The label every series scraped through an MlInferenceMonitoring carries: its identity. @internal */
export const SERVICE_LABEL = 'ml_service';

/** `p95`, `p99`, `p99_9`. @internal */
export function quantileName(q: number): string {
  return `p${formatNumber(q * 100).replace('.', '_')}`;
}

/** Matchers of container series of real containers (cAdvisor writes one without a name, and the pause container). */
const REAL_CONTAINERS: LabelMatcher[] = [{ name: 'container', op: '!=', value: '' }, { name: 'container', op: '!=', value: 'POD' }];

/**
 * Raw PromQL over the series one monitored service exports, built from its runtime's spec and scoped to
 * its identity (the `ml_service` label and its namespaces). Only the signal catalog
 * (`signals/_inference-signals.ts`) calls this: everyone else reads recorded series from the catalog.
 * @internal
 */
export class InferenceQueries {
  public readonly base: string[] = ['namespace', SERVICE_LABEL];
  private readonly nsMatcher: LabelMatcher;

  constructor(public readonly spec: RuntimeSpec, public readonly service: string, public readonly namespaces: string[],
    public readonly window: string = '5m') {
    this.nsMatcher = namespaces.length === 1
      ? { name: 'namespace', op: '=', value: namespaces[0] }
      : { name: 'namespace', op: '=~', value: [...namespaces].sort().join('|') };
  }

  /** The identity of this service's series: its `ml_service` label and its namespaces. */
  public get identity(): LabelMatcher[] {
    return [{ name: SERVICE_LABEL, op: '=', value: this.service }, this.nsMatcher];
  }

  /** A raw series of this service: scoped by the identity label and the namespaces. */
  public sel(metric: string, extra: ReadonlyArray<LabelMatcher> = []): string {
    return selector(metric, [...this.identity, ...extra]);
  }

  /** A series not scraped through our monitor (cAdvisor, kube-state-metrics): scoped by namespace only. */
  public nsSel(metric: string, extra: ReadonlyArray<LabelMatcher> = []): string {
    return selector(metric, [...extra, this.nsMatcher]);
  }

  /** The aggregation labels of a signal: namespace, service and, when the series carry it, the model. */
  public labels(byModel: boolean): string[] {
    return byModel && this.spec.modelLabel ? [...this.base, this.spec.modelLabel] : this.base;
  }

  public by(labels: ReadonlyArray<string>): string {
    return `by (${labels.join(', ')})`;
  }

  public rate(c: CounterSignal, labels: ReadonlyArray<string>, window: string = this.window): string {
    return `sum ${this.by(labels)} (rate(${this.sel(c.metric, c.matchers)}[${window}]))`;
  }

  public get requestLabels(): string[] {
    return this.labels(this.spec.requests.byModel);
  }

  /** The runtime's error counter; throws for a runtime that counts no errors (callers check `hasErrors`). */
  public get errors(): CounterSignal {
    if (!this.spec.errors) throw new Error(`internal: the ${this.spec.name} runtime counts no failed requests`);
    return this.spec.errors;
  }

  /** Whether the runtime counts failed requests. */
  public get hasErrors(): boolean {
    return this.spec.errors !== undefined;
  }

  public get errorLabels(): string[] {
    return this.spec.errorsAreExtra ? this.requestLabels : this.labels(this.errors.byModel);
  }

  /** Labels shared by errors and requests: where the error ratio can be computed. */
  public get ratioLabels(): string[] {
    return this.labels(this.spec.requests.byModel && this.errors.byModel);
  }

  /** The metric families that request counting reads. */
  public get requestFamilies(): string[] {
    return this.spec.errorsAreExtra ? [this.spec.requests.metric, this.errors.metric] : [this.spec.requests.metric];
  }

  /** The metric families that error counting reads (the request counter too: errors are zero, not absent). */
  public get errorFamilies(): string[] {
    return [this.errors.metric, this.spec.requests.metric];
  }

  /** All requests per second. A missing error counter (no failure yet) counts as zero. */
  public requestRate(window: string = this.window, labels: ReadonlyArray<string> = this.requestLabels): string {
    const s = this.spec;
    if (!s.errorsAreExtra) return this.rate(s.requests, labels, window);
    const ok = this.rate(s.requests, labels, window);
    const failed = this.rate(this.errors, labels, window);
    return `(${ok} or 0 * ${failed}) + (${failed} or 0 * ${ok})`;
  }

  /** Failed requests per second; zero rather than absent while the service serves without errors. */
  public errorRate(window: string = this.window, labels: ReadonlyArray<string> = this.errorLabels): string {
    const errors = this.rate(this.errors, labels, window);
    return `${errors} or 0 * ${this.rate(this.spec.requests, labels, window)}`;
  }

  /** The matcher of the monitored namespaces. */
  public get namespaceMatcher(): LabelMatcher {
    return this.nsMatcher;
  }

  public get latencyLabels(): string[] {
    const s = this.spec;
    const avg = s.averageLatency;
    return this.labels(s.latency ? s.latency.byModel
      : (avg?.sum.byModel ?? false) && (avg?.count.byModel ?? false) && (avg?.untimed ?? []).every(c => c.byModel));
  }

  /** The metric families of a histogram's quantile (its current and former names). */
  public histogramFamilies(h: HistogramSignal): string[] {
    return [h.base, ...(h.formerBases ?? [])].flatMap(b => [`${b}_bucket`, `${b}_count`]);
  }

  /**
   * `sum by (labels) (rate(<base><suffix>[w]))` of a histogram, over its current name or, where that is
   * absent, its former names (never both: a runtime that writes both names during a deprecation would
   * otherwise count every observation twice); `extra` narrows further (an `le`).
   */
  public histogramRate(h: HistogramSignal, suffix: string, labels: ReadonlyArray<string>, window: string,
    extra: ReadonlyArray<LabelMatcher> = []): string {
    const one = (base: string) =>
      this.rate({ metric: `${base}${suffix}`, matchers: [...(h.matchers ?? []), ...extra], byModel: h.byModel }, labels, window);
    const bases = [h.base, ...(h.formerBases ?? [])];
    return bases.length === 1 ? one(h.base) : bases.map(b => `(${one(b)})`).join(' or ');
  }

  /** A quantile of a histogram in seconds; absent while the histogram receives no observations. */
  public quantile(h: HistogramSignal, q: number, window: string = this.window, l: ReadonlyArray<string> = this.labels(h.byModel)): string {
    const scaled = h.unitSeconds === 1 ? '' : ` * ${formatNumber(h.unitSeconds)}`;
    const buckets = this.histogramRate(h, '_bucket', [...l, 'le'], window);
    const traffic = this.histogramRate(h, '_count', l, window);
    return `histogram_quantile(${formatNumber(q)}, ${buckets})${scaled} and on (${l.join(', ')}) (${traffic} > 0)`;
  }

  /** The metric families of the average latency, if the runtime has one. */
  public get averageLatencyFamilies(): string[] {
    const s = this.spec;
    if (s.latency) return [`${s.latency.base}_sum`, `${s.latency.base}_count`];
    if (s.averageLatency) return [s.averageLatency.sum.metric, s.averageLatency.count.metric, ...(s.averageLatency.untimed ?? []).map(c => c.metric)];
    return [];
  }

  /** The average latency in seconds, from a histogram's sum and count or from cumulative counters. */
  public averageLatency(): string | undefined {
    const s = this.spec;
    const l = this.latencyLabels;
    let sum: string;
    let count: string;
    let unit: number;
    if (s.latency) {
      sum = this.rate({ metric: `${s.latency.base}_sum`, matchers: s.latency.matchers, byModel: s.latency.byModel }, l);
      count = this.rate({ metric: `${s.latency.base}_count`, matchers: s.latency.matchers, byModel: s.latency.byModel }, l);
      unit = s.latency.unitSeconds;
    } else if (s.averageLatency) {
      sum = this.rate(s.averageLatency.sum, l);
      const all = this.rate(s.averageLatency.count, l);
      count = all;
      for (const u of s.averageLatency.untimed ?? []) count = `(${count} - (${this.rate(u, l)} or 0 * ${all}))`;
      unit = s.averageLatency.unitSeconds;
    } else {
      return undefined;
    }
    return `${sum} / (${count} > 0)${unit === 1 ? '' : ` * ${formatNumber(unit)}`}`;
  }

  /** The pods of this service: those our monitor scrapes. Joins cluster-level series to the service. */
  public podMembership(): string {
    return `max by (namespace, pod) (${this.sel('up')})`;
  }

  public podCpu(): string {
    return `sum by (namespace, pod) (rate(${this.nsSel('container_cpu_usage_seconds_total', REAL_CONTAINERS)}[${this.window}]))`;
  }

  public podMemory(): string {
    return `sum by (namespace, pod) (${this.nsSel('container_memory_working_set_bytes', REAL_CONTAINERS)})`;
  }

  public podLimit(resource: 'cpu' | 'memory'): string {
    return `sum by (namespace, pod) (${this.nsSel('kube_pod_container_resource_limits', [{ name: 'resource', op: '=', value: resource }])})`;
  }

  /** What a pod's containers request of `resource` (kube-state-metrics names a GPU `nvidia_com_gpu`). */
  public podRequest(resource: 'cpu' | 'memory' | 'nvidia_com_gpu'): string {
    return `sum by (namespace, pod) (${this.nsSel('kube_pod_container_resource_requests', [{ name: 'resource', op: '=', value: resource }])})`;
  }

  public podRestarts(window: string, extra: ReadonlyArray<LabelMatcher> = []): string {
    return `sum by (namespace, pod) (increase(${this.nsSel('kube_pod_container_status_restarts_total', extra)}[${window}]))`;
  }

  public podNotReady(): string {
    return `sum by (namespace, pod) (${this.nsSel('kube_pod_status_ready', [{ name: 'condition', op: '=', value: 'false' }])})`;
  }

  public podsRunning(extra: ReadonlyArray<LabelMatcher> = []): string {
    return `sum by (namespace, pod) (${this.nsSel('kube_pod_status_phase', [{ name: 'phase', op: '=', value: 'Running' }, ...extra])})`;
  }

  /** The metric families a gauge reads (its current and former names; a histogram's sum and count). */
  public gaugeFamilies(g: GaugeSignal): string[] {
    const names = [g.metric, ...(g.formerMetrics ?? [])];
    return g.histogramMean ? names.flatMap(n => [`${n}_sum`, `${n}_count`]) : names;
  }

  /**
   * A gauge's series of this service (each pod's), by its current name or, where that is absent, its
   * former ones; a histogram of observed values (`histogramMean`) as the mean value observed in the window.
   */
  public gaugeSeries(g: GaugeSignal, extra: ReadonlyArray<LabelMatcher> = []): string {
    const one = (name: string) => {
      const m = [...(g.matchers ?? []), ...extra];
      if (!g.histogramMean) return this.sel(name, m);
      return `rate(${this.sel(`${name}_sum`, m)}[${this.window}]) / (rate(${this.sel(`${name}_count`, m)}[${this.window}]) > 0)`;
    };
    const names = [g.metric, ...(g.formerMetrics ?? [])];
    return names.length === 1 ? one(g.metric) : names.map(n => `(${one(n)})`).join(' or ');
  }

  /** A gauge summed per namespace, service and (where the series carry it) model. */
  public gaugeSum(g: GaugeSignal): string {
    return `sum ${this.by(this.labels(g.byModel))} (${this.gaugeSeries(g)})`;
  }
}
