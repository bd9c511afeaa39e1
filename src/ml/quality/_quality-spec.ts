import { LabelMatcher } from '../../common/_promql';
import { ResolvedAlert } from '../alerts/_alert-settings';
import { FairnessSource } from '../signals/_fairness-signals';
import { FeedbackSource } from '../signals/_feedback-signals';
import { ClassSource, ConfusionSource, DistributionSource, QualityNeed, VersionSource } from '../signals/_quality-signals';

/*
 * Each model-quality alert as resolved, kept as data: what it reads and the thresholds and windows it was
 * written with. The generated promtool tests are built from these, so they test the user's settings.
 */

/** What a drift detector was resolved to: its exporter and the thresholds its conditions use. @internal */
export type DetectorSpec =
  /** `pValue` absent: the detector's own exported threshold. `distance` absent: no distance condition. */
  | { readonly kind: 'alibi-detect'; readonly matchers: ReadonlyArray<LabelMatcher>; readonly pValue?: number; readonly distance?: number }
  | { readonly kind: 'evidently'; readonly matchers: ReadonlyArray<LabelMatcher>; readonly shareDrifted: number }
  | { readonly kind: 'mlrun'; readonly matchers: ReadonlyArray<LabelMatcher>; readonly distance: number }
  | {
    readonly kind: 'custom';
    readonly name: string;
    readonly metric: string;
    readonly matchers: ReadonlyArray<LabelMatcher>;
    readonly threshold: number;
    readonly below: boolean;
  };

/** Where accuracy is read from: confusion counters over a window, or an evaluation job's gauge. @internal */
export type AccuracySource =
  | { readonly kind: 'counters'; readonly source: ConfusionSource }
  | { readonly kind: 'gauge'; readonly source: QualityNeed };

/** One quality alert as resolved. @internal */
export type QualityAlertSpec =
  | { readonly kind: 'detector'; readonly alert: ResolvedAlert; readonly detector: DetectorSpec; readonly conditions: ReadonlyArray<string> }
  | { readonly kind: 'histogram'; readonly alert: ResolvedAlert; readonly source: DistributionSource; readonly baseline: string; readonly maxDistance: number }
  | { readonly kind: 'class'; readonly alert: ResolvedAlert; readonly source: ClassSource; readonly baseline: string; readonly maxShift: number }
  | { readonly kind: 'accuracyLow'; readonly alert: ResolvedAlert; readonly accuracy: AccuracySource; readonly floor: number }
  | { readonly kind: 'accuracyDropped'; readonly alert: ResolvedAlert; readonly accuracy: AccuracySource; readonly drop: number; readonly baseline: string }
  | {
    readonly kind: 'predictionsStopped';
    readonly alert: ResolvedAlert;
    readonly counter: string;
    readonly matchers: ReadonlyArray<LabelMatcher>;
    readonly stoppedFor: string;
    readonly baseline: string;
  }
  | {
    readonly kind: 'missingValues';
    readonly alert: ResolvedAlert;
    readonly counter: string;
    readonly total: string;
    readonly featureLabel: string;
    readonly matchers: ReadonlyArray<LabelMatcher>;
    readonly maxRatio: number;
  }
  | { readonly kind: 'evaluationStale'; readonly alert: ResolvedAlert; readonly gauge: string; readonly matchers: ReadonlyArray<LabelMatcher>; readonly maxAge: string }
  | { readonly kind: 'versions'; readonly alert: ResolvedAlert; readonly source: VersionSource }
  | {
    readonly kind: 'fairness';
    readonly alert: ResolvedAlert;
    /** Which disparity: the favourable-rate ratio, the favourable-rate difference, the true-positive-rate difference. */
    readonly metric: 'impact' | 'parity' | 'opportunity';
    readonly source: FairnessSource;
    readonly threshold: number;
  }
  | {
    readonly kind: 'feedback';
    readonly alert: ResolvedAlert;
    /** Satisfaction below a floor, satisfaction dropped against its baseline, feedback per prediction fallen against its baseline. */
    readonly metric: 'low' | 'dropped' | 'stopped';
    readonly source: FeedbackSource;
    /** The floor (low), the allowed relative drop (dropped) or the smallest share of the baseline volume (stopped). */
    readonly threshold: number;
    readonly baseline: string;
  }
  | { readonly kind: 'metricsMissing'; readonly alert: ResolvedAlert; readonly needs: ReadonlyArray<QualityNeed>; readonly absentFor: string };
