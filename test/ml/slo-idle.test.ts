import { silentAt, slo } from './_slo';
import { expectRulesTestPass } from '../util/promtool';

/*
 * An idle service (counters present and flat, sampled every 2 m) raises nothing and keeps its whole
 * budget, never NaN. Two runs:
 * - 3 days at a 1 m evaluation interval: every tier's windows fill (the longest is 3 d), after which an
 *   idle service's state no longer changes (tiles are taken by the wall clock, one per 5 minutes at any
 *   evaluation interval that divides 5 minutes, so 1 m tiles as the rules' 30 s does, at half the cost);
 * - the full 30 days at a 5 m evaluation interval: promtool evaluates every group at the test's interval
 *   and caps a query at 10,000 samples, so a 30-day window can only be held at 5 m resolution here
 *   (Prometheus itself allows 50,000,000 and runs the budget group every 5 m anyway).
 */

const flat = (samples: number) => [
  { series: 'http_requests_total{job="api",code="200"}', values: `0+0x${samples}` },
  { series: 'http_requests_total{job="api",code="500"}', values: `0+0x${samples}` },
];
const budgetWhole = (t: string) => ({
  expr: 'slo:error_budget_remaining:ratio',
  eval_time: t,
  exp_samples: [{ labels: 'slo:error_budget_remaining:ratio{sli="api-availability",slo="api"}', value: 1 }],
});

test('idle for 3 days at 1 m evaluation: no tier fires, rates are zero, tiles one per 5 minutes, budget whole', () => {
  const { rules } = slo();
  expectRulesTestPass(rules, [{
    interval: '2m',
    input_series: flat(3 * 24 * 30),
    alert_rule_test: ['1h', '6h', '1d', '2d', '3d'].flatMap(silentAt),
    promql_expr_test: [
      { expr: 'slo:sli_events:rate5m', eval_time: '3d', exp_samples: ['bad', 'total'].map(e => ({ labels: `slo:sli_events:rate5m{event="${e}",sli="api-availability"}`, value: 0 })) },
      // One tile per 5 minutes of wall-clock time (one evaluation in five here, one in ten at the rules' 30 s), each at zero.
      // (At a minute past a tile: Prometheus 2 counts a sample exactly 1h old in the range, 3 does not.)
      { expr: 'count_over_time(slo:sli_events:rate5m_every5m{event="total"}[1h])', eval_time: '2d23h59m', exp_samples: [{ labels: '{event="total",sli="api-availability"}', value: 12 }] },
      { expr: 'max_over_time(slo:sli_events:rate5m_every5m{event="bad"}[3d])', eval_time: '3d', exp_samples: [{ labels: '{event="bad",sli="api-availability"}', value: 0 }] },
      budgetWhole('3d'),
    ],
  }], '1m', { ignoreAnnotations: true, timeoutMs: 280_000 });
}, 300_000);

test('idle for the full 30 days at 5 m evaluation: nothing fires, the budget stays whole', () => {
  const { rules } = slo();
  expectRulesTestPass(rules, [{
    interval: '2m',
    input_series: flat(30 * 24 * 30),
    alert_rule_test: ['1d', '7d', '15d', '30d'].flatMap(silentAt),
    promql_expr_test: [budgetWhole('15d'), budgetWhole('30d')],
  }], '5m', { ignoreAnnotations: true, timeoutMs: 280_000 });
}, 300_000);
