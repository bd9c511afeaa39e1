import type { InferenceSource } from './_inference-cases';
import { SeriesSet, timeline } from './_input-series';
import { PodIdentity, podLabelValues, ServiceState, writeService } from './_service-series';
import { ExpectedAlerts, GeneratedCase, NotGenerated, seconds } from './_test-case';
import { promMillis, toMillis } from '../common/_duration';
import { formatNumber } from '../common/_number';
import { inWords } from '../ml/alerts/_alert-settings';

/*
 * ModelTrafficDrop compares the request rate with the rate one baseline (a week) earlier, so its tests need
 * that much history: after a baseline of steady traffic, the rate falls to half the allowed share of it and
 * the alert fires once held; a fall to just above the share stays silent. They evaluate every 5 minutes
 * (a file of their own: a week at the inference tests' 30 s would take minutes in promtool).
 */

const MINUTE = 60_000;
/** The evaluation interval of the traffic-drop tests. @internal */
export const TRAFFIC_DROP_INTERVAL_MS = 5 * MINUTE;

/** The traffic-drop tests of a service, or why none are written. @internal */
export function trafficDropCases(src: InferenceSource, id: PodIdentity, base: ServiceState): GeneratedCase[] | NotGenerated {
  const a = src.settings.trafficDrop;
  const r = a.minRatio;
  if (r <= 0) return { alert: a.name, reason: `its minimum share ${formatNumber(r)} of the earlier rate: no rate is below it`, cannotFire: true };
  const labels = src.ruleLabels(a.name);
  if (!labels) return { alert: a.name, reason: 'the rule is written more than once', cannotFire: false };
  const step = TRAFFIC_DROP_INTERVAL_MS;
  const next = (ms: number) => Math.ceil(ms / step) * step;
  const forMs = a.pendingFor ? toMillis(a.pendingFor, 'generated tests', 'pendingFor') : 0;
  const history = Math.ceil(promMillis(a.baseline) / MINUTE) + 30;
  const onset = history * MINUTE;
  // The rate over the window moves to the new level within one window (and one step): it is read from then.
  const fireAt = next(next(onset + src.windowMs + MINUTE) + forMs);
  const notYet = next(next(onset + MINUTE) + forMs) - step;
  const value = podLabelValues(src.queries.spec, id);
  const expected = { ...Object.fromEntries(src.queries.base.map(l => [l, value[l]])), ...labels };
  const at = (ms: number, firing: boolean): ExpectedAlerts => ({ evalTime: seconds(ms), alertname: a.name, alerts: firing ? [expected] : [] });
  const series = (rps: number) => {
    const set = (s: number) => {
      const out = new SeriesSet();
      writeService(out, src.queries.spec, id, { ...base, rps: s });
      src.queries.namespaces.slice(1).forEach(ns => writeService(out, src.queries.spec, { ...id, namespace: ns }, base));
      return out;
    };
    return timeline([{ set: set(base.rps), steps: history }, { set: set(rps), steps: (fireAt - onset) / MINUTE + 5 }]);
  };
  const low = r / 2;
  const near = r < 1 ? Math.min(1.5 * r, (1 + r) / 2) : 1.5 * r;
  const held = forMs > 0 ? inWords(a.pendingFor!) : '0s (no pending period)';
  const pct = (x: number) => `${formatNumber(Number((x * 100).toPrecision(4)))}%`;
  return [
    {
      name: `${a.name} fires when the request rate falls to ${pct(low)} of the rate ${a.baseline} earlier, once held for ${held}`,
      inputSeries: series(base.rps * low),
      expect: [...(notYet > onset ? [at(notYet, false)] : []), at(fireAt, true)],
      evaluationIntervalMs: step,
    },
    {
      name: `${a.name} stays silent when the request rate falls to ${pct(near)} of it`,
      inputSeries: series(base.rps * near),
      expect: [at(fireAt, false)],
      evaluationIntervalMs: step,
    },
  ];
}
