import { Phase, SeriesSet, timeline } from './_input-series';
import { ExpectedAlerts, GeneratedCase, nextEvaluation, seconds } from './_test-case';
import { LabelMatcher } from '../common/_promql';

/*
 * A model-quality test is a scenario: a healthy phase long enough for the alert's windows and baseline,
 * then from `onset` a changed state (drift, a drop, a stop) that the alert is for, or one just short of it.
 * The alert's condition is false at every evaluation before `onset + from` and true at every one from
 * `onset + by` on. An alert goes pending at the first evaluation its condition is true and fires at the
 * first evaluation `for` after that (rules/alerting.go), so with evaluations every E it fires no earlier
 * than ⌈⌈onset + from⌉ + for⌉ and no later than ⌈⌈onset + by⌉ + for⌉ (⌈⌉: the next evaluation): the test
 * expects it silent one evaluation before the first and firing at the second.
 */

/** Labels of a series or an alert. @internal */
export type Labels = { [k: string]: string };

/** One scenario of one alert. @internal */
export interface QualityScenario {
  /** What the test shows, e.g. `fires when ...`. */
  readonly name: string;
  /** The steady phases, at `stepMs` steps; the last is extended to the last check. */
  readonly phases: ReadonlyArray<Phase>;
  /**
   * The step of the input series.
   * @default one minute
   */
  readonly stepMs?: number;
  /** When the changed state starts: the time of the last sample of the state before it, ms from the start. */
  readonly onsetMs: number;
  /** The condition is false before `onset + fromMs`. */
  readonly fromMs: number;
  /** The condition holds from `onset + byMs` to the end. */
  readonly byMs: number;
  /** The full labels of each alert expected once held; empty: the alert stays silent. */
  readonly firing: ReadonlyArray<Labels>;
  /**
   * Earlier changes in the same timeline that must leave the alert silent (a drift just short of the
   * threshold before the one that crosses it): one test instead of two over a baseline of days.
   * @default - none
   */
  readonly earlier?: ReadonlyArray<SilentEpisode>;
}

/** A change that must leave the alert silent: it is checked once its window and `for` have passed. @internal */
export interface SilentEpisode {
  readonly onsetMs: number;
  /** When the changed state has filled the alert's windows. */
  readonly byMs: number;
}

const MINUTE = 60_000;

/**
 * The step of scenarios with a history of days (a baseline): five-minute samples hold the one-hour windows
 * as well, and keep promtool's work (every rule at every evaluation over days) within seconds. @internal
 */
export const LONG_STEP = 5 * MINUTE;

/** The promtool case of one scenario of an alert held for `forMs`, evaluated every `evalMs`. @internal */
export function scenarioCase(alert: string, forMs: number, s: QualityScenario, evalMs: number): GeneratedCase {
  const step = s.stepMs ?? MINUTE;
  const next = (ms: number) => nextEvaluation(ms, evalMs);
  const fireAt = next(next(s.onsetMs + s.byMs) + forMs);
  const at = (ms: number, firing: ReadonlyArray<Labels>): ExpectedAlerts => ({ evalTime: seconds(ms), alertname: alert, alerts: firing });
  const expect: ExpectedAlerts[] = (s.earlier ?? []).map(e => at(silentCheck(e, forMs, evalMs), []));
  const notYet = next(next(s.onsetMs + s.fromMs) + forMs) - evalMs;
  if (s.firing.length > 0 && notYet > 0) expect.push(at(notYet, []));
  expect.push(at(fireAt, s.firing));
  // The last phase lasts until the last check.
  const before = s.phases.slice(0, -1).reduce((ms, p) => ms + p.steps * step, 0);
  const last = s.phases[s.phases.length - 1];
  const steps = Math.max(last.steps, Math.ceil((fireAt - before) / step) + 1);
  const phases = [...s.phases.slice(0, -1), { set: last.set, steps }];
  return { name: `${alert} ${s.name}`, inputSeries: timeline(phases), expect, intervalMs: step };
}

/** When an episode that must stay silent is checked: as late as an alert it would have fired would fire. @internal */
export function silentCheck(e: SilentEpisode, forMs: number, evalMs: number): number {
  const next = (ms: number) => nextEvaluation(ms, evalMs);
  return next(next(e.onsetMs + e.byMs) + forMs);
}

/** The labels a scrape of an exporter's pod adds (a ServiceMonitor's target labels). @internal */
export function scraped(namespace: string, job: string): Labels {
  return { namespace, job, service: job, endpoint: 'metrics', container: job, pod: `${job}-0`, instance: `${job}-0:8080` };
}

/**
 * `labels` with the values the equality matchers select (an empty value: the label is absent), so the
 * series is one the alert's selectors read. @internal
 */
export function matching(labels: Labels, matchers: ReadonlyArray<LabelMatcher>): Labels {
  const out = { ...labels };
  for (const m of matchers) {
    if (m.op !== '=') throw new Error(`internal: a quality selector with a ${m.op} matcher`);
    if (m.value === '') delete out[m.name];
    else out[m.name] = m.value;
  }
  return out;
}

/** The labels an aggregation `without (names)` keeps. @internal */
export function without(labels: Labels, names: ReadonlyArray<string>): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !names.includes(k)));
}

/** The labels an aggregation `by (names)` keeps. @internal */
export function by(labels: Labels, names: ReadonlyArray<string>): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => names.includes(k)));
}

/**
 * When a value read over a sliding window crosses `threshold` after it moved from `from` to `to`: the
 * window holds a growing share of the new state, so the value moves linearly over one window. Returns the
 * bounds, with 3 minutes (or a step) either side for the window's edges and extrapolation. @internal
 */
export function crossing(from: number, to: number, threshold: number, windowMs: number, stepMs = MINUTE): { fromMs: number; byMs: number } {
  const x = windowMs * (threshold - from) / (to - from);
  const margin = Math.max(3 * MINUTE, stepMs);
  return { fromMs: Math.max(0, x - margin), byMs: Math.min(windowMs + stepMs, x + margin) };
}


/** A one-phase set builder. @internal */
export function phase(steps: number, write: (set: SeriesSet) => void): Phase {
  const set = new SeriesSet();
  write(set);
  return { set, steps };
}

/** How the generator's checks are timed: the alert's `for` and the test's evaluation interval. @internal */
export interface Timing {
  readonly forMs: number;
  readonly evalMs: number;
}

/**
 * A signal at `base` for `historyMs` (a baseline), then just short of its threshold (`near`) until that
 * change must have fired had it crossed, then beyond it (`far`): one test that shows both over a history
 * of days. `write` writes the series at one value; `windowMs` is the window the alert's signal is read over
 * (0: a gauge, read as it is). @internal
 */
export function nearThenFar(o: {
  readonly write: (value: number) => (set: SeriesSet) => void;
  readonly historyMs: number;
  readonly windowMs: number;
  readonly base: number;
  readonly near: number;
  readonly far: number;
  readonly threshold: number;
  readonly timing: Timing;
}): Omit<QualityScenario, 'name' | 'firing'> {
  const step = LONG_STEP;
  const history = Math.ceil((o.historyMs + o.windowMs) / step) + 1;
  const nearOnset = history * step;
  const filled = o.windowMs > 0 ? o.windowMs + step : step;
  const check = silentCheck({ onsetMs: nearOnset, byMs: filled }, o.timing.forMs, o.timing.evalMs);
  const nearSteps = Math.ceil((check - nearOnset) / step) + 1;
  const at = o.windowMs > 0 ? crossing(o.near, o.far, o.threshold, o.windowMs, step) : { fromMs: step, byMs: step };
  return {
    phases: [phase(history, o.write(o.base)), phase(nearSteps, o.write(o.near)), phase(1, o.write(o.far))],
    stepMs: step,
    earlier: [{ onsetMs: nearOnset, byMs: filled }],
    onsetMs: nearOnset + nearSteps * step,
    ...at,
  };
}

