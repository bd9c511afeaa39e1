import { InputSeries } from './_input-series';
import { toMillis } from '../common/_duration';
import { formatNumber } from '../common/_number';
import type { ResolvedAlert } from '../ml/alerts/_alert-settings';

/*
 * What the generators produce: promtool test cases for the alerts one PrometheusRule holds, and the
 * alerts they could not write a test for, with the reason.
 */

/** The alerts with one name expected at one evaluation time (empty: none firing). @internal */
export interface ExpectedAlerts {
  readonly evalTime: string;
  readonly alertname: string;
  /** The full label set of each firing alert (promtool compares them exactly). */
  readonly alerts: ReadonlyArray<{ [k: string]: string }>;
}

/** One promtool test: input series at one-minute steps, and the alerts expected. @internal */
export interface GeneratedCase {
  readonly name: string;
  readonly inputSeries: ReadonlyArray<InputSeries>;
  readonly expect: ReadonlyArray<ExpectedAlerts>;
  /**
   * The step of the input series.
   * @default one minute
   */
  readonly intervalMs?: number;
  /**
   * How often promtool evaluates the rules for this test, when not the suite's: such tests are written to
   * a file of their own (promtool has one evaluation interval per file).
   * @default the suite's
   */
  readonly evaluationIntervalMs?: number;
}

/** An alert the library writes but cannot prove with a generated test, and why. @internal */
export interface NotGenerated {
  readonly alert: string;
  readonly reason: string;
  /** The alert can never fire with this configuration (a generated test would pass vacuously). */
  readonly cannotFire: boolean;
}

/** The generated tests of the alerts of one PrometheusRule. @internal */
export interface GeneratedSuite {
  readonly cases: GeneratedCase[];
  readonly notGenerated: NotGenerated[];
  /**
   * How often promtool evaluates every group of the test (it ignores the groups' own intervals).
   * @default 30 s
   */
  readonly evaluationIntervalMs?: number;
}

/** A promtool duration in seconds. @internal */
export function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

/** The first evaluation at or after `ms`, with evaluations every `evalMs` from 0. @internal */
export function nextEvaluation(ms: number, evalMs: number): number {
  return Math.ceil(ms / evalMs) * evalMs;
}

/** An alert's pending period in ms (0 without one). @internal */
export function pendingMs(a: ResolvedAlert): number {
  return a.pendingFor ? toMillis(a.pendingFor, 'generated tests', 'pendingFor') : 0;
}

/** A value above an open threshold in (0, 1): 1.5× it, or halfway to 1 when that would reach 1. @internal */
export function ratioAbove(t: number): number {
  return Math.min(t * 1.5, (1 + t) / 2);
}

/** `2.5%` for 0.025, to four significant digits, for test names. @internal */
export function percent(r: number): string {
  return `${formatNumber(Number((r * 100).toPrecision(4)))}%`;
}
