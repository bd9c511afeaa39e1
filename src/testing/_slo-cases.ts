import { Duration } from 'cdk8s';
import { Phase, SeriesSet, timeline } from './_input-series';
import { SliWriter, sliWriter } from './_sli-series';
import { ExpectedAlerts, GeneratedCase, GeneratedSuite, nextEvaluation, NotGenerated, percent as pct, seconds } from './_test-case';
import { formatNumber } from '../common/_number';
import { SliEvents } from '../ml/_sli-events';
import { inWords } from '../ml/alerts/_alert-settings';

/*
 * Tests of an SLO's burn-rate tiers, from its resolved settings. A tier of the SRE workbook is for one
 * burn: it fires once its share of the error budget is gone, so after `share × window × budget / r` of a
 * burn at bad-event ratio r, and never while r stays below its threshold (factor × budget). For each tier:
 * - after a history of good traffic as long as the longest window, a burn at 1.5× its threshold fires it by
 *   the time that share is gone (plus the detection slack), and not long before;
 * - a burn at 0.8× its threshold, held for its whole long window, never fires it;
 * - with a traffic guard, the same burn on too few events never fires it.
 * promtool compares every alert of a name at once, and the tiers share one: the alerts expected at each
 * check are those of every tier, from the same model, at check times where none is near its edge.
 */

/** One enabled tier, as synthesized. @internal */
export interface SloTierSource {
  readonly tier: string;
  readonly alert: string;
  /** The tier's threshold on the bad-event ratio: burn-rate factor × error budget. */
  readonly threshold: number;
  readonly budgetShare: number;
  readonly longMs: number;
  readonly shortMs: number;
  readonly forMs: number;
}

/** What the generator needs of an SloAlert. @internal */
export interface SloSource {
  readonly tiers: ReadonlyArray<SloTierSource>;
  readonly minEvents: number;
  readonly sliName: string;
  readonly events?: SliEvents;
  /** The raw metric families the SLI reads. */
  readonly families: ReadonlyArray<string>;
  readonly aggregateBy: ReadonlyArray<string>;
  /** The namespace the SLO's rules are in (the tenant), for the series' namespace label. */
  readonly namespace: string;
  /** The static labels of a tier's rule, as synthesized. */
  readonly ruleLabels: (alert: string, tier: string) => { [k: string]: string } | undefined;
  /** A latency SLI's `SloSliBucketMissing`, as resolved, when written. */
  readonly bucketMissing?: { readonly alert: string; readonly forMs: number; readonly le: string };
  /** The SLI's `SloEventsStopped`, as resolved, when written. */
  readonly eventsStopped?: { readonly alert: string; readonly forMs: number };
  /** The static labels of an alert of the SLI's rules, as synthesized. */
  readonly sliRuleLabels: (alert: string) => { [k: string]: string } | undefined;
}

const MINUTE = 60_000;
/** The evaluation interval of SLO tests: the slow group's, so that the 5m tiles tile time as on a server. */
export const SLO_TEST_INTERVAL_MS = 5 * MINUTE;

type State = 'firing' | 'silent' | 'unsure';

/** A scenario: good traffic for `historyMs` (from the test's start), then a burn at `ratio` of `rps` events per second. */
interface Scenario {
  readonly historyMs: number;
  readonly ratio: number;
  readonly rps: number;
}

/** The generated tests of an SloAlert's tiers. @internal */
export function sloCases(src: SloSource): GeneratedSuite {
  const notGenerated: NotGenerated[] = [];
  const cases: GeneratedCase[] = [];
  const writer = sliWriter(src.events, src.aggregateBy, src.namespace, src.families);
  if ('reason' in writer) {
    for (const t of src.tiers) notGenerated.push({ alert: `${t.alert} (${t.tier})`, reason: writer.reason, cannotFire: false });
    for (const a of [src.bucketMissing, src.eventsStopped]) if (a) notGenerated.push({ alert: a.alert, reason: writer.reason, cannotFire: false });
    return { cases, notGenerated };
  }
  // Enough traffic that every tier's guard passes by a factor of 2.
  const shortest = Math.min(...src.tiers.map(t => t.longMs), Infinity);
  const rps = Math.max(10, (2 * src.minEvents) / (shortest / 1000));
  for (const t of src.tiers) {
    // The tier's windows full of good traffic when the burn starts: the workbook's detection times assume
    // it. Longer windows then hold less history than they span, which the model of the other tiers counts.
    const historyMs = roundUp(t.longMs + 10 * MINUTE);
    if (!src.ruleLabels(t.alert, t.tier)) {
      notGenerated.push({ alert: `${t.alert} (${t.tier})`, reason: 'the rule is written more than once', cannotFire: false });
      continue;
    }
    const out: GeneratedCase[] = [];
    const fast: Scenario = { historyMs, ratio: Math.min(1.5 * t.threshold, 1), rps };
    const k = fast.ratio / t.threshold;
    const onset = onsetOf(t, fast, src.minEvents)!;
    const fireAt = findTime(src, fast, onset + t.forMs + bandOf(onset) + SLO_TEST_INTERVAL_MS, +1, onset * 0.5);
    const earlyAt = findTime(src, fast, onset + t.forMs - bandOf(onset) - SLO_TEST_INTERVAL_MS, -1, onset * 0.5);
    const gone = `${formatNumber(Math.round(t.budgetShare * 1000) / 10)}% of the error budget`;
    if (fireAt !== undefined) {
      const checks = [...(earlyAt !== undefined && earlyAt > 0 ? [earlyAt] : []), fireAt];
      out.push(scenarioCase(src, writer, fast, checks,
        `${t.alert} ${t.tier} fires within ${words(fireAt)} of a burn at ${formatNumber(Math.round(k * 100) / 100)}× its threshold ` +
        `(${pct(fast.ratio)} bad events; ${gone} gone after ${words(onset)})${earlyAt !== undefined && earlyAt > 0 ? `, not yet after ${words(earlyAt)}` : ''}`));
    }
    const slow: Scenario = { historyMs, ratio: 0.8 * t.threshold, rps };
    const heldAt = findTime(src, slow, t.longMs + t.shortMs + t.forMs + 15 * MINUTE, +1, t.longMs);
    if (heldAt !== undefined) {
      out.push(scenarioCase(src, writer, slow, [heldAt],
        `${t.alert} ${t.tier} stays silent on a burn at 0.8× its threshold (${pct(slow.ratio)} bad events) held for ${words(heldAt)}`));
    }
    if (src.minEvents > 0) {
      const sparse: Scenario = { historyMs, ratio: fast.ratio, rps: src.minEvents / 2 / (t.longMs / 1000) };
      const at = fireAt !== undefined ? findTime(src, sparse, fireAt, +1, onset * 0.5) : undefined;
      if (at !== undefined) {
        out.push(scenarioCase(src, writer, sparse, [at],
          `${t.alert} ${t.tier} stays silent on the same burn with half the ${formatNumber(src.minEvents)} events its guard asks for in ${words(t.longMs)}`));
      }
    }
    if (fireAt === undefined || heldAt === undefined) {
      notGenerated.push({
        alert: `${t.alert} (${t.tier})`,
        reason: 'no check time was found where every tier\'s state is certain (another tier fires too near it)',
        cannotFire: false,
      });
    }
    cases.push(...out);
  }
  cases.push(...bucketCases(src, writer, rps, notGenerated));
  cases.push(...eventsStoppedCases(src, writer, rps, notGenerated));
  return { cases, notGenerated, evaluationIntervalMs: SLO_TEST_INTERVAL_MS };
}

/**
 * A latency SLI's histogram without the bucket its threshold reads fires `SloSliBucketMissing` once its
 * `for` has passed; with the bucket, it stays silent.
 */
function bucketCases(src: SloSource, writer: SliWriter, rps: number, notGenerated: NotGenerated[]): GeneratedCase[] {
  const b = src.bucketMissing;
  if (!b) return [];
  const labels = src.sliRuleLabels(b.alert);
  if (!labels || !writer.writeWithoutBucket) {
    notGenerated.push({ alert: b.alert, reason: labels ? 'the SLI\'s histogram is not written by the generator' : 'the rule is written more than once', cannotFire: false });
    return [];
  }
  const step = SLO_TEST_INTERVAL_MS;
  // The histogram is there from the start: the alert is pending at the first evaluation, firing once `for` has passed.
  const fireAt = nextEvaluation(b.forMs + step, step);
  const at = (ms: number, firing: boolean): ExpectedAlerts =>
    ({ evalTime: seconds(ms), alertname: b.alert, alerts: firing ? [{ ...labels, ...writer.groupLabels }] : [] });
  const without = new SeriesSet();
  writer.writeWithoutBucket(without, rps);
  const complete = new SeriesSet();
  writer.write(complete, 0, rps);
  const steps = fireAt / MINUTE + 5;
  const early = b.forMs >= 2 * step ? [at(Math.floor((b.forMs - step) / step) * step, false)] : [];
  return [
    {
      name: `${b.alert} fires when the histogram has no bucket le="${b.le}", once held for ${words(b.forMs)}`,
      inputSeries: timeline([{ set: without, steps }]),
      expect: [...early, at(fireAt, true)],
    },
    {
      name: `${b.alert} stays silent when the histogram has the bucket le="${b.le}"`,
      inputSeries: timeline([{ set: complete, steps }]),
      expect: [at(fireAt, false)],
    },
  ];
}

/**
 * The SLI's events stop after two hours of traffic (the series are gone: a renamed metric, a service
 * removed): `SloEventsStopped` fires once its `for` has passed. Traffic that goes on stays silent, and for
 * a service's SLI so do events that stop while one of its targets is still up (the service's own
 * missing-series alert is for that).
 */
function eventsStoppedCases(src: SloSource, writer: SliWriter, rps: number, notGenerated: NotGenerated[]): GeneratedCase[] {
  const e = src.eventsStopped;
  if (!e) return [];
  const labels = src.sliRuleLabels(e.alert);
  if (!labels) {
    notGenerated.push({ alert: e.alert, reason: 'the rule is written more than once', cannotFire: false });
    return [];
  }
  const step = SLO_TEST_INTERVAL_MS;
  const next = (ms: number) => nextEvaluation(ms, step);
  const stop = 120 * MINUTE;
  // The 5m rate is gone once its window holds one sample: 4 minutes after the last (3.x), 5 (2.x); not before 3.
  // A service's targets must be gone too: `up` is read at the instant, which 2.x still sees 5 minutes after.
  const goneBy = src.events?.kind === 'service' ? 6 * MINUTE : 5 * MINUTE;
  const fireAt = next(next(stop + goneBy) + e.forMs);
  const notYet = next(next(stop + 3 * MINUTE) + e.forMs) - step;
  const at = (ms: number, firing: boolean): ExpectedAlerts =>
    ({ evalTime: seconds(ms), alertname: e.alert, alerts: firing ? [{ ...labels, sli: src.sliName, ...writer.groupLabels }] : [] });
  const traffic = new SeriesSet();
  writer.write(traffic, 0, rps);
  const after = (fireAt - stop) / MINUTE + 5;
  const run = (then: SeriesSet) => timeline([{ set: traffic, steps: stop / MINUTE }, { set: then, steps: after }]);
  const out: GeneratedCase[] = [
    {
      name: `${e.alert} fires when the SLI's series are gone after two hours of events, once held for ${words(e.forMs)}`,
      inputSeries: run(new SeriesSet()),
      expect: [...(notYet > stop ? [at(notYet, false)] : []), at(fireAt, true)],
    },
    { name: `${e.alert} stays silent while the events go on`, inputSeries: run(traffic), expect: [at(fireAt, false)] },
  ];
  if (src.events?.kind === 'service') {
    const up = new SeriesSet();
    up.addFrom(traffic, x => x.name === 'up');
    out.push({ name: `${e.alert} stays silent when the events stop while a target of the service is up`, inputSeries: run(up), expect: [at(fireAt, false)] });
  }
  return out;
}

/** The series and the expected alerts of one scenario, checked at `checks` (ms after the burn starts). */
function scenarioCase(src: SloSource, writer: SliWriter, s: Scenario, checks: number[], name: string): GeneratedCase {
  const historyMs = s.historyMs;
  const healthy = new SeriesSet();
  writer.write(healthy, 0, s.rps);
  const burning = new SeriesSet();
  writer.write(burning, s.ratio, s.rps);
  const phases: Phase[] = [
    { set: healthy, steps: historyMs / MINUTE },
    { set: burning, steps: Math.max(...checks) / MINUTE + 5 },
  ];
  const expect: ExpectedAlerts[] = [];
  for (const at of checks) {
    // Every tier's alert of this name, as the model says at that time (all of them certain there).
    const byName = new Map<string, Array<{ [k: string]: string }>>();
    for (const t of src.tiers) {
      if (!byName.has(t.alert)) byName.set(t.alert, []);
      if (stateOf(src, t, s, at) !== 'firing') continue;
      const tierLabels = src.ruleLabels(t.alert, t.tier);
      if (tierLabels) byName.get(t.alert)!.push({ ...tierLabels, sli: src.sliName, ...writer.groupLabels });
    }
    for (const [alertname, alerts] of byName) expect.push({ evalTime: seconds(historyMs + at), alertname, alerts });
  }
  return { name, inputSeries: timeline(phases), expect };
}

/**
 * When the tier's condition starts to hold in a burn (ms after it starts); undefined when it never does.
 * A window's ratio is the bad events in it over all events in it, and before the test began there were
 * none: r × elapsed / min(window, history + elapsed), which grows with the elapsed time. The traffic
 * guard holds once the long window has seen its events.
 */
function onsetOf(t: SloTierSource, s: Scenario, minEvents: number): number | undefined {
  if (s.ratio <= t.threshold) return undefined;
  const crossing = (w: number) => {
    const early = t.threshold * s.historyMs / (s.ratio - t.threshold);
    return s.historyMs < w && early < w - s.historyMs ? early : w * t.threshold / s.ratio;
  };
  let onset = Math.max(crossing(t.longMs), crossing(t.shortMs));
  if (minEvents > 0) {
    if (s.rps * t.longMs / 1000 < minEvents) return undefined;
    onset = Math.max(onset, minEvents / s.rps * 1000 - s.historyMs);
  }
  return onset;
}

/**
 * The uncertainty of an onset: the 5m rates lag the burn, the windows of 2h and more sum 5m tiles, and
 * the test evaluates every 5m.
 */
function bandOf(onset: number): number {
  return Math.max(15 * MINUTE, 0.05 * onset);
}

/** A tier's state `at` ms into the burn, from the model; `unsure` near its edge. */
function stateOf(src: SloSource, t: SloTierSource, s: Scenario, at: number): State {
  // A ratio within 5% of the threshold, or a window's events within 10% of the guard, are too near to call.
  if (Math.abs(s.ratio / t.threshold - 1) < 0.05) return 'unsure';
  if (src.minEvents > 0 && Math.abs(s.rps * t.longMs / 1000 / src.minEvents - 1) < 0.1) return 'unsure';
  const onset = onsetOf(t, s, src.minEvents);
  if (onset === undefined) return 'silent';
  const band = bandOf(onset);
  if (at >= onset + t.forMs + band + SLO_TEST_INTERVAL_MS) return 'firing';
  if (at < onset + t.forMs - band) return 'silent';
  return 'unsure';
}

/**
 * The first check time from `from` (searching later for +1, earlier for -1, at most `span` away) where
 * every tier's state is certain; multiples of the test's interval.
 */
function findTime(src: SloSource, s: Scenario, from: number, dir: 1 | -1, span: number): number | undefined {
  const step = SLO_TEST_INTERVAL_MS;
  const start = dir > 0 ? Math.ceil(from / step) * step : Math.floor(from / step) * step;
  for (let at = start; Math.abs(at - start) <= Math.max(span, step); at += dir * step) {
    if (at <= 0) return undefined;
    if (src.tiers.every(t => stateOf(src, t, s, at) !== 'unsure')) return at;
  }
  return undefined;
}

function roundUp(ms: number): number {
  return nextEvaluation(ms, SLO_TEST_INTERVAL_MS);
}

/** A duration in words, to the minute. */
function words(ms: number): string {
  return inWords(Duration.millis(Math.round(ms / MINUTE) * MINUTE));
}
