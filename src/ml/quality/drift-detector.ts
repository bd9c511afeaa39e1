import { invalidProp } from '../../common/_errors';
import { validateMetricName } from '../../common/_names';
import { formatNumber } from '../../common/_number';
import { selector, validatedEqualityMatchers } from '../../common/_promql';
import { Ratio } from '../../common/ratio';

/** Which series of a drift detector to read. */
export interface DriftDetectorOptions {
  /**
   * Equality matchers that narrow the detector's series, e.g. `{ namespace: 'tenant-a' }`.
   * @default - every series of the detector
   */
  readonly matchers?: { [label: string]: string };
  /**
   * Alert when a test's p-value falls below this (per feature where the detector reports features).
   * @default 0.05
   */
  readonly pValue?: number;
  /**
   * Alert when the share of drifted features exceeds this (detectors that report it).
   * @default Ratio.percent(50)
   */
  readonly shareDrifted?: Ratio;
  /**
   * Alert when a drift distance exceeds this (detectors that report one).
   * @default - the detector's convention: alibi-detect's own exported threshold, MLRun's 0.7
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
  /** The metric family the condition reads. */
  readonly family: string;
  readonly summary: string;
  readonly description: string;
}

/**
 * A drift detector that publishes its results as Prometheus gauges: alibi-detect through Seldon,
 * Evidently's monitoring service, MLRun, or a gauge of your own.
 */
export class DriftDetector {
  /**
   * alibi-detect served by Seldon (`seldon_metric_drift_is_drift`, `_p_val`, `_distance`, `_threshold`,
   * tag `index` per feature): drift flagged, p-value below `pValue`, distance above the detector's own
   * exported threshold (or `distance`).
   */
  public static alibiDetect(options: DriftDetectorOptions = {}): DriftDetector {
    const m = matchersOf('DriftDetector.alibiDetect', options);
    const p = pValueOf('DriftDetector.alibiDetect', options);
    const distance = options.distance !== undefined
      ? `> ${formatNumber(checkNumber('DriftDetector.alibiDetect', 'distance', options.distance))}`
      : `> on (index) group_left () max by (index) (${selector('seldon_metric_drift_threshold', m)})`;
    return new DriftDetector('alibi-detect', [
      {
        key: 'flag',
        expr: `max by (index) (${selector('seldon_metric_drift_is_drift', m)}) == 1`,
        family: 'seldon_metric_drift_is_drift',
        summary: 'alibi-detect flags data drift',
        description: 'The drift detector reports is_drift = 1 for feature index {{ $labels.index }}.',
      },
      {
        key: 'pvalue',
        expr: `min by (index) (${selector('seldon_metric_drift_p_val', m)}) < ${p}`,
        family: 'seldon_metric_drift_p_val',
        summary: 'Drift test p-value below ' + p,
        description: 'p-value {{ $value }} for feature index {{ $labels.index }}: the live data no longer looks like the reference data.',
      },
      {
        key: 'distance',
        expr: `max by (index) (${selector('seldon_metric_drift_distance', m)}) ${distance}`,
        family: 'seldon_metric_drift_distance',
        summary: 'Drift distance above threshold',
        description: 'Drift distance {{ $value }} for feature index {{ $labels.index }}.',
      },
    ]);
  }

  /**
   * Evidently's monitoring-service gauges (`evidently:data_drift:dataset_drift`,
   * `…:share_drifted_features`, `…:p_value{feature}`).
   */
  public static evidently(options: DriftDetectorOptions = {}): DriftDetector {
    const m = matchersOf('DriftDetector.evidently', options);
    const p = pValueOf('DriftDetector.evidently', options);
    const share = (options.shareDrifted ?? Ratio.percent(50)).toString();
    return new DriftDetector('evidently', [
      {
        key: 'flag',
        expr: `max without (instance, pod) (${selector('evidently:data_drift:dataset_drift', m)}) == 1`,
        family: 'evidently:data_drift:dataset_drift',
        summary: 'Evidently flags dataset drift',
        description: 'Evidently reports dataset drift for {{ $labels.dataset_name }}.',
      },
      {
        key: 'share',
        expr: `max without (instance, pod) (${selector('evidently:data_drift:share_drifted_features', m)}) > ${share}`,
        family: 'evidently:data_drift:share_drifted_features',
        summary: `More than ${formatNumber(Number(share) * 100)}% of features drifted`,
        description: '{{ $value | humanizePercentage }} of the features drifted.',
      },
      {
        key: 'pvalue',
        expr: `min without (instance, pod) (${selector('evidently:data_drift:p_value', m)}) < ${p}`,
        family: 'evidently:data_drift:p_value',
        summary: 'Feature {{ $labels.feature }} drifted',
        description: 'Drift test p-value {{ $value }} for feature {{ $labels.feature }}.',
      },
    ]);
  }

  /** MLRun model monitoring (`drift_status` state set, `drift_metrics{metric="general_drift"}`). */
  public static mlrun(options: DriftDetectorOptions = {}): DriftDetector {
    const m = matchersOf('DriftDetector.mlrun', options);
    const distance = formatNumber(checkNumber('DriftDetector.mlrun', 'distance', options.distance ?? 0.7));
    return new DriftDetector('mlrun', [
      {
        key: 'flag',
        expr: `max without (instance, pod) (${selector('drift_status', [...m, { name: 'drift_status', op: '=', value: 'DRIFT_DETECTED' }])}) == 1`,
        family: 'drift_status',
        summary: 'MLRun detected drift',
        description: 'MLRun reports DRIFT_DETECTED for endpoint {{ $labels.endpoint_id }}.',
      },
      {
        key: 'distance',
        expr: `max without (instance, pod) (${selector('drift_metrics', [...m, { name: 'metric', op: '=', value: 'general_drift' }])}) >= ${distance}`,
        family: 'drift_metrics',
        summary: 'MLRun general drift above ' + distance,
        description: 'General drift (mean of Hellinger and TVD) is {{ $value }} for endpoint {{ $labels.endpoint_id }}.',
      },
    ]);
  }

  /** A gauge of your own (PSI, a distance, a p-value). */
  public static customGauge(options: CustomDriftGaugeOptions): DriftDetector {
    const where = 'DriftDetector.customGauge';
    if (typeof options.name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.name)) {
      throw invalidProp(where, 'name', options.name, 'a short lower-case name such as "psi"');
    }
    validateMetricName(where, 'metric', options.metric);
    checkNumber(where, 'threshold', options.threshold);
    const m = matchersOf(where, options);
    const op = options.below ? '<' : '>';
    return new DriftDetector(options.name, [
      {
        key: 'gauge',
        expr: `${selector(options.metric, m)} ${op} ${formatNumber(options.threshold)}`,
        family: options.metric,
        summary: `${options.name} drift score ${op} ${formatNumber(options.threshold)}`,
        description: `${options.metric} is {{ $value }}.`,
      },
    ]);
  }

  /** The detector's name. */
  public readonly name: string;
  /** @internal */
  public readonly _conditions: DetectorCondition[];

  private constructor(name: string, conditions: DetectorCondition[]) {
    this.name = name;
    this._conditions = conditions;
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
