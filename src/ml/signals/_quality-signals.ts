import { SignalCatalog } from './_catalog';
import { Series } from './_series';
import { LabelMatcher, selector } from '../../common/_promql';
import { RuleGroup } from '../../rules/rule-group';

/** A histogram's distribution, as `ModelQualityMonitoring` reads it. @internal */
export interface DistributionSource {
  readonly name: string;
  readonly histogram: string;
  readonly matchers: ReadonlyArray<LabelMatcher>;
  readonly window: string;
}

/** A class-labelled counter, as `ModelQualityMonitoring` reads it. @internal */
export interface ClassSource {
  readonly name: string;
  readonly counter: string;
  readonly classLabel: string;
  readonly matchers: ReadonlyArray<LabelMatcher>;
  readonly window: string;
}

/**
 * Series a quality alert or panel reads and cannot do without: any of `names`, with `matchers`. Families
 * whose absence is healthy (a counter of missing values, written on the first one) are not needs. @internal
 */
export interface QualityNeed {
  readonly names: ReadonlyArray<string>;
  readonly matchers: ReadonlyArray<LabelMatcher>;
}

/** Confusion counters over a window: `names` are the true positives, false positives, true negatives, false negatives. @internal */
export interface ConfusionSource extends QualityNeed {
  readonly window: string;
}

/** A request counter labelled by model and version. @internal */
export interface VersionSource {
  readonly counter: string;
  readonly modelLabel: string;
  readonly versionLabel: string;
  readonly matchers: ReadonlyArray<LabelMatcher>;
  /** Regex matchers that select failed requests, for the per-version error panel. */
  readonly errors?: ReadonlyArray<LabelMatcher>;
  /** A latency histogram (base name, seconds) with the same labels, for the per-version p95 panel. */
  readonly latencyHistogram?: string;
}

/**
 * The signal catalog of one model's quality: its identity is the `model` label (and `distribution` for
 * per-distribution series). Alerts and panels read these handles; nothing else names a quality series.
 * @internal
 */
export class QualitySignals extends SignalCatalog {
  private readonly needed = new Map<string, QualityNeed>();

  constructor(private readonly model: string, namespace: string, group: RuleGroup) {
    // The namespace is part of the identity: one model name in two tenants is two models.
    super({ group, identity: [{ name: 'model', op: '=', value: model }, { name: 'namespace', op: '=', value: namespace }], staticLabels: { model, namespace } });
  }

  private dist(name: string): LabelMatcher[] {
    return [{ name: 'distribution', op: '=', value: name }];
  }

  /** The cumulative fraction of a histogram at every `le` over its window. */
  public cdf(d: DistributionSource): Series {
    this.needs([`${d.histogram}_bucket`], d.matchers);
    return this.signal(`cdf:${d.name}`, 'ml_quality:distribution_cdf:ratio', ['model', 'distribution', 'le'], [`${d.histogram}_bucket`, `${d.histogram}_count`],
      () => `sum by (le) (increase(${selector(`${d.histogram}_bucket`, d.matchers)}[${d.window}]))\n/ ignoring (le) group_left ()\n` +
        `(sum(increase(${selector(`${d.histogram}_count`, d.matchers)}[${d.window}])) > 0)`,
      { distribution: d.name }, undefined, this.dist(d.name));
  }

  /**
   * The Kolmogorov–Smirnov distance between the distribution now and one `baseline` earlier (the
   * baseline is part of the distribution's definition: the first call records it).
   */
  public ks(d: DistributionSource, baseline: string): Series {
    return this.signal(`ks:${d.name}`, 'ml_quality:distribution_ks:distance', ['model', 'distribution'], [`${d.histogram}_bucket`, `${d.histogram}_count`],
      () => {
        const cdf = this.cdf(d).select();
        return `max(abs(${cdf} - ${cdf} offset ${baseline}))`;
      }, { distribution: d.name }, undefined, this.dist(d.name));
  }

  /** The share of each predicted class over the window. */
  public classShare(c: ClassSource): Series {
    this.needs([c.counter], c.matchers);
    const sel = selector(c.counter, c.matchers);
    return this.signal(`class:${c.name}`, 'ml_quality:class_share:ratio', ['model', 'distribution', c.classLabel], [c.counter],
      () => `sum by (${c.classLabel}) (increase(${sel}[${c.window}]))\n/ ignoring (${c.classLabel}) group_left ()\n(sum(increase(${sel}[${c.window}])) > 0)`,
      { distribution: c.name }, undefined, this.dist(c.name));
  }

  /** Accuracy from confusion counters. */
  public accuracyFromCounters(c: ConfusionSource): Series {
    const [tp, fp, tn, fn] = this.confusion(c);
    // Any of the four: Seldon's metrics server writes only the counter of each feedback's outcome
    // (components/alibi-detect-server/adserver/cm_models/binary_metrics.py), so a perfect classifier never
    // writes its false-positive counter.
    this.needs(c.names, c.matchers);
    return this.signal('accuracy', 'ml_quality:accuracy:ratio', ['model'], c.names,
      () => `(${tp} + ${tn})\n/ ((${tp} + ${tn} + ${fp} + ${fn}) > 0)`);
  }

  /** Accuracy from a gauge the evaluation job exports. */
  public accuracyFromGauge(g: QualityNeed): Series {
    this.needs(g.names, g.matchers);
    return this.signal('accuracy', 'ml_quality:accuracy:ratio', ['model'], g.names, () => `max(${selector(g.names[0], g.matchers)})`);
  }

  public precision(c: ConfusionSource): Series {
    const [tp, fp] = this.confusion(c);
    return this.signal('precision', 'ml_quality:precision:ratio', ['model'], [c.names[0], c.names[1]], () => `${tp} / ((${tp} + ${fp}) > 0)`);
  }

  public recall(c: ConfusionSource): Series {
    const [tp, , , fn] = this.confusion(c);
    return this.signal('recall', 'ml_quality:recall:ratio', ['model'], [c.names[0], c.names[3]], () => `${tp} / ((${tp} + ${fn}) > 0)`);
  }

  public f1(c: ConfusionSource): Series {
    return this.signal('f1', 'ml_quality:f1:ratio', ['model'], [c.names[0], c.names[1], c.names[3]], () => {
      const p = this.precision(c).select();
      const r = this.recall(c).select();
      return `2 * ${p} * ${r} / ((${p} + ${r}) > 0)`;
    });
  }

  /** Requests per second by model and version over `window` (alerts: 5m; panels: `$__rate_interval`). */
  public servingByVersion(v: VersionSource, window: string): string {
    this.needs([v.counter], v.matchers);
    return `sum by (namespace, ${v.modelLabel}, ${v.versionLabel}) (rate(${selector(v.counter, v.matchers)}[${window}]))`;
  }

  /** A raw rate of a user-named counter over `window`, for alerts and panels alike. */
  public rawRate(metric: string, matchers: ReadonlyArray<LabelMatcher>, window: string, by?: string, offset?: string): string {
    this.readsRaw(metric);
    return `sum${by ? ` by (${by}) ` : ''}(rate(${selector(metric, matchers)}[${window}]${offset ? ` offset ${offset}` : ''}))`;
  }

  /**
   * Notes series that an enabled alert or panel cannot do without (any of `names`, with `matchers`), for
   * the missing-series alert; they count as read too.
   */
  public needs(names: ReadonlyArray<string>, matchers: ReadonlyArray<LabelMatcher>): void {
    this.readsRaw(...names);
    const need = { names: [...names], matchers: [...matchers] };
    this.needed.set(JSON.stringify(need), need);
  }

  /** What the model's enabled alerts and panels cannot do without, in the order first noted. */
  public get requiredSeries(): QualityNeed[] {
    return [...this.needed.values()];
  }

  /** A raw gauge named by the user, noted as read. */
  public rawGauge(metric: string, matchers: ReadonlyArray<LabelMatcher>): string {
    this.readsRaw(metric);
    return selector(metric, matchers);
  }

  /** The model name (the `model` identity label). */
  public get modelName(): string {
    return this.model;
  }

  private confusion(c: ConfusionSource): string[] {
    return c.names.map(n => `(sum(increase(${selector(n, c.matchers)}[${c.window}])) or vector(0))`);
  }
}
