import { App, Chart, Duration } from 'cdk8s';
import { buildExampleApp, buildKubePrometheusStackExampleApp } from '../../examples/app';
import {
  InferenceAutoscaler, InferenceRuntime, KnativeMetrics, MlInferenceMonitoring, ModelPerformance, ModelQualityMonitoring, Objective, ScalingSignal,
  SloAlert,
} from '../../src';
import { sliThresholds } from '../../src/ml/_histogram-bounds';
import { expressions } from '../util/expressions';
import { expectRulesTestPass } from '../util/promtool';
import { byKind, Doc, synthApp, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/*
 * The signal catalog: every recorded series that anything reads (alerts, recording rules, panels,
 * ScaledObject triggers) is recorded by the app, and is read with the identity it was recorded with.
 */

/** The library's recorded-series names and the identity labels a read of each must match on. */
const IDENTITY: [RegExp, string[]][] = [
  [/^ml_service(_pod)?:/, ['ml_service', 'namespace']],
  [/^slo:/, ['sli|slo']],
  [/^ml_quality:/, ['model']],
];

const READ = /\b((?:ml_service|ml_service_pod|slo|ml_quality):[a-zA-Z0-9_:]*)(\{[^}]*\})?/g;

/** The problems of every read of a recorded series, and the number of reads looked at. */
function readProblems(docs: Doc[]): { problems: string[]; reads: number } {
  const recorded = new Set(byKind(docs, 'PrometheusRule').flatMap(d => d.spec.groups.flatMap((g: any) => g.rules.filter((r: any) => r.record).map((r: any) => r.record))));
  const problems: string[] = [];
  let reads = 0;
  for (const { where, expr } of expressions(docs)) {
    for (const m of expr.matchAll(READ)) {
      const [, name, matchers = ''] = m;
      reads++;
      if (!recorded.has(name)) problems.push(`${where}: reads ${name}, which nothing records`);
      const identity = IDENTITY.find(([re]) => re.test(name))![1];
      for (const label of identity) {
        if (!label.split('|').some(l => new RegExp(`[{,]${l}(=|=~)"`).test(matchers))) problems.push(`${where}: reads ${name}${matchers} without a ${label} matcher`);
      }
    }
  }
  return { problems, reads };
}

/** Asserts every read of a recorded series is recorded and identity-scoped; returns the number of reads. */
function checkReads(docs: Doc[]): number {
  const { problems, reads } = readProblems(docs);
  expect(problems).toEqual([]);
  return reads;
}

/** The red threshold lines of a panel. */
const red = (panel: any): number[] => (panel.fieldConfig.defaults.thresholds?.steps ?? []).filter((x: any) => x.color === 'red').map((x: any) => x.value);

describe('signal catalog', () => {
  test('the read check itself fails on an unrecorded series and on a read without the tenant\'s namespace', () => {
    const rule = (rules: any[]): Doc => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'x' }, spec: { groups: [{ name: 'g', rules }] } });
    const { problems } = readProblems([rule([
      { record: 'ml_service:requests:rate5m', expr: 'sum by (namespace, ml_service) (rate(http_requests_total[5m]))' },
      { alert: 'A', expr: 'ml_service:requests:rate5m{ml_service="x"} > 1' },
      { alert: 'B', expr: 'ml_service:never_recorded:rate5m{ml_service="x",namespace="a"} > 1' },
      { alert: 'C', expr: 'slo:burn_rate:ratio_rate1h > 1' },
    ])]);
    expect(problems).toEqual([
      'x A: reads ml_service:requests:rate5m{ml_service="x"} without a namespace matcher',
      'x B: reads ml_service:never_recorded:rate5m, which nothing records',
      'x C: reads slo:burn_rate:ratio_rate1h, which nothing records',
      'x C: reads slo:burn_rate:ratio_rate1h without a sli|slo matcher',
    ]);
  });

  test('the example apps: every recorded series read is recorded, and read with its identity', () => {
    expect(checkReads(synthApp(buildExampleApp()))).toBeGreaterThan(150);
    expect(checkReads(synthApp(buildExampleApp({}, { fast: true })))).toBeGreaterThan(150);
    expect(checkReads(synthApp(buildKubePrometheusStackExampleApp()))).toBeGreaterThan(150);
  });

  const presets: [string, InferenceRuntime][] = [
    ['fastApi', InferenceRuntime.fastApi()], ['triton', InferenceRuntime.triton()], ['mlServer', InferenceRuntime.mlServer()],
    ['seldonCoreV2', InferenceRuntime.seldonCoreV2()], ['kserve', InferenceRuntime.kserve()], ['kserve-opencensus', InferenceRuntime.kserve({ knative: KnativeMetrics.OPEN_CENSUS })],
    ['torchServe', InferenceRuntime.torchServe()], ['bentoMl', InferenceRuntime.bentoMl()], ['rayServe', InferenceRuntime.rayServe()],
    ['vllm', InferenceRuntime.vllm()], ['tgi', InferenceRuntime.tgi()],
    ['custom', InferenceRuntime.custom({ name: 'mine', requestsCounter: 'predict_total', errorLabelMatchers: { code: '5..' }, latencyHistogram: { name: 'predict_seconds' }, modelLabel: 'model', versionLabel: 'version' })],
  ];
  test.each(presets)('%s: alerts, panels, SLOs and every scaling signal read recorded series with their identity', (_name, runtime) => {
    const chart = testChart();
    const m = new MlInferenceMonitoring(chart, 'svc', { selectorLabels: TEST_SELECTOR, runtime, namespaces: ['tenant-a', 'tenant-b'], selector: { app: 'svc' }, alerts: { timeToFirstToken: { quantile: 0.99 } } });
    new SloAlert(chart, 'avail', { selectorLabels: TEST_SELECTOR, sli: m.availability({ namespace: 'tenant-a' }), objective: Objective.percent(99.9), rulesNamespace: 'tenant-a' });
    const signals = [ScalingSignal.requestRate(10)];
    if (runtime.hasLatencyHistogram && runtime.name === 'tgi') {
      // TGI's bucket bounds (0.0001 x 1.5^n s) are no whole milliseconds: no latency SLI can be counted there.
      expect(() => m.latency(Duration.seconds(1))).toThrow(/no latency SLI on the tgi runtime: none of the bucket bounds of tgi_request_duration is a whole number of milliseconds/);
      signals.push(ScalingSignal.latency(Duration.seconds(1), 0.9));
    } else if (runtime.hasLatencyHistogram) {
      signals.push(ScalingSignal.latency(Duration.seconds(1), 0.9), ScalingSignal.latency(Duration.seconds(1), 0.999));
      // A bucket bound of the runtime's histogram near one second (an SLI can count only at a bound).
      const bounds = sliThresholds(runtime._spec.latency!) ?? [1];
      const near1s = bounds.reduce((a, b) => (Math.abs(b - 1) < Math.abs(a - 1) ? b : a));
      new SloAlert(chart, 'lat', { selectorLabels: TEST_SELECTOR, sli: m.latency(Duration.millis(near1s * 1000), { namespace: 'tenant-b' }), objective: Objective.percent(99), rulesNamespace: 'tenant-b' });
    }
    if (runtime._spec.queueLength) signals.push(ScalingSignal.queue(5));
    signals.forEach((signal, i) => new InferenceAutoscaler(chart, `scale-${i}`, {
      inference: m, namespace: 'tenant-b', deployment: `svc-${i}`, signal, maxReplicas: 4, prometheusUrl: 'http://prometheus:9090',
    }));
    new ModelQualityMonitoring(chart, 'quality', {
      selectorLabels: TEST_SELECTOR,
      namespace: 'ml',
      modelName: 'fraud',
      performance: ModelPerformance.seldonFeedback(),
      histogramDrift: [{ name: 'score', histogram: 'score' }],
      classDrift: [{ name: 'decision', counter: 'predictions_total', classLabel: 'decision' }],
    });
    expect(checkReads(synthChart(chart))).toBeGreaterThan(20);
    // The catalog knows which raw families the service reads.
    expect(m.metricFamilies).toEqual(expect.arrayContaining([runtime._spec.requests.metric, 'up', 'kube_pod_status_ready']));
  });

  test('the time-to-first-token panel reads the alert\'s quantile, and that quantile is recorded', () => {
    const chart = testChart();
    new MlInferenceMonitoring(chart, 'llm', { selectorLabels: TEST_SELECTOR, runtime: InferenceRuntime.vllm(), namespace: 'llm', selector: { app: 'llm' }, alerts: { timeToFirstToken: { quantile: 0.99 } } });
    const docs = synthChart(chart);
    const json = JSON.parse(Object.values(byKind(docs, 'ConfigMap')[0].data)[0] as string);
    const ttft = json.panels.find((p: any) => /Time to first token/.test(p.title));
    expect(ttft.title).toBe('Time to first token p99');
    expect(ttft.targets[0].expr).toMatch(/^ml_service:time_to_first_token_seconds:p99_5m\{/);
    checkReads(docs);
  });

  test('a KEDA latency signal at any quantile reads a recorded series; an impossible quantile is an Error', () => {
    const chart = testChart();
    const m = new MlInferenceMonitoring(chart, 'fraud', { selectorLabels: TEST_SELECTOR, runtime: InferenceRuntime.fastApi(), namespace: 'tenant-a', selector: { app: 'fraud' } });
    const p90 = new InferenceAutoscaler(chart, 'p90', { inference: m, namespace: 'tenant-a', deployment: 'a', signal: ScalingSignal.latency(Duration.seconds(2), 0.9), maxReplicas: 3, prometheusUrl: 'http://p:9090' });
    const p999 = new InferenceAutoscaler(chart, 'p999', { inference: m, namespace: 'tenant-a', deployment: 'b', signal: ScalingSignal.latency(Duration.seconds(2), 0.999), maxReplicas: 3, prometheusUrl: 'http://p:9090' });
    expect(p90.query).toBe('max(ml_service:request_duration_seconds:p90_5m{ml_service="fraud",namespace="tenant-a"})');
    expect(p999.query).toBe('max(ml_service:request_duration_seconds:p99_9_5m{ml_service="fraud",namespace="tenant-a"})');
    const records = byKind(synthChart(chart), 'PrometheusRule')[0].spec.groups[0].rules.map((r: any) => r.record).filter(Boolean);
    expect(records).toEqual(expect.arrayContaining(['ml_service:request_duration_seconds:p90_5m', 'ml_service:request_duration_seconds:p99_9_5m']));
    for (const q of [0, 1, 1.5, NaN]) {
      expect(() => new InferenceAutoscaler(chart, `bad-${q}`, { inference: m, namespace: 'tenant-a', deployment: 'c', signal: ScalingSignal.latency(Duration.seconds(2), q), maxReplicas: 3, prometheusUrl: 'http://p:9090' }))
        .toThrow(new RegExp(`invalid signal quantile ${q}: a quantile between 0 and 1 exclusive`));
    }
    expect(() => new InferenceAutoscaler(chart, 'undef', { inference: m, namespace: 'tenant-a', deployment: 'd', signal: ScalingSignal.latency(undefined as any), maxReplicas: 3, prometheusUrl: 'http://p:9090' }))
      .toThrow(/ScalingSignal.latency: invalid target \(undefined\): a cdk8s Duration/);
  });

  test('descriptions state the configured pending period, and panel thresholds are the alerts\' thresholds', () => {
    const chart = testChart();
    new MlInferenceMonitoring(chart, 'fraud', {
      selectorLabels: TEST_SELECTOR,
      runtime: InferenceRuntime.fastApi(),
      namespace: 'tenant-a',
      selector: { app: 'fraud' },
      alerts: {
        podNotReady: { pendingFor: Duration.minutes(30) },
        errorRatio: { pendingFor: Duration.minutes(90) },
        latency: { quantile: 0.99, maxLatency: Duration.millis(800) },
      },
    });
    const docs = synthChart(chart);
    const rules = byKind(docs, 'PrometheusRule')[0].spec.groups[0].rules;
    const alert = (n: string) => rules.find((r: any) => r.alert === n);
    expect(alert('ModelPodNotReady').for).toBe('30m');
    expect(alert('ModelPodNotReady').annotations.description).toContain('not been ready for 30 minutes');
    expect(alert('ModelErrorRatioHigh').annotations.description).toContain('for 1 hour 30 minutes');
    expect(alert('ModelTargetDown').annotations.description).toContain('for 5 minutes');
    const json = JSON.parse(Object.values(byKind(docs, 'ConfigMap')[0].data)[0] as string);
    const latency = json.panels.find((p: any) => p.title === 'Latency p50 and p99');
    expect(latency.fieldConfig.defaults.thresholds.steps).toContainEqual({ value: 0.8, color: 'red' });
    expect(red(json.panels.find((p: any) => p.title === 'Latency p95'))).toEqual([]);
    // A disabled alert draws no line.
    const quiet = testChart();
    new MlInferenceMonitoring(quiet, 'q', { selectorLabels: TEST_SELECTOR, runtime: InferenceRuntime.fastApi(), namespace: 'x', selector: { app: 'q' }, alerts: { errorRatio: { enabled: false } } });
    const qjson = JSON.parse(Object.values(byKind(synthChart(quiet), 'ConfigMap')[0].data)[0] as string);
    expect(red(qjson.panels.find((p: any) => p.title === 'Error ratio'))).toEqual([]);
    expect(red(json.panels.find((p: any) => p.title === 'Error ratio'))).toEqual([0.05]);
  });

  test('two tenants, one service name: only the faulted tenant alerts, with its own labels (promtool)', () => {
    const app = new App();
    const rules: any[] = [];
    for (const [tenant, team] of [['tenant-a', 'team-a'], ['tenant-b', 'team-b']]) {
      const chart = new Chart(app, tenant);
      new MlInferenceMonitoring(chart, 'fraud', { selectorLabels: TEST_SELECTOR, runtime: InferenceRuntime.fastApi(), namespace: tenant, selector: { app: 'fraud' }, alertLabels: { team } });
      // The operator writes each PrometheusRule to its own file; in one promtool file the groups need distinct names.
      rules.push(...byKind(synthChart(chart), 'PrometheusRule').flatMap(d => d.spec.groups.map((g: any) => ({ ...g, name: `${tenant}/${g.name}` }))));
    }
    // prometheus-fastapi-instrumentator 8.0.2's defaults: http_requests_total{handler,method,status}, with
    // status grouped as "2xx"/"5xx" (metrics.py:708-714, middleware.py:203; shared/reference/runtime-audit.md rows 1-2).
    const req = (tenant: string, status: string, values: string) => ({
      series: `http_requests_total{ml_service="fraud",namespace="${tenant}",handler="/predict",method="POST",status="${status}"}`, values,
    });
    expectRulesTestPass(rules, [{
      interval: '1m',
      input_series: [
        req('tenant-a', '2xx', '0+600x30'), req('tenant-a', '5xx', '0+0x30'),
        req('tenant-b', '2xx', '0+300x30'), req('tenant-b', '5xx', '0+300x30'),
      ],
      alert_rule_test: [{
        eval_time: '15m',
        alertname: 'ModelErrorRatioHigh',
        exp_alerts: [{ exp_labels: { alertname: 'ModelErrorRatioHigh', ml_service: 'fraud', namespace: 'tenant-b', team: 'team-b', severity: 'critical' } }],
      }],
    }], '30s', { ignoreAnnotations: true });
  });
});
