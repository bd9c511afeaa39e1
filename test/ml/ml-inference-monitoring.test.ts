import { Duration } from 'cdk8s';
import { InferenceRuntime, MlInferenceMonitoring, MlInferenceMonitoringProps, MonitorKind, Ratio, SecretKey } from '../../src';
import { proveAll } from '../util/prove';
import { byKind, oneOfKind, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

const base: MlInferenceMonitoringProps = { runtime: InferenceRuntime.fastApi(), namespaces: ['tenant-a', 'tenant-b'], selector: { app: 'ml-inference' }, selectorLabels: TEST_SELECTOR };

describe('MlInferenceMonitoring', () => {
  test('one monitor per namespace, one PrometheusRule, one dashboard; every object valid', () => {
    const chart = testChart();
    const m = new MlInferenceMonitoring(chart, 'inference', { ...base, selectorLabels: { release: 'kps' } });
    const docs = synthChart(chart);
    proveAll(docs);
    const monitors = byKind(docs, 'ServiceMonitor');
    expect(monitors.map(d => d.metadata.namespace)).toEqual(['tenant-a', 'tenant-b']);
    for (const sm of monitors) {
      expect(sm.metadata.labels).toEqual({ release: 'kps' });
      expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics', interval: '30s' });
      expect(sm.spec.endpoints[0].relabelings[0]).toEqual({ action: 'replace', targetLabel: 'ml_service', replacement: 'inference' });
    }
    const rule = oneOfKind(docs, 'PrometheusRule');
    expect(rule.metadata).toMatchObject({ name: 'inference-inference', namespace: 'tenant-a', labels: { release: 'kps' } });
    expect(m.alertNames).toEqual(['ModelLatencyHigh', 'ModelErrorRatioHigh', 'ModelPodRestarting', 'ModelPodNotReady', 'ModelCpuHigh',
      'ModelMemoryHigh', 'ModelTargetDown', 'ModelMetricsAbsent', 'ModelTrafficDrop', 'ModelMetricsMissing', 'ModelLatencyHistogramTooCoarse']);
    // Every alert carries its routing labels and the three annotations.
    for (const r of (rule.spec.groups[0].rules as any[]).filter(x => x.alert)) {
      expect(r.labels).toMatchObject({ ml_service: 'inference', severity: expect.any(String) });
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
    }
    expect(byKind(docs, 'ConfigMap')).toHaveLength(1);
  });

  test('the dashboard has the seed panels plus p99, errors and variables, and reads the recorded series', () => {
    const chart = testChart();
    new MlInferenceMonitoring(chart, 'inference', base);
    const cm = oneOfKind(synthChart(chart), 'ConfigMap');
    const json = JSON.parse(cm.data['ml-inference-tenant-a-inference.json']);
    const titles = json.panels.filter((p: any) => p.type !== 'row').map((p: any) => p.title);
    expect(titles).toEqual(expect.arrayContaining(['Request rate per tenant', 'Latency p50 and p95', 'Running pods', 'Restarts (1h)',
      'CPU % of limit', 'Memory per pod', 'CPU per pod (cores)', 'Latency p99', 'Error ratio']));
    expect(json.templating.list.map((v: any) => v.name)).toEqual(['datasource', 'namespace']);
    const exprs = json.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr)).join('\n');
    // Every panel reads the service's identity, narrowed by the Grafana variable (never widened by it).
    expect(exprs).toContain('ml_service:requests:rate5m{ml_service="inference",namespace=~"tenant-a|tenant-b",namespace=~"$namespace"}');
    expect(exprs).toContain('ml_service:request_duration_seconds:p95_5m');
    // The latency panel draws the alert's threshold.
    const latency = json.panels.find((p: any) => p.title === 'Latency p50 and p95');
    expect(latency.fieldConfig.defaults.thresholds.steps).toContainEqual({ color: 'red', value: 5 });
  });

  test('runtimes with a model label get a model variable and a model/version panel', () => {
    const chart = testChart();
    new MlInferenceMonitoring(chart, 'vision', { ...base, runtime: InferenceRuntime.triton() });
    const json = JSON.parse(Object.values(oneOfKind(synthChart(chart), 'ConfigMap').data)[0] as string);
    expect(json.templating.list.map((v: any) => v.name)).toEqual(['datasource', 'namespace', 'model']);
    expect(json.panels.map((p: any) => p.title)).toEqual(expect.arrayContaining(['Requests by model and version', 'Average latency (the runtime exports no histogram)', 'GPU utilisation']));
  });

  test('scrape overrides: PodMonitor, port, interval, auth; dashboard disabled; grafana link', () => {
    const chart = testChart();
    const m = new MlInferenceMonitoring(chart, 'llm', {
      ...base,
      runtime: InferenceRuntime.vllm(),
      grafanaUrl: 'https://grafana.example.com/',
      scrape: { kind: MonitorKind.POD_MONITOR, port: 'metrics', interval: Duration.seconds(15), bearerToken: SecretKey.of('vllm', 'token') },
      dashboard: { enabled: false },
    });
    const docs = synthChart(chart);
    proveAll(docs);
    expect(m.dashboard).toBeUndefined();
    expect(byKind(docs, 'ConfigMap')).toHaveLength(0);
    expect(byKind(docs, 'PodMonitor')[0].spec.podMetricsEndpoints[0]).toMatchObject({ port: 'metrics', interval: '15s', authorization: { credentials: { name: 'vllm', key: 'token' } } });
    const alerts = (oneOfKind(docs, 'PrometheusRule').spec.groups[0].rules as any[]).filter(r => r.alert);
    expect(alerts.every(a => a.annotations.dashboard_url === undefined)).toBe(true);
  });

  test('alerts link to the dashboard when grafanaUrl is given', () => {
    const chart = testChart();
    new MlInferenceMonitoring(chart, 'llm', { ...base, grafanaUrl: 'https://grafana.example.com/' });
    const alerts = (oneOfKind(synthChart(chart), 'PrometheusRule').spec.groups[0].rules as any[]).filter(r => r.alert);
    expect(alerts[0].annotations.dashboard_url).toBe('https://grafana.example.com/d/ml-inference-tenant-a-llm');
  });

  describe('bad input names the construct, the prop, the value and the accepted form', () => {
    test.each([
      [{ selector: {} }, /test\/svc: invalid selector \{\}: at least one label of the model service/],
      [{ namespaces: ['Tenant-A'] }, /test\/svc: invalid namespaces\[0\] "Tenant-A": a Kubernetes namespace/],
      [{ namespaces: [] }, /invalid namespaces \[\]: at least one namespace/],
      [{ namespace: 'a' }, /invalid namespace "a": exactly one of namespace or namespaces/],
      [{ namespaces: ['a', 'a'] }, /namespaces without repeats/],
      [{ alerts: { latency: { quantile: 1.5 } } }, /invalid alerts.latency.quantile 1.5: a quantile between 0 and 1 exclusive/],
      [{ alerts: { errorRatio: { maxErrorRatio: 0.05 as any } } }, /invalid alerts.errorRatio.maxErrorRatio 0.05: a Ratio/],
      [{ alerts: { cpu: { maxCores: -1 } } }, /invalid alerts.cpu.maxCores -1/],
      [{ alerts: { cpu: { maxCores: 1, maxLimitRatio: Ratio.percent(80) } } }, /either maxCores or maxLimitRatio/],
      [{ alerts: { podRestarts: { maxRestarts: 2.5 } } }, /invalid alerts.podRestarts.maxRestarts 2.5/],
      [{ alerts: { latency: { maxLatency: Duration.millis(0) } } }, /invalid alerts.latency.maxLatency "0s"/],
      [{ minRequestRate: -1 }, /invalid minRequestRate -1/],
      [{ runbookBaseUrl: 'runbooks' }, /invalid runbookBaseUrl \(not repeated: it could hold a credential\): an absolute http/],
      [{ alertLabels: { severity: 'x' } }, /invalid alertLabels "severity"/],
      [{ runtime: 'fastapi' as any }, /invalid runtime "fastapi": an InferenceRuntime/],
      [{ runtime: InferenceRuntime.triton(), model: 'resnet' }, /invalid model "resnet": no model prop: the triton runtime names models in its "model" label/],
      [{ serviceName: 'My Service' }, /invalid serviceName "My Service": a DNS-1123 label/],
    ])('%#', (bad, message) => {
      expect(() => new MlInferenceMonitoring(testChart(), 'svc', { ...base, ...(bad as any) })).toThrow(message);
    });
    test('percent above 100', () => {
      expect(() => Ratio.percent(120)).toThrow(/Ratio.percent: invalid percent 120: a number from 0 to 100/);
    });
  });
});

describe('InferenceRuntime.custom', () => {
  test('names its own metrics and units', () => {
    const rt = InferenceRuntime.custom({
      name: 'scorer',
      requestsCounter: 'scorer_requests_total',
      errorLabelMatchers: { outcome: 'error|timeout' },
      latencyHistogram: { name: 'scorer_latency_ms', unit: 'milliseconds' as any },
      modelLabel: 'model',
      versionLabel: 'model_version',
      port: 'metrics',
    });
    const chart = testChart();
    new MlInferenceMonitoring(chart, 'scorer', { ...base, runtime: rt });
    const docs = synthChart(chart);
    proveAll(docs);
    const rules = oneOfKind(docs, 'PrometheusRule').spec.groups[0].rules as any[];
    const p95 = rules.find(r => r.record === 'ml_service:request_duration_seconds:p95_5m');
    expect(p95.expr).toContain('scorer_latency_ms_bucket');
    expect(p95.expr).toContain('* 0.001');
    expect(rules.find(r => r.record === 'ml_service:request_errors:rate5m').expr).toContain('outcome=~"error|timeout"');
  });

  test.each([
    [{ requestsCounter: 'bad-name' }, /InferenceRuntime.custom: invalid requestsCounter "bad-name": a Prometheus metric name/],
    [{ errorLabelMatchers: undefined }, /exactly one of errorsCounter or errorLabelMatchers/],
    [{ errorsCounter: 'e_total' }, /exactly one of errorsCounter or errorLabelMatchers/],
    [{ errorLabelMatchers: {} }, /at least one label matcher/],
    [{ latencyHistogram: { name: 'lat_seconds_bucket' } }, /the histogram's base name, without the _bucket/],
    [{ modelLabel: 'model-name' }, /invalid modelLabel "model-name"/],
    [{ name: 'My Server' }, /invalid name "My Server"/],
  ])('bad custom runtime %#', (bad, message) => {
    expect(() => InferenceRuntime.custom({ name: 'x', requestsCounter: 'r_total', errorLabelMatchers: { code: '5..' }, ...(bad as any) })).toThrow(message);
  });
});
