import { Duration } from 'cdk8s';
import { invalidProp } from './_errors';

/** @internal */
export interface PromDurationOptions {
  /** Whether a zero duration is accepted (rendered `0s`). */
  readonly allowZero?: boolean;
  /** The largest unit written: `h` for fields whose pattern has no days (Alertmanager's retention). */
  readonly largestUnit?: 'd' | 'h';
}

/** The longest duration Go's time.Duration (int64 nanoseconds) holds, in whole milliseconds: about 106751.99 days. */
const MAX_PROM_DURATION_MS = 9_223_372_036_854; // floor((2^63 - 1) / 10^6)

const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/**
 * Renders a cdk8s `Duration` in Prometheus' duration syntax (`5m`, `1h30m`, `1d`, `1500ms` as `1s500ms`),
 * the form accepted by PromQL range selectors, rule `for`/`keep_firing_for` and the operator CRDs'
 * duration pattern.
 * @internal
 */
export function promDuration(d: Duration, where: string, prop: string, options: PromDurationOptions = {}): string {
  const ms = toMillis(d, where, prop);
  if (ms > MAX_PROM_DURATION_MS) {
    throw invalidProp(where, prop, `${ms}ms`, 'a duration of at most 106751 days: Prometheus and Alertmanager hold durations as 64-bit nanoseconds and refuse longer ones');
  }
  if (ms === 0) {
    if (options.allowZero) return '0s';
    throw invalidProp(where, prop, '0s', 'a duration longer than zero (leave the prop unset to disable it)');
  }
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    if (unit === 'd' && options.largestUnit === 'h') continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/**
 * The duration in whole milliseconds; rejects negative and sub-millisecond durations.
 * @internal
 */
export function toMillis(d: Duration, where: string, prop: string): number {
  if (d === undefined || d === null || typeof (d as Duration).toMilliseconds !== 'function') {
    throw invalidProp(where, prop, d, 'a cdk8s Duration, e.g. Duration.minutes(5)');
  }
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || ms < 0) {
    throw invalidProp(where, prop, `${ms}ms`, 'a non-negative duration');
  }
  if (!Number.isInteger(ms)) {
    throw invalidProp(where, prop, `${ms}ms`, 'a whole number of milliseconds (Prometheus has no finer resolution)');
  }
  return ms;
}

/**
 * The milliseconds of a duration in Prometheus' syntax as `promDuration` writes it (`1h30m`, `7d`, `1s500ms`).
 * @internal
 */
export function promMillis(text: string): number {
  const parts = text.match(/\d+(ms|[dhms])/g);
  if (!parts || parts.join('') !== text) throw new Error(`internal: not a Prometheus duration: ${text}`);
  return parts.reduce((ms, p) => {
    const [, n, unit] = /^(\d+)(ms|[dhms])$/.exec(p)!;
    return ms + Number(n) * UNITS.find(([u]) => u === unit)![1];
  }, 0);
}

/** Scrape and evaluation intervals the library accepts: 1s to 5m. @internal */
const INTERVAL_RANGE_MS: readonly [number, number] = [1_000, 300_000];

/**
 * Renders a scrape or rule-evaluation interval, refusing one outside 1s..5m. Prometheus itself takes any
 * positive duration, but a sub-second interval is a typo (`Duration.millis(30)` for 30 seconds) that would
 * scrape or evaluate thousands of times a minute, and an interval longer than the 5m lookback delta leaves
 * every series stale between two samples: instant queries and alerts then see nothing.
 * @internal
 */
export function promInterval(d: Duration, where: string, prop: string): string {
  const text = promDuration(d, where, prop);
  const ms = toMillis(d, where, prop);
  if (ms < INTERVAL_RANGE_MS[0] || ms > INTERVAL_RANGE_MS[1]) {
    throw invalidProp(where, prop, text, 'an interval from 1s to 5m: shorter is a typo for seconds, and longer than Prometheus\' 5m lookback delta leaves every series stale between two samples');
  }
  return text;
}
