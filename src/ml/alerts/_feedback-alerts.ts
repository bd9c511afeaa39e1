import { Duration } from 'cdk8s';
import { heldFor, pct, ratioBetween, resolveAlert } from './_alert-settings';
import { QualityContext, emit, scopedMatchers } from './_quality-alerts';
import { promDuration } from '../../common/_duration';
import { invalidProp } from '../../common/_errors';
import { validateLabelValue, validateMetricName, validatePromLabelName } from '../../common/_names';
import { formatNumber } from '../../common/_number';
import { Ratio } from '../../common/ratio';
import { Severity } from '../../common/severity';
import { FeedbackOptions } from '../quality/feedback-options';
import { FeedbackSignals, FeedbackSource } from '../signals/_feedback-signals';

/** Labels the feedback series and alerts write themselves. */
const TAKEN = ['model', 'namespace', 'ml_signal', 'severity', '__name__'];

/** The feedback's resolved source and catalog, for the dashboard. @internal */
export interface FeedbackSettings {
  readonly source: FeedbackSource;
  readonly signals: FeedbackSignals;
  /** The satisfaction floor drawn on the panel, when its alert is enabled. */
  readonly minSatisfaction?: number;
}

function feedbackSource(c: QualityContext, where: string, o: FeedbackOptions): FeedbackSource {
  validateMetricName(where, 'counter', o.counter);
  const ratingLabel = validatePromLabelName(where, 'ratingLabel', o.ratingLabel ?? 'rating');
  if (!Array.isArray(o.satisfiedRatings) || o.satisfiedRatings.length === 0 || o.satisfiedRatings.some(r => typeof r !== 'string' || r === '')) {
    throw invalidProp(where, 'satisfiedRatings', o.satisfiedRatings, `one or more values of ${ratingLabel} that mean a satisfied user, e.g. ["up"] or ["4", "5"]`);
  }
  o.satisfiedRatings.forEach((r, i) => validateLabelValue(where, `satisfiedRatings[${i}]`, r));
  let versionLabel: string | undefined;
  if (o.versionLabel !== undefined) {
    versionLabel = validatePromLabelName(where, 'versionLabel', o.versionLabel);
    if (TAKEN.includes(versionLabel) || versionLabel === ratingLabel) {
      throw invalidProp(where, 'versionLabel', versionLabel, `a label of the counter other than ${[...TAKEN, ratingLabel].join(', ')}`);
    }
  }
  const matchers = scopedMatchers(where, o.matchers, c.scope);
  const fixed = matchers.find(m => m.name === ratingLabel || m.name === versionLabel);
  if (fixed) throw invalidProp(where, 'matchers', fixed.name, `matchers that leave ${ratingLabel}${versionLabel ? ` and ${versionLabel}` : ''} free: satisfaction compares ratings`);
  if (o.predictionsCounter !== undefined) validateMetricName(where, 'predictionsCounter', o.predictionsCounter);
  const minFeedback = o.minFeedback ?? 50;
  if (!Number.isSafeInteger(minFeedback) || minFeedback < 1) {
    throw invalidProp(where, 'minFeedback', minFeedback, 'a whole number of 1 or more: the fewest feedback events a version needs in the window to be judged, e.g. 50');
  }
  return {
    counter: o.counter,
    ratingLabel,
    satisfied: [...o.satisfiedRatings],
    versionLabel,
    matchers,
    predictionsCounter: o.predictionsCounter,
    window: promDuration(o.window ?? Duration.hours(1), where, 'window'),
    minFeedback,
  };
}

/** The user-feedback alerts: satisfaction low, satisfaction dropped, feedback stopped. @internal */
export function addFeedback(c: QualityContext, o: FeedbackOptions): FeedbackSettings {
  const where = `${c.where} feedback`;
  if (o === null || typeof o !== 'object') throw invalidProp(c.where, 'feedback', o, 'the feedback counter and its ratings, e.g. { counter, satisfiedRatings: ["up"] }');
  const f = feedbackSource(c, where, o);
  const signals = new FeedbackSignals(f, c.signals.modelName, c.common.identityLabels.namespace, c.group);
  c.signals.needs([f.counter], f.matchers);
  const satisfaction = signals.satisfaction();
  const alerts = o.alerts ?? {};
  const baseline = promDuration(o.baseline ?? Duration.days(7), where, 'baseline');
  const of = f.versionLabel ? ' of version {{ $labels.version }}' : '';
  const judged = `judged with at least ${f.minFeedback} feedback events over ${f.window}`;

  const floor = ratioBetween(where, 'minSatisfaction', o.minSatisfaction ?? Ratio.percent(70),
    'satisfaction is never below 0 %, and below 100 % whenever one user is not satisfied');
  const low = resolveAlert(where, 'alerts.satisfactionLow', alerts.satisfactionLow, { name: 'ModelSatisfactionLow', pendingFor: Duration.minutes(30), severity: Severity.WARNING });
  c.specs.push({ kind: 'feedback', alert: low, metric: 'low', source: f, threshold: floor, baseline });
  emit(c, 'feedback.alerts.satisfactionLow', low, 'feedback', `${satisfaction.select()} < ${formatNumber(floor)}`,
    `user satisfaction below ${pct(floor)}${f.versionLabel ? ' for version {{ $labels.version }}' : ''}`,
    `{{ $value | humanizePercentage }} of the feedback${of} says the user was satisfied (${f.ratingLabel} in ${f.satisfied.join(', ')}; `
    + `threshold ${pct(floor)}, ${judged})${heldFor(low)}.`);

  const drop = ratioBetween(where, 'maxRelativeDrop', o.maxRelativeDrop ?? Ratio.percent(10),
    'satisfaction is below its trailing average about half the time, and never falls 100 % below it');
  const dropped = resolveAlert(where, 'alerts.satisfactionDropped', alerts.satisfactionDropped,
    { name: 'ModelSatisfactionDropped', pendingFor: Duration.hours(1), severity: Severity.WARNING });
  c.specs.push({ kind: 'feedback', alert: dropped, metric: 'dropped', source: f, threshold: drop, baseline });
  emit(c, 'feedback.alerts.satisfactionDropped', dropped, 'feedback',
    `${satisfaction.select()} < ${formatNumber(1 - drop)} * avg_over_time(${satisfaction.range(baseline)})`,
    `user satisfaction dropped more than ${pct(drop)} below its ${baseline} average${f.versionLabel ? ' for version {{ $labels.version }}' : ''}`,
    `{{ $value | humanizePercentage }} of the feedback${of} is satisfied, more than ${pct(drop)} below its average over the last ${baseline} (${judged})${heldFor(dropped)}.`);

  if (f.predictionsCounter !== undefined) {
    c.signals.needs([f.predictionsCounter], f.matchers);
    const minVolume = ratioBetween(where, 'minRelativeVolume', o.minRelativeVolume ?? Ratio.percent(10),
      'feedback per prediction is never below 0 % of its average, and below 100 % of it about half the time');
    const stopped = resolveAlert(where, 'alerts.feedbackStopped', alerts.feedbackStopped,
      { name: 'ModelFeedbackStopped', pendingFor: Duration.minutes(30), severity: Severity.WARNING });
    c.specs.push({ kind: 'feedback', alert: stopped, metric: 'stopped', source: f, threshold: minVolume, baseline });
    const per = signals.perPrediction();
    emit(c, 'feedback.alerts.feedbackStopped', stopped, 'feedback',
      `${per.select()} < ${formatNumber(minVolume)} * avg_over_time(${per.range(baseline)})`,
      'feedback stopped arriving',
      `Feedback per prediction over the last ${f.window} is {{ $value | humanizePercentage }}, below ${pct(minVolume)} of its average over the last ${baseline}, `
      + `while predictions are served${heldFor(stopped)}: check the feedback pipeline before trusting the satisfaction figures.`);
  } else if (alerts.feedbackStopped !== undefined) {
    throw invalidProp(where, 'alerts.feedbackStopped', '(given)', 'predictionsCounter (feedback is judged per prediction), or no alerts.feedbackStopped');
  }
  return { source: f, signals, minSatisfaction: low.enabled ? floor : undefined };
}
