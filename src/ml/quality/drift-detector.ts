import { ALIBI_DETECT, EVIDENTLY, MLRUN } from './_detector-exports';
import { DetectorSpec } from './_quality-spec';
import { invalidProp } from '../../common/_errors';
import { validateMetricName } from '../../common/_names';
import { formatNumber } from '../../common/_number';
import { LabelMatcher, selector, validatedEqualityMatchers, withScope } from '../../common/_promql';
import { Ratio } from '../../common/ratio';
import { ratioBetween } from '../alerts/_alert-settings';
import { QualityNeed } from '../signals/_quality-signals';

/** Which series of a drift detector to read. */
export interface DriftDetectorOptions {
  /**
   * Equality matchers that narrow the detector's series, e.g. `{ namespace: 'tenant-a' }`.
   * @default - every series of the detector
   */
  readonly matchers?: { [label: string]: string };
  /**
   * alibi-detect: alert when a feature's p-value falls below this significance level, instead of below the
   * detector's own exported `threshold` (which is already corrected for the number of features).
   * @default - the detector's exported threshold
   */
  readonly pValue?: number;
  /**
   * Evidently: alert when the share of drifted features exceeds this.
   * @default Ratio.percent(50)
   */
  readonly shareDrifted?: Ratio;
  /**
   * Alert when the detector's test statistic exceeds this distance. alibi-detect: the statistic its
   * detector reports (KS D, MMD², ...), which has no exported threshold of its own, so there is no distance
   * alert unless you give one. MLRun: the general drift (mean of the Hellinger and total-variation distances).
   * @default - alibi-detect: no distance alert; MLRun: 0.7 (MLRun's default "drift detected" level)
   */
  readonly distance?: number;
}

/** A custom drift gauge: alert when it crosses a threshold. */
export interface CustomDriftGaugeOptions {
  /** A name for the detector, used in alert texts. */
  readonly name: string;
  /** The gauge, e.g. `psi_score`. */
  readonly metric: string;
  /** The threshold. */
  readonly threshold: number;
  /**
   * Alert when the gauge is below the threshold (e.g. a p-value) instead of above it.
   * @default false
   */
  readonly below?: boolean;
  /**
   * Equality matchers that narrow the gauge.
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
}

/** One alert condition a detector contributes. @internal */
export interface DetectorCondition {
  readonly key: string;
  readonly expr: string;
  /** The series the condition needs (a family and the matchers it is read with): absent, the condition is blind. */
  readonly reads: ReadonlyArray<QualityNeed>;
  readonly summary: string;
  readonly description: string;
}

/**
 * A drift detector that publishes its results as Prometheus gauges: alibi-detect through Seldon,
 * Evidently's monitoring service, MLRun, or a gauge of your own.
 */
export class DriftDetector {
  /**
   * alibi-detect served by Seldon's detector server (checked against alibi-detect 0.12.0 and Seldon's
   * `alibi-detect-server`, `seldon_metric_drift_is_drift`, `_p_val`, `_distance`, `_threshold`, tag
   * `index` per feature): the detector's own drift flag; a feature's p-value below the detector's exported
   * `threshold`, which alibi-detect sets to its significance level divided by the number of features for
   * univariate detectors (or below `pValue`); and, only where you give `distance`, the test statistic above it.
   * The exported threshold is a p-value level, never compared with a distance.
   */
  public static alibiDetect(options: DriftDetectorOptions = {}): DriftDetector {
    const where = 'DriftDetector.alibiDetect';
    const m0 = matchersOf(where, options);
    if (options.shareDrifted !== undefined) throw invalidProp(where, 'shareDrifted', options.shareDrifted.toString(), 'no shareDrifted: alibi-detect exports no share of drifted features');
    const pValue = options.pValue !== undefined ? pValueOf(where, options) : undefined;
    // KS D and the other statistics alibi-detect reports are 0 or more: at or below 0 the alert fires on every batch.
    const distance = options.distance !== undefined ? formatNumber(checkRange(where, 'distance', options.distance, 0, Infinity,
      'a distance above 0, e.g. 0.3: the test statistic is never below 0, so a threshold at or below 0 fires on every batch')) : undefined;
    const spec = (m: LabelMatcher[]): DetectorSpec => ({
      kind: 'alibi-detect',
      matchers: m,
      pValue: pValue === undefined ? undefined : Number(pValue),
      distance: distance === undefined ? undefined : Number(distance),
    });
    return new DriftDetector('alibi-detect', m0, spec, scope => {
      const m = withScope(m0, scope);
      // Each detector (a Seldon deployment in a namespace) is judged by its own threshold: two detectors the
      // matchers select never share one.
      const by = 'namespace, deployment_name';
      const level = pValue !== undefined
        ? pValue
        : `on (${by}) group_left () max by (${by}) (${selector(ALIBI_DETECT.threshold, m)})`;
      const conditions: DetectorCondition[] = [
        {
          key: 'flag',
          expr: `max by (${by}, index) (${selector(ALIBI_DETECT.isDrift, m)}) == 1`,
          reads: [{ names: [ALIBI_DETECT.isDrift], matchers: m }],
          summary: 'alibi-detect flags data drift',
          description: 'The drift detector reports is_drift = 1 for feature index {{ $labels.index }}.',
        },
        {
          key: 'pvalue',
          expr: `min by (${by}, index) (${selector(ALIBI_DETECT.pValue, m)}) < ${level}`,
          reads: [{ names: [ALIBI_DETECT.pValue], matchers: m }, ...(pValue === undefined ? [{ names: [ALIBI_DETECT.threshold], matchers: m }] : [])],
          summary: pValue !== undefined ? `Drift test p-value below ${level}` : 'Drift test p-value below the detector\'s corrected threshold',
          description: 'p-value {{ $value }} for feature index {{ $labels.index }}: the live data no longer looks like the reference data.',
        },
      ];
      if (distance !== undefined) {
        const d = distance;
        conditions.push({
          key: 'distance',
          expr: `max by (${by}, index) (${selector(ALIBI_DETECT.distance, m)}) > ${d}`,
          reads: [{ names: [ALIBI_DETECT.distance], matchers: m }],
          summary: `Drift distance above ${d}`,
          description: 'Drift test statistic {{ $value }} for feature index {{ $labels.index }}.',
        });
      }
      return conditions;
    });
  }

  /**
   * Evidently's monitoring-service example (`evidently:data_drift:dataset_drift`,
   * `evidently:data_drift:share_drifted_features`, label `dataset_name`), which exists only for Evidently
   * 0.1.59 to 0.2.x: its legacy `model_monitoring` API was removed in 0.3.0, and current Evidently has no
   * Prometheus exporter (publish its results as a gauge and use `customGauge`). No per-feature alert: the
   * per-feature value of those releases is a p-value or a distance depending on the statistical test.
   */
  public static evidently(options: DriftDetectorOptions = {}): DriftDetector {
    const where = 'DriftDetector.evidently';
    const m0 = matchersOf(where, options);
    if (options.pValue !== undefined) throw invalidProp(where, 'pValue', options.pValue, 'no pValue: Evidently\'s per-feature value is not always a p-value (use shareDrifted)');
    if (options.distance !== undefined) throw invalidProp(where, 'distance', options.distance, 'no distance: Evidently exports no distance of its own (use shareDrifted)');
    const share = formatNumber(ratioBetween(where, 'shareDrifted', options.shareDrifted ?? Ratio.percent(50),
      'the alert fires above it, and no more than every feature can drift', true));
    return new DriftDetector('evidently', m0, m => ({ kind: 'evidently', matchers: m, shareDrifted: Number(share) }), scope => {
      const m = withScope(m0, scope);
      return [
        {
          key: 'flag',
          expr: `max without (instance, pod) (${selector(EVIDENTLY.datasetDrift, m)}) == 1`,
          reads: [{ names: [EVIDENTLY.datasetDrift], matchers: m }],
          summary: 'Evidently flags dataset drift',
          description: 'Evidently reports dataset drift for {{ $labels.dataset_name }}.',
        },
        {
          key: 'share',
          expr: `max without (instance, pod) (${selector(EVIDENTLY.shareDrifted, m)}) > ${share}`,
          reads: [{ names: [EVIDENTLY.shareDrifted], matchers: m }],
          summary: `More than ${formatNumber(Number(share) * 100)}% of features drifted`,
          description: '{{ $value | humanizePercentage }} of the features drifted.',
        },
      ];
    });
  }

  /**
   * MLRun model monitoring's Prometheus gauges (MLRun 1.5.x and 1.6.x with the Prometheus TSDB; removed in
   * 1.7.0): the `drift_status` state set (DRIFT_DETECTED), and the general drift MLRun judges by, the mean
   * of the Hellinger and total-variation distances it exports as `drift_metrics{metric="hellinger_mean"}` and
   * `{metric="tvd_mean"}`, at or above `distance`.
   */
  public static mlrun(options: DriftDetectorOptions = {}): DriftDetector {
    const where = 'DriftDetector.mlrun';
    const m0 = matchersOf(where, options);
    if (options.pValue !== undefined) throw invalidProp(where, 'pValue', options.pValue, 'no pValue: MLRun exports distances, not p-values (use distance)');
    // The Hellinger and total-variation distances are within [0, 1]: at 0 the alert fires always, above 1 never.
    const distance = formatNumber(checkRange(where, 'distance', options.distance ?? 0.7, 0, 1,
      'a distance above 0 and at most 1, e.g. 0.7: the Hellinger and total-variation distances lie within [0, 1], so at 0 the alert always fires and above 1 never'));
    return new DriftDetector('mlrun', m0, m => ({ kind: 'mlrun', matchers: m, distance: Number(distance) }), scope => {
      const m = withScope(m0, scope);
      const part = (metric: string) => `max without (instance, pod, metric) (${selector(MLRUN.driftMetrics, [...m, { name: 'metric', op: '=', value: metric }])})`;
      return [
        {
          key: 'flag',
          expr: `max without (instance, pod) (${selector(MLRUN.driftStatus, [...m, { name: 'drift_status', op: '=', value: 'DRIFT_DETECTED' }])}) == 1`,
          reads: [{ names: [MLRUN.driftStatus], matchers: m }],
          summary: 'MLRun detected drift',
          description: 'MLRun reports DRIFT_DETECTED for endpoint {{ $labels.endpoint_id }}.',
        },
        {
          key: 'distance',
          expr: `(${part('hellinger_mean')} + ${part('tvd_mean')}) / 2 >= ${distance}`,
          reads: ['hellinger_mean', 'tvd_mean'].map(metric => ({ names: [MLRUN.driftMetrics], matchers: [...m, { name: 'metric', op: '=' as const, value: metric }] })),
          summary: 'MLRun general drift at or above ' + distance,
          description: 'General drift (mean of the Hellinger and total-variation distances) is {{ $value }} for endpoint {{ $labels.endpoint_id }}.',
        },
      ];
    });
  }

  /** A gauge of your own (PSI, a distance, a p-value). */
  public static customGauge(options: CustomDriftGaugeOptions): DriftDetector {
    const where = 'DriftDetector.customGauge';
    if (typeof options.name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.name)) {
      throw invalidProp(where, 'name', options.name, 'a short lower-case name such as "psi"');
    }
    validateMetricName(where, 'metric', options.metric);
    checkNumber(where, 'threshold', options.threshold);
    const m0 = matchersOf(where, options);
    const op = options.below ? '<' : '>';
    const custom = (m: LabelMatcher[]): DetectorSpec => ({
      kind: 'custom', name: options.name, metric: options.metric, matchers: m, threshold: options.threshold, below: options.below === true,
    });
    return new DriftDetector(options.name, m0, custom, scope => {
      const m = withScope(m0, scope);
      return [
        {
          key: 'gauge',
          expr: `${selector(options.metric, m)} ${op} ${formatNumber(options.threshold)}`,
          reads: [{ names: [options.metric], matchers: m }],
          summary: `${options.name} drift score ${op} ${formatNumber(options.threshold)}`,
          description: `${options.metric} is {{ $value }}.`,
        },
      ];
    });
  }

  /** The detector's name. */
  public readonly name: string;
  private readonly build: (scope: ReadonlyArray<LabelMatcher>) => DetectorCondition[];
  private readonly matchers: ReadonlyArray<LabelMatcher>;
  private readonly spec: (matchers: LabelMatcher[]) => DetectorSpec;

  private constructor(name: string, matchers: ReadonlyArray<LabelMatcher>, spec: (matchers: LabelMatcher[]) => DetectorSpec,
    build: (scope: ReadonlyArray<LabelMatcher>) => DetectorCondition[]) {
    this.name = name;
    this.matchers = matchers;
    this.spec = spec;
    this.build = build;
  }

  /**
   * The alert conditions, reading the detector's series within `scope` (the model's namespace) unless
   * the detector's own matchers name that label.
   * @internal
   */
  public _conditions(scope: ReadonlyArray<LabelMatcher>): DetectorCondition[] {
    return this.build(scope);
  }

  /** What the detector was resolved to, with its matchers within `scope`: what its generated tests are built from. @internal */
  public _spec(scope: ReadonlyArray<LabelMatcher>): DetectorSpec {
    return this.spec(withScope(this.matchers, scope));
  }
}

function matchersOf(where: string, o: { matchers?: { [k: string]: string } }) {
  return validatedEqualityMatchers(where, 'matchers', o.matchers);
}

function pValueOf(where: string, o: DriftDetectorOptions): string {
  const p = o.pValue ?? 0.05;
  if (typeof p !== 'number' || !(p > 0 && p < 1)) throw invalidProp(where, 'pValue', p, 'a p-value between 0 and 1 exclusive, e.g. 0.05');
  return formatNumber(p);
}

function checkNumber(where: string, prop: string, n: number): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidProp(where, prop, n, 'a finite number');
  return n;
}

/** A finite number above `above` and at most `max`, or an Error saying why the alert would be meaningless outside. */
function checkRange(where: string, prop: string, n: number, above: number, max: number, accepted: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= above || n > max) throw invalidProp(where, prop, n, accepted);
  return n;
}
