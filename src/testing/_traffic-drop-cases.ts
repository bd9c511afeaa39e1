import type { InferenceSource } from './_inference-cases';
import { SeriesSet, timeline } from './_input-series';
import { PodIdentity, podLabelValues, ServiceState, writeService } from './_service-series';
import { ExpectedAlerts, GeneratedCase, nextEvaluation, NotGenerated, pendingMs, percent as pct, seconds } from './_test-case';
import { promMillis } from '../common/_duration';
import { formatNumber } from '../common/_number';
import { inWords } from '../ml/alerts/_alert-settings';

/*
 * ModelTrafficDrop compares the request rate with the rate one baseline (a week) earlier, so its test needs
 * that much history: after a baseline of steady traffic, a fall to just above the allowed share of it stays
 * silent, and a fall to half the share fires the alert once held. They evaluate every 10 minutes
 * (a file of their own: a week at the inference tests' 30 s would take minutes in promtool; promtool's
 * time is the week's evaluations of every rule of the file, not its samples).
 */

const MINUTE = 60_000;
/** The evaluation interval of the traffic-drop tests. @internal */
export const TRAFFIC_DROP_INTERVAL_MS = 10 * MINUTE;

/** The traffic-drop tests of a service, or why none are written. @internal */
export function trafficDropCases(src: InferenceSource, id: PodIdentity, base: ServiceState): GeneratedCase[] | NotGenerated {
  const a = src.settings.trafficDrop;
  const r = a.minRatio;
  if (r <= 0) return { alert: a.name, reason: `its minimum share ${formatNumber(r)} of the earlier rate: no rate is below it`, cannotFire: true };
  const labels = src.ruleLabels(a.name);
  if (!labels) return { alert: a.name, reason: 'the rule is written more than once', cannotFire: false };
  const step = TRAFFIC_DROP_INTERVAL_MS;
  const next = (ms: number) => nextEvaluation(ms, step);
  const forMs = pendingMs(a);
  // One timeline (a week of history is the cost): a fall to just above the share, held past its window and
  // for, stays silent; then a fall to half the share fires. The rate over the window reaches a new level
  // within one window (and one step): the condition cannot hold before a step after a fall.
  const settle = src.windowMs + MINUTE;
  const nearAt = Math.ceil(promMillis(a.baseline) / MINUTE);
  const silentAt = next(next(nearAt * MINUTE + settle) + forMs);
  const lowAt = silentAt / MINUTE + 1;
  const fireAt = next(next(lowAt * MINUTE + settle) + forMs);
  const notYet = next(next(lowAt * MINUTE + MINUTE) + forMs) - step;
  const value = podLabelValues(src.queries.spec, id);
  const expected = { ...Object.fromEntries(src.queries.base.map(l => [l, value[l]])), ...labels };
  const at = (ms: number, firing: boolean): ExpectedAlerts => ({ evalTime: seconds(ms), alertname: a.name, alerts: firing ? [expected] : [] });
  const set = (rps: number) => {
    const out = new SeriesSet();
    writeService(out, src.queries.spec, id, { ...base, rps });
    src.queries.namespaces.slice(1).forEach(ns => writeService(out, src.queries.spec, { ...id, namespace: ns }, base));
    return out;
  };
  const low = r / 2;
  const near = r < 1 ? Math.min(1.5 * r, (1 + r) / 2) : 1.5 * r;
  const held = forMs > 0 ? inWords(a.pendingFor!) : '0s (no pending period)';
  return [{
    name: `${a.name} stays silent when the request rate falls to ${pct(near)} of the rate ${a.baseline} earlier, ` +
      `fires once it falls to ${pct(low)} of it and is held for ${held}`,
    inputSeries: timeline([
      { set: set(base.rps), steps: nearAt },
      { set: set(base.rps * near), steps: lowAt - nearAt },
      { set: set(base.rps * low), steps: (fireAt / MINUTE) - lowAt + 5 },
    ]),
    expect: [at(silentAt, false), ...(notYet > silentAt ? [at(notYet, false)] : []), at(fireAt, true)],
    evaluationIntervalMs: step,
  }];
}
