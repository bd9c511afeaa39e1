import { InputSeries } from './_input-series';

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
