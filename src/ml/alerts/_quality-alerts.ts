import { Duration } from 'cdk8s';
import { AlertCommon, AlertDefaults, emitAlert, heldFor, pct, ratioBetween, resolveAlert, ResolvedAlert } from './_alert-settings';
import { promDuration } from '../../common/_duration';
import { invalidProp } from '../../common/_errors';
import { validateMetricName, validatePromLabelName } from '../../common/_names';
import { formatNumber } from '../../common/_number';
import { LabelMatcher, validatedEqualityMatchers, withScope } from '../../common/_promql';
import { validateRe2 } from '../../common/_regex';
import { Ratio } from '../../common/ratio';
import { Severity } from '../../common/severity';
import { RuleGroup } from '../../rules/rule-group';
import { AlertTuning } from '../alert-tuning';
import { AccuracySource, QualityAlertSpec } from '../quality/_quality-spec';
import { DriftDetector } from '../quality/drift-detector';
import { ModelPerformance } from '../quality/model-performance';
import { ClassDriftOptions, DataHealthOptions, HistogramDriftOptions, ModelVersionOptions, PerformanceAlertOptions, QualityAlerts } from '../quality/quality-options';
import { ClassSource, ConfusionSource, DistributionSource, QualitySignals, VersionSource } from '../signals/_quality-signals';
import { Series } from '../signals/_series';

/** What every quality alert needs. @internal */
export interface QualityContext {
  readonly where: string;
  /** Matchers every raw selector of the model is narrowed to (its namespace), unless the user's name the label. */
  readonly scope: ReadonlyArray<LabelMatcher>;
  readonly group: RuleGroup;
  readonly signals: QualitySignals;
  readonly alerts: QualityAlerts;
  readonly common: AlertCommon;
  readonly alertNames: string[];
  /** Each alert as resolved, for its generated tests. */
  readonly specs: QualityAlertSpec[];
}

/** The `ml_signal` label of a quality alert. @internal */
export type QualitySignal = 'drift' | 'performance' | 'data' | 'version' | 'fairness' | 'feedback';

/** Emits one quality alert, labelled with its `ml_signal`, and notes its name. @internal */
export function emit(c: QualityContext, prop: string, a: ResolvedAlert, signal: QualitySignal, expr: string, summary: string, description: string,
  extra: { [k: string]: string } = {}): void {
  // ml_signal lets Alertmanager send drift and performance alerts to a retraining webhook.
  const name = emitAlert(c.where, prop, c.group, a, { expr, summary: `${c.signals.modelName}: ${summary}`, description },
    { ...c.common, identityLabels: { ...c.common.identityLabels, ml_signal: signal } }, extra);
  if (name && !c.alertNames.includes(name)) c.alertNames.push(name);
}

function tuned(c: QualityContext, key: keyof QualityAlerts, d: AlertDefaults): ResolvedAlert {
  return resolveAlert(c.where, `alerts.${key}`, c.alerts[key], d);
}

/** A name of a check (the `distribution` or `fairness` label): lower-case, at most 63. @internal */
export function checkName(where: string, prop: string, n: string): string {
  if (typeof n !== 'string' || !/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(n) || n.length > 63) {
    throw invalidProp(where, prop, n, 'lower-case letters, digits, "-", "_" and ".", at most 63, e.g. "fraud-score"');
  }
  return n;
}


/** Detector alerts: one per condition, named after the detector's kind. Returns the alert's name. @internal */
export function addDetectorAlerts(c: QualityContext, detectors: DriftDetector[]): string {
  const a = tuned(c, 'dataDrift', { name: 'ModelDataDrift', pendingFor: Duration.minutes(15), severity: Severity.WARNING });
  for (const d of detectors) {
    if (!(d instanceof DriftDetector)) throw invalidProp(c.where, 'driftDetectors', d, 'DriftDetector values, e.g. DriftDetector.alibiDetect()');
    const conditions = d._conditions(c.scope);
    c.specs.push({ kind: 'detector', alert: a, detector: d._spec(c.scope), conditions: conditions.map(x => x.key) });
    for (const cond of conditions) {
      if (a.enabled) cond.reads.forEach(r => c.signals.needs(r.names, r.matchers));
      emit(c, 'alerts.dataDrift', a, 'drift', cond.expr, cond.summary, `${cond.description}${heldFor(a) ? ` (held${heldFor(a)})` : ''}`,
        { detector: d.name, drift_check: cond.key });
    }
  }
  return a.name;
}

/** A signal's own equality matchers, validated, narrowed to the model's scope unless they name its label. @internal */
export function scopedMatchers(where: string, matchers: { [label: string]: string } | undefined, scope: ReadonlyArray<LabelMatcher>): LabelMatcher[] {
  return withScope(validatedEqualityMatchers(where, 'matchers', matchers), scope);
}

/** Resolves a histogram-drift entry into its source. */
function distributionSource(where: string, o: HistogramDriftOptions, scope: ReadonlyArray<LabelMatcher>): DistributionSource {
  const w = `${where} histogramDrift`;
  const name = checkName(w, 'name', o.name);
  validateMetricName(w, 'histogram', o.histogram);
  if (/_(bucket|count|sum)$/.test(o.histogram)) {
    throw invalidProp(w, 'histogram', o.histogram, 'the histogram\'s base name: its _bucket series (with le) are read, so name it without the _bucket, _count or _sum suffix');
  }
  return { name, histogram: o.histogram, matchers: scopedMatchers(w, o.matchers, scope), window: promDuration(o.window ?? Duration.hours(1), w, 'window') };
}

/**
 * Kolmogorov–Smirnov distance between a histogram's distribution now and one `baseline` earlier:
 * the cumulative fraction at every `le` is recorded, and the distance is the largest absolute gap
 * between the recorded fractions and the same series `baseline` ago.
 * @internal
 */
export function addHistogramDrift(c: QualityContext, o: HistogramDriftOptions): { readonly name: string; readonly distance: Series } {
  const where = `${c.where} histogramDrift`;
  const d = distributionSource(c.where, o, c.scope);
  const b = promDuration(o.baseline ?? Duration.days(7), where, 'baseline');
  const t = o.maxDistance ?? 0.1;
  if (typeof t !== 'number' || !(t > 0 && t < 1)) throw invalidProp(where, 'maxDistance', t, 'a distance between 0 and 1 exclusive, e.g. 0.1');
  const a = resolveAlert(where, `[${d.name}]`, o as AlertTuning, { name: 'ModelDistributionDrift', pendingFor: Duration.minutes(30), severity: Severity.WARNING });
  const distance = c.signals.ks(d, b);
  c.specs.push({ kind: 'histogram', alert: a, source: d, baseline: b, maxDistance: t });
  emit(c, `histogramDrift[${d.name}]`, a, 'drift', `${distance.select()} > ${formatNumber(t)}`, `distribution ${d.name} drifted`,
    `The Kolmogorov–Smirnov distance between ${o.histogram} over the last ${d.window} and the same window ${b} earlier is {{ $value }} ` +
    `(threshold ${formatNumber(t)}${heldFor(a)}).`, { distribution: d.name });
  return { name: d.name, distance };
}

/** The share of each predicted class now against one `baseline` earlier. @internal */
export function addClassDrift(c: QualityContext, o: ClassDriftOptions): { readonly source: ClassSource; readonly share: Series } {
  const where = `${c.where} classDrift`;
  const name = checkName(where, 'name', o.name);
  validateMetricName(where, 'counter', o.counter);
  const src: ClassSource = {
    name,
    counter: o.counter,
    classLabel: validatePromLabelName(where, 'classLabel', o.classLabel ?? 'class'),
    matchers: scopedMatchers(where, o.matchers, c.scope),
    window: promDuration(o.window ?? Duration.hours(1), where, 'window'),
  };
  const b = promDuration(o.baseline ?? Duration.days(7), where, 'baseline');
  const t = ratioBetween(where, 'maxShareShift', o.maxShareShift ?? Ratio.percent(10),
    'a class share moves by more than 0 points on almost every evaluation, and never by 100 points or more');
  const shareSeries = c.signals.classShare(src);
  const share = shareSeries.select();
  const a = resolveAlert(where, `[${name}]`, o as AlertTuning, { name: 'ModelPredictionClassShift', pendingFor: Duration.minutes(30), severity: Severity.WARNING });
  const cl = src.classLabel;
  c.specs.push({ kind: 'class', alert: a, source: src, baseline: b, maxShift: t });
  emit(c, `classDrift[${name}]`, a, 'drift', `abs(${share} - ${share} offset ${b}) > ${formatNumber(t)}`, `share of predicted class {{ $labels.${cl} }} shifted`,
    `The share of class {{ $labels.${cl} }} moved by {{ $value | humanizePercentage }} against ${b} earlier (threshold ${formatNumber(t * 100)} points${heldFor(a)}).`,
    { distribution: name });
  return { source: src, share: shareSeries };
}

/** The resolved thresholds of the performance alerts: what the alerts and the dashboard read. @internal */
export interface PerformanceSettings {
  readonly minAccuracy: number;
  readonly accuracyLowEnabled: boolean;
  readonly accuracy: Series;
  readonly confusion?: ConfusionSource;
}

/** Accuracy (and precision, recall, F1 from counters) with a floor and a relative drop alert. @internal */
export function addPerformance(c: QualityContext, p: ModelPerformance, o: PerformanceAlertOptions): PerformanceSettings {
  const where = `${c.where} performance`;
  if (!(p instanceof ModelPerformance)) throw invalidProp(where, 'performance', p, 'a ModelPerformance, e.g. ModelPerformance.seldonFeedback()');
  let accuracy: Series;
  let confusion: ConfusionSource | undefined;
  let source: AccuracySource;
  if (p._counters) {
    confusion = { ...p._counters(c.scope), window: promDuration(o.window ?? Duration.hours(1), where, 'window') };
    source = { kind: 'counters', source: confusion };
    accuracy = c.signals.accuracyFromCounters(confusion);
    c.signals.precision(confusion);
    c.signals.recall(confusion);
    c.signals.f1(confusion);
  } else {
    const gauge = p._gauge!(c.scope);
    source = { kind: 'gauge', source: gauge };
    accuracy = c.signals.accuracyFromGauge(gauge);
  }
  const floor = ratioBetween(where, 'minAccuracy', o.minAccuracy ?? Ratio.percent(80),
    'accuracy is never below 0 %, and below 100 % whenever one prediction is wrong, so the alert would never fire or always');
  const drop = ratioBetween(where, 'maxRelativeDrop', o.maxRelativeDrop ?? Ratio.percent(10),
    'accuracy is below its trailing average about half the time, and never falls 100 % below it');
  const b = promDuration(o.baseline ?? Duration.days(7), where, 'baseline');
  const low = tuned(c, 'accuracyLow', { name: 'ModelAccuracyLow', pendingFor: Duration.minutes(30), severity: Severity.CRITICAL });
  c.specs.push({ kind: 'accuracyLow', alert: low, accuracy: source, floor });
  emit(c, 'alerts.accuracyLow', low, 'performance', `${accuracy.select()} < ${formatNumber(floor)}`, `accuracy below ${pct(floor)}`,
    `Accuracy against ground truth is {{ $value | humanizePercentage }}${heldFor(low)}: retrain or roll back.`);
  const dropped = tuned(c, 'accuracyDropped', { name: 'ModelAccuracyDropped', pendingFor: Duration.hours(1), severity: Severity.WARNING });
  c.specs.push({ kind: 'accuracyDropped', alert: dropped, accuracy: source, drop, baseline: b });
  emit(c, 'alerts.accuracyDropped', dropped, 'performance',
    `${accuracy.select()} < ${formatNumber(1 - drop)} * avg_over_time(${accuracy.range(b)})`,
    `accuracy dropped more than ${pct(drop)} below its ${b} average`,
    `Accuracy is {{ $value | humanizePercentage }}, more than ${pct(drop)} below its average over the last ${b}${heldFor(dropped)}: the model is degrading.`);
  return { minAccuracy: floor, accuracyLowEnabled: low.enabled, accuracy, confusion };
}

/** Data health's resolved sources, for the dashboard. @internal */
export interface DataHealthSettings {
  readonly matchers: ReadonlyArray<LabelMatcher>;
  readonly missingFeatureLabel?: string;
}

/** Predictions stopped, missing feature values, stale evaluation. @internal */
export function addDataHealth(c: QualityContext, o: DataHealthOptions): DataHealthSettings {
  const where = `${c.where} dataHealth`;
  const m = scopedMatchers(where, o.matchers, c.scope);
  const s = c.signals;
  let featureLabel: string | undefined;
  if (o.predictionsCounter !== undefined) {
    validateMetricName(where, 'predictionsCounter', o.predictionsCounter);
    const w = promDuration(o.stoppedFor ?? Duration.minutes(15), where, 'stoppedFor');
    const b = promDuration(o.baseline ?? Duration.days(1), where, 'baseline');
    const a = tuned(c, 'predictionsStopped', { name: 'ModelPredictionsStopped', pendingFor: Duration.minutes(5), severity: Severity.CRITICAL });
    s.needs([o.predictionsCounter], m);
    c.specs.push({ kind: 'predictionsStopped', alert: a, counter: o.predictionsCounter, matchers: m, stoppedFor: w, baseline: b });
    emit(c, 'alerts.predictionsStopped', a, 'data',
      `(${s.rawRate(o.predictionsCounter, m, w)} or vector(0)) == 0\nand\n${s.rawRate(o.predictionsCounter, m, w, undefined, b)} > 0`,
      `no predictions for ${w}`,
      `${o.predictionsCounter} has not increased for ${w}, although it did at this time ${b} earlier: the model receives no data.`);
  }
  if (o.missingValues) {
    const mv = o.missingValues;
    validateMetricName(where, 'missingValues.counter', mv.counter);
    validateMetricName(where, 'missingValues.total', mv.total);
    const f = validatePromLabelName(where, 'missingValues.featureLabel', mv.featureLabel ?? 'feature');
    featureLabel = f;
    const t = ratioBetween(where, 'missingValues.maxMissingRatio', mv.maxMissingRatio ?? Ratio.percent(5),
      'the alert fires above it, and no more than every input can lack a feature', true);
    const a = tuned(c, 'featureMissingValues', { name: 'ModelFeatureMissingValues', pendingFor: Duration.minutes(15), severity: Severity.WARNING });
    // The total is needed; the counter of missing values is written on the first missing value, so its absence is healthy.
    s.needs([mv.total], m);
    c.specs.push({ kind: 'missingValues', alert: a, counter: mv.counter, total: mv.total, featureLabel: f, matchers: m, maxRatio: t });
    emit(c, 'alerts.featureMissingValues', a, 'data',
      `${s.rawRate(mv.counter, m, '1h', f)}\n/ ignoring (${f}) group_left ()\n(${s.rawRate(mv.total, m, '1h')} > 0)\n> ${formatNumber(t)}`,
      `feature {{ $labels.${f} }} is often missing`,
      `{{ $value | humanizePercentage }} of the inputs lack feature {{ $labels.${f} }} (threshold ${pct(t)}${heldFor(a)}).`);
  }
  if (o.evaluationLastSuccess !== undefined) {
    validateMetricName(where, 'evaluationLastSuccess', o.evaluationLastSuccess);
    const maxAge = o.evaluationMaxAge ?? Duration.days(1);
    const age = promDuration(maxAge, where, 'evaluationMaxAge');
    const g = s.rawGauge(o.evaluationLastSuccess, m);
    const a = tuned(c, 'evaluationStale', { name: 'ModelEvaluationStale', pendingFor: Duration.minutes(5), severity: Severity.WARNING });
    c.specs.push({ kind: 'evaluationStale', alert: a, gauge: o.evaluationLastSuccess, matchers: m, maxAge: age });
    emit(c, 'alerts.evaluationStale', a, 'data', `time() - max(${g}) > ${formatNumber(maxAge.toSeconds())}\nor\nabsent(${g})`,
      `no successful evaluation for ${age}`,
      `The evaluation job last succeeded more than ${age} ago (or never reported): accuracy alerts are blind.`);
  }
  return { matchers: m, missingFeatureLabel: featureLabel };
}

/** More than one version of a model serving for longer than a rollout takes. @internal */
export function addVersions(c: QualityContext, o: ModelVersionOptions): VersionSource {
  const where = `${c.where} versions`;
  validateMetricName(where, 'requestsCounter', o.requestsCounter);
  const ml = validatePromLabelName(where, 'modelLabel', o.modelLabel);
  const vl = validatePromLabelName(where, 'versionLabel', o.versionLabel);
  if (ml === vl) throw invalidProp(where, 'versionLabel', vl, 'a label other than modelLabel');
  const errors = o.errorLabelMatchers === undefined ? undefined : Object.keys(o.errorLabelMatchers).sort().map(k => {
    validatePromLabelName(where, 'errorLabelMatchers key', k);
    return { name: k, op: '=~' as const, value: validateRe2(where, `errorLabelMatchers["${k}"]`, o.errorLabelMatchers![k]) };
  });
  if (o.latencyHistogram !== undefined) validateMetricName(where, 'latencyHistogram', o.latencyHistogram);
  const matchers = scopedMatchers(where, o.matchers, c.scope);
  if (o.latencyHistogram !== undefined) c.signals.needs([`${o.latencyHistogram}_bucket`], matchers);
  const v: VersionSource = {
    counter: o.requestsCounter,
    modelLabel: ml,
    versionLabel: vl,
    matchers,
    errors,
    latencyHistogram: o.latencyHistogram,
  };
  const d = o.maxRolloutDuration ?? Duration.hours(1);
  const rollout = promDuration(d, where, 'maxRolloutDuration');
  const a = tuned(c, 'versionsMixed', { name: 'ModelVersionsMixed', pendingFor: d, severity: Severity.WARNING });
  c.specs.push({ kind: 'versions', alert: a, source: v });
  emit(c, 'alerts.versionsMixed', a, 'version', `count by (namespace, ${ml}) (${c.signals.servingByVersion(v, '5m')} > 0) > 1`,
    `{{ $value }} versions of {{ $labels.${ml} }} serve at once`,
    `More than one version has served traffic${heldFor(a) || ` for ${rollout}`}: a rollout is stuck or a canary was never promoted.`);
  return v;
}
