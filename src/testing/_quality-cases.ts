import { Duration } from 'cdk8s';
import { detectorScenarios } from './_detector-cases';
import { fairnessScenarios } from './_fairness-cases';
import { feedbackScenarios } from './_feedback-cases';
import { counter, gauge, SeriesSet } from './_input-series';
import { crossing, Labels, LONG_STEP, matching, nearThenFar, phase, QualityScenario, scenarioCase, scraped, Timing } from './_quality-scenario';
import { GeneratedCase, GeneratedSuite, NotGenerated, pendingMs, percent, ratioAbove } from './_test-case';
import { promDuration, promMillis } from '../common/_duration';
import { formatNumber } from '../common/_number';
import { LabelMatcher } from '../common/_promql';
import { AccuracySource, QualityAlertSpec } from '../ml/quality/_quality-spec';

/*
 * Tests of a ModelQualityMonitoring's alerts, from each alert as resolved (_quality-spec): for each, the
 * scenario it is for (drift reported or computed, accuracy falling, predictions stopping, an evaluation job
 * going quiet, a rollout that never ends, a series that stopped existing) fires it once held, and the same
 * change just short of its threshold (or one its baseline explains) does not. Detector series are the
 * exporter's own (_detector-cases); the user's own counters and histograms are written with the labels the
 * alert's selectors name and those a scrape adds.
 */

/** What the generator needs of a ModelQualityMonitoring. @internal */
export interface QualitySource {
  readonly model: string;
  readonly namespace: string;
  readonly specs: ReadonlyArray<QualityAlertSpec>;
  readonly alertNames: ReadonlyArray<string>;
  /** The static labels of the one rule of `alert` whose labels include `having`, as synthesized. */
  readonly ruleLabels: (alert: string, having: Labels) => Labels | undefined;
}

const MINUTE = 60_000;
/** Events per one-minute step of the generated counters. */
const EVENTS = 60;
const LONG_EVENTS = EVENTS * LONG_STEP / MINUTE;

/**
 * The evaluation interval of a model's tests: 5 minutes, or longer where a baseline read as a range would
 * hold more samples than promtool allows a query (10,000: promql/promqltest; a server allows 50 million).
 */
function evaluationInterval(specs: ReadonlyArray<QualityAlertSpec>): number {
  const longest = Math.max(0, ...specs.map(s => (s.kind === 'accuracyDropped' || (s.kind === 'feedback' && s.metric !== 'low') ? promMillis(s.baseline) : 0)));
  const five = 5 * MINUTE;
  return Math.max(1, Math.ceil(longest / 9_000 / five)) * five;
}

/** The generated tests of a ModelQualityMonitoring's alerts. @internal */
export function qualityCases(src: QualitySource): GeneratedSuite {
  const evalMs = evaluationInterval(src.specs);
  const cases: GeneratedCase[] = [];
  const notGenerated: NotGenerated[] = [];
  for (const spec of src.specs) {
    const a = spec.alert;
    if (!a.enabled || !src.alertNames.includes(a.name)) continue;
    try {
      const forMs = pendingMs(a);
      const at = coarseEvaluation(spec) ?? evalMs;
      const scenarios = scenariosOf(src, spec, { forMs, evalMs: at });
      if (typeof scenarios === 'string') {
        notGenerated.push({ alert: a.name, reason: scenarios, cannotFire: false });
        continue;
      }
      cases.push(...scenarios.map(s => ({ ...scenarioCase(a.name, forMs, s, at), ...(at !== evalMs ? { evaluationIntervalMs: at } : {}) })));
    } catch (e) {
      notGenerated.push({ alert: a.name, reason: (e as Error).message, cannotFire: false });
    }
  }
  return { cases, notGenerated, evaluationIntervalMs: evalMs };
}

/**
 * The evaluation interval of tests whose history spans days of a signal read over hours (a feedback
 * baseline of a week, a fairness window of a day): every 15 minutes, in a file of their own, so that
 * promtool's work (every rule of the model at every evaluation) stays within seconds. Undefined: the
 * model's interval.
 */
function coarseEvaluation(spec: QualityAlertSpec): number | undefined {
  const coarse = 15 * MINUTE;
  if (spec.kind === 'feedback' && spec.metric !== 'low' && promMillis(spec.baseline) >= 3 * 24 * 60 * MINUTE) return coarse;
  if (spec.kind === 'fairness' && promMillis(spec.source.window) >= 6 * 60 * MINUTE) return coarse;
  return undefined;
}

function scenariosOf(src: QualitySource, spec: QualityAlertSpec, timing: Timing): QualityScenario[] | string {
  const rule = (having: Labels = {}) => src.ruleLabels(spec.alert.name, having);
  const once = (labels: Labels | undefined, make: (rule: Labels) => QualityScenario[]) =>
    labels === undefined ? 'the rule is written more than once' : make(labels);
  const ns = src.namespace;
  switch (spec.kind) {
    case 'detector': {
      const name = spec.detector.kind === 'custom' ? spec.detector.name : spec.detector.kind;
      return detectorScenarios(spec.detector, spec.conditions, ns, key => rule({ detector: name, drift_check: key }));
    }
    case 'histogram': return once(rule({ distribution: spec.source.name }), r => histogramScenarios(spec, ns, r, timing));
    case 'class': return once(rule({ distribution: spec.source.name }), r => classScenarios(spec, ns, r, timing));
    case 'accuracyLow': return once(rule(), r => accuracyLowScenarios(spec, ns, r));
    case 'accuracyDropped': return once(rule(), r => accuracyDroppedScenarios(spec, ns, r, timing));
    case 'predictionsStopped': return once(rule(), r => stoppedScenarios(spec, ns, r));
    case 'missingValues': return once(rule(), r => missingValuesScenarios(spec, ns, r));
    case 'evaluationStale': return once(rule(), r => staleScenarios(spec, ns, r));
    case 'versions': return once(rule(), r => versionScenarios(spec, src.model, ns, r));
    case 'metricsMissing': return once(rule(), r => metricsMissingScenarios(spec, ns, r));
    case 'feedback': return once(rule(), r => feedbackScenarios(spec, ns, r, timing));
    case 'fairness': {
      const r = rule({ fairness: spec.source.name });
      return r === undefined ? 'the rule is written more than once' : fairnessScenarios(spec, ns, r);
    }
  }
}

type Spec<K extends QualityAlertSpec['kind']> = Extract<QualityAlertSpec, { kind: K }>;

/** A series of the user's, as a scrape of the model's pod writes it. */
function userSeries(namespace: string, matchers: ReadonlyArray<LabelMatcher>, extra: Labels = {}): Labels {
  return matching({ ...scraped(namespace, 'model-server'), ...extra }, matchers);
}

/**
 * A histogram of a score in (0, 1]: every observation in (0.1, 0.5] before the drift; after it, `share` of
 * them in (0, 0.1], so that the largest gap between the two cumulative distributions is `share`.
 */
function histogramScenarios(spec: Spec<'histogram'>, ns: string, rule: Labels, timing: Timing): QualityScenario[] {
  const d = spec.source;
  const t = spec.maxDistance;
  const write = (low: number) => (set: SeriesSet) => {
    const labels = userSeries(ns, d.matchers);
    for (const [le, share] of [['0.1', low], ['0.5', 1], ['1', 1], ['+Inf', 1]] as const) {
      set.add(`${d.histogram}_bucket`, { ...labels, le }, counter(LONG_EVENTS * share));
    }
    set.add(`${d.histogram}_count`, labels, counter(LONG_EVENTS));
  };
  const near = t * 2 / 3;
  const far = ratioAbove(t);
  return [{
    name: `stays silent while ${d.name} has moved by a Kolmogorov–Smirnov distance of ${num(near)} against ${spec.baseline} earlier, fires once by ${num(far)}`,
    ...nearThenFar({ write, historyMs: promMillis(spec.baseline), windowMs: promMillis(d.window), base: 0, near, far, threshold: t, timing }),
    firing: [rule],
  }];
}

/** Two classes; the first's share moves up from `p0` (and the second's down by as much). */
function classScenarios(spec: Spec<'class'>, ns: string, rule: Labels, timing: Timing): QualityScenario[] {
  const c = spec.source;
  const t = spec.maxShift;
  const classes = ['positive', 'negative'];
  const labelsOf = (k: string) => userSeries(ns, c.matchers, { [c.classLabel]: k });
  const write = (p: number) => (set: SeriesSet) => {
    set.add(c.counter, labelsOf(classes[0]), counter(LONG_EVENTS * p));
    set.add(c.counter, labelsOf(classes[1]), counter(LONG_EVENTS * (1 - p)));
  };
  const shift = ratioAbove(t);
  const p0 = Math.max(0, Math.min(0.2, 1 - shift));
  return [{
    name: `stays silent while the shares of ${c.name} have moved by ${num(t * 200 / 3)} points, fires for both classes once by ${num(shift * 100)}`,
    ...nearThenFar({
      write,
      historyMs: promMillis(spec.baseline),
      windowMs: promMillis(c.window),
      base: p0,
      near: p0 + t * 2 / 3,
      far: p0 + shift,
      threshold: p0 + t,
      timing,
    }),
    firing: classes.map(k => ({ [c.classLabel]: k, ...rule })),
  }];
}

/**
 * Accuracy as the source writes it: confusion counters with half the events positive (accuracy is the
 * share of true outcomes), or the evaluation job's gauge.
 */
function accuracyWriter(acc: AccuracySource, ns: string, stepMs: number): (a: number) => (set: SeriesSet) => void {
  const events = EVENTS * stepMs / MINUTE;
  return a => set => {
    if (acc.kind === 'gauge') {
      set.add(acc.source.names[0], userSeries(ns, acc.source.matchers), gauge(a));
      return;
    }
    const [tp, fp, tn, fn] = acc.source.names;
    const labels = userSeries(ns, acc.source.matchers);
    set.add(tp, labels, counter(events * a / 2));
    set.add(tn, labels, counter(events * a / 2));
    set.add(fp, labels, counter(events * (1 - a) / 2));
    set.add(fn, labels, counter(events * (1 - a) / 2));
  };
}

function accuracyWindow(acc: AccuracySource): number {
  return acc.kind === 'counters' ? promMillis(acc.source.window) : 0;
}

function accuracyLowScenarios(spec: Spec<'accuracyLow'>, ns: string, rule: Labels): QualityScenario[] {
  const floor = spec.floor;
  const good = floor + (1 - floor) / 2;
  const low = floor * 2 / 3;
  const near = floor + (good - floor) / 3;
  const w = accuracyWindow(spec.accuracy);
  const write = accuracyWriter(spec.accuracy, ns, MINUTE);
  const history = Math.ceil(w / MINUTE) + 10;
  const scenario = (to: number) => ({
    phases: [phase(history, write(good)), phase(1, write(to))],
    onsetMs: history * MINUTE,
    ...(w > 0 ? crossing(good, to, floor, w) : { fromMs: MINUTE, byMs: MINUTE }),
  });
  return [
    { name: `fires when accuracy falls from ${percent(good)} to ${percent(low)}`, ...scenario(low), firing: [rule] },
    { name: `stays silent when accuracy falls to ${percent(near)}, above the floor`, ...scenario(near), firing: [] },
  ];
}

function accuracyDroppedScenarios(spec: Spec<'accuracyDropped'>, ns: string, rule: Labels, timing: Timing): QualityScenario[] {
  // The trailing average stays about `good`: the drop is hours of a baseline of days.
  const good = 0.9;
  const d = spec.drop;
  return [{
    name: `stays silent while accuracy is ${percent(d / 2)} below its ${spec.baseline} average, fires once ${percent(1.5 * d)} below`,
    ...nearThenFar({
      write: accuracyWriter(spec.accuracy, ns, LONG_STEP),
      historyMs: promMillis(spec.baseline),
      windowMs: accuracyWindow(spec.accuracy),
      base: good,
      near: good * (1 - d / 2),
      far: good * (1 - 1.5 * d),
      threshold: good * (1 - d),
      timing,
    }),
    firing: [rule],
  }];
}

/**
 * Predictions stop after a baseline of traffic: the alert fires. A pause that also happened one baseline
 * earlier (a nightly lull) does not page.
 */
function stoppedScenarios(spec: Spec<'predictionsStopped'>, ns: string, rule: Labels): QualityScenario[] {
  const labels = userSeries(ns, spec.matchers);
  const stopped = promMillis(spec.stoppedFor);
  const baseline = Math.ceil(promMillis(spec.baseline) / MINUTE);
  const forMs = pendingMs(spec.alert);
  // Long enough to hold the rate's window a baseline earlier at every check.
  const lull = Math.max(60, Math.ceil(stopped / MINUTE)) + Math.ceil(forMs / MINUTE) + 60;
  const onset = baseline + lull + 10;
  const traffic = (steps: number) => phase(steps, s => s.add(spec.counter, labels, counter(EVENTS)));
  const idle = (steps: number) => phase(steps, s => s.add(spec.counter, labels, counter(0)));
  // rate() over the window is 0 once the window holds no sample before the stop: one step less on Prometheus 3 (left-open).
  const at = { onsetMs: onset * MINUTE, fromMs: stopped - 2 * MINUTE, byMs: stopped + MINUTE };
  const before = onset - baseline - 60; // the lull a baseline earlier starts an hour before the stop's time
  return [
    { name: `fires when predictions stop for ${spec.stoppedFor} after flowing ${spec.baseline} earlier`, phases: [traffic(onset), idle(1)], ...at, firing: [rule] },
    {
      name: `stays silent when predictions also paused at this time ${spec.baseline} earlier`,
      phases: [traffic(before), idle(lull + 60), traffic(onset - before - lull - 60), idle(1)],
      ...at,
      firing: [],
    },
  ];
}

function missingValuesScenarios(spec: Spec<'missingValues'>, ns: string, rule: Labels): QualityScenario[] {
  const t = spec.maxRatio;
  const w = 60 * MINUTE; // the alert's window
  const base = t / 3;
  const f = spec.featureLabel;
  const write = (ratio: number) => (set: SeriesSet) => {
    set.add(spec.total, userSeries(ns, spec.matchers), counter(EVENTS));
    set.add(spec.counter, userSeries(ns, spec.matchers, { [f]: 'age' }), counter(EVENTS * ratio));
    set.add(spec.counter, userSeries(ns, spec.matchers, { [f]: 'income' }), counter(EVENTS * base));
  };
  const history = Math.ceil(w / MINUTE) + 5;
  const scenario = (name: string, ratio: number, firing: Labels[]): QualityScenario =>
    ({ name, phases: [phase(history, write(base)), phase(1, write(ratio))], onsetMs: history * MINUTE, ...crossing(base, ratio, t, w), firing });
  const above = t > 0 ? ratioAbove(t) : 0.5;
  const out = [scenario(`fires for the feature missing from ${percent(above)} of the inputs, not for one missing from ${percent(base)}`, above, [{ [f]: 'age', ...rule }])];
  if (t > 0) out.push(scenario(`stays silent when a feature is missing from ${percent(t * 2 / 3)} of the inputs`, t * 2 / 3, []));
  return out;
}

/** The gauge holds the Unix time of the evaluation job's last success; promtool's clock starts at 0. */
function staleScenarios(spec: Spec<'evaluationStale'>, ns: string, rule: Labels): QualityScenario[] {
  const maxAge = promMillis(spec.maxAge);
  const labels = userSeries(ns, spec.matchers);
  const every = Math.max(1, Math.floor(maxAge / 2 / MINUTE));
  const forMs = pendingMs(spec.alert);
  const successes = Math.ceil((maxAge + forMs) / MINUTE / every) + 4;
  const regular = Array.from({ length: successes }, (_, k) => phase(every, s => s.add(spec.gauge, labels, gauge(k * every * 60))));
  const absentLabels = Object.fromEntries(spec.matchers.map(m => [m.name, m.value]));
  return [
    {
      name: `fires when the evaluation job last succeeded more than ${spec.maxAge} ago`,
      phases: [phase(Math.ceil(maxAge / MINUTE), s => s.add(spec.gauge, labels, gauge(0)))],
      // time() - 0 is above the age from the first evaluation after it.
      onsetMs: maxAge,
      fromMs: 1,
      byMs: 1,
      firing: [rule],
    },
    {
      name: `stays silent while the evaluation job succeeds every ${promDuration(Duration.minutes(every), 'generated tests', 'every')}`,
      phases: regular,
      onsetMs: maxAge,
      fromMs: 0,
      byMs: MINUTE,
      firing: [],
    },
    {
      name: 'fires when the evaluation job never reported',
      phases: [phase(1, () => undefined)],
      onsetMs: 0,
      fromMs: 0,
      byMs: 0,
      // absent() carries the labels its selector's equality matchers name.
      firing: [{ ...absentLabels, ...rule }],
    },
  ];
}

/** A second version starts serving beside the first, and the first never stops (or stops halfway through the rollout). */
function versionScenarios(spec: Spec<'versions'>, model: string, ns: string, rule: Labels): QualityScenario[] {
  const v = spec.source;
  const forMs = pendingMs(spec.alert);
  const labelsOf = (version: string) => userSeries(ns, v.matchers, { [v.modelLabel]: model, [v.versionLabel]: version });
  const serving = (old: boolean) => (s: SeriesSet) => {
    s.add(v.counter, labelsOf('v1'), counter(old ? EVENTS : 0));
    s.add(v.counter, labelsOf('v2'), counter(EVENTS));
  };
  const start = 10;
  const only = phase(start, s => s.add(v.counter, labelsOf('v1'), counter(EVENTS)));
  // The new version's first sample is one step after the onset (at 0); its 5m rate is above 0 from the second.
  const at = { onsetMs: start * MINUTE, fromMs: 2 * MINUTE, byMs: 2 * MINUTE };
  const firing = { namespace: labelsOf('v1').namespace, [v.modelLabel]: model, ...rule };
  const out: QualityScenario[] = [{ name: 'fires when two versions serve for longer than a rollout takes', phases: [only, phase(1, serving(true))], ...at, firing: [firing] }];
  // The old version stops halfway; its 5m rate is 0 five minutes later: silent if that is well within the for.
  const half = Math.floor(forMs / 2 / MINUTE);
  if (forMs >= 20 * MINUTE) {
    out.push({ name: 'stays silent when the old version stops halfway through the rollout', phases: [only, phase(half, serving(true)), phase(1, serving(false))], ...at, firing: [] });
  }
  return out;
}

/** Every series the quality alerts need exists, but one: after `absentFor`, the alert names it. */
function metricsMissingScenarios(spec: Spec<'metricsMissing'>, ns: string, rule: Labels): QualityScenario[] {
  const absentFor = promMillis(spec.absentFor);
  // The need left absent: one whose families no other need writes (another need's series of the same name
  // could match its selector, and it would not be absent).
  const shares = (i: number) => spec.needs.some((o, j) => j !== i && o.names.some(x => spec.needs[i].names.includes(x)));
  const absent = Math.max(0, spec.needs.findIndex((_, i) => !shares(i)));
  const write = (skip: boolean) => (s: SeriesSet) => {
    s.add('up', scraped(ns, 'model-server'), gauge(1));
    spec.needs.forEach((n, i) => {
      const shared = i === absent || n.names.some(x => spec.needs[absent].names.includes(x));
      if (!skip || !shared) s.add(n.names[0], userSeries(ns, n.matchers), gauge(1));
    });
  };
  const missing = spec.needs[absent];
  const equality = Object.fromEntries(missing.matchers.map(m => [m.name, m.value]));
  // `up` a whole `absentFor` earlier exists from then on. Five-minute steps keep the 1d ranges within promtool's samples per query.
  const step = 5 * MINUTE;
  const at = { onsetMs: absentFor, fromMs: 0, byMs: 0, stepMs: step };
  const steps = Math.ceil(absentFor / step);
  return [
    {
      name: `fires when ${missing.names.join(' or ')} has not existed for ${spec.absentFor}`,
      phases: [phase(steps, write(true))],
      ...at,
      firing: [{ ...equality, metric_family: missing.names.join(' or '), ...rule }],
    },
    { name: 'stays silent while every series it needs exists', phases: [phase(steps, write(false))], ...at, firing: [] },
  ];
}

function num(n: number): string {
  return formatNumber(Number(n.toPrecision(4)));
}

