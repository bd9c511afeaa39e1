import { ApiObject, Duration } from 'cdk8s';
import { PrometheusRules, Severity } from '../../src';
import { checkRules, expectRulesTestPass, testRules } from '../util/promtool';
import { proveAll } from '../util/prove';
import { oneOfKind, synthChart, testChart } from '../util/synth';

const LATENCY = 'histogram_quantile(0.95, sum by (namespace, le) (rate(http_request_duration_seconds_bucket[5m]))) > 5';

function latencyRules() {
  const chart = testChart('tenant-a');
  const rules = new PrometheusRules(chart, 'rules', { name: 'ml-rules', labels: { release: 'kps' } });
  const group = rules.addGroup('ml.latency', { interval: Duration.seconds(30) });
  group.addRecordingRule({ record: 'namespace:http_requests:rate5m', expr: 'sum by (namespace) (rate(http_requests_total[5m]))' });
  group.addAlertingRule({
    alert: 'ModelLatencyHigh',
    expr: LATENCY,
    pendingFor: Duration.minutes(2),
    keepFiringFor: Duration.minutes(1),
    severity: Severity.CRITICAL,
    summary: 'p95 latency above 5s in {{ $labels.namespace }}',
    description: 'p95 is {{ $value | humanizeDuration }}.',
    runbookUrl: 'https://runbooks.example.com/model-latency',
    labels: { team: 'ml' },
  });
  return { chart, rules, group };
}

describe('PrometheusRules', () => {
  test('renders one PrometheusRule with groups, durations, labels and annotations', () => {
    const { chart, rules } = latencyRules();
    const docs = synthChart(chart);
    const doc = oneOfKind(docs, 'PrometheusRule');
    expect(doc.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(doc.metadata).toEqual({ name: 'ml-rules', namespace: 'tenant-a', labels: { release: 'kps' } });
    expect(doc.spec.groups).toEqual([{
      name: 'ml.latency',
      interval: '30s',
      rules: [
        { record: 'namespace:http_requests:rate5m', expr: 'sum by (namespace) (rate(http_requests_total[5m]))' },
        {
          alert: 'ModelLatencyHigh',
          expr: LATENCY,
          for: '2m',
          keep_firing_for: '1m',
          labels: { team: 'ml', severity: 'critical' },
          annotations: {
            summary: 'p95 latency above 5s in {{ $labels.namespace }}',
            description: 'p95 is {{ $value | humanizeDuration }}.',
            runbook_url: 'https://runbooks.example.com/model-latency',
          },
        },
      ],
    }]);
    expect(rules.ruleCount).toBe(2);
    expect(rules.groups[0].alertCount).toBe(1);
    expect(ApiObject.of(rules)).toBe(rules.resource);
    proveAll(docs);
  });

  test('the rendered alert fires after its `for` and not before (promtool test rules)', () => {
    const { chart } = latencyRules();
    const doc = oneOfKind(synthChart(chart), 'PrometheusRule');
    // 10 requests/s, all in the 1–10 s bucket: p95 = 9.55 s from the start.
    const slow = { series: 'http_request_duration_seconds_bucket{namespace="tenant-a",le="10"}', values: '0+600x20' };
    const slowInf = { series: 'http_request_duration_seconds_bucket{namespace="tenant-a",le="+Inf"}', values: '0+600x20' };
    const fast = { series: 'http_request_duration_seconds_bucket{namespace="tenant-a",le="1"}', values: '0+0x20' };
    expectRulesTestPass([doc], [{
      interval: '1m',
      input_series: [fast, slow, slowInf],
      alert_rule_test: [
        { eval_time: '2m', alertname: 'ModelLatencyHigh', exp_alerts: [] }, // pending: breached since 1m only
        {
          eval_time: '4m',
          alertname: 'ModelLatencyHigh',
          exp_alerts: [{
            exp_labels: { namespace: 'tenant-a', severity: 'critical', team: 'ml' },
            exp_annotations: {
              summary: 'p95 latency above 5s in tenant-a',
              description: 'p95 is 9.55s.', // 1 + 0.95 × (10 − 1), interpolated in the 1–10 s bucket
              runbook_url: 'https://runbooks.example.com/model-latency',
            },
          }],
        },
      ],
    }]);
  });

  test('a test that expects the wrong thing fails: the promtool helper bites', () => {
    const { chart } = latencyRules();
    const doc = oneOfKind(synthChart(chart), 'PrometheusRule');
    const r = testRules([doc], [{
      interval: '1m',
      input_series: [{ series: 'http_request_duration_seconds_bucket{namespace="tenant-a",le="+Inf"}', values: '0+0x10' }],
      alert_rule_test: [{ eval_time: '5m', alertname: 'ModelLatencyHigh', exp_alerts: [{ exp_labels: { namespace: 'tenant-a', severity: 'critical', team: 'ml' } }] }],
    }]);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/alertname: ModelLatencyHigh/);
  });

  describe('bad input is refused at construct time, naming the construct, prop and value', () => {
    const { group } = latencyRules();
    const base = { alert: 'X', expr: 'up == 0', summary: 's' };
    test('invalid PromQL', () => {
      expect(() => group.addAlertingRule({ ...base, expr: 'rate(up[5m]' }))
        .toThrow(/^test\/rules group "ml.latency": invalid PromQL in alert "X" expr: the expression ends too early\n {2}rate\(up\[5m\]\n/);
    });
    test('invalid names', () => {
      expect(() => group.addAlertingRule({ ...base, alert: 'bad name' })).toThrow(/invalid alert "bad name"/);
      expect(() => group.addRecordingRule({ record: 'no_colons', expr: 'up' })).toThrow(/invalid record "no_colons": a recording rule name in the level:metric:operations form/);
    });
    test('zero for', () => {
      expect(() => group.addAlertingRule({ ...base, pendingFor: Duration.seconds(0) })).toThrow(/alert "X": invalid pendingFor "0s"/);
    });
    test('reserved and conflicting labels', () => {
      expect(() => group.addAlertingRule({ ...base, labels: { alertname: 'Y' } })).toThrow(/invalid labels "alertname"/);
      expect(() => group.addAlertingRule({ ...base, labels: { severity: 'page' } })).toThrow(/invalid labels\["severity"\] "page": the severity prop \(warning\)/);
      expect(() => group.addAlertingRule({ ...base, labels: { 'team.name': 'ml' } })).toThrow(/invalid labels key "team.name"/);
    });
    test('missing summary, bad runbook URL, duplicate annotation', () => {
      expect(() => group.addAlertingRule({ ...base, summary: ' ' })).toThrow(/invalid summary " "/);
      expect(() => group.addAlertingRule({ ...base, runbookUrl: 'wiki/x' })).toThrow(/invalid runbookUrl \(not repeated: it could hold a credential\): an absolute http/);
      expect(() => group.addAlertingRule({ ...base, annotations: { summary: 'again' } })).toThrow(/invalid annotations "summary"/);
    });
    test('duplicate and bad group names, bad limit and interval', () => {
      const { rules } = latencyRules();
      expect(() => rules.addGroup('ml.latency')).toThrow(/^test\/rules: invalid group name "ml.latency": a name not already used/);
      expect(() => rules.addGroup('')).toThrow(/invalid group name ""/);
      expect(() => rules.addGroup('g', { limit: -1 })).toThrow(/group "g": invalid limit -1/);
      expect(() => rules.addGroup('h', { interval: Duration.millis(0) })).toThrow(/group "h": invalid interval "0s"/);
    });
    test('bad object metadata', () => {
      const chart = testChart();
      expect(() => new PrometheusRules(chart, 'a', { namespace: 'Tenant_A' })).toThrow(/^test\/a: invalid namespace "Tenant_A"/);
      expect(() => new PrometheusRules(chart, 'b', { labels: { release: 'kps stack' } })).toThrow(/^test\/b: invalid labels\["release"\] "kps stack"/);
      expect(() => new PrometheusRules(chart, 'c', { name: 'ML' })).toThrow(/^test\/c: invalid name "ML"/);
    });
  });

  test('without a name, cdk8s generates a valid one (never a nameless object)', () => {
    const chart = testChart();
    new PrometheusRules(chart, 'auto').addGroup('g').addRecordingRule({ record: 'a:b:c', expr: 'sum(up)' });
    const doc = oneOfKind(synthChart(chart), 'PrometheusRule');
    expect(doc.metadata.name).toMatch(/^test-auto-[0-9a-f]{8}$/);
    expect(doc.metadata).not.toHaveProperty('labels');
    proveAll([doc]);
  });

  test('an object without rules fails synthesis validation', () => {
    const chart = testChart();
    new PrometheusRules(chart, 'empty');
    expect(() => synthChart(chart)).toThrow(/test\/empty: the PrometheusRule has no rules/);
  });

  test('promtool accepts what the construct writes for every rule shape', () => {
    const { chart } = latencyRules();
    const r = checkRules(oneOfKind(synthChart(chart), 'PrometheusRule'));
    expect(r.output).toMatch(/SUCCESS: 2 rules found/);
  });
});
