import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { silentAt, slo, SLI, tierAt, traffic } from './_slo';
import { InferenceRuntime, MlInferenceMonitoring, Objective, SloAlert, SloBackfill, Sli } from '../../src';
import { checkRules, expectRulesTestPass } from '../util/promtool';
import { proveAll } from '../util/prove';
import { byKind, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/* promtool proofs for a 99.9 % / 30 d SLO at a 30 s evaluation interval (the fast ones; see also slo-*.test.ts). */

const H = 60;

describe('SloAlert 99.9 % / 30 d', () => {
  const { alert, docs, rules } = slo();
  const run = (tests: any[]) => expectRulesTestPass(rules, tests, '30s', { ignoreAnnotations: true });

  test('every object validates and loads; 10 rules with all four tiers, the budget series and the SLI\'s three recordings and events-stopped alert', () => {
    proveAll(docs);
    expect(alert.ruleCount).toBe(10);
    expect(alert.burnRateFactors).toEqual({ 'page-fast': 14.4, 'page-slow': 6, 'ticket-fast': 3, 'ticket-slow': 1 });
  });

  test('a total outage pages within 2 minutes', () => {
    run([{
      interval: '1m',
      input_series: traffic([0, H], [1, 30]),
      // Errors start at 60m. The page fires at the first evaluation that sees them, or one later when the
      // SLO group runs before the SLI group it reads (groups are not ordered): by 62m either way.
      alert_rule_test: [...silentAt('59m'), tierAt('SloPageFast', '62m', true)],
    }]);
  });

  test('a sustained 10x burn pages through the 6h tier and never through the 1h tier', () => {
    // 6 h healthy, then 1 % errors: the 6 h ratio passes 0.6 % after 3.6 h of burn (9h36m).
    run([{
      interval: '1m',
      input_series: traffic([0, 6 * H], [0.01, 5 * H]),
      alert_rule_test: [
        ...['6h10m', '7h', '8h', '9h', '10h', '11h'].map(t => tierAt('SloPageFast', t, false)),
        tierAt('SloPageSlow', '9h30m', false),
        tierAt('SloPageSlow', '9h45m', true),
        tierAt('SloPageSlow', '11h', true),
      ],
    }]);
  });

  test('a 2x burn raises only a ticket', () => {
    run([{
      interval: '1m',
      input_series: traffic([0, 6 * H], [0.002, 18 * H]),
      alert_rule_test: [
        ...['7h', '12h', '18h', '24h'].flatMap(t => [tierAt('SloPageFast', t, false), tierAt('SloPageSlow', t, false), tierAt('SloTicketFast', t, false)]),
        tierAt('SloTicketSlow', '24h', true),
      ],
    }]);
  });

  test('after a 10-minute total outage, the 1h/5m tier resolves within 6 minutes and no page remains after 35 minutes', () => {
    // Outage from 60m to 70m.
    run([{
      interval: '1m',
      input_series: traffic([0, H], [1, 10], [0, 2 * H]),
      alert_rule_test: [
        tierAt('SloPageFast', '62m', true),
        tierAt('SloPageFast', '70m', true),
        tierAt('SloPageSlow', '70m', true),
        tierAt('SloPageFast', '76m', false),
        tierAt('SloPageFast', '105m', false),
        tierAt('SloPageSlow', '105m', false),
      ],
    }]);
  });

  test('budget series: remaining budget and info', () => {
    run([{
      interval: '1m',
      input_series: traffic([0.0005, 2 * H]),
      promql_expr_test: [
        // Half the budget rate for 2 hours: 50 % of the budget is spent over the data so far.
        { expr: 'round(slo:error_budget_remaining:ratio, 0.01)', eval_time: '100m', exp_samples: [{ labels: '{sli="api-availability",slo="api"}', value: 0.5 }] },
        { expr: 'slo:info', eval_time: '10m', exp_samples: [{ labels: 'slo:info{error_budget="0.001",objective="99.9",sli="api-availability",slo="api",window="30d"}', value: 1 }] },
      ],
    }]);
  });
});

describe('SloAlert construction', () => {
  test('28-day windows use the factors 13.44, 5.6, 2.8 and 0.9333', () => {
    const { alert } = slo({ window: Duration.days(28) });
    expect(alert.burnRateFactors['page-fast']).toBe(13.44);
    expect(alert.burnRateFactors['page-slow']).toBe(5.6);
    expect(alert.burnRateFactors['ticket-fast']).toBe(2.8);
    expect(alert.burnRateFactors['ticket-slow']).toBeCloseTo(0.9333, 4);
  });

  test('7-day windows, with the 3-day tier', () => {
    expect(slo({ window: Duration.days(7) }).alert.burnRateFactors).toEqual({ 'page-fast': 3.36, 'page-slow': 1.4, 'ticket-fast': 0.7, 'ticket-slow': 0.233333333333 });
  });

  test('thresholds are printed without float noise', () => {
    const { rules } = slo();
    const text = JSON.stringify(rules);
    expect(text).toContain('> 0.0144');
    expect(text).not.toMatch(/0\.0009999|0\.00100000/);
  });

  test('SLOs on the same SLI share its recording rules; a second SLO costs 6 rules', () => {
    const chart = testChart();
    const first = new SloAlert(chart, 'a', { selectorLabels: TEST_SELECTOR, sli: SLI(), objective: Objective.percent(99.9) });
    const second = new SloAlert(chart, 'b', { selectorLabels: TEST_SELECTOR, sli: SLI(), objective: Objective.percent(99), window: Duration.days(7) });
    const docs = synthChart(chart);
    proveAll(docs);
    expect(first.sliRules).toBe(second.sliRules);
    expect(byKind(docs, 'PrometheusRule').filter(d => d.metadata.name.startsWith('sli-'))).toHaveLength(1);
    expect(second.rules.ruleCount).toBe(6);
  });

  test('tiers: disabled, renamed, labelled, with a for; carry slo_tier for inhibition', () => {
    const chart = testChart();
    const s = new SloAlert(chart, 'api', {
      selectorLabels: TEST_SELECTOR,
      sli: SLI(),
      objective: Objective.percent(99.9),
      alertLabels: { team: 'ml' },
      tiers: { ticketSlow: { enabled: false }, pageFast: { alertName: 'ApiPage', pendingFor: Duration.minutes(2), labels: { escalate: 'yes' } } },
    });
    expect(s.alertNames).toEqual(['ApiPage', 'SloErrorBudgetBurn']);
    const sloRule = byKind(synthChart(chart), 'PrometheusRule').find(d => d.metadata.name === 'slo-api')!;
    const alerts = sloRule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);
    // Every tier at the evaluation interval; the budget series every 5 m.
    expect(sloRule.spec.groups.map((g: any) => [g.name, g.interval])).toEqual([['slo.api', '30s'], ['slo.api.slow', '5m']]);
    expect(sloRule.spec.groups[1].rules.filter((r: any) => r.alert)).toEqual([]);
    expect(alerts.map((a: any) => a.labels.slo_tier)).toEqual(['page-fast', 'page-slow', 'ticket-fast']);
    expect(alerts[0]).toMatchObject({ alert: 'ApiPage', for: '2m', labels: { team: 'ml', escalate: 'yes', severity: 'critical' } });
  });

  test('the low-traffic guard adds a minimum number of events in the long window', () => {
    const { rules } = slo({ minEvents: 100 });
    const text = JSON.stringify(rules);
    expect(text).toContain('sum without (event) (slo:sli_events:window_head{sli=\\"api-availability\\",event=\\"total\\"} + '
      + 'sum_over_time(slo:sli_events:rate5m_every5m{sli=\\"api-availability\\",event=\\"total\\"}[50m] offset 5m)) * 300 >= 100');
  });

  test('MlInferenceMonitoring offers availability and latency SLIs in the runtime\'s own terms', () => {
    const chart = testChart();
    const m = new MlInferenceMonitoring(chart, 'svc', { selectorLabels: TEST_SELECTOR, runtime: InferenceRuntime.vllm(), namespaces: ['tenant-a', 'tenant-b'], selector: { app: 'llm' } });
    const avail = m.availability({ namespace: 'tenant-a' });
    const lat = m.latency(Duration.millis(500));
    expect(avail.name).toBe('svc-tenant-a-availability');
    expect(lat.name).toBe('svc-latency-500ms');
    new SloAlert(chart, 'avail', { selectorLabels: TEST_SELECTOR, sli: avail, objective: Objective.percent(99.5) });
    new SloAlert(chart, 'lat', { selectorLabels: TEST_SELECTOR, sli: lat, objective: Objective.percent(95), window: Duration.days(28) });
    const docs = synthChart(chart);
    proveAll(docs);
    const text = JSON.stringify(docs.filter(d => d.metadata.name?.startsWith('sli-')));
    expect(text).toContain('vllm:e2e_request_latency_seconds_bucket{ml_service=\\"svc\\",namespace=~\\"tenant-a|tenant-b\\",le=~\\"0\\\\\\\\.5\\"}');
    expect(text).toContain('status=~\\"5..|5xx\\"');
    expect(() => new MlInferenceMonitoring(testChart(), 't', { selectorLabels: TEST_SELECTOR, runtime: InferenceRuntime.triton(), namespace: 'a', selector: { a: 'b' } }).latency(Duration.seconds(1)))
      .toThrow(/test\/t.latency\(\): invalid runtime "triton": a runtime with a latency histogram/);
    expect(() => m.availability({ namespace: 'tenant-c' })).toThrow(/invalid namespace "tenant-c": one of the service's namespaces/);
  });

  test.each([
    [{ objective: 99.9 as any }, /invalid objective 99.9: an Objective/],
    [{ window: Duration.hours(36) }, /invalid window "1d12h": a whole number of days/],
    [{ window: Duration.days(2) }, /invalid window "2d": a window at least as long as the longest enabled alert window \(3d of the ticket-slow tier\)/],
    [{ minEvents: -5 }, /invalid minEvents -5/],
    [{ alertLabels: { slo_tier: 'x' } }, /invalid alertLabels "slo_tier"/],
    [{ sloName: 'API SLO' }, /invalid sloName "API SLO"/],
  ])('bad input %#', (bad, message) => {
    expect(() => new SloAlert(testChart(), 'api', { sli: SLI(), objective: Objective.percent(99.9), selectorLabels: TEST_SELECTOR, ...(bad as any) })).toThrow(message);
  });

  test('bad objectives and SLIs', () => {
    expect(() => Objective.percent(100)).toThrow(/Objective.percent: invalid percent 100: a percentage strictly between 0 and 100/);
    expect(() => Objective.percent(0)).toThrow(/strictly between 0 and 100/);
    expect(Objective.percent(99.9).errorBudget).toBe(0.001);
    expect(() => Sli.errorRatio({ name: 'x', errors: 'a_total{job="x"}', total: 'a_total{job="x"}' })).toThrow(/Sli.errorRatio: invalid errors .*a selector different from total/);
    expect(() => Sli.goodRatio({ name: 'x', good: 'a_total', total: 'a_total' })).toThrow(/Sli.goodRatio: invalid good "a_total": a selector different from total/);
    expect(() => Sli.errorRatio({ name: 'x', errors: 'rate(a_total[5m])', total: 'a_total' })).toThrow(/a plain vector selector/);
    expect(() => Sli.errorRatio({ name: 'x', errors: 'a_total{', total: 'a_total' })).toThrow(/invalid PromQL in errors/);
    expect(() => Sli.latency({ name: 'x', histogram: 'lat_seconds_bucket', threshold: Duration.seconds(1) })).toThrow(/base name/);
    expect(() => Sli.latency({ name: 'Bad Name', histogram: 'lat_seconds', threshold: Duration.seconds(1) })).toThrow(/Sli.latency: invalid name "Bad Name"/);
    const chart = testChart();
    new SloAlert(chart, 'a', { selectorLabels: TEST_SELECTOR, sli: SLI(), objective: Objective.percent(99.9) });
    const other = Sli.errorRatio({ name: 'api-availability', errors: 'x_total{code="500"}', total: 'x_total' });
    expect(() => new SloAlert(chart, 'b', { selectorLabels: TEST_SELECTOR, sli: other, objective: Objective.percent(99.9) })).toThrow(/invalid sli "api-availability": an SLI name used by one definition only/);
  });
});

describe('SloAlert dashboard', () => {
  test('error budget, burn rate per window, SLI and tier state, every query parsed at synth', () => {
    const { docs } = slo();
    const cm = docs.find(d => d.kind === 'ConfigMap')!;
    expect(cm.metadata).toMatchObject({ name: 'slo-monitoring-api-dashboard', namespace: 'monitoring', labels: { grafana_dashboard: '1' } });
    const json = JSON.parse(cm.data['slo-monitoring-api.json']);
    expect(json.panels.filter((p: any) => p.type !== 'row').map((p: any) => p.title)).toEqual([
      'Error budget remaining', 'Error budget remaining over time', 'Burn rate per window', 'SLI: good events (1h)', 'Alert tiers firing',
    ]);
    const burn = json.panels.find((p: any) => p.title === 'Burn rate per window');
    expect(burn.targets.map((t: any) => t.legendFormat)).toEqual(['5m', '1h', '6h', '1d', '3d']);
  });
});

describe('latency SLI (histogram bucket)', () => {
  test('requests slower than the threshold burn the budget; fast ones do not; Prometheus 3 "1.0" buckets match', () => {
    const chart = testChart();
    const sli = Sli.latency({ name: 'api-latency', histogram: 'http_request_duration_seconds', threshold: Duration.seconds(1), matchers: { job: 'api' } });
    new SloAlert(chart, 'lat', { selectorLabels: TEST_SELECTOR, sli, objective: Objective.percent(99), tiers: { pageFast: { alertName: 'LatencyPage' } } });
    const rules = byKind(synthChart(chart), 'PrometheusRule');
    const hist = (le1: number, leName: string) => [
      { series: `http_request_duration_seconds_bucket{job="api",le="${leName}"}`, values: `0+${le1}x120` },
      { series: 'http_request_duration_seconds_bucket{job="api",le="+Inf"}', values: '0+600x120' },
      { series: 'http_request_duration_seconds_count{job="api"}', values: '0+600x120' },
    ];
    const page = { exp_labels: { slo: 'lat', sli: 'api-latency', slo_tier: 'page-fast', long_window: '1h', short_window: '5m', severity: 'critical' } };
    expectRulesTestPass(rules, [
      // Half the requests slower than 1 s (Prometheus 2 bucket name).
      { interval: '1m', input_series: hist(300, '1'), alert_rule_test: [{ eval_time: '10m', alertname: 'LatencyPage', exp_alerts: [page] }] },
      // The same with Prometheus 3's normalised bucket name.
      { interval: '1m', input_series: hist(300, '1.0'), alert_rule_test: [{ eval_time: '10m', alertname: 'LatencyPage', exp_alerts: [page] }] },
      // All requests within 1 s.
      { interval: '1m', input_series: hist(600, '1'), alert_rule_test: [{ eval_time: '10m', alertname: 'LatencyPage', exp_alerts: [] }] },
    ], '30s', { ignoreAnnotations: true });
  });
});

describe('SloBackfill', () => {
  test('one rule file per SLI (not per SLO), with the tiles\' rule in the SLI group\'s interval; promtool loads it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backfill-'));
    try {
      const chart = testChart();
      new SloAlert(chart, 'a', { selectorLabels: TEST_SELECTOR, sli: SLI(), objective: Objective.percent(99.9), evaluationInterval: Duration.seconds(15) });
      new SloAlert(chart, 'b', { selectorLabels: TEST_SELECTOR, sli: SLI(), objective: Objective.percent(99) });
      const r = SloBackfill.synth(chart.node.root as App, { outdir: dir });
      expect(r).toEqual({ directory: dir, files: ['default.sli-api-availability.backfill.rules.yaml'] });
      const doc = YAML.parse(fs.readFileSync(path.join(dir, r.files[0]), 'utf8'));
      expect(doc.groups).toHaveLength(1);
      expect(doc.groups[0]).toMatchObject({ name: 'sli.api-availability.backfill', interval: '15s' });
      expect(doc.groups[0].rules.map((x: any) => x.record)).toEqual(['slo:sli_events:rate5m_every5m']);
      // The tiles are taken at the first 15 s evaluation after each 5 minutes, and skipped where one was written.
      expect(doc.groups[0].rules[0].expr).toContain('(vector(time()) % 300 < 15)');
      expect(doc.groups[0].rules[0].expr).toContain('offset -15s');
      const check = checkRules({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'x' }, spec: doc } as any);
      expect(check.output).toMatch(/SUCCESS: 1 rules found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad input names the prop', () => {
    expect(() => SloBackfill.synth('dist' as any)).toThrow(/SloBackfill: invalid app "dist": the cdk8s App whose SLOs to backfill/);
    expect(() => SloBackfill.synth(new App(), { outdir: ' ' })).toThrow(/SloBackfill: invalid outdir " ": a folder path/);
  });
});
