import { CounterSignal, GaugeSignal, HistogramSignal, RuntimeSpec } from './_runtime-spec';
import { formatNumber } from '../common/_number';
import { LabelMatcher, selector } from '../common/_promql';

/** The label every series scraped through an MlInferenceMonitoring carries: its identity. @internal */
export const SERVICE_LABEL = 'ml_service';

/**
 * Recorded series over a rate window (`5m` by default): one definition per signal, read by alerts, panels
 * and SLOs alike. The window is part of each name. @internal
 */
export function records(w: string) {
  return {
    requests: `ml_service:requests:rate${w}`,
    errors: `ml_service:request_errors:rate${w}`,
    errorRatio: `ml_service:request_errors:ratio_rate${w}`,
    averageLatency: `ml_service:request_duration_seconds:avg_${w}`,
    podUp: 'ml_service_pod:up:max',
    podCpu: `ml_service_pod:cpu_usage:rate${w}`,
    podCpuLimit: 'ml_service_pod:cpu_limit:sum',
    podMemory: 'ml_service_pod:memory_working_set_bytes:sum',
    podMemoryLimit: 'ml_service_pod:memory_limit_bytes:sum',
    latencyQuantile: (q: number) => `ml_service:request_duration_seconds:${quantileName(q)}_${w}`,
    ttftQuantile: (q: number) => `ml_service:time_to_first_token_seconds:${quantileName(q)}_${w}`,
  };
}

/** The recorded series at the default 5m window. @internal */
export const RECORD = records('5m');

/** `p95`, `p99`, `p99_9`. @internal */
export function quantileName(q: number): string {
  return `p${formatNumber(q * 100).replace('.', '_')}`;
}

/**
 * PromQL for one monitored service, built from its runtime's spec. Every expression the construct emits
 * comes from here.
 * @internal
 */
export class InferenceQueries {
  public readonly base: string[] = ['namespace', SERVICE_LABEL];
  private readonly nsMatcher: LabelMatcher;

  /** The recorded series at this service's rate window. */
  public readonly R: ReturnType<typeof records>;

  constructor(public readonly spec: RuntimeSpec, public readonly service: string, public readonly namespaces: string[],
    public readonly window: string = '5m') {
    this.R = records(window);
    this.nsMatcher = namespaces.length === 1
      ? { name: 'namespace', op: '=', value: namespaces[0] }
      : { name: 'namespace', op: '=~', value: [...namespaces].sort().join('|') };
  }

  /** A raw series of this service: scoped by the identity label and the namespaces. */
  public sel(metric: string, extra: ReadonlyArray<LabelMatcher> = []): string {
    return selector(metric, [{ name: SERVICE_LABEL, op: '=', value: this.service }, this.nsMatcher, ...extra]);
  }

  /** A series not scraped through our monitor (cAdvisor, kube-state-metrics): scoped by namespace only. */
  public nsSel(metric: string, extra: ReadonlyArray<LabelMatcher> = []): string {
    return selector(metric, [...extra, this.nsMatcher]);
  }

  /** A recorded series of this service, optionally narrowed further (e.g. by Grafana variables). */
  public rec(record: string, extra: ReadonlyArray<LabelMatcher> = []): string {
    return selector(record, [{ name: SERVICE_LABEL, op: '=', value: this.service }, ...extra]);
  }

  /** The aggregation labels of a signal: namespace, service and, when the series carry it, the model. */
  public labels(byModel: boolean): string[] {
    return byModel && this.spec.modelLabel ? [...this.base, this.spec.modelLabel] : this.base;
  }

  public by(labels: string[]): string {
    return `by (${labels.join(', ')})`;
  }

  private rate(c: CounterSignal, labels: string[], window: string = this.window): string {
    return `sum ${this.by(labels)} (rate(${this.sel(c.metric, c.matchers)}[${window}]))`;
  }

  public get requestLabels(): string[] {
    return this.labels(this.spec.requests.byModel);
  }

  public get errorLabels(): string[] {
    return this.spec.errorsAreExtra ? this.requestLabels : this.labels(this.spec.errors.byModel);
  }

  /** Labels shared by errors and requests: where the error ratio can be computed. */
  public get ratioLabels(): string[] {
    return this.labels(this.spec.requests.byModel && this.spec.errors.byModel);
  }

  /** All requests per second. A missing error counter (no failure yet) counts as zero. */
  public requestRate(window: string = this.window, labels: string[] = this.requestLabels): string {
    const s = this.spec;
    if (!s.errorsAreExtra) return this.rate(s.requests, labels, window);
    const ok = this.rate(s.requests, labels, window);
    const failed = this.rate(s.errors, labels, window);
    return `(${ok} or 0 * ${failed}) + (${failed} or 0 * ${ok})`;
  }

  /** Failed requests per second; zero rather than absent while the service serves without errors. */
  public errorRate(window: string = this.window, labels: string[] = this.errorLabels): string {
    const s = this.spec;
    const errors = this.rate(s.errors, labels, window);
    return `${errors} or 0 * ${this.rate(s.requests, labels, window)}`;
  }

  /** The matcher of the monitored namespaces. */
  public get namespaceMatcher(): LabelMatcher {
    return this.nsMatcher;
  }

  /** The error ratio, from the recorded rates; absent (never NaN) while there is no traffic. */
  public errorRatio(): string {
    const l = this.ratioLabels;
    return `sum ${this.by(l)} (${this.rec(this.R.errors)}) / (sum ${this.by(l)} (${this.rec(this.R.requests)}) > 0)`;
  }

  public get latencyLabels(): string[] {
    const s = this.spec;
    return this.labels(s.latency ? s.latency.byModel : (s.averageLatency?.sum.byModel ?? false) && (s.averageLatency?.count.byModel ?? false));
  }

  /** A quantile of a histogram in seconds; absent while the histogram receives no observations. */
  public quantile(h: HistogramSignal, q: number, window: string = this.window): string {
    const l = this.labels(h.byModel);
    const scaled = h.unitSeconds === 1 ? '' : ` * ${formatNumber(h.unitSeconds)}`;
    const buckets = `sum ${this.by([...l, 'le'])} (rate(${this.sel(`${h.base}_bucket`, h.matchers)}[${window}]))`;
    const traffic = `sum ${this.by(l)} (rate(${this.sel(`${h.base}_count`, h.matchers)}[${window}])) > 0`;
    return `histogram_quantile(${formatNumber(q)}, ${buckets})${scaled} and on (${l.join(', ')}) (${traffic})`;
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
      count = this.rate(s.averageLatency.count, l);
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

  public onPods(expr: string): string {
    return `${expr} and on (namespace, pod) ${this.rec(this.R.podUp)}`;
  }

  public podCpu(): string {
    const c: LabelMatcher[] = [{ name: 'container', op: '!=', value: '' }, { name: 'container', op: '!=', value: 'POD' }];
    return this.onPods(`sum by (namespace, pod) (rate(${this.nsSel('container_cpu_usage_seconds_total', c)}[${this.window}]))`);
  }

  public podMemory(): string {
    const c: LabelMatcher[] = [{ name: 'container', op: '!=', value: '' }, { name: 'container', op: '!=', value: 'POD' }];
    return this.onPods(`sum by (namespace, pod) (${this.nsSel('container_memory_working_set_bytes', c)})`);
  }

  public podLimit(resource: 'cpu' | 'memory'): string {
    return this.onPods(`sum by (namespace, pod) (${this.nsSel('kube_pod_container_resource_limits', [{ name: 'resource', op: '=', value: resource }])})`);
  }

  public podRestarts(window: string): string {
    return `sum by (namespace, pod) (increase(${this.nsSel('kube_pod_container_status_restarts_total')}[${window}]))`;
  }

  public podNotReady(): string {
    return `sum by (namespace, pod) (${this.nsSel('kube_pod_status_ready', [{ name: 'condition', op: '=', value: 'false' }])})`;
  }

  /** The traffic guard: the service (per namespace) serves at least `minRate` requests per second. */
  public trafficAtLeast(minRate: number, labels: string[] = this.base): string {
    return `on (${labels.join(', ')}) (sum ${this.by(labels)} (${this.rec(this.R.requests)}) >= ${formatNumber(minRate)})`;
  }

  /** A gauge summed per namespace, service and (where the series carry it) model. */
  public gaugeSum(g: GaugeSignal): string {
    return `sum ${this.by(this.labels(g.byModel))} (${this.sel(g.metric, g.matchers)})`;
  }
}
