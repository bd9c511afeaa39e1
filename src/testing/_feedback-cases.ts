import { counter, SeriesSet } from './_input-series';
import { Labels, LONG_STEP, matching, nearThenFar, QualityScenario, scraped, Timing } from './_quality-scenario';
import { percent } from './_test-case';
import { promMillis } from '../common/_duration';
import { QualityAlertSpec } from '../ml/quality/_quality-spec';

/*
 * Tests of the user-feedback alerts. Feedback arrives with every prediction at a steady share; then the
 * share of satisfied users (or of feedback per prediction) moves just short of the alert's threshold, and
 * later past it: silent, then firing. With a version label, version v1 stays healthy, v2 changes, and v3
 * has too little feedback to be judged (every bit of it unsatisfied): only v2 may fire.
 */

type FeedbackSpec = Extract<QualityAlertSpec, { kind: 'feedback' }>;

/** Feedback per prediction before anything changes. */
const SHARE = 0.2;

/** The scenario of one feedback alert. @internal */
export function feedbackScenarios(spec: FeedbackSpec, ns: string, rule: Labels, timing: Timing): QualityScenario[] {
  const f = spec.source;
  const windowMs = promMillis(f.window);
  const stepsPerWindow = Math.max(1, Math.floor(windowMs / LONG_STEP));
  // Every judged version gets at least twice the fewest feedback events judged in a window.
  const events = Math.max(60, Math.ceil(2 * f.minFeedback / stepsPerWindow / SHARE));
  const other = ['unsatisfied', 'not-satisfied'].find(r => !f.satisfied.includes(r))!;
  const labels = (extra: Labels) => matching({ ...scraped(ns, 'model-server'), ...extra }, f.matchers);
  const versions = f.versionLabel !== undefined;

  /** Feedback of `share` per prediction of which `satisfied` are satisfied, for one version (or the model). */
  const feedback = (set: SeriesSet, version: string | undefined, share: number, satisfied: number) => {
    const v: Labels = version !== undefined ? { [f.versionLabel!]: version } : {};
    set.add(f.counter, labels({ ...v, [f.ratingLabel]: f.satisfied[0] }), counter(events * share * satisfied));
    set.add(f.counter, labels({ ...v, [f.ratingLabel]: other }), counter(events * share * (1 - satisfied)));
  };
  const base = spec.metric === 'stopped' ? SHARE : spec.metric === 'low' ? spec.threshold + (1 - spec.threshold) / 2 : 0.9;
  const write = (value: number) => (set: SeriesSet) => {
    if (f.predictionsCounter) set.add(f.predictionsCounter, labels({}), counter(events));
    if (spec.metric === 'stopped') {
      feedback(set, versions ? 'v1' : undefined, value, 0.8);
      return;
    }
    feedback(set, versions ? 'v2' : undefined, SHARE, value);
    if (versions) {
      feedback(set, 'v1', SHARE, base);
      // v3: a feedback event now and then, never satisfied: fewer than minFeedback in any window.
      set.add(f.counter, labels({ [f.versionLabel!]: 'v3', [f.ratingLabel]: other }), counter(Math.min(1, (f.minFeedback - 1) / stepsPerWindow / 2)));
    }
  };
  const t = spec.threshold;
  const { near, far, threshold, what } = spec.metric === 'low'
    ? { near: t + (base - t) / 3, far: t * 2 / 3, threshold: t, what: (v: number) => `satisfaction at ${percent(v)}` }
    : spec.metric === 'dropped'
      ? { near: base * (1 - t / 2), far: base * (1 - 1.5 * t), threshold: base * (1 - t), what: (v: number) => `satisfaction at ${percent(v)} against ${percent(base)}` }
      : { near: base * (t + (1 - t) / 2), far: base * t / 3, threshold: base * t, what: (v: number) => `feedback on ${percent(v)} of the predictions against ${percent(base)}` };
  return [{
    name: `stays silent with ${what(near)}, fires with ${what(far)}${versions && spec.metric !== 'stopped' ? ' for the changed version only' : ''}`,
    ...nearThenFar({
      write,
      historyMs: spec.metric === 'low' ? windowMs : promMillis(spec.baseline),
      windowMs,
      base,
      near,
      far,
      threshold,
      timing,
    }),
    firing: [versions && spec.metric !== 'stopped' ? { ...rule, version: 'v2' } : rule],
  }];
}
