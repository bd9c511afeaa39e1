import { Duration } from 'cdk8s';
import { DriftDetector } from './drift-detector';
import { ModelPerformance } from './model-performance';
import { ClassDriftOptions, DataHealthOptions, HistogramDriftOptions, ModelVersionOptions, PerformanceAlertOptions } from './quality-options';
import { promDuration } from '../../common/_duration';
import { invalidProp } from '../../common/_errors';
import { validateMetricName, validatePromLabelName } from '../../common/_names';
import { formatNumber } from '../../common/_number';
import { selector, validatedEqualityMatchers } from '../../common/_promql';
import { Ratio } from '../../common/ratio';
import { Severity } from '../../common/severity';
import { RuleGroup } from '../../rules/rule-group';

/** Recorded series of model quality. @internal */
export const QUALITY_RECORD = {
  cdf: 'ml_quality:distribution_cdf:ratio',
  ks: 'ml_quality:distribution_ks:distance',
  classShare: 'ml_quality:class_share:ratio',
  accuracy: 'ml_quality:accuracy:ratio',
  precision: 'ml_quality:precision:ratio',
  recall: 'ml_quality:recall:ratio',
  f1: 'ml_quality:f1:ratio',
};

/** What every quality alert needs. @internal */
export interface QualityContext {
  readonly where: string;
  readonly group: RuleGroup;
  readonly model: string;
  readonly alertLabels: { [k: string]: string };
  readonly runbookBaseUrl: string;
  readonly alertNames: string[];
}

type Signal = 'drift' | 'performance' | 'data' | 'version';

function alert(c: QualityContext, signal: Signal, alertName: string, expr: string, forD: Duration | undefined, severity: Severity,
  summary: string, description: string, extra: { [k: string]: string } = {}): void {
  c.group.addAlertingRule({
    alert: alertName,
    expr,
    for: forD,
    severity,
    summary: `${c.model}: ${summary}`,
    description,
    runbookUrl: `${c.runbookBaseUrl}#${alertName.toLowerCase()}`,
    // ml_signal lets Alertmanager send drift and performance alerts to a retraining webhook.
    labels: { ...c.alertLabels, ...extra, model: c.model, ml_signal: signal },
  });
  if (!c.alertNames.includes(alertName)) c.alertNames.push(alertName);
}

function checkName(where: string, prop: string, n: string): string {
  if (typeof n !== 'string' || !/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(n) || n.length > 63) {
    throw invalidProp(where, prop, n, 'lower-case letters, digits, "-", "_" and ".", at most 63, e.g. "fraud-score"');
  }
  return n;
}

function matchers(where: string, m: { [k: string]: string } | undefined) {
  return validatedEqualityMatchers(where, 'matchers', m);
}

function ratioText(where: string, prop: string, r: Ratio): string {
  if (!(r instanceof Ratio)) throw invalidProp(where, prop, r, 'a Ratio, e.g. Ratio.percent(10)');
  return r.toString();
}

/** Detector alerts: one per condition, named after the detector's kind. @internal */
export function addDetectorAlerts(c: QualityContext, detectors: DriftDetector[], forD: Duration): void {
  for (const d of detectors) {
    if (!(d instanceof DriftDetector)) throw invalidProp(c.where, 'driftDetectors', d, 'DriftDetector values, e.g. DriftDetector.alibiDetect()');
    for (const cond of d._conditions) {
      alert(c, 'drift', 'ModelDataDrift', cond.expr, forD, Severity.WARNING, cond.summary, cond.description, { detector: d.name, drift_check: cond.key });
    }
  }
}

/**
 * Kolmogorov–Smirnov distance between a histogram's distribution now and one `baseline` earlier:
 * the cumulative fraction at every `le` is recorded, and the distance is the largest absolute gap
 * between the recorded fractions and the same series `baseline` ago.
 * @internal
 */
export function addHistogramDrift(c: QualityContext, o: HistogramDriftOptions): void {
  const where = `${c.where} histogramDrift`;
  const dist = checkName(where, 'name', o.name);
  validateMetricName(where, 'histogram', o.histogram);
  if (/_(bucket|count|sum)$/.test(o.histogram)) {
    throw invalidProp(where, 'histogram', o.histogram, 'the histogram\'s base name: its _bucket series (with le) are read, so name it without the _bucket, _count or _sum suffix');
  }
  const m = matchers(where, o.matchers);
  const w = promDuration(o.window ?? Duration.hours(1), where, 'window');
  const b = promDuration(o.baseline ?? Duration.days(7), where, 'baseline');
  const t = o.threshold ?? 0.1;
  if (typeof t !== 'number' || !(t > 0 && t < 1)) throw invalidProp(where, 'threshold', t, 'a distance between 0 and 1 exclusive, e.g. 0.1');
  const labels = { distribution: dist, model: c.model };
  const cdf = selector(QUALITY_RECORD.cdf, [{ name: 'distribution', op: '=', value: dist }, { name: 'model', op: '=', value: c.model }]);
  c.group.addRecordingRule({
    record: QUALITY_RECORD.cdf,
    expr: `sum by (le) (increase(${selector(`${o.histogram}_bucket`, m)}[${w}]))\n/ ignoring (le) group_left ()\n(sum(increase(${selector(`${o.histogram}_count`, m)}[${w}])) > 0)`,
    labels,
  });
  c.group.addRecordingRule({ record: QUALITY_RECORD.ks, expr: `max(abs(${cdf} - ${cdf} offset ${b}))`, labels });
  alert(c, 'drift', 'ModelDistributionDrift', `${selector(QUALITY_RECORD.ks, [{ name: 'distribution', op: '=', value: dist }, { name: 'model', op: '=', value: c.model }])} > ${formatNumber(t)}`,
    o.for ?? Duration.minutes(30), Severity.WARNING, `distribution ${dist} drifted`,
    `The Kolmogorov–Smirnov distance between ${o.histogram} over the last ${w} and the same window ${b} earlier is {{ $value }} (threshold ${formatNumber(t)}).`,
    { distribution: dist });
}

/** The share of each predicted class now against one `baseline` earlier. @internal */
export function addClassDrift(c: QualityContext, o: ClassDriftOptions): void {
  const where = `${c.where} classDrift`;
  const dist = checkName(where, 'name', o.name);
  validateMetricName(where, 'counter', o.counter);
  const cl = validatePromLabelName(where, 'classLabel', o.classLabel ?? 'class');
  const m = matchers(where, o.matchers);
  const w = promDuration(o.window ?? Duration.hours(1), where, 'window');
  const b = promDuration(o.baseline ?? Duration.days(7), where, 'baseline');
  const t = ratioText(where, 'threshold', o.threshold ?? Ratio.percent(10));
  const share = selector(QUALITY_RECORD.classShare, [{ name: 'distribution', op: '=', value: dist }, { name: 'model', op: '=', value: c.model }]);
  c.group.addRecordingRule({
    record: QUALITY_RECORD.classShare,
    expr: `sum by (${cl}) (increase(${selector(o.counter, m)}[${w}]))\n/ ignoring (${cl}) group_left ()\n(sum(increase(${selector(o.counter, m)}[${w}])) > 0)`,
    labels: { distribution: dist, model: c.model },
  });
  alert(c, 'drift', 'ModelPredictionClassShift', `abs(${share} - ${share} offset ${b}) > ${t}`, o.for ?? Duration.minutes(30), Severity.WARNING,
    `share of predicted class {{ $labels.${cl} }} shifted`,
    `The share of class {{ $labels.${cl} }} moved by {{ $value | humanizePercentage }} against ${b} earlier (threshold ${formatNumber(Number(t) * 100)} points).`,
    { distribution: dist });
}

/** Accuracy (and precision, recall, F1 from counters) with a floor and a relative drop alert. @internal */
export function addPerformance(c: QualityContext, p: ModelPerformance, o: PerformanceAlertOptions): void {
  const where = `${c.where} performance`;
  if (!(p instanceof ModelPerformance)) throw invalidProp(where, 'performance', p, 'a ModelPerformance, e.g. ModelPerformance.seldonFeedback()');
  const labels = { model: c.model };
  const rec = (r: string) => selector(r, [{ name: 'model', op: '=', value: c.model }]);
  if (p._counters) {
    const w = promDuration(o.window ?? Duration.hours(1), where, 'window');
    const inc = (s: string) => `(sum(increase(${s}[${w}])) or vector(0))`;
    const [tp, fp, tn, fn] = [inc(p._counters.tp), inc(p._counters.fp), inc(p._counters.tn), inc(p._counters.fn)];
    c.group.addRecordingRule({ record: QUALITY_RECORD.accuracy, expr: `(${tp} + ${tn})\n/ ((${tp} + ${tn} + ${fp} + ${fn}) > 0)`, labels });
    c.group.addRecordingRule({ record: QUALITY_RECORD.precision, expr: `${tp} / ((${tp} + ${fp}) > 0)`, labels });
    c.group.addRecordingRule({ record: QUALITY_RECORD.recall, expr: `${tp} / ((${tp} + ${fn}) > 0)`, labels });
    c.group.addRecordingRule({
      record: QUALITY_RECORD.f1,
      expr: `2 * ${rec(QUALITY_RECORD.precision)} * ${rec(QUALITY_RECORD.recall)} / ((${rec(QUALITY_RECORD.precision)} + ${rec(QUALITY_RECORD.recall)}) > 0)`,
      labels,
    });
  } else {
    c.group.addRecordingRule({ record: QUALITY_RECORD.accuracy, expr: `max(${p._gauge})`, labels });
  }
  const floor = ratioText(where, 'minAccuracy', o.minAccuracy ?? Ratio.percent(80));
  const drop = ratioText(where, 'maxRelativeDrop', o.maxRelativeDrop ?? Ratio.percent(10));
  const b = promDuration(o.baseline ?? Duration.days(7), where, 'baseline');
  alert(c, 'performance', 'ModelAccuracyLow', `${rec(QUALITY_RECORD.accuracy)} < ${floor}`, Duration.minutes(30), Severity.CRITICAL,
    `accuracy below ${formatNumber(Number(floor) * 100)}%`, 'Accuracy against ground truth is {{ $value | humanizePercentage }}: retrain or roll back.');
  alert(c, 'performance', 'ModelAccuracyDropped',
    `${rec(QUALITY_RECORD.accuracy)} < ${formatNumber(1 - Number(drop))} * avg_over_time(${rec(QUALITY_RECORD.accuracy)}[${b}])`,
    Duration.hours(1), Severity.WARNING, `accuracy dropped more than ${formatNumber(Number(drop) * 100)}% below its ${b} average`,
    `Accuracy is {{ $value | humanizePercentage }}, more than ${formatNumber(Number(drop) * 100)}% below its average over the last ${b}: the model is degrading.`);
}

/** Predictions stopped, missing feature values, stale evaluation. @internal */
export function addDataHealth(c: QualityContext, o: DataHealthOptions): void {
  const where = `${c.where} dataHealth`;
  const m = matchers(where, o.matchers);
  const sel = (metric: string) => selector(metric, m);
  if (o.predictionsCounter !== undefined) {
    validateMetricName(where, 'predictionsCounter', o.predictionsCounter);
    const w = promDuration(o.stoppedFor ?? Duration.minutes(15), where, 'stoppedFor');
    const b = promDuration(o.baseline ?? Duration.days(1), where, 'baseline');
    alert(c, 'data', 'ModelPredictionsStopped',
      `(sum(rate(${sel(o.predictionsCounter)}[${w}])) or vector(0)) == 0\nand\nsum(rate(${sel(o.predictionsCounter)}[${w}] offset ${b})) > 0`,
      Duration.minutes(5), Severity.CRITICAL, `no predictions for ${w}`,
      `${o.predictionsCounter} has not increased for ${w}, although it did at this time ${b} earlier: the model receives no data.`);
  }
  if (o.missingValues) {
    const mv = o.missingValues;
    validateMetricName(where, 'missingValues.counter', mv.counter);
    validateMetricName(where, 'missingValues.total', mv.total);
    const f = validatePromLabelName(where, 'missingValues.featureLabel', mv.featureLabel ?? 'feature');
    const t = ratioText(where, 'missingValues.threshold', mv.threshold ?? Ratio.percent(5));
    alert(c, 'data', 'ModelFeatureMissingValues',
      `sum by (${f}) (rate(${sel(mv.counter)}[1h]))\n/ ignoring (${f}) group_left ()\n(sum(rate(${sel(mv.total)}[1h])) > 0)\n> ${t}`,
      Duration.minutes(15), Severity.WARNING, `feature {{ $labels.${f} }} is often missing`,
      `{{ $value | humanizePercentage }} of the inputs lack feature {{ $labels.${f} }} (threshold ${formatNumber(Number(t) * 100)}%).`);
  }
  if (o.evaluationLastSuccess !== undefined) {
    validateMetricName(where, 'evaluationLastSuccess', o.evaluationLastSuccess);
    const maxAge = o.evaluationMaxAge ?? Duration.days(1);
    const age = promDuration(maxAge, where, 'evaluationMaxAge');
    alert(c, 'data', 'ModelEvaluationStale',
      `time() - max(${sel(o.evaluationLastSuccess)}) > ${formatNumber(maxAge.toSeconds())}\nor\nabsent(${sel(o.evaluationLastSuccess)})`,
      Duration.minutes(5), Severity.WARNING, `no successful evaluation for ${age}`,
      `The evaluation job last succeeded more than ${age} ago (or never reported): accuracy alerts are blind.`);
  }
}

/** More than one version of a model serving for longer than a rollout takes. @internal */
export function addVersions(c: QualityContext, o: ModelVersionOptions): string {
  const where = `${c.where} versions`;
  validateMetricName(where, 'requestsCounter', o.requestsCounter);
  const ml = validatePromLabelName(where, 'modelLabel', o.modelLabel);
  const vl = validatePromLabelName(where, 'versionLabel', o.versionLabel);
  if (ml === vl) throw invalidProp(where, 'versionLabel', vl, 'a label other than modelLabel');
  const sel = selector(o.requestsCounter, matchers(where, o.matchers));
  const d = o.maxRolloutDuration ?? Duration.hours(1);
  const serving = `sum by (namespace, ${ml}, ${vl}) (rate(${sel}[5m])) > 0`;
  alert(c, 'version', 'ModelVersionsMixed', `count by (namespace, ${ml}) (${serving}) > 1`, d, Severity.WARNING,
    `{{ $value }} versions of {{ $labels.${ml} }} serve at once`,
    `More than one version has served traffic for ${promDuration(d, where, 'maxRolloutDuration')}: a rollout is stuck or a canary was never promoted.`);
  return serving;
}
