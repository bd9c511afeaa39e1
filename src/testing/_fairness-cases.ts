import { counter, SeriesSet } from './_input-series';
import { Labels, matching, phase, QualityScenario, scraped } from './_quality-scenario';
import { percent } from './_test-case';
import { promMillis } from '../common/_duration';
import { QualityAlertSpec } from '../ml/quality/_quality-spec';

/*
 * Tests of a fairness check's alerts. Two groups of equal volume start alike; then one of them (b) is
 * treated differently: far enough past the threshold that the alert must fire for it (and, against all
 * predictions, for any other group the change moves past it), or short of it. A third group (c) of too
 * few predictions to be judged gets the unfavourable outcome every time and must never page. The values
 * each group's rate takes are computed here from the counters written, as the rules compute them.
 */

type FairnessSpec = Extract<QualityAlertSpec, { kind: 'fairness' }>;

const MINUTE = 60_000;

/** The favourable rate both judged groups start at, and their true-positive rate. */
const HEALTHY = 0.5;
const HEALTHY_TPR = 0.8;

/** What the groups do after the onset: their rates of the favourable outcome (or true-positive rates). */
interface Treatment {
  readonly a: number;
  readonly b: number;
}

/** The scenarios of one fairness alert, or why none can be generated. @internal */
export function fairnessScenarios(spec: FairnessSpec, ns: string, rule: Labels): QualityScenario[] | string {
  const f = spec.source;
  const windowMs = promMillis(f.window);
  // Windows of hours are written at five-minute steps: promtool evaluates every rule at every step.
  const step = windowMs > 2 * 60 * MINUTE ? 5 * MINUTE : MINUTE;
  const stepsPerWindow = Math.ceil(windowMs / step);
  // Each judged group has twice the fewest predictions judged in any window; c has fewer than that.
  const n = Math.max(2, Math.ceil(2 * f.minEvents / stepsPerWindow));
  const cPerWindow = Math.max(0, Math.min(3, f.minEvents - 1));
  const cEvery = cPerWindow > 0 ? Math.max(1, Math.floor(stepsPerWindow / cPerWindow)) : 0;
  const groups = groupNames(f.reference);
  const [ga, gb, gc] = groups;
  const perWindow = n * stepsPerWindow;
  const cCount = cEvery > 0 ? stepsPerWindow / cEvery : 0;
  const labels = (extra: Labels) => matching({ ...scraped(ns, 'model-server'), ...extra }, f.matchers);
  const other = f.favourable === 'unfavourable' ? 'not-favourable' : 'unfavourable';

  /** A phase of `steps` steps in which a and b get the favourable outcome (or find actual positives) at these rates. */
  const write = (t: Treatment, steps: number) => phase(steps, (set: SeriesSet) => {
    if (spec.metric === 'opportunity') {
      const o = f.outcomes!;
      const [tp, fp, tn, fn] = o.names;
      const by = (g: string) => matching({ ...scraped(ns, 'model-server'), [f.groupLabel]: g }, o.matchers);
      for (const [g, tpr] of [[ga, t.a], [gb, t.b]] as Array<[string, number]>) {
        set.add(tp, by(g), counter(n * tpr));
        set.add(fn, by(g), counter(n * (1 - tpr)));
        set.add(fp, by(g), counter(n / 4));
        set.add(tn, by(g), counter(n / 4));
      }
      return;
    }
    for (const [g, rate] of [[ga, t.a], [gb, t.b]] as Array<[string, number]>) {
      set.add(f.counter, labels({ [f.groupLabel]: g, [f.outcomeLabel]: f.favourable }), counter(n * rate));
      set.add(f.counter, labels({ [f.groupLabel]: g, [f.outcomeLabel]: other }), counter(n * (1 - rate)));
    }
    // The small group: a prediction now and then, never favourable.
    if (cEvery > 0) set.add(f.counter, labels({ [f.groupLabel]: gc, [f.outcomeLabel]: other }), counter(1 / cEvery));
  });

  /** Each judged group's value of the alert's metric once the window holds only the treatment. */
  const values = (t: Treatment): { [g: string]: number } => {
    const ref = f.reference !== undefined ? t.a
      : spec.metric === 'opportunity' ? (t.a + t.b) / 2
        : (t.a * perWindow + t.b * perWindow) / (2 * perWindow + cCount);
    const value = (r: number) => (spec.metric === 'impact' ? r / ref : r - ref);
    return { [ga]: value(t.a), [gb]: value(t.b) };
  };
  const breaks = (v: number) => (spec.metric === 'impact' ? v < spec.threshold : Math.abs(v) > spec.threshold);
  /** Whether every value is clear of the threshold, so the window's edges and extrapolation cannot tip it. */
  const margin = 0.1 * (spec.metric === 'impact' ? Math.min(spec.threshold, 1 - spec.threshold) : spec.threshold);
  const clear = (vs: { [g: string]: number }) => Object.values(vs).every(v => {
    const d = spec.metric === 'impact' ? v - spec.threshold : Math.abs(v) - spec.threshold;
    return Math.abs(d) > margin;
  });

  const start = spec.metric === 'opportunity' ? HEALTHY_TPR : HEALTHY;
  const history = stepsPerWindow + 2;
  const scenario = (name: string, t: Treatment): QualityScenario | string => {
    const vs = values(t);
    if (!clear(vs) || t.b < 0 || t.b > 1) return `no treatment of group ${gb} is clear of the threshold ${spec.threshold}`;
    return {
      name,
      stepMs: step,
      phases: [write({ a: start, b: start }, history), write(t, 1)],
      onsetMs: history * step,
      fromMs: 0,
      byMs: windowMs + step,
      firing: Object.entries(vs).filter(([, v]) => breaks(v)).map(([g]) => ({ ...rule, group: g })),
    };
  };
  const fires = scenario(`fires when group ${gb} is treated past the threshold (${describe(spec, treatmentFor(spec, f.reference, start, 'past', perWindow, cCount).b)})`,
    treatmentFor(spec, f.reference, start, 'past', perWindow, cCount));
  const near = scenario(`stays silent when group ${gb} is treated short of the threshold, and for group ${gc} of too few predictions`,
    treatmentFor(spec, f.reference, start, 'short', perWindow, cCount));
  if (typeof fires === 'string') return fires;
  if (typeof near === 'string') return near;
  if (fires.firing.length === 0) return 'the treatment past the threshold moves no group past it';
  return near.firing.length > 0 ? [fires] : [fires, near];
}

/** Group b's rate under a treatment past (or short of) the threshold, a staying at `start`. */
function treatmentFor(spec: FairnessSpec, reference: string | undefined, start: number, how: 'past' | 'short', perWindow: number, c: number): Treatment {
  const t = spec.threshold;
  // The value b's metric is moved to: well past the threshold, or two thirds of the way to it.
  const target = spec.metric === 'impact'
    ? (how === 'past' ? t * 0.6 : (1 + t) / 2)
    : (how === 'past' ? -1.5 * t : -t * 2 / 3);
  if (reference !== undefined) {
    return { a: start, b: spec.metric === 'impact' ? start * target : start + target };
  }
  if (spec.metric === 'opportunity') return { a: start, b: start + 2 * target }; // the overall TPR is the mean of two equal groups
  // Against every prediction (a, b of equal volume `perWindow`, c of `c` unfavourable ones): solve for b.
  const total = 2 * perWindow + c;
  const share = perWindow / total;
  const b = spec.metric === 'impact'
    ? target * start * share / (1 - target * share)
    : (target + start * share) / (1 - share);
  return { a: start, b };
}

function describe(spec: FairnessSpec, b: number): string {
  return spec.metric === 'opportunity' ? `true-positive rate ${percent(b)}` : `favourable rate ${percent(b)} against ${percent(HEALTHY)}`;
}

/** The names of the two judged groups and the small one; the first is the reference when one is named. */
function groupNames(reference: string | undefined): [string, string, string] {
  const names = ['group-a', 'group-b', 'group-c'].filter(g => g !== reference);
  return reference !== undefined ? [reference, names[0], names[1]] : [names[0], names[1], names[2]];
}
