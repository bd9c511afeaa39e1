import { Duration } from 'cdk8s';
import { GpuMetrics, InferenceRuntime, MlInferenceMonitoring, MlInferenceMonitoringProps, Ratio } from '../../src';
import { expectRulesTestPass, PromtoolTest } from '../util/promtool';
import { proveAll } from '../util/prove';
import { allRules, oneOfKind, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/*
 * The cost of an inference service, proved with promtool on series as kube-state-metrics
 * (kube_pod_container_resource_requests, with the resource and unit labels it writes) and cAdvisor write
 * them, every value checked against numbers computed by hand.
 */

const NS = 'tenant-a';
const SVC = 'fraud';
const GIB = 2 ** 30;
const prices = { cpuCoreHour: 0.04, memoryGibHour: 0.005 };

function rulesFor(props: Partial<MlInferenceMonitoringProps>) {
  const chart = testChart();
  new MlInferenceMonitoring(chart, SVC, { runtime: InferenceRuntime.fastApi(), selectorLabels: TEST_SELECTOR, namespace: NS, selector: { app: 'fraud' }, ...props });
  const docs = synthChart(chart);
  proveAll(docs);
  return oneOfKind(docs, 'PrometheusRule');
}
const run = (doc: any, tests: PromtoolTest[]) => expectRulesTestPass([doc], tests, '1m', { ignoreAnnotations: true });
const steady = (v: number, minutes = 180) => `${v}+0x${minutes}`;
const growing = (perMinute: number, minutes = 180) => `0+${perMinute}x${minutes}`;

/**
 * Pod p0 requests 2 cores and 4 GiB and uses 0.5 cores and 1 GiB; pod p1 requests nothing and uses 1 core
 * and 2 GiB. Each serves 5 requests a second.
 */
function twoPods() {
  const pod = (p: string) => `namespace="${NS}",pod="${p}"`;
  return [
    ...['p0', 'p1'].map(p => ({ series: `up{ml_service="${SVC}",${pod(p)},job="fraud",instance="${p}:8000"}`, values: steady(1) })),
    ...['p0', 'p1'].map(p => ({ series: `http_requests_total{ml_service="${SVC}",${pod(p)},handler="/predict",method="POST",status="2xx"}`, values: growing(300) })),
    { series: `container_cpu_usage_seconds_total{${pod('p0')},container="model"}`, values: growing(30) },
    { series: `container_cpu_usage_seconds_total{${pod('p1')},container="model"}`, values: growing(60) },
    { series: `container_memory_working_set_bytes{${pod('p0')},container="model"}`, values: steady(GIB) },
    { series: `container_memory_working_set_bytes{${pod('p1')},container="model"}`, values: steady(2 * GIB) },
    { series: `kube_pod_container_resource_requests{${pod('p0')},container="model",resource="cpu",unit="core"}`, values: steady(2) },
    { series: `kube_pod_container_resource_requests{${pod('p0')},container="model",resource="memory",unit="byte"}`, values: steady(4 * GIB) },
  ];
}

describe('cost', () => {
  test('cost per hour, idle cost and cost per 1,000 predictions as computed by hand; the budget and per-prediction alerts fire', () => {
    const doc = rulesFor({ cost: { ...prices, maxCostPer1kPredictions: 0.004, monthlyBudget: 100 } });
    const svc = `{ml_service="${SVC}",namespace="${NS}"}`;
    run(doc, [{
      interval: '1m',
      input_series: twoPods(),
      promql_expr_test: [
        // p0: 2 cores (its request) × 0.04 + 4 GiB × 0.005 = 0.10; p1: 1 core (its use) × 0.04 + 2 GiB × 0.005 = 0.05.
        { expr: 'round(ml_service:cost_per_hour:sum, 0.000001)', eval_time: '2h', exp_samples: [{ labels: svc, value: 0.15 }] },
        // p0 reserves 1.5 cores and 3 GiB it does not use: 0.06 + 0.015; p1 reserves nothing.
        { expr: 'round(ml_service:idle_cost_per_hour:sum, 0.000001)', eval_time: '2h', exp_samples: [{ labels: svc, value: 0.075 }] },
        // 0.15 an hour for 10 requests a second (36,000 an hour): 0.15 / 36 = 0.0041667 per 1,000.
        { expr: 'round(ml_service:cost_per_1k_predictions:avg1h, 0.000001)', eval_time: '2h', exp_samples: [{ labels: svc, value: 0.004167 }] },
      ],
      alert_rule_test: [
        { eval_time: '2h', alertname: 'ModelCostPerPredictionHigh', exp_alerts: [{ exp_labels: { ml_service: SVC, namespace: NS, ml_signal: 'cost', severity: 'warning' } }] },
        // 0.15 × 730 = 109.5 a month, over the budget of 100.
        { eval_time: '2h', alertname: 'ModelCostBudgetBurn', exp_alerts: [{ exp_labels: { ml_service: SVC, namespace: NS, ml_signal: 'cost', severity: 'warning' } }] },
      ],
    }]);
  });

  test('priced per node type: p0 on a g5.xlarge node at 0.05 a core-hour and 0.01 a GiB-hour, p1 on an unlisted m5.large at the default prices', () => {
    const doc = rulesFor({ cost: { ...prices, nodeTypePrices: [{ nodeType: 'g5.xlarge', cpuCoreHour: 0.05, memoryGibHour: 0.01 }] } });
    const svc = `{ml_service="${SVC}",namespace="${NS}"}`;
    const info = (p: string, node: string) => ({
      series: `kube_pod_info{namespace="${NS}",pod="${p}",node="${node}",host_ip="10.0.0.1",pod_ip="10.1.0.1",created_by_kind="ReplicaSet",created_by_name="fraud-7d9f",uid="u-${p}"}`,
      values: steady(1),
    });
    run(doc, [{
      interval: '1m',
      input_series: [
        ...twoPods(), info('p0', 'n1'), info('p1', 'n2'),
        { series: 'kube_node_labels{node="n1",label_node_kubernetes_io_instance_type="g5.xlarge"}', values: steady(1) },
        { series: 'kube_node_labels{node="n2",label_node_kubernetes_io_instance_type="m5.large"}', values: steady(1) },
      ],
      promql_expr_test: [
        // p0: 2 cores × 0.05 + 4 GiB × 0.01 = 0.14; p1: 1 core × 0.04 + 2 GiB × 0.005 = 0.05.
        { expr: 'round(ml_service:cost_per_hour:sum, 0.000001)', eval_time: '2h', exp_samples: [{ labels: svc, value: 0.19 }] },
        // p0 reserves 1.5 cores and 3 GiB it does not use: 0.075 + 0.03.
        { expr: 'round(ml_service:idle_cost_per_hour:sum, 0.000001)', eval_time: '2h', exp_samples: [{ labels: svc, value: 0.105 }] },
        {
          expr: 'ml_service_pod:cpu_price:per_hour',
          eval_time: '2h',
          exp_samples: [
            { labels: `ml_service_pod:cpu_price:per_hour{ml_service="${SVC}",namespace="${NS}",pod="p0"}`, value: 0.05 },
            { labels: `ml_service_pod:cpu_price:per_hour{ml_service="${SVC}",namespace="${NS}",pod="p1"}`, value: 0.04 },
          ],
        },
      ],
    }]);
  });

  test('within the budget (0.15 × 730 = 109.5 < 120) and the per-prediction limit (0.0042 < 0.005): silent', () => {
    const doc = rulesFor({ cost: { ...prices, maxCostPer1kPredictions: 0.005, monthlyBudget: 120 } });
    run(doc, [{
      interval: '1m',
      input_series: twoPods(),
      alert_rule_test: [
        { eval_time: '2h', alertname: 'ModelCostPerPredictionHigh', exp_alerts: [] },
        { eval_time: '2h', alertname: 'ModelCostBudgetBurn', exp_alerts: [] },
      ],
    }]);
  });

  test('GPUs are priced by their request (nvidia_com_gpu, as kube-state-metrics writes nvidia.com/gpu); an allocated GPU at 5 % pages as idle', () => {
    const doc = rulesFor({ runtime: InferenceRuntime.vllm(), gpu: GpuMetrics.dcgm({ namespaceLabel: 'namespace', podLabel: 'pod' }), cost: { ...prices, gpuHour: 2.5 } });
    const pod = `namespace="${NS}",pod="p0"`;
    run(doc, [{
      interval: '1m',
      input_series: [
        { series: `up{ml_service="${SVC}",${pod},job="fraud",instance="p0:8000"}`, values: steady(1) },
        { series: `kube_pod_container_resource_requests{${pod},container="model",resource="nvidia_com_gpu",unit="integer"}`, values: steady(1) },
        { series: `container_cpu_usage_seconds_total{${pod},container="model"}`, values: growing(60) },
        { series: `container_memory_working_set_bytes{${pod},container="model"}`, values: steady(8 * GIB) },
        { series: `DCGM_FI_DEV_GPU_UTIL{${pod},gpu="0",UUID="GPU-0",device="nvidia0",modelName="NVIDIA A10G",Hostname="node-1"}`, values: steady(5) },
      ],
      promql_expr_test: [
        // 1 core × 0.04 + 8 GiB × 0.005 + 1 GPU × 2.5 = 2.58 an hour.
        { expr: 'round(ml_service:cost_per_hour:sum, 0.000001)', eval_time: '2h', exp_samples: [{ labels: `{ml_service="${SVC}",namespace="${NS}"}`, value: 2.58 }] },
      ],
      alert_rule_test: [{
        eval_time: '2h',
        alertname: 'ModelGpuIdle',
        exp_alerts: [{ exp_labels: { ml_service: SVC, namespace: NS, pod: 'p0', gpu: '0', UUID: 'GPU-0', device: 'nvidia0', modelName: 'NVIDIA A10G', Hostname: 'node-1', ml_signal: 'cost', severity: 'warning' } }],
      }],
    }]);
  });

  test('the alerts state the prices\' currency and thresholds; a service without GPU utilisation gets no GPU alert', () => {
    const rules = allRules([rulesFor({ cost: { ...prices, currency: 'EUR', maxCostPer1kPredictions: 0.01, window: Duration.hours(6) } })]);
    const high = rules.find(r => r.alert === 'ModelCostPerPredictionHigh');
    expect(high.expr).toBe(`ml_service:cost_per_1k_predictions:avg6h{ml_service="${SVC}",namespace="${NS}"} > 0.01`);
    expect(high.annotations.description).toContain('EUR over the last 6h (threshold 0.01 EUR)');
    expect(rules.find(r => r.alert === 'ModelCostBudgetBurn')).toBeUndefined();
    expect(rules.find(r => r.alert === 'ModelGpuIdle')).toBeUndefined();
  });

  test.each([
    [{ cpuCoreHour: 0 }, /cost: invalid cpuCoreHour 0: a price above 0, per hour/],
    [{ memoryGibHour: -1 }, /cost: invalid memoryGibHour -1: a price above 0/],
    [{ gpuHour: Number.NaN }, /cost: invalid gpuHour NaN/],
    [{ monthlyBudget: 0 }, /cost: invalid monthlyBudget 0/],
    [{ maxCostPer1kPredictions: -0.5 }, /cost: invalid maxCostPer1kPredictions -0.5/],
    [{ minGpuUtilization: Ratio.percent(0) }, /cost: invalid minGpuUtilization "0%"/],
    [{ alerts: { budgetBurn: { pendingFor: Duration.hours(1) } } }, /cost: invalid alerts.budgetBurn .*monthlyBudget \(the alert's threshold\)/],
    [{ currency: 'dollars and cents' }, /cost: invalid currency "dollars and cents"/],
    [{ nodeTypePrices: [{ nodeType: 'g5.xlarge', cpuCoreHour: 0.05, memoryGibHour: 0 }] }, /cost: invalid nodeTypePrices\[0\].memoryGibHour 0: a price above 0/],
    [{ nodeTypePrices: [{ nodeType: 'a', cpuCoreHour: 1, memoryGibHour: 1 }, { nodeType: 'a', cpuCoreHour: 2, memoryGibHour: 2 }] }, /cost: invalid nodeTypePrices\[1\].nodeType "a": a node type listed once/],
  ])('bad input %#', (bad, message) => {
    expect(() => rulesFor({ cost: { ...prices, ...(bad as any) } })).toThrow(message);
  });
});
