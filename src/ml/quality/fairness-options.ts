import { Duration } from 'cdk8s';
import { ConfusionCountersOptions } from './model-performance';
import { Ratio } from '../../common/ratio';
import { AlertTuning } from '../alert-tuning';

/** The fairness alerts of one check, each tunable or disabled. */
export interface FairnessAlerts {
  /**
   * `ModelDisparateImpact`: a group's rate of the favourable outcome below `minImpactRatio` of the
   * reference's (the four-fifths rule). Default warning, pending 30 minutes.
   * @default - enabled
   */
  readonly disparateImpact?: AlertTuning;
  /**
   * `ModelDemographicParityGap`: a group's rate of the favourable outcome more than
   * `maxParityDifference` away from the reference's, either way. Default warning, pending 30 minutes.
   * @default - enabled
   */
  readonly parityGap?: AlertTuning;
  /**
   * `ModelEqualOpportunityGap`: a group's true-positive rate more than `maxOpportunityDifference` away from
   * the reference's, either way. Default warning, pending 30 minutes.
   * @default - enabled when `outcomes` is given
   */
  readonly opportunityGap?: AlertTuning;
}

/**
 * Fairness across the groups of a label the user names (e.g. `segment`): per group, the rate of the
 * favourable prediction, and with ground truth (`outcomes`) the accuracy, true-positive and false-positive
 * rates; against a reference (a named group, or all predictions), the disparate-impact ratio (four-fifths
 * rule), the demographic parity difference and the equal opportunity difference. A group is judged only
 * with at least `minEventsPerGroup` predictions (or labelled outcomes) in the window, so a group of three
 * never pages. Every alert carries `ml_signal="fairness"`, the check's `fairness` label and the `group`.
 */
export interface FairnessOptions {
  /** A name for the check (the `fairness` label), e.g. `approval-by-segment`. */
  readonly name: string;
  /** The label that holds the group, e.g. `segment`. Its values are written to the `group` label of the series and alerts. */
  readonly groupLabel: string;
  /** The counter of predictions, labelled by the group and the predicted outcome, e.g. `loan_predictions_total`. */
  readonly predictionsCounter: string;
  /**
   * The label that holds the predicted outcome.
   * @default "outcome"
   */
  readonly outcomeLabel?: string;
  /** The favourable outcome, e.g. `approved`: its rate per group is what the groups are compared on. */
  readonly favourableOutcome: string;
  /**
   * Equality matchers that narrow the predictions counter (and the outcome counters).
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
  /**
   * Confusion counters labelled by the same group label, for the per-group accuracy, true-positive and
   * false-positive rates and the equal opportunity difference. Their own `matchers` narrow them further.
   * @default - no outcome-based metrics
   */
  readonly outcomes?: ConfusionCountersOptions;
  /**
   * The group the others are compared with, e.g. the historically favoured one.
   * @default - all predictions (the overall rate)
   */
  readonly referenceGroup?: string;
  /**
   * The window rates are taken over.
   * @default Duration.days(1)
   */
  readonly window?: Duration;
  /**
   * The fewest predictions (or labelled outcomes, for the outcome-based rates) a group needs in the window
   * to be judged.
   * @default 100
   */
  readonly minEventsPerGroup?: number;
  /**
   * Alert when a group's favourable rate is below this share of the reference's.
   * @default Ratio.percent(80) (the four-fifths rule)
   */
  readonly minImpactRatio?: Ratio;
  /**
   * Alert when a group's favourable rate differs from the reference's by more than this (absolute).
   * @default Ratio.percent(10)
   */
  readonly maxParityDifference?: Ratio;
  /**
   * Alert when a group's true-positive rate differs from the reference's by more than this (absolute).
   * @default Ratio.percent(10)
   */
  readonly maxOpportunityDifference?: Ratio;
  /**
   * Tuning of this check's alerts.
   * @default - every alert of the check with its defaults
   */
  readonly alerts?: FairnessAlerts;
}
