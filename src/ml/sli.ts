import { Duration } from 'cdk8s';
import { SliEvents } from './_sli-events';
import { LatencyUnit } from './inference-runtime';
import { promDuration } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { validateLabelValue, validateMetricName, validatePromLabelName } from '../common/_names';
import { formatNumber } from '../common/_number';
import { LabelMatcher, isVectorSelector, metricNameOf, parsePromQL, selector, selectorParts } from '../common/_promql';

const VECTOR_SELECTOR = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?$|^\{.*\}$/s;

/** An SLI from a counter of failed events and a counter of all events. */
export interface ErrorRatioSliOptions {
  /** A name for the SLI, unique in the app: the `sli` label of its recorded series. */
  readonly name: string;
  /** A vector selector of the failed-events counter, e.g. `http_requests_total{job="api",code=~"5.."}`. */
  readonly errors: string;
  /** A vector selector of the all-events counter, e.g. `http_requests_total{job="api"}`. */
  readonly total: string;
  /**
   * Labels the SLO is computed per (one alert per value), e.g. `["namespace"]`.
   * @default - one SLO over everything the selectors match
   */
  readonly aggregateBy?: string[];
}

/** An SLI from a counter of good events and a counter of all events. */
export interface GoodRatioSliOptions {
  /** A name for the SLI, unique in the app: the `sli` label of its recorded series. */
  readonly name: string;
  /** A vector selector of the good-events counter. */
  readonly good: string;
  /** A vector selector of the all-events counter. */
  readonly total: string;
  /**
   * Labels the SLO is computed per.
   * @default - one SLO over everything the selectors match
   */
  readonly aggregateBy?: string[];
}

/** A latency SLI: the share of requests slower than a threshold, read from a histogram's `le` bucket. */
export interface LatencySliOptions {
  /** A name for the SLI, unique in the app: the `sli` label of its recorded series. */
  readonly name: string;
  /** The histogram's base name (its series are `<name>_bucket` and `<name>_count`). */
  readonly histogram: string;
  /**
   * Requests slower than this are bad. Must be one of the histogram's bucket boundaries.
   */
  readonly threshold: Duration;
  /**
   * The histogram's unit.
   * @default LatencyUnit.SECONDS
   */
  readonly unit?: LatencyUnit;
  /**
   * Equality matchers that narrow the histogram, e.g. `{ job: 'api' }`.
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
  /**
   * Labels the SLO is computed per.
   * @default - one SLO over everything the histogram holds
   */
  readonly aggregateBy?: string[];
}

const UNIT_SECONDS: { [unit: string]: number } = { seconds: 1, milliseconds: 0.001, microseconds: 0.000001 };

/** What an SLI knows beyond its rates. */
interface SliExtra {
  /** The rates are already sums (a monitored service's recorded expressions). */
  readonly rawSums?: boolean;
  readonly bucket?: Sli['_bucket'];
  readonly targets?: string;
  readonly events?: SliEvents;
}

/**
 * A service-level indicator: how bad events and all events are counted. Recorded once per app, however
 * many SLOs use it.
 */
export class Sli {
  /** Failed events over all events. */
  public static errorRatio(options: ErrorRatioSliOptions): Sli {
    const where = 'Sli.errorRatio';
    const errors = checkSelector(where, 'errors', options.errors);
    const total = checkSelector(where, 'total', options.total);
    if (errors === total) throw invalidProp(where, 'errors', errors, 'a selector different from total (errors are a subset of all events)');
    return new Sli(where, options.name, options.aggregateBy, w => `rate(${errors}[${w}])`, w => `rate(${total}[${w}])`, false, `errors=${errors};total=${total}`,
      familiesOf(errors, total), { events: { kind: 'counters', part: selectorParts(errors), total: selectorParts(total), partIsGood: false } });
  }

  /** All events minus good events, over all events. */
  public static goodRatio(options: GoodRatioSliOptions): Sli {
    const where = 'Sli.goodRatio';
    const good = checkSelector(where, 'good', options.good);
    const total = checkSelector(where, 'total', options.total);
    if (good === total) throw invalidProp(where, 'good', good, 'a selector different from total (good events are a subset of all events)');
    return new Sli(where, options.name, options.aggregateBy, w => `rate(${good}[${w}])`, w => `rate(${total}[${w}])`, true, `good=${good};total=${total}`,
      familiesOf(good, total), { events: { kind: 'counters', part: selectorParts(good), total: selectorParts(total), partIsGood: true } });
  }

  /** Requests slower than `threshold`, from a histogram: `_count` minus the `le` bucket, over `_count`. */
  public static latency(options: LatencySliOptions): Sli {
    const where = 'Sli.latency';
    validateMetricName(where, 'histogram', options.histogram);
    if (/_(bucket|count|sum)$/.test(options.histogram)) {
      throw invalidProp(where, 'histogram', options.histogram, 'the histogram\'s base name, without _bucket, _count or _sum');
    }
    const unit = UNIT_SECONDS[options.unit ?? LatencyUnit.SECONDS];
    if (unit === undefined) throw invalidProp(where, 'unit', options.unit, 'a LatencyUnit');
    promDuration(options.threshold, where, 'threshold');
    const le = options.threshold.toMilliseconds({ integral: false }) / 1000 / unit;
    const matchers: LabelMatcher[] = Object.keys(options.matchers ?? {}).sort().map(k => {
      validatePromLabelName(where, 'matchers key', k);
      if (k === 'le') throw invalidProp(where, 'matchers', k, 'matchers other than le, which the threshold sets');
      return { name: k, op: '=', value: options.matchers![k] };
    });
    return Sli._histogram(where, options.name, options.histogram, le, matchers, options.aggregateBy);
  }

  /** An SLI from ready expressions (used by MlInferenceMonitoring's availability()). @internal */
  public static _fromRates(where: string, name: string, aggregateBy: string[], bad: (w: string) => string,
    total: (w: string) => string, key: string, families: string[], targets?: string, events?: SliEvents): Sli {
    return new Sli(where, name, aggregateBy, bad, total, false, key, families, { rawSums: true, targets, events });
  }

  /** @internal */
  public static _histogram(where: string, name: string, base: string, le: number, matchers: LabelMatcher[],
    aggregateBy: string[] | undefined, targets?: string, events?: SliEvents): Sli {
    const count = selector(`${base}_count`, matchers);
    // Prometheus 3 writes integral bucket bounds as "1.0", Prometheus 2 as "1": match both.
    const leText = formatNumber(le);
    const leRegex = Number.isInteger(le) ? `${leText}(\\.0)?` : leText.replace(/\./g, '\\.');
    const bucket = selector(`${base}_bucket`, [...matchers, { name: 'le', op: '=~', value: leRegex }]);
    return new Sli(where, name, aggregateBy, w => `rate(${bucket}[${w}])`, w => `rate(${count}[${w}])`, true, `hist=${base};le=${leText};${count}`,
      [`${base}_bucket`, `${base}_count`], { bucket: { count, bucket, le: leText, histogram: base }, targets, events: events ?? { kind: 'histogram', base, le, matchers } });
  }

  /** The SLI's name: the `sli` label of its recorded series. */
  public readonly name: string;
  /** The labels the SLO is computed per. */
  public readonly aggregateBy: string[];

  /** @internal */
  public readonly _key: string;
  /** The raw metric families the SLI reads. @internal */
  public readonly _families: string[];
  /**
   * For a latency SLI: the histogram's count and the bucket the threshold reads (a missing bucket makes
   * every request count as slow).
   * @internal
   */
  public readonly _bucket?: { readonly count: string; readonly bucket: string; readonly le: string; readonly histogram: string };
  /**
   * The scrape targets whose series the SLI reads (`up` of a monitored service), when known: its events
   * stopping while they are gone is the SLI's blind spot, not the service being idle.
   * @internal
   */
  public readonly _targets?: string;
  /** What the SLI counts, for generated tests; undefined when unknown. @internal */
  public readonly _events?: SliEvents;
  private readonly partRate: (window: string) => string;
  private readonly totalRate: (window: string) => string;
  private readonly partIsGood: boolean;
  /** The rate functions already return aggregated sums (with a missing error series counted as zero). */
  private readonly rawSums: boolean;

  private constructor(where: string, name: string, aggregateBy: string[] | undefined, part: (w: string) => string,
    total: (w: string) => string, partIsGood: boolean, key: string, families: string[], extra: SliExtra = {}) {
    if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(name) || name.length > 63) {
      throw invalidProp(where, 'name', name, 'lower-case letters, digits, "-", "_" and ".", at most 63, e.g. "checkout-availability"');
    }
    validateLabelValue(where, 'name', name);
    this.name = name;
    this.aggregateBy = [...(aggregateBy ?? [])];
    this.aggregateBy.forEach((l, i) => validatePromLabelName(where, `aggregateBy[${i}]`, l));
    if (this.aggregateBy.some(l => l === 'sli' || l === 'slo' || l === 'le')) {
      throw invalidProp(where, 'aggregateBy', this.aggregateBy, 'labels other than sli, slo and le');
    }
    this.partRate = part;
    this.totalRate = total;
    this.partIsGood = partIsGood;
    this.rawSums = extra.rawSums ?? false;
    this._bucket = extra.bucket;
    this._targets = extra.targets;
    this._events = extra.events;
    this._key = `${key};by=${this.aggregateBy.join(',')}`;
    this._families = [...new Set(families)].sort();
  }

  private sum(inner: string): string {
    if (this.rawSums) return inner;
    return this.aggregateBy.length > 0 ? `sum by (${this.aggregateBy.join(', ')}) (${inner})` : `sum(${inner})`;
  }

  /** Bad events per second over `window`; zero, not absent, while there are events but no bad ones. @internal */
  public _badRate(window: string): string {
    const total = this.sum(this.totalRate(window));
    const part = this.sum(this.partRate(window));
    if (this.partIsGood) return `${total} - (${part} or 0 * ${total})`;
    // Ready-made rates (an inference service's) already count a missing error series as zero.
    return this.rawSums ? part : `${part} or 0 * ${total}`;
  }

  /** All events per second over `window`. @internal */
  public _totalRate(window: string): string {
    return this.sum(this.totalRate(window));
  }
}

/** The metric names of plain vector selectors (a selector without a name reads no one family). */
function familiesOf(...selectors: string[]): string[] {
  return selectors.map(metricNameOf).filter((x): x is string => x !== undefined);
}

function checkSelector(where: string, prop: string, sel: string): string {
  const text = parsePromQL(sel, where, prop);
  if (!VECTOR_SELECTOR.test(text) || !isVectorSelector(text)) {
    throw invalidProp(where, prop, sel, 'a plain vector selector of a counter, e.g. http_requests_total{job="api",code=~"5.."} (no functions or operators)');
  }
  return text;
}
