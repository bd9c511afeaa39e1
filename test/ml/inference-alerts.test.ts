import { Duration } from 'cdk8s';
import { InferenceRuntime, MlInferenceMonitoring, MlInferenceMonitoringProps, Ratio, Severity } from '../../src';
import { Fixture } from '../util/exposition';
import { expectRulesTestPass, PromtoolTest } from '../util/promtool';
import { oneOfKind, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/*
 * Every default alert of MlInferenceMonitoring, proved with promtool on the synthesized rules: it fires
 * on the series that should fire it, not before its `for`, and not on the series that should not.
 */

const NS = 'tenant-a';
const SVC = 'fraud';
const POD = 'fraud-7d9f-abcde';

function rulesFor(props: Partial<MlInferenceMonitoringProps> = {}) {
  const chart = testChart();
  new MlInferenceMonitoring(chart, SVC, { runtime: InferenceRuntime.fastApi(), selectorLabels: TEST_SELECTOR, namespace: NS, selector: { app: 'fraud' }, ...props });
  return oneOfKind(synthChart(chart), 'PrometheusRule');
}

const upSeries = (value = '1+0x30', pod = POD) => ({ series: `up{ml_service="${SVC}",namespace="${NS}",pod="${pod}",job="fraud",instance="10.0.0.1:8000"}`, values: value });
const requests = (status: string, values: string) => ({ series: `http_requests_total{ml_service="${SVC}",namespace="${NS}",handler="/predict",method="POST",status="${status}"}`, values });
/** The instrumentator's high-resolution histogram with its real buckets (test/fixtures/runtimes/fastapi.prom): every request 8s or 50ms. */
function latency(perMinute: number, slow: boolean, minutes = 30) {
  const inc = `0+${perMinute}x${minutes}`;
  const zero = `0+0x${minutes}`;
  const l = `ml_service="${SVC}",namespace="${NS}"`;
  const seconds = slow ? 8 : 0.05;
  const bounds = Fixture.load('fastapi').bucketBounds('http_request_duration_highr_seconds');
  return [
    ...[...bounds, '+Inf'].map(le => ({ series: `http_request_duration_highr_seconds_bucket{${l},le="${le}"}`, values: le === '+Inf' || seconds <= Number(le) ? inc : zero })),
    { series: `http_request_duration_highr_seconds_count{${l}}`, values: inc },
  ];
}
const labels = (extra: { [k: string]: string } = {}) => ({ ml_service: SVC, namespace: NS, ...extra });
const run = (doc: any, tests: PromtoolTest[]) => expectRulesTestPass([doc], tests, '30s', { ignoreAnnotations: true });

describe('MlInferenceMonitoring default alerts (promtool test rules)', () => {
  const doc = rulesFor();

  test('ModelLatencyHigh: p95 above 5s fires after 2m of breach, not before', () => {
    run(doc, [{
      interval: '1m',
      input_series: [...latency(600, true), requests('2xx', '0+600x30')],
      alert_rule_test: [
        // The breach is measurable from 1m (two samples); pending until 3m.
        { eval_time: '2m30s', alertname: 'ModelLatencyHigh', exp_alerts: [] },
        { eval_time: '3m', alertname: 'ModelLatencyHigh', exp_alerts: [{ exp_labels: labels({ severity: 'warning' }) }] },
      ],
    }, {
      interval: '1m',
      input_series: [...latency(600, false), requests('2xx', '0+600x30')],
      alert_rule_test: [{ eval_time: '20m', alertname: 'ModelLatencyHigh', exp_alerts: [] }],
    }]);
  });

  test('ModelErrorRatioHigh: 50 % errors fires after 5m, not before; guarded against tiny traffic', () => {
    run(doc, [{
      interval: '1m',
      input_series: [requests('2xx', '0+300x30'), requests('5xx', '0+300x30')],
      alert_rule_test: [
        { eval_time: '5m30s', alertname: 'ModelErrorRatioHigh', exp_alerts: [] },
        { eval_time: '6m', alertname: 'ModelErrorRatioHigh', exp_alerts: [{ exp_labels: labels({ severity: 'critical' }) }] },
      ],
    }, {
      name: 'one error out of two requests pages no one',
      interval: '1m',
      input_series: [requests('2xx', '0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1'), requests('5xx', '0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1')],
      alert_rule_test: [{ eval_time: '10m', alertname: 'ModelErrorRatioHigh', exp_alerts: [] }],
    }, {
      name: '4 % errors stays below the 5 % threshold',
      interval: '1m',
      input_series: [requests('2xx', '0+576x30'), requests('5xx', '0+24x30')],
      alert_rule_test: [{ eval_time: '20m', alertname: 'ModelErrorRatioHigh', exp_alerts: [] }],
    }]);
  });

  test('rateWindow: recorded series, alerts and panels all use the window; a 1m window clears a minute after errors stop, 5m does not', () => {
    const chart = testChart();
    new MlInferenceMonitoring(chart, SVC, {
      selectorLabels: TEST_SELECTOR,
      runtime: InferenceRuntime.fastApi(),
      namespace: NS,
      selector: { app: 'fraud' },
      rateWindow: Duration.minutes(1),
      scrape: { interval: Duration.seconds(15) },
      alerts: { errorRatio: { pendingFor: Duration.minutes(1) } },
    });
    const docs = synthChart(chart);
    const short = oneOfKind(docs, 'PrometheusRule');
    const records = (short.spec.groups[0].rules as any[]).filter(r => r.record).map(r => r.record as string);
    expect(records).toEqual(expect.arrayContaining(['ml_service:requests:rate1m', 'ml_service:request_errors:ratio_rate1m', 'ml_service:request_duration_seconds:p95_1m']));
    expect(JSON.stringify(short)).not.toMatch(/rate5m|_5m|\[5m\]/);
    expect(oneOfKind(docs, 'ConfigMap').data['ml-inference-tenant-a-fraud.json']).toContain('ml_service:request_errors:rate1m');
    // Errors (50 %) stop at 10m; at 12m the 1m window sees none, the 5m window still sees 3 minutes of them.
    const series = [requests('2xx', '0+75x60'), requests('5xx', '0+75x40 3000x20')];
    const at = (eval_time: string, fires: boolean) => ({ eval_time, alertname: 'ModelErrorRatioHigh', exp_alerts: fires ? [{ exp_labels: labels({ severity: 'critical' }) }] : [] });
    expectRulesTestPass([short], [{ interval: '15s', input_series: series, alert_rule_test: [at('9m', true), at('12m', false)] }], '15s', { ignoreAnnotations: true });
    const long = rulesFor({ alerts: { errorRatio: { pendingFor: Duration.minutes(1) } } });
    expectRulesTestPass([long], [{ interval: '15s', input_series: series, alert_rule_test: [at('9m', true), at('12m', true)] }], '15s', { ignoreAnnotations: true });
    expect(() => rulesFor({ rateWindow: Duration.seconds(45) })).toThrow(/fraud: invalid rateWindow "45s": a window of at least two scrape intervals \(60s\)/);
  });

  test('ModelPodRestarting: more than 3 restarts in 10m', () => {
    const restarts = (values: string) => ({ series: `kube_pod_container_status_restarts_total{namespace="${NS}",pod="${POD}",container="model",job="kube-state-metrics"}`, values });
    run(doc, [{
      interval: '1m',
      input_series: [upSeries(), restarts('0+1x30')],
      alert_rule_test: [{ eval_time: '12m', alertname: 'ModelPodRestarting', exp_alerts: [{ exp_labels: labels({ pod: POD, severity: 'warning' }) }] }],
    }, {
      name: 'two restarts are tolerated',
      interval: '1m',
      input_series: [upSeries(), restarts('0 0 0 1 1 1 2 2 2 2 2 2 2 2 2 2 2 2 2 2')],
      alert_rule_test: [{ eval_time: '12m', alertname: 'ModelPodRestarting', exp_alerts: [] }],
    }, {
      name: 'restarts of pods that are not the service\'s are not its alert',
      interval: '1m',
      input_series: [upSeries(), { series: `kube_pod_container_status_restarts_total{namespace="${NS}",pod="other-pod",container="x"}`, values: '0+1x30' }],
      alert_rule_test: [{ eval_time: '12m', alertname: 'ModelPodRestarting', exp_alerts: [] }],
    }]);
  });

  test('ModelPodNotReady: not ready for 5m', () => {
    const ready = (cond: string, values: string) => ({ series: `kube_pod_status_ready{namespace="${NS}",pod="${POD}",condition="${cond}"}`, values });
    run(doc, [{
      interval: '1m',
      input_series: [upSeries(), ready('false', '1+0x30'), ready('true', '0+0x30')],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'ModelPodNotReady', exp_alerts: [] },
        { eval_time: '6m', alertname: 'ModelPodNotReady', exp_alerts: [{ exp_labels: labels({ pod: POD, severity: 'warning' }) }] },
      ],
    }, {
      interval: '1m',
      input_series: [upSeries(), ready('false', '0+0x30'), ready('true', '1+0x30')],
      alert_rule_test: [{ eval_time: '20m', alertname: 'ModelPodNotReady', exp_alerts: [] }],
    }]);
  });

  test('ModelCpuHigh: above 0.8 cores for 10m', () => {
    const cpu = (coresPerSecond: number) => ({ series: `container_cpu_usage_seconds_total{namespace="${NS}",pod="${POD}",container="model"}`, values: `0+${coresPerSecond * 60}x30` });
    run(doc, [{
      interval: '1m',
      input_series: [upSeries(), cpu(1), { series: `container_cpu_usage_seconds_total{namespace="${NS}",pod="${POD}",container=""}`, values: '0+600x30' }],
      // rate() over a counter that starts at 0 ramps up over its 5m window: 1 core reads above 0.8 from
      // 4m30s, so the 10m pending period ends at 14m30s.
      alert_rule_test: [
        { eval_time: '14m', alertname: 'ModelCpuHigh', exp_alerts: [] },
        { eval_time: '15m', alertname: 'ModelCpuHigh', exp_alerts: [{ exp_labels: labels({ pod: POD, severity: 'warning' }) }] },
      ],
    }, {
      interval: '1m',
      input_series: [upSeries(), cpu(0.5)],
      alert_rule_test: [{ eval_time: '20m', alertname: 'ModelCpuHigh', exp_alerts: [] }],
    }]);
  });

  test('ModelCpuHigh as a share of the CPU limit', () => {
    const limited = rulesFor({ alerts: { cpu: { maxLimitRatio: Ratio.percent(80) } } });
    run(limited, [{
      interval: '1m',
      input_series: [
        upSeries(),
        { series: `container_cpu_usage_seconds_total{namespace="${NS}",pod="${POD}",container="model"}`, values: '0+54x30' }, // 0.9 cores
        { series: `kube_pod_container_resource_limits{namespace="${NS}",pod="${POD}",container="model",resource="cpu",unit="core"}`, values: '1+0x30' },
      ],
      alert_rule_test: [{ eval_time: '15m', alertname: 'ModelCpuHigh', exp_alerts: [{ exp_labels: labels({ pod: POD, severity: 'warning' }) }] }],
    }]);
  });

  test('ModelMemoryHigh: above 90 % of the limit for 5m', () => {
    const mem = (bytes: number) => ({ series: `container_memory_working_set_bytes{namespace="${NS}",pod="${POD}",container="model"}`, values: `${bytes}+0x30` });
    const limit = { series: `kube_pod_container_resource_limits{namespace="${NS}",pod="${POD}",container="model",resource="memory",unit="byte"}`, values: '1000+0x30' };
    run(doc, [{
      interval: '1m',
      input_series: [upSeries(), mem(950), limit],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'ModelMemoryHigh', exp_alerts: [] },
        { eval_time: '6m', alertname: 'ModelMemoryHigh', exp_alerts: [{ exp_labels: labels({ pod: POD, severity: 'warning' }) }] },
      ],
    }, {
      interval: '1m',
      input_series: [upSeries(), mem(800), limit],
      alert_rule_test: [{ eval_time: '20m', alertname: 'ModelMemoryHigh', exp_alerts: [] }],
    }]);
  });

  test('ModelTargetDown and ModelMetricsAbsent', () => {
    run(doc, [{
      interval: '1m',
      input_series: [upSeries('0+0x30')],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'ModelTargetDown', exp_alerts: [] },
        { eval_time: '6m', alertname: 'ModelTargetDown', exp_alerts: [{ exp_labels: { ...labels({ pod: POD, severity: 'warning' }), job: 'fraud', instance: '10.0.0.1:8000' } }] },
        { eval_time: '20m', alertname: 'ModelMetricsAbsent', exp_alerts: [] },
      ],
    }, {
      name: 'no target at all',
      interval: '1m',
      input_series: [{ series: 'up{ml_service="other",namespace="tenant-a",pod="x"}', values: '1+0x30' }],
      alert_rule_test: [
        { eval_time: '9m', alertname: 'ModelMetricsAbsent', exp_alerts: [] },
        { eval_time: '11m', alertname: 'ModelMetricsAbsent', exp_alerts: [{ exp_labels: labels({ severity: 'warning' }) }] },
      ],
    }]);
  });

  test('ModelTrafficDrop: far below the rate one baseline earlier (baseline tuned to 1h)', () => {
    const tuned = rulesFor({ alerts: { trafficDrop: { baseline: Duration.hours(1) } } });
    // 10 rps for 75 minutes, then 1 rps: below 20 % of the rate an hour earlier.
    const values = '0+600x75 45000+60x40';
    run(tuned, [{
      interval: '1m',
      input_series: [requests('2xx', values)],
      alert_rule_test: [
        { eval_time: '85m', alertname: 'ModelTrafficDrop', exp_alerts: [] },
        { eval_time: '100m', alertname: 'ModelTrafficDrop', exp_alerts: [{ exp_labels: labels({ severity: 'warning' }) }] },
      ],
    }, {
      name: 'steady traffic',
      interval: '1m',
      input_series: [requests('2xx', '0+600x120')],
      alert_rule_test: [{ eval_time: '110m', alertname: 'ModelTrafficDrop', exp_alerts: [] }],
    }]);
  });

  test('annotations: summary, description and runbook_url are rendered from the alert', () => {
    expectRulesTestPass([doc], [{
      interval: '1m',
      input_series: [requests('2xx', '0+300x30'), requests('5xx', '0+300x30')],
      alert_rule_test: [{
        eval_time: '10m',
        alertname: 'ModelErrorRatioHigh',
        exp_alerts: [{
          exp_labels: labels({ severity: 'critical' }),
          exp_annotations: {
            summary: 'fraud error ratio above 5% in tenant-a',
            description: '50% of the requests to fraud fail (threshold 5% over 5m, at least 0.1 requests/s) for 5 minutes.',
            runbook_url: 'https://github.com/cdk8s-ml-monitoring/cdk8s-ml-monitoring/blob/main/README.md#modelerrorratiohigh',
          },
        }],
      }],
    }]);
  });

  test('tuning: thresholds, durations, severities and disabling', () => {
    const chart = testChart();
    const m = new MlInferenceMonitoring(chart, SVC, {
      selectorLabels: TEST_SELECTOR,
      runtime: InferenceRuntime.fastApi(),
      namespace: NS,
      selector: { app: 'fraud' },
      model: 'fraud-v2',
      alertLabels: { team: 'risk' },
      alerts: {
        latency: { maxLatency: Duration.millis(800), quantile: 0.99, pendingFor: Duration.minutes(1), severity: Severity.CRITICAL },
        errorRatio: { maxErrorRatio: Ratio.percent(1) },
        trafficDrop: { enabled: false },
        podNotReady: { enabled: false },
      },
    });
    expect(m.alertNames).not.toContain('ModelTrafficDrop');
    expect(m.alertNames).not.toContain('ModelPodNotReady');
    const rules = oneOfKind(synthChart(chart), 'PrometheusRule').spec.groups[0].rules as any[];
    const lat = rules.find(r => r.alert === 'ModelLatencyHigh');
    expect(lat.expr).toMatch(/^ml_service:request_duration_seconds:p99_5m\{ml_service="fraud",namespace="tenant-a"\} > 0.8 and/);
    expect(lat.for).toBe('1m');
    expect(lat.labels).toEqual({ model: 'fraud-v2', team: 'risk', ml_service: SVC, severity: 'critical' });
    expect(rules.find(r => r.alert === 'ModelErrorRatioHigh').expr).toMatch(/ > 0.01 and/);
    expect(rules.filter(r => r.record).every(r => r.labels?.model === 'fraud-v2')).toBe(true);
  });
});

describe('per-pod variants (alerts.latencyPerPod, alerts.errorRatioPerPod)', () => {
  const PODS = ['fraud-a', 'fraud-b'];
  const podRequests = (pod: string, status: string, values: string) =>
    ({ series: `http_requests_total{ml_service="${SVC}",namespace="${NS}",pod="${pod}",handler="/predict",method="POST",status="${status}"}`, values });
  /** The instrumentator's high-resolution histogram of one pod: `perMinute` requests, each 8 s or 50 ms. */
  function podLatency(pod: string, perMinute: number, slow: boolean) {
    const l = `ml_service="${SVC}",namespace="${NS}",pod="${pod}"`;
    const bounds = Fixture.load('fastapi').bucketBounds('http_request_duration_highr_seconds');
    const inc = `0+${perMinute}x30`;
    return [
      ...[...bounds, '+Inf'].map(le => ({ series: `http_request_duration_highr_seconds_bucket{${l},le="${le}"}`, values: le === '+Inf' || (slow ? 8 : 0.05) <= Number(le) ? inc : '0+0x30' })),
      { series: `http_request_duration_highr_seconds_count{${l}}`, values: inc },
    ];
  }
  const doc = rulesFor({ alerts: { latencyPerPod: {}, errorRatioPerPod: {} } });
  const perPodNames = (d: any) => (d.spec.groups[0].rules as any[]).map(r => r.alert).filter(a => /^ModelPod(Latency|ErrorRatio)High$/.test(a));

  test('off unless given; given, they read per-pod recorded series', () => {
    expect(perPodNames(rulesFor())).toEqual([]);
    expect(perPodNames(doc)).toEqual(['ModelPodLatencyHigh', 'ModelPodErrorRatioHigh']);
    const rules = doc.spec.groups[0].rules as any[];
    expect(rules.find(r => r.alert === 'ModelPodLatencyHigh').expr).toMatch(/^ml_service_pod:request_duration_seconds:p95_5m\{[^}]*\} > 5 and on \(namespace, ml_service, pod\)/);
    expect(rules.find(r => r.record === 'ml_service_pod:request_duration_seconds:p95_5m').expr).toContain('by (namespace, ml_service, pod, le)');
  });

  test('one slow pod of two fires ModelPodLatencyHigh for that pod only, while the service\'s p95 stays below 5s', () => {
    run(doc, [{
      interval: '1m',
      // 20 slow requests a minute on fraud-a, 1000 fast on fraud-b: 2 % slow overall.
      input_series: [...podLatency(PODS[0], 20, true), ...podLatency(PODS[1], 1000, false),
        podRequests(PODS[0], '2xx', '0+20x30'), podRequests(PODS[1], '2xx', '0+1000x30'), ...PODS.map(p => upSeries('1+0x30', p))],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'ModelPodLatencyHigh', exp_alerts: [{ exp_labels: labels({ pod: PODS[0], severity: 'warning' }) }] },
        { eval_time: '10m', alertname: 'ModelLatencyHigh', exp_alerts: [] },
      ],
    }]);
  });

  test('one failing pod fires ModelPodErrorRatioHigh for that pod only, while the service\'s ratio stays below 5 %', () => {
    run(doc, [{
      interval: '1m',
      // fraud-a fails half of its 60 requests a minute; fraud-b none of its 1200: 2.4 % overall.
      input_series: [podRequests(PODS[0], '2xx', '0+30x30'), podRequests(PODS[0], '5xx', '0+30x30'), podRequests(PODS[1], '2xx', '0+1200x30'),
        ...PODS.map(p => upSeries('1+0x30', p))],
      alert_rule_test: [
        { eval_time: '5m30s', alertname: 'ModelPodErrorRatioHigh', exp_alerts: [] },
        { eval_time: '10m', alertname: 'ModelPodErrorRatioHigh', exp_alerts: [{ exp_labels: labels({ pod: PODS[0], severity: 'warning' }) }] },
        { eval_time: '10m', alertname: 'ModelErrorRatioHigh', exp_alerts: [] },
      ],
    }]);
  });

  test('asked of a runtime without the signal, an Error naming the prop; a threshold above the highest bucket too', () => {
    const make = (runtime: InferenceRuntime, alerts: any) => () => rulesFor({ runtime, alerts });
    expect(make(InferenceRuntime.triton(), { latencyPerPod: {} })).toThrow(/invalid alerts.latencyPerPod "given": no latencyPerPod alert for the triton runtime, which exports no latency histogram/);
    expect(make(InferenceRuntime.fastApi(), { latencyPerPod: { maxLatency: Duration.seconds(120) } })).toThrow(/alerts.latencyPerPod.maxLatency/);
    expect(make(InferenceRuntime.fastApi(), { latencyPerPod: { enabled: false } })).not.toThrow();
  });
});

describe('per-handler variants (alerts.latencyPerHandler, alerts.errorRatioPerHandler)', () => {
  const handlerRequests = (handler: string, status: string, values: string) =>
    ({ series: `http_requests_total{ml_service="${SVC}",namespace="${NS}",pod="${POD}",handler="${handler}",method="POST",status="${status}"}`, values });
  const doc = rulesFor({ alerts: { errorRatioPerHandler: {} } });

  test('one failing endpoint of two fires ModelHandlerErrorRatioHigh for it only, while the service\'s ratio stays below 5 %', () => {
    run(doc, [{
      interval: '1m',
      // /explain fails half of its 60 requests a minute; /predict none of its 1200 (the instrumentator's grouped status).
      input_series: [handlerRequests('/explain', '2xx', '0+30x30'), handlerRequests('/explain', '5xx', '0+30x30'), handlerRequests('/predict', '2xx', '0+1200x30'),
        upSeries()],
      alert_rule_test: [
        { eval_time: '5m30s', alertname: 'ModelHandlerErrorRatioHigh', exp_alerts: [] },
        { eval_time: '10m', alertname: 'ModelHandlerErrorRatioHigh', exp_alerts: [{ exp_labels: labels({ handler: '/explain', severity: 'warning' }) }] },
        { eval_time: '10m', alertname: 'ModelErrorRatioHigh', exp_alerts: [] },
      ],
    }]);
  });

  test('the endpoint label is the runtime\'s own: handler, endpoint, route; latency per endpoint only where the histogram names it', () => {
    const expr = (runtime: InferenceRuntime, alerts: any, alert: string) =>
      (rulesFor({ runtime, alerts }).spec.groups[0].rules as any[]).find(r => r.alert === alert).expr as string;
    expect(expr(InferenceRuntime.bentoMl(), { latencyPerHandler: {} }, 'ModelHandlerLatencyHigh')).toMatch(/^ml_service_handler:request_duration_seconds:p95_5m\{.*\} > 5 and on \(namespace, ml_service, endpoint\)/);
    expect(expr(InferenceRuntime.rayServe(), { errorRatioPerHandler: {} }, 'ModelHandlerErrorRatioHigh')).toMatch(/on \(namespace, ml_service, route\)/);
    expect(() => rulesFor({ alerts: { latencyPerHandler: {} } })).toThrow(/invalid alerts.latencyPerHandler "given": no latencyPerHandler alert for the fastapi runtime, which exports no latency histogram labelled by endpoint/);
    expect(() => rulesFor({ runtime: InferenceRuntime.triton(), alerts: { errorRatioPerHandler: {} } })).toThrow(/which exports no count of failed requests labelled by endpoint/);
  });
});

