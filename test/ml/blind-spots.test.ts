import { Duration } from 'cdk8s';
import { RUNTIME_CASES, targetLabels } from './_traffic';
import { InferenceRuntime, MlInferenceMonitoring, Objective, Sli, SloAlert } from '../../src';
import { Fixture, seriesText as text } from '../util/exposition';
import { expectRulesTestPass, PromtoolTest } from '../util/promtool';
import { byKind, Doc, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/*
 * The alerts on the library's own blind spots, proved with promtool on what the runtimes really serve: the
 * fixtures of test/fixtures/runtimes (written from each runtime's source, cited in each file), scraped as
 * Prometheus scrapes them (target labels, `up`). A blind-spot alert fires when its assumption breaks (a
 * wrong preset, a family the pod does not write, a histogram that cannot hold the threshold, an SLI whose
 * events stopped) and stays silent while it holds: a healthy service, an idle one, one in a rollout, and
 * the moment monitoring starts.
 */

const NS = 'tenant-a';
const SVC = 'model';
type Input = Array<{ series: string; values: string }>;

/** Every series of a fixture as one pod serves it, from minute `from` for `minutes` minutes, with its `up`. */
function served(fixture: string, pod: string, minutes: number, from = 0, skip: RegExp = /^$/): Input {
  const f = Fixture.load(fixture);
  const target = targetLabels(NS, SVC, pod);
  const values = (v: number) => `${from > 0 ? `_x${from} ` : ''}${v}+0x${minutes}`;
  return [
    { series: text('up', target), values: values(1) },
    ...f.samples.filter(s => !skip.test(s.name)).map(s => ({ series: text(s.name, { ...s.labels, ...target }), values: values(s.value) })),
  ];
}

function rules(runtime: InferenceRuntime, alerts: object = {}): Doc[] {
  const chart = testChart();
  new MlInferenceMonitoring(chart, SVC, { selectorLabels: TEST_SELECTOR, runtime, namespace: NS, selector: { app: SVC }, alerts });
  return byKind(synthChart(chart), 'PrometheusRule');
}

const missing = (family: string, source = 'runtime', pod = 'model-0') =>
  ({ exp_labels: { namespace: NS, ml_service: SVC, pod, metric_family: family, metric_source: source, ml_signal: 'monitoring', severity: 'warning' } });

const silent = (...times: string[]) => times.map(t => ({ eval_time: t, alertname: 'ModelMetricsMissing', exp_alerts: [] }));

describe('ModelMetricsMissing: a family the alerts and panels read is absent from a scraped pod', () => {
  test.each(Object.entries(RUNTIME_CASES))('%s: silent on what the runtime serves, from the first scrape on', (_name, c) => {
    expectRulesTestPass(rules(c.runtime), [{
      interval: '1m',
      input_series: served(c.fixture, 'model-0', 30),
      alert_rule_test: [...silent('1m', '11m', '30m'), { eval_time: '30m', alertname: 'ModelLatencyHistogramTooCoarse', exp_alerts: [] }],
    }], '30s', { ignoreAnnotations: true });
  });

  test('vLLM 0.9 (the old KV-cache and per-token names) on the current preset: silent', () => {
    expectRulesTestPass(rules(InferenceRuntime.vllm()), [{ interval: '1m', input_series: served('vllm-0.9', 'model-0', 30), alert_rule_test: silent('30m') }],
      '30s', { ignoreAnnotations: true });
  });

  test('a wrong preset: a FastAPI service monitored as Triton shows within minutes, naming each family the preset reads', () => {
    const fired = ['nv_inference_request_success', 'nv_inference_request_duration_us', 'nv_inference_pending_request_count',
      'nv_gpu_utilization', 'nv_gpu_memory_used_bytes', 'nv_gpu_memory_total_bytes'].map(f => missing(f));
    expectRulesTestPass(rules(InferenceRuntime.triton()), [{
      interval: '1m',
      input_series: served('fastapi', 'model-0', 30),
      alert_rule_test: [...silent('9m'), { eval_time: '11m', alertname: 'ModelMetricsMissing', exp_alerts: fired }],
    }], '30s', { ignoreAnnotations: true });
  });

  test('the alert text names the family, who writes it and the preset', () => {
    const doc = rules(InferenceRuntime.triton())[0];
    const rule = doc.spec.groups[0].rules.find((r: any) => r.alert === 'ModelMetricsMissing');
    expect(rule.annotations.summary).toContain('{{ $labels.metric_family }}');
    expect(rule.annotations.description).toMatch(/The triton preset of model reads \{\{ \$labels.metric_family \}\} \(written by \{\{ \$labels.metric_source \}\}\)/);
    expect(rule.labels).toMatchObject({ ml_signal: 'monitoring' });
  });

  test('a wrong preset whose counters are written on the first request (TorchServe on a FastAPI service): after the idle allowance', () => {
    expectRulesTestPass(rules(InferenceRuntime.torchServe()), [{
      interval: '5m',
      input_series: served('fastapi', 'model-0', 100),
      alert_rule_test: [...silent('5h50m'), { eval_time: '6h15m', alertname: 'ModelMetricsMissing', exp_alerts: [missing('ts_inference_requests_total')] }],
    }], '1m', { ignoreAnnotations: true });
  });

  test('idle services stay silent: FastAPI scraped for 7 hours with no request but its scrapes, vLLM never asked', () => {
    expectRulesTestPass(rules(InferenceRuntime.fastApi()), [{ interval: '5m', input_series: served('fastapi-idle', 'model-0', 90), alert_rule_test: silent('10m', '7h') }],
      '1m', { ignoreAnnotations: true });
    expectRulesTestPass(rules(InferenceRuntime.vllm()), [{ interval: '5m', input_series: served('vllm-idle', 'model-0', 90), alert_rule_test: silent('10m', '7h') }],
      '1m', { ignoreAnnotations: true });
  });

  test('a family written on first use, missing while the pod serves: MLServer over gRPC only has no REST latency histogram', () => {
    // MLServer's REST histogram is starlette_exporter's and times REST requests only (runtime audit #12).
    expectRulesTestPass(rules(InferenceRuntime.mlServer()), [{
      interval: '1m',
      input_series: served('mlserver', 'model-0', 30, 0, /^rest_server_request_duration_seconds/),
      alert_rule_test: [{ eval_time: '15m', alertname: 'ModelMetricsMissing', exp_alerts: [missing('rest_server_request_duration_seconds')] }],
    }], '30s', { ignoreAnnotations: true });
  });

  test('a rollout: the new pod serves from its first scrape, the old one goes; silent throughout', () => {
    expectRulesTestPass(rules(InferenceRuntime.vllm()), [{
      interval: '1m',
      input_series: [...served('vllm', 'model-old', 20), ...served('vllm', 'model-new', 30, 15)],
      alert_rule_test: silent('14m', '16m', '21m', '40m'),
    }], '30s', { ignoreAnnotations: true });
  });

  test('kube-state-metrics that writes other pods but not this one (a namespace it does not watch) shows; none at all is the stack\'s to report', () => {
    const other = { namespace: 'other', pod: 'web-0' };
    const ksm = [
      { series: text('kube_pod_status_ready', { ...other, condition: 'true' }), values: '1+0x30' },
      { series: text('kube_pod_container_status_restarts_total', { ...other, container: 'web' }), values: '0+0x30' },
      { series: text('kube_pod_status_phase', { ...other, phase: 'Running' }), values: '1+0x30' },
    ];
    expectRulesTestPass(rules(InferenceRuntime.fastApi()), [{
      interval: '1m',
      input_series: [...served('fastapi', 'model-0', 30), ...ksm],
      alert_rule_test: [{
        eval_time: '15m',
        alertname: 'ModelMetricsMissing',
        exp_alerts: ['kube_pod_container_status_restarts_total', 'kube_pod_status_ready', 'kube_pod_status_phase'].map(f => missing(f, 'kube-state-metrics')),
      }],
    }], '30s', { ignoreAnnotations: true });
  });
});

/** A histogram of the FastAPI fixture's shape, every request observed at `latency` seconds. */
function lowrHistogram(latency: number, perMinute: number, minutes: number): Input {
  const f = Fixture.load('fastapi');
  const target = targetLabels(NS, SVC);
  const labels = { handler: '/predict', method: 'POST', ...target };
  const grow = (n: number) => `0+${n}x${minutes}`;
  return [
    { series: text('up', target), values: `1+0x${minutes}` },
    { series: text('predict_requests_total', target), values: grow(perMinute) },
    ...[...f.bucketBounds('http_request_duration_seconds', { handler: '/predict' }), '+Inf'].map(le =>
      ({ series: text('http_request_duration_seconds_bucket', { ...labels, le }), values: grow(le === '+Inf' || latency <= Number(le) ? perMinute : 0) })),
    { series: text('http_request_duration_seconds_count', labels), values: grow(perMinute) },
  ];
}

describe('ModelLatencyHistogramTooCoarse: a histogram that cannot show the quantile an alert reads', () => {
  // The v1 headline failure: FastAPI's per-handler histogram (buckets 0.1, 0.5, 1 s) read by a custom runtime
  // that does not know its buckets, so no construct-time check can see it.
  const custom = (maxLatency: Duration) => rules(InferenceRuntime.custom({
    name: 'my-fastapi',
    requestsCounter: 'predict_requests_total',
    errorLabelMatchers: { status: '5..' },
    latencyHistogram: { name: 'http_request_duration_seconds' },
  }), { latency: { maxLatency } });
  const coarse = { namespace: NS, ml_service: SVC, histogram: 'http_request_duration_seconds', ml_signal: 'monitoring', severity: 'warning' };

  test('a threshold above the highest finite bucket (5 s over 1 s): fires with the bucket bound, before any slow request', () => {
    const t: PromtoolTest = {
      interval: '1m',
      input_series: lowrHistogram(0.05, 600, 40),
      alert_rule_test: [
        { eval_time: '14m', alertname: 'ModelLatencyHistogramTooCoarse', exp_alerts: [] },
        { eval_time: '20m', alertname: 'ModelLatencyHistogramTooCoarse', exp_alerts: [{ exp_labels: coarse }] },
        { eval_time: '20m', alertname: 'ModelLatencyHigh', exp_alerts: [] },
      ],
      promql_expr_test: [{
        expr: 'ALERTS{alertname="ModelLatencyHistogramTooCoarse"}',
        eval_time: '20m',
        exp_samples: [{ labels: 'ALERTS{alertname="ModelLatencyHistogramTooCoarse",alertstate="firing",histogram="http_request_duration_seconds",ml_service="model",ml_signal="monitoring",namespace="tenant-a",severity="warning"}', value: 1 }],
      }],
    };
    expectRulesTestPass(custom(Duration.seconds(5)), [t], '30s', { ignoreAnnotations: true });
  });

  test('a threshold within the buckets: silent while requests are fast, fires when the p95 sits in +Inf (2 s requests)', () => {
    expectRulesTestPass(custom(Duration.millis(500)), [
      { interval: '1m', input_series: lowrHistogram(0.05, 600, 40), alert_rule_test: [{ eval_time: '40m', alertname: 'ModelLatencyHistogramTooCoarse', exp_alerts: [] }] },
      { interval: '1m', input_series: lowrHistogram(2, 600, 40), alert_rule_test: [{ eval_time: '40m', alertname: 'ModelLatencyHistogramTooCoarse', exp_alerts: [{ exp_labels: coarse }] }] },
    ], '30s', { ignoreAnnotations: true });
  });
});

describe('SLI blind spots', () => {
  function slo(sli: (m: MlInferenceMonitoring) => Sli): Doc[] {
    const chart = testChart();
    const m = new MlInferenceMonitoring(chart, SVC, {
      selectorLabels: TEST_SELECTOR,
      namespace: NS,
      selector: { app: SVC },
      runtime: InferenceRuntime.custom({ name: 'my-fastapi', requestsCounter: 'predict_requests_total', errorLabelMatchers: { status: '5..' }, latencyHistogram: { name: 'http_request_duration_seconds' } }),
    });
    new SloAlert(chart, 'api', { selectorLabels: TEST_SELECTOR, sli: sli(m), objective: Objective.percent(99) });
    return byKind(synthChart(chart), 'PrometheusRule').filter(d => d.metadata.name.startsWith('sli-'));
  }

  test('SloSliBucketMissing: a 250 ms latency SLI on FastAPI\'s 0.1/0.5/1 s histogram counts every request slow; 500 ms is fine', () => {
    const where = (ms: number) => Sli.latency({ name: `lat-${ms}`, histogram: 'http_request_duration_seconds', threshold: Duration.millis(ms), aggregateBy: ['namespace'] });
    expectRulesTestPass(slo(() => where(250)), [{
      interval: '1m',
      input_series: lowrHistogram(0.05, 600, 30),
      alert_rule_test: [{ eval_time: '20m', alertname: 'SloSliBucketMissing', exp_alerts: [{ exp_labels: { namespace: NS, sli: 'lat-250', ml_signal: 'monitoring', severity: 'warning' } }] }],
    }], '30s', { ignoreAnnotations: true });
    expectRulesTestPass(slo(() => where(500)), [{
      interval: '1m', input_series: lowrHistogram(0.05, 600, 30), alert_rule_test: [{ eval_time: '20m', alertname: 'SloSliBucketMissing', exp_alerts: [] }],
    }], '30s', { ignoreAnnotations: true });
  });

  const availability = (m: MlInferenceMonitoring) => m.availability();
  const stopped = { namespace: NS, ml_service: SVC, sli: `${SVC}-availability`, ml_signal: 'monitoring', severity: 'warning' };
  const requests = (values: string) => ({ series: text('predict_requests_total', { ...targetLabels(NS, SVC), status: '200' }), values });
  const up = (values: string) => ({ series: text('up', targetLabels(NS, SVC)), values });

  test('SloEventsStopped: the service\'s target is gone after an hour of traffic: fires, and keeps firing', () => {
    expectRulesTestPass(slo(availability), [{
      interval: '1m',
      input_series: [requests('0+600x60 stale'), up('1+0x60 stale')],
      alert_rule_test: [
        { eval_time: '60m', alertname: 'SloEventsStopped', exp_alerts: [] },
        { eval_time: '75m', alertname: 'SloEventsStopped', exp_alerts: [{ exp_labels: stopped }] },
        { eval_time: '3h', alertname: 'SloEventsStopped', exp_alerts: [{ exp_labels: stopped }] },
      ],
    }], '30s', { ignoreAnnotations: true });
  });

  test('SloEventsStopped stays silent: an idle service (counters there, no increase), one never busy, one whose pods are up (the missing-series alert\'s case), the start', () => {
    expectRulesTestPass(slo(availability), [
      { interval: '1m', input_series: [requests('0+600x30 18000+0x120'), up('1+0x150')], alert_rule_test: [{ eval_time: '150m', alertname: 'SloEventsStopped', exp_alerts: [] }] },
      { interval: '1m', input_series: [up('1+0x150')], alert_rule_test: [{ eval_time: '150m', alertname: 'SloEventsStopped', exp_alerts: [] }] },
      { interval: '1m', input_series: [requests('0+600x60 stale'), up('1+0x150')], alert_rule_test: [{ eval_time: '90m', alertname: 'SloEventsStopped', exp_alerts: [] }] },
      { interval: '1m', input_series: [requests('0+600x10'), up('1+0x10')], alert_rule_test: [{ eval_time: '0m', alertname: 'SloEventsStopped', exp_alerts: [] }, { eval_time: '10m', alertname: 'SloEventsStopped', exp_alerts: [] }] },
    ], '30s', { ignoreAnnotations: true });
  });

  test('SloEventsStopped on an SLI of your own counters (no targets known): fires when they stop', () => {
    const sli = () => Sli.errorRatio({ name: 'checkout', errors: 'checkout_failures_total', total: 'checkout_requests_total' });
    expectRulesTestPass(slo(sli), [{
      interval: '1m',
      input_series: [{ series: 'checkout_requests_total{job="shop"}', values: '0+60x60 stale' }],
      alert_rule_test: [{ eval_time: '80m', alertname: 'SloEventsStopped', exp_alerts: [{ exp_labels: { sli: 'checkout', ml_signal: 'monitoring', severity: 'warning' } }] }],
    }], '30s', { ignoreAnnotations: true });
  });
});

describe('construct-time impossibilities', () => {
  test('an objective so low that a tier could never fire is refused, naming the tier and the least objective', () => {
    const chart = testChart();
    const sli = Sli.errorRatio({ name: 'x', errors: 'e_total', total: 't_total' });
    expect(() => new SloAlert(chart, 'low', { selectorLabels: TEST_SELECTOR, sli, objective: Objective.percent(90) }))
      .toThrow(/objective.*"90".*more than 93\.0556%.*page-fast tier.*14\.4× the error budget, 144% of all events.*tiers\.pageFast/s);
    expect(() => new SloAlert(chart, 'ok', { selectorLabels: TEST_SELECTOR, sli, objective: Objective.percent(93.1) })).not.toThrow();
    // Without the page-fast tier, the page-slow tier (6×) sets the bound.
    expect(() => new SloAlert(chart, 'slow', { selectorLabels: TEST_SELECTOR, sli, objective: Objective.percent(80), tiers: { pageFast: { enabled: false } } }))
      .toThrow(/more than 83\.3334%.*page-slow/s);
  });
});
