import { Duration } from 'cdk8s';
import { Ratio } from '../../common/ratio';
import { AlertTuning } from '../alert-tuning';

/** The user-feedback alerts, each tunable or disabled. */
export interface FeedbackAlerts {
  /**
   * `ModelSatisfactionLow`: the share of satisfied feedback below `minSatisfaction`. Default warning, pending 30 minutes.
   * @default - enabled
   */
  readonly satisfactionLow?: AlertTuning;
  /**
   * `ModelSatisfactionDropped`: satisfaction more than `maxRelativeDrop` below its average over `baseline`.
   * Default warning, pending 1 hour.
   * @default - enabled
   */
  readonly satisfactionDropped?: AlertTuning;
  /**
   * `ModelFeedbackStopped`: feedback per prediction below `minRelativeVolume` of its average over `baseline`
   * while predictions are served. Default warning, pending 30 minutes.
   * @default - enabled when `predictionsCounter` is given
   */
  readonly feedbackStopped?: AlertTuning;
}

/**
 * What users say about the model's answers: a counter of feedback events labelled by rating (thumbs up or
 * down, a 1–5 rating, a complaint), read as the share of satisfied feedback, per model version when the
 * counter carries one (so a canary that users dislike shows), and against traffic (feedback that stops
 * arriving). Every alert carries `ml_signal="feedback"`.
 */
export interface FeedbackOptions {
  /** The counter of feedback events, e.g. `model_feedback_total`. */
  readonly counter: string;
  /**
   * The label that holds the rating.
   * @default "rating"
   */
  readonly ratingLabel?: string;
  /** The ratings that mean a satisfied user, e.g. `["up"]` or `["4", "5"]`; every other rating counts as not satisfied. */
  readonly satisfiedRatings: string[];
  /**
   * A label of the counter that names the model version: satisfaction is then judged per version, and its
   * value is written to the `version` label.
   * @default - one satisfaction for the model
   */
  readonly versionLabel?: string;
  /**
   * Equality matchers that narrow the feedback counter (and the predictions counter).
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
  /**
   * The counter of predictions, for the feedback-stopped alert (feedback per prediction).
   * @default - no feedback-stopped alert
   */
  readonly predictionsCounter?: string;
  /**
   * The window satisfaction is taken over.
   * @default Duration.hours(1)
   */
  readonly window?: Duration;
  /**
   * The fewest feedback events a version needs in the window to be judged.
   * @default 50
   */
  readonly minFeedback?: number;
  /**
   * Alert when the share of satisfied feedback is below this.
   * @default Ratio.percent(70)
   */
  readonly minSatisfaction?: Ratio;
  /**
   * Alert when satisfaction falls this much below its average over `baseline`.
   * @default Ratio.percent(10)
   */
  readonly maxRelativeDrop?: Ratio;
  /**
   * The trailing period satisfaction and feedback volume are compared with.
   * @default Duration.days(7)
   */
  readonly baseline?: Duration;
  /**
   * Alert when feedback per prediction falls below this share of its average over `baseline`.
   * @default Ratio.percent(10)
   */
  readonly minRelativeVolume?: Ratio;
  /**
   * Tuning of the feedback alerts.
   * @default - every feedback alert with its defaults
   */
  readonly alerts?: FeedbackAlerts;
}
