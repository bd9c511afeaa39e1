import { invalidProp } from '../../common/_errors';
import { validateMetricName } from '../../common/_names';
import { LabelMatcher, validatedEqualityMatchers, withScope } from '../../common/_promql';
import { QualityNeed } from '../signals/_quality-signals';

/** Counters of a binary classifier's outcomes against ground truth. */
export interface ConfusionCountersOptions {
  /** True positives counter. */
  readonly truePositives: string;
  /** False positives counter. */
  readonly falsePositives: string;
  /** True negatives counter. */
  readonly trueNegatives: string;
  /** False negatives counter. */
  readonly falseNegatives: string;
  /**
   * Equality matchers that narrow the counters.
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
}

/** An accuracy gauge published by an evaluation job. */
export interface AccuracyGaugeOptions {
  /** The gauge, 0 to 1, e.g. `model_eval_accuracy`. */
  readonly metric: string;
  /**
   * Equality matchers that narrow the gauge.
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
}

/**
 * Where a model's quality against ground truth comes from: feedback counters (accuracy, precision, recall
 * and F1 are computed in PromQL) or a gauge an evaluation job publishes.
 */
export class ModelPerformance {
  /** Confusion counters with names of your own. */
  public static confusionCounters(options: ConfusionCountersOptions): ModelPerformance {
    const where = 'ModelPerformance.confusionCounters';
    const names = [options.truePositives, options.falsePositives, options.trueNegatives, options.falseNegatives];
    const props = ['truePositives', 'falsePositives', 'trueNegatives', 'falseNegatives'];
    names.forEach((n, i) => validateMetricName(where, props[i], n));
    if (new Set(names).size !== 4) throw invalidProp(where, 'truePositives', names, 'four different counters');
    const m = validatedEqualityMatchers(where, 'matchers', options.matchers);
    return new ModelPerformance(scope => ({ names, matchers: withScope(m, scope) }), undefined);
  }

  /** Seldon's feedback metrics server (`seldon_metric_true_positive_total` and siblings). */
  public static seldonFeedback(matchers: { [label: string]: string } = {}): ModelPerformance {
    return ModelPerformance.confusionCounters({
      truePositives: 'seldon_metric_true_positive_total',
      falsePositives: 'seldon_metric_false_positive_total',
      trueNegatives: 'seldon_metric_true_negative_total',
      falseNegatives: 'seldon_metric_false_negative_total',
      matchers,
    });
  }

  /** An accuracy gauge from an evaluation job. */
  public static accuracyGauge(options: AccuracyGaugeOptions): ModelPerformance {
    const where = 'ModelPerformance.accuracyGauge';
    validateMetricName(where, 'metric', options.metric);
    const m = validatedEqualityMatchers(where, 'matchers', options.matchers);
    return new ModelPerformance(undefined, scope => ({ names: [options.metric], matchers: withScope(m, scope) }));
  }

  /** The confusion counters (true/false positives, true/false negatives) and their matchers within `scope` (the model's namespace). @internal */
  public readonly _counters?: (scope: ReadonlyArray<LabelMatcher>) => QualityNeed;
  /** The accuracy gauge and its matchers within `scope`. @internal */
  public readonly _gauge?: (scope: ReadonlyArray<LabelMatcher>) => QualityNeed;

  private constructor(counters: ModelPerformance['_counters'], gauge: ModelPerformance['_gauge']) {
    this._counters = counters;
    this._gauge = gauge;
  }
}
