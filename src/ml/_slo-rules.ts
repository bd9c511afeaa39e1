import { Sli } from './sli';
import { selector } from '../common/_promql';
import { RuleGroup } from '../rules/rule-group';

/** Recorded series of an SLI (shared by every SLO on it) and of an SLO. @internal */
export const SLO_RECORD = {
  bad: 'slo:sli_errors:rate5m',
  total: 'slo:sli_requests:rate5m',
  ratio30m: 'slo:sli_error:ratio_rate30m',
  ratio1h: 'slo:sli_error:ratio_rate1h',
  budgetRemaining: 'slo:error_budget_remaining:ratio',
  burnRate: 'slo:burn_rate:ratio_rate1h',
  info: 'slo:info',
};

/** Windows that have a recorded ratio of their own (the others are built from the 5m rates). */
const RECORDED: { [w: string]: string } = { '30m': SLO_RECORD.ratio30m, '1h': SLO_RECORD.ratio1h };

/**
 * The SLI's recording rules: bad and total events per second over 5m, and the exact 30m and 1h ratios
 * that the page tiers' windows need. Longer windows (2h, 6h, 1d, 3d, the SLO window) are summed from the
 * recorded 5m rates, so no rule scans raw series over more than an hour.
 * @internal
 */
export function addSliRules(group: RuleGroup, sli: Sli): void {
  const labels = { sli: sli.name };
  group.addRecordingRule({ record: SLO_RECORD.bad, expr: sli._badRate('5m'), labels });
  group.addRecordingRule({ record: SLO_RECORD.total, expr: sli._totalRate('5m'), labels });
  group.addRecordingRule({ record: SLO_RECORD.ratio30m, expr: sli._ratio('30m'), labels });
  group.addRecordingRule({ record: SLO_RECORD.ratio1h, expr: sli._ratio('1h'), labels });
}

/**
 * The bad-event ratio of an SLI over `window`: traffic-weighted (bad events over all events, never an
 * average of ratios), absent while there is no traffic. 5m, 30m and 1h are exact; longer windows sum the
 * recorded 5m rates at 5m steps (non-overlapping, so still event-exact, at a tenth of the samples a
 * 30 s-resolution sum would read: a 30-day window reads 8,640 points per series).
 * @internal
 */
export function sliRatio(sli: Sli, window: string): string {
  const sel = (r: string) => selector(r, [{ name: 'sli', op: '=', value: sli.name }]);
  if (window === '5m') return `${sel(SLO_RECORD.bad)} / (${sel(SLO_RECORD.total)} > 0)`;
  if (RECORDED[window]) return sel(RECORDED[window]);
  return `sum_over_time(${sel(SLO_RECORD.bad)}[${window}:5m]) / (sum_over_time(${sel(SLO_RECORD.total)}[${window}:5m]) > 0)`;
}

/**
 * Events in `window`: the recorded 5m rates read every 5m (a subquery) tile the window without overlap,
 * so their sum times 300 s counts every event once, whatever the rule evaluation interval.
 * @internal
 */
export function sliEvents(sli: Sli, window: string): string {
  const sel = selector(SLO_RECORD.total, [{ name: 'sli', op: '=', value: sli.name }]);
  return `sum_over_time(${sel}[${window}:5m]) * 300`;
}
