import { silentAt, slo } from './_slo';
import { expectRulesTestPass } from '../util/promtool';

/* An idle service for 30 days: 86,400 evaluations at 30 s. Counters exist and stay flat (sampled every 2 m). */

test('an idle service for 30 days raises nothing and keeps its whole budget (no NaN)', () => {
  const { rules } = slo();
  const flat = '0+0x21600';
  expectRulesTestPass(rules, [{
    interval: '2m',
    input_series: [
      { series: 'http_requests_total{job="api",code="200"}', values: flat },
      { series: 'http_requests_total{job="api",code="500"}', values: flat },
    ],
    alert_rule_test: ['1h', '1d', '7d', '15d', '30d'].flatMap(silentAt),
    promql_expr_test: [
      // The rates are recorded (as zero), the ratios are absent rather than NaN, the budget stays whole.
      { expr: 'slo:sli_requests:rate5m', eval_time: '30d', exp_samples: [{ labels: 'slo:sli_requests:rate5m{sli="api-availability"}', value: 0 }] },
      { expr: 'slo:sli_error:ratio_rate1h', eval_time: '30d', exp_samples: [] },
      { expr: 'slo:error_budget_remaining:ratio', eval_time: '30d', exp_samples: [{ labels: 'slo:error_budget_remaining:ratio{sli="api-availability",slo="api"}', value: 1 }] },
    ],
  }], '30s', { ignoreAnnotations: true, timeoutMs: 540_000 });
}, 600_000);
