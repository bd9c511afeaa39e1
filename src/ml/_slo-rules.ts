import { Sli } from './sli';
import { selector } from '../common/_promql';
import { RuleGroup } from '../rules/rule-group';

/** Recorded series of an SLI (shared by every SLO on it) and of an SLO. @internal */
export const SLO_RECORD = {
  bad: 'slo:sli_errors:rate5m',
  total: 'slo:sli_requests:rate5m',
  ratio1h: 'slo:sli_error:ratio_rate1h',
  bad5m: 'slo:sli_errors:rate5m_every5m',
  total5m: 'slo:sli_requests:rate5m_every5m',
  budgetRemaining: 'slo:error_budget_remaining:ratio',
  burnRate: 'slo:burn_rate:ratio_rate1h',
  info: 'slo:info',
};

/** The interval of the SLI's tiling group: its 5m rates recorded every 5m tile time without overlap. */
export const TILE_SECONDS = 300;

const sel = (sli: Sli, record: string) => selector(record, [{ name: 'sli', op: '=', value: sli.name }]);

/**
 * The SLI's recording rules, in two groups:
 * - `fast` (the evaluation interval): bad and total events per second over 5m, and the exact 1h ratio
 *   the fastest page tier needs;
 * - `tiles` (every 5m): the same 5m rates, which now tile time without overlap, so a sum over any window
 *   times 300 s counts every event exactly once; windows of 2h and more read these (a 30-day window
 *   reads 8,640 points per series, a tenth of what a 30 s-resolution sum would).
 * @internal
 */
export function addSliRules(fast: RuleGroup, tiles: RuleGroup, sli: Sli): void {
  const labels = { sli: sli.name };
  fast.addRecordingRule({ record: SLO_RECORD.bad, expr: sli._badRate('5m'), labels });
  fast.addRecordingRule({ record: SLO_RECORD.total, expr: sli._totalRate('5m'), labels });
  fast.addRecordingRule({ record: SLO_RECORD.ratio1h, expr: sli._ratio('1h'), labels });
  tiles.addRecordingRule({ record: SLO_RECORD.bad5m, expr: sel(sli, SLO_RECORD.bad) });
  tiles.addRecordingRule({ record: SLO_RECORD.total5m, expr: sel(sli, SLO_RECORD.total) });
}

/**
 * The bad-event ratio of an SLI over `window`: traffic-weighted (bad events over all events, never an
 * average of ratios), absent while there is no traffic. 5m and 1h are exact; 30m sums the 30 s-resolution
 * 5m rates (overlapping equally in numerator and denominator, so the ratio stays traffic-weighted); 2h
 * and longer sum the 5m tiles.
 * @internal
 */
export function sliRatio(sli: Sli, window: string): string {
  if (window === '5m') return `${sel(sli, SLO_RECORD.bad)} / (${sel(sli, SLO_RECORD.total)} > 0)`;
  if (window === '1h') return sel(sli, SLO_RECORD.ratio1h);
  const [bad, total] = window === '30m' ? [SLO_RECORD.bad, SLO_RECORD.total] : [SLO_RECORD.bad5m, SLO_RECORD.total5m];
  return `sum_over_time(${sel(sli, bad)}[${window}]) / (sum_over_time(${sel(sli, total)}[${window}]) > 0)`;
}

/** Events in `window` (2h or more), counted exactly from the 5m tiles. @internal */
export function sliEvents(sli: Sli, window: string): string {
  return `sum_over_time(${sel(sli, SLO_RECORD.total5m)}[${window}]) * ${TILE_SECONDS}`;
}

/** The tiles' sum over `window`: zero, with the SLI's labels, while there is no traffic. @internal */
export function sliTotalTiles(sli: Sli, window: string): string {
  return `sum_over_time(${sel(sli, SLO_RECORD.total5m)}[${window}])`;
}
