import { Duration } from 'cdk8s';
import { Ratio } from '../../common/ratio';
import { ScrapeEndpointOptions } from '../../scrape/scrape-options';
import { AlertTuning } from '../alert-tuning';

/**
 * Distribution drift computed in PromQL from a histogram, with no detector service. Its alert is
 * `ModelDistributionDrift` (warning, pending 30 minutes), tunable here.
 */
export interface HistogramDriftOptions extends AlertTuning {
  /** A name for the distribution (the `distribution` label), e.g. `fraud-score`. */
  readonly name: string;
  /** The histogram's base name: `<name>_bucket{le}` of a prediction score or an input feature. */
  readonly histogram: string;
  /**
   * Equality matchers that narrow the histogram.
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
  /**
   * The window each distribution is taken over.
   * @default Duration.hours(1)
   */
  readonly window?: Duration;
  /**
   * How far back the reference distribution is read: the same window one `baseline` earlier.
   * @default Duration.days(7)
   */
  readonly baseline?: Duration;
  /**
   * Alert when the Kolmogorov–Smirnov distance (largest gap between the two cumulative distributions)
   * exceeds this.
   * @default 0.1
   */
  readonly maxDistance?: number;
}

/**
 * A shift in the share of each predicted class, from a counter labelled by class. Its alert is
 * `ModelPredictionClassShift` (warning, pending 30 minutes), tunable here.
 */
export interface ClassDriftOptions extends AlertTuning {
  /** A name for the prediction stream (the `distribution` label). */
  readonly name: string;
  /** The counter of predictions, e.g. `predictions_total`. */
  readonly counter: string;
  /**
   * The label that holds the predicted class.
   * @default "class"
   */
  readonly classLabel?: string;
  /**
   * Equality matchers that narrow the counter.
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
  /**
   * The window shares are taken over.
   * @default Duration.hours(1)
   */
  readonly window?: Duration;
  /**
   * How far back the reference shares are read.
   * @default Duration.days(7)
   */
  readonly baseline?: Duration;
  /**
   * Alert when a class's share moved by more than this (absolute), e.g. 10 % → 25 % is 15 points.
   * @default Ratio.percent(10)
   */
  readonly maxShareShift?: Ratio;
}

/** Alerts on model performance against ground truth. */
export interface PerformanceAlertOptions {
  /**
   * The window accuracy, precision and recall are computed over (feedback counters).
   * @default Duration.hours(1)
   */
  readonly window?: Duration;
  /**
   * Alert when accuracy falls below this floor.
   * @default Ratio.percent(80)
   */
  readonly minAccuracy?: Ratio;
  /**
   * Alert when accuracy falls this much below its average over the trailing `baseline`.
   * @default Ratio.percent(10)
   */
  readonly maxRelativeDrop?: Ratio;
  /**
   * The trailing period accuracy is compared with.
   * @default Duration.days(7)
   */
  readonly baseline?: Duration;
}

/** A feature's missing (or null) values, counted against all predictions. */
export interface MissingValuesOptions {
  /** The counter of missing values, labelled by feature, e.g. `feature_missing_total`. */
  readonly counter: string;
  /** The counter of all predictions (inputs). */
  readonly total: string;
  /**
   * The label that names the feature.
   * @default "feature"
   */
  readonly featureLabel?: string;
  /**
   * Alert above this share of missing values.
   * @default Ratio.percent(5)
   */
  readonly maxMissingRatio?: Ratio;
}

/** Data health: predictions still arriving, inputs complete, evaluation fresh. */
export interface DataHealthOptions {
  /**
   * Equality matchers applied to every data-health metric, e.g. `{ namespace: 'tenant-a' }`.
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
  /**
   * The counter of predictions; alerts when it stops increasing while it increased one `baseline` earlier.
   * @default - no predictions-stopped alert
   */
  readonly predictionsCounter?: string;
  /**
   * How long predictions must be absent.
   * @default Duration.minutes(15)
   */
  readonly stoppedFor?: Duration;
  /**
   * When traffic is expected: at the same time one `baseline` earlier.
   * @default Duration.days(1)
   */
  readonly baseline?: Duration;
  /**
   * Missing or null feature values.
   * @default - no missing-values alert
   */
  readonly missingValues?: MissingValuesOptions;
  /**
   * A gauge holding the Unix time of the evaluation job's last success, e.g. `model_eval_last_success_timestamp_seconds`.
   * @default - no evaluation-freshness alert
   */
  readonly evaluationLastSuccess?: string;
  /**
   * How old the last successful evaluation may be.
   * @default Duration.days(1)
   */
  readonly evaluationMaxAge?: Duration;
}

/** Several versions of one model serving at once. */
export interface ModelVersionOptions {
  /** The request counter carrying model and version labels. */
  readonly requestsCounter: string;
  /** The label naming the model. */
  readonly modelLabel: string;
  /** The label naming the version. */
  readonly versionLabel: string;
  /**
   * Equality matchers that narrow the counter.
   * @default - none
   */
  readonly matchers?: { [label: string]: string };
  /**
   * How long a rollout may take: alert when more than one version serves for longer.
   * @default Duration.hours(1)
   */
  readonly maxRolloutDuration?: Duration;
  /**
   * Regular-expression matchers that select failed requests from `requestsCounter` (e.g. `{ status: '5..' }`),
   * for a per-version error-ratio panel comparing a canary with the stable version.
   * @default - no per-version error panel
   */
  readonly errorLabelMatchers?: { [label: string]: string };
  /**
   * A latency histogram (base name, seconds) carrying the same model and version labels, for a
   * per-version p95 panel.
   * @default - no per-version latency panel
   */
  readonly latencyHistogram?: string;
}

/**
 * `ModelQualityMetricsMissing`: a series that an enabled quality alert or panel needs (a detector's gauge,
 * the histogram or counter a drift is computed from, the feedback counters, an accuracy gauge, the
 * predictions counter) has not existed in the model's namespace for `absentFor`, while Prometheus has been
 * collecting for that long. Labelled `ml_signal="monitoring"`; default warning, pending 10 minutes.
 */
export interface QualityMetricsMissingOptions extends AlertTuning {
  /**
   * How long a needed series must have been absent. Quality signals arrive slowly (a daily evaluation job,
   * ground truth hours later, labelled counters written on first use after each restart): a shorter window
   * pages for a model that was merely idle. It must be within Prometheus' retention.
   * @default Duration.days(1)
   */
  readonly absentFor?: Duration;
}

/** The model-level quality alerts, each tunable or disabled (`AlertTuning`). */
export interface QualityAlerts {
  /**
   * `ModelDataDrift`, one per detector condition. Default warning, pending 15 minutes.
   * @default - enabled when drift detectors are given
   */
  readonly dataDrift?: AlertTuning;
  /**
   * `ModelAccuracyLow`: accuracy below `minAccuracy`. Default critical, pending 30 minutes.
   * @default - enabled with `performance`
   */
  readonly accuracyLow?: AlertTuning;
  /**
   * `ModelAccuracyDropped`: accuracy well below its trailing average. Default warning, pending 1 hour.
   * @default - enabled with `performance`
   */
  readonly accuracyDropped?: AlertTuning;
  /**
   * `ModelPredictionsStopped`. Default critical, pending 5 minutes.
   * @default - enabled with `dataHealth.predictionsCounter`
   */
  readonly predictionsStopped?: AlertTuning;
  /**
   * `ModelFeatureMissingValues`. Default warning, pending 15 minutes.
   * @default - enabled with `dataHealth.missingValues`
   */
  readonly featureMissingValues?: AlertTuning;
  /**
   * `ModelEvaluationStale`. Default warning, pending 5 minutes.
   * @default - enabled with `dataHealth.evaluationLastSuccess`
   */
  readonly evaluationStale?: AlertTuning;
  /**
   * `ModelVersionsMixed`: more than one version serving for longer than `maxRolloutDuration`. Default
   * warning; its pending period is `maxRolloutDuration`.
   * @default - enabled with `versions`
   */
  readonly versionsMixed?: AlertTuning;
  /**
   * `ModelQualityMetricsMissing`: what the quality alerts and panels need has not existed for a day.
   * @default - enabled, absent for 1 day, warning, pending 10 minutes
   */
  readonly metricsMissing?: QualityMetricsMissingOptions;
}

/**
 * A service whose metrics the quality rules read (a drift detector's exporter, an evaluation job's metrics
 * endpoint, the service that counts feedback), scraped by a monitor in the model's namespace so its series
 * carry that tenant's `namespace`.
 */
export interface QualityScrapeOptions extends ScrapeEndpointOptions {
  /** What runs there, e.g. `drift-detector`: the monitor is named `<modelName>-<name>`. */
  readonly name: string;
  /** Labels of its Services (ServiceMonitor, the default) or Pods (PodMonitor). At least one. */
  readonly selector: { [key: string]: string };
}
