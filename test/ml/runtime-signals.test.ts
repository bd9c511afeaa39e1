import { Duration } from 'cdk8s';
import { GpuMetrics, InferenceRuntime, KnativeMetrics, KServeDeploymentMode, MlInferenceMonitoring } from '../../src';
import { Fixture } from '../util/exposition';
import { expectRulesTestPass } from '../util/promtool';
import { oneOfKind, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/* The runtime's own panels' alerts: LLM time to first token, KV cache, queue; GPU saturation. */

const NS = 'llm';
const lbl = (l: { [k: string]: string }) => `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

function rules(runtime: InferenceRuntime, svc: string) {
  const chart = testChart();
  const m = new MlInferenceMonitoring(chart, svc, { selectorLabels: TEST_SELECTOR, runtime, namespace: NS, selector: { app: svc } });
  return { doc: oneOfKind(synthChart(chart), 'PrometheusRule'), names: m.alertNames };
}

describe('vLLM signals', () => {
  const { doc, names } = rules(InferenceRuntime.vllm(), 'chat');
  const base = { ml_service: 'chat', namespace: NS, model_name: 'llama-3-8b', engine: '0', pod: 'chat-0' };
  const ttft = (firstTokenSeconds: number) => {
    const out = [];
    for (const le of ['0.5', '1', '5', '+Inf']) {
      const inBucket = le === '+Inf' || firstTokenSeconds <= Number(le);
      out.push({ series: `vllm:time_to_first_token_seconds_bucket${lbl({ ...base, le })}`, values: `0+${inBucket ? 120 : 0}x20` });
    }
    out.push({ series: `vllm:time_to_first_token_seconds_count${lbl(base)}`, values: '0+120x20' });
    return out;
  };

  test('emits the LLM alerts', () => {
    expect(names).toEqual(expect.arrayContaining(['ModelTimeToFirstTokenHigh', 'ModelKvCacheNearFull', 'ModelQueueBackingUp']));
  });

  test('time to first token: fires on 4s first tokens, not on 0.3s', () => {
    const exp = { ml_service: 'chat', namespace: NS, model_name: 'llama-3-8b', severity: 'warning' };
    expectRulesTestPass([doc], [
      { interval: '1m', input_series: ttft(4), alert_rule_test: [{ eval_time: '10m', alertname: 'ModelTimeToFirstTokenHigh', exp_alerts: [{ exp_labels: exp }] }] },
      { interval: '1m', input_series: ttft(0.3), alert_rule_test: [{ eval_time: '10m', alertname: 'ModelTimeToFirstTokenHigh', exp_alerts: [] }] },
    ], '30s', { ignoreAnnotations: true });
  });

  test('KV cache near full and queue backing up', () => {
    const exp = { ml_service: 'chat', namespace: NS, model_name: 'llama-3-8b', severity: 'warning' };
    expectRulesTestPass([doc], [{
      interval: '1m',
      input_series: [
        { series: `vllm:kv_cache_usage_perc${lbl(base)}`, values: '0.97+0x20' },
        { series: `vllm:num_requests_waiting${lbl(base)}`, values: '80+0x20' },
      ],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'ModelKvCacheNearFull', exp_alerts: [] },
        { eval_time: '6m', alertname: 'ModelKvCacheNearFull', exp_alerts: [{ exp_labels: { ...exp, pod: 'chat-0' } }] },
        { eval_time: '6m', alertname: 'ModelQueueBackingUp', exp_alerts: [{ exp_labels: exp }] },
      ],
    }, {
      interval: '1m',
      input_series: [
        { series: `vllm:kv_cache_usage_perc${lbl(base)}`, values: '0.6+0x20' },
        { series: `vllm:num_requests_waiting${lbl(base)}`, values: '3+0x20' },
      ],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'ModelKvCacheNearFull', exp_alerts: [] },
        { eval_time: '10m', alertname: 'ModelQueueBackingUp', exp_alerts: [] },
      ],
    }], '30s', { ignoreAnnotations: true });
  });
});

describe('Triton GPU signals', () => {
  const { doc, names } = rules(InferenceRuntime.triton(), 'vision');
  const gpu = { ml_service: 'vision', namespace: NS, pod: 'vision-0', gpu_uuid: 'GPU-1' };

  test('emits the GPU alerts', () => {
    expect(names).toEqual(expect.arrayContaining(['ModelGpuSaturated', 'ModelGpuMemoryNearFull', 'ModelAverageLatencyHigh']));
    expect(names).not.toContain('ModelLatencyHigh');
  });

  test('GPU saturated and GPU memory near full', () => {
    expectRulesTestPass([doc], [{
      interval: '1m',
      input_series: [
        { series: `nv_gpu_utilization${lbl(gpu)}`, values: '0.99+0x30' },
        { series: `nv_gpu_memory_used_bytes${lbl(gpu)}`, values: '15+0x30' },
        { series: `nv_gpu_memory_total_bytes${lbl(gpu)}`, values: '16+0x30' },
      ],
      alert_rule_test: [
        { eval_time: '14m', alertname: 'ModelGpuSaturated', exp_alerts: [] },
        { eval_time: '16m', alertname: 'ModelGpuSaturated', exp_alerts: [{ exp_labels: { ...gpu, severity: 'warning' } }] },
        { eval_time: '11m', alertname: 'ModelGpuMemoryNearFull', exp_alerts: [{ exp_labels: { ...gpu, severity: 'warning' } }] },
      ],
    }, {
      interval: '1m',
      input_series: [
        { series: `nv_gpu_utilization${lbl(gpu)}`, values: '0.5+0x30' },
        { series: `nv_gpu_memory_used_bytes${lbl(gpu)}`, values: '8+0x30' },
        { series: `nv_gpu_memory_total_bytes${lbl(gpu)}`, values: '16+0x30' },
      ],
      alert_rule_test: [
        { eval_time: '20m', alertname: 'ModelGpuSaturated', exp_alerts: [] },
        { eval_time: '20m', alertname: 'ModelGpuMemoryNearFull', exp_alerts: [] },
      ],
    }], '30s', { ignoreAnnotations: true });
  });
});

describe('MLServer queue: the parallel_request_queue histogram read as the mean number in flight', () => {
  const { doc, names } = rules(InferenceRuntime.mlServer(), 'iris');
  // test/fixtures/runtimes/mlserver.prom: a histogram without labels; _count grows with every dispatched request.
  const q = (inFlight: number, perMinute: number) => [
    { series: `parallel_request_queue_count${lbl({ ml_service: 'iris', namespace: NS, pod: 'iris-0' })}`, values: `0+${perMinute}x20` },
    { series: `parallel_request_queue_sum${lbl({ ml_service: 'iris', namespace: NS, pod: 'iris-0' })}`, values: `0+${perMinute * inFlight}x20` },
  ];

  test('busy traffic with few requests in flight never pages, however many requests were served', () => {
    expect(names).toContain('ModelQueueBackingUp');
    expectRulesTestPass([doc], [
      { interval: '1m', input_series: q(2, 6000), alert_rule_test: [{ eval_time: '15m', alertname: 'ModelQueueBackingUp', exp_alerts: [] }] },
      { interval: '1m', input_series: q(80, 600), alert_rule_test: [{ eval_time: '15m', alertname: 'ModelQueueBackingUp', exp_alerts: [{ exp_labels: { ml_service: 'iris', namespace: NS, severity: 'warning' } }] }] },
    ], '30s', { ignoreAnnotations: true });
  });
});

describe('vLLM releases before the renames', () => {
  const { doc, names } = rules(InferenceRuntime.vllm(), 'chat');
  const base = { ml_service: 'chat', namespace: NS, model_name: 'llama-3-8b', engine: '0', pod: 'chat-0' };
  const itl = (name: string, seconds: number) => {
    const bounds = Fixture.load(name === 'vllm:inter_token_latency_seconds' ? 'vllm' : 'vllm-0.9').bucketBounds(name);
    return [...bounds, '+Inf'].map(le => ({ series: `${name}_bucket${lbl({ ...base, le })}`, values: `0+${le === '+Inf' || seconds <= Number(le) ? 6000 : 0}x20` }))
      .concat([{ series: `${name}_count${lbl(base)}`, values: '0+6000x20' }]);
  };
  const exp = [{ exp_labels: { ml_service: 'chat', namespace: NS, model_name: 'llama-3-8b', severity: 'warning' } }];

  test('KV cache and inter-token latency fire on the old names and on the new, and once when both are written', () => {
    expect(names).toContain('ModelInterTokenLatencyHigh');
    expectRulesTestPass([doc], [
      {
        interval: '1m',
        input_series: [{ series: `vllm:gpu_cache_usage_perc${lbl(base)}`, values: '0.97+0x20' }, ...itl('vllm:time_per_output_token_seconds', 0.6)],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'ModelKvCacheNearFull', exp_alerts: [{ exp_labels: { ...exp[0].exp_labels, pod: 'chat-0' } }] },
          { eval_time: '10m', alertname: 'ModelInterTokenLatencyHigh', exp_alerts: exp },
        ],
      },
      {
        interval: '1m',
        input_series: [
          { series: `vllm:gpu_cache_usage_perc${lbl(base)}`, values: '0.97+0x20' }, { series: `vllm:kv_cache_usage_perc${lbl(base)}`, values: '0.97+0x20' },
          ...itl('vllm:inter_token_latency_seconds', 0.6), ...itl('vllm:time_per_output_token_seconds', 0.6),
        ],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'ModelKvCacheNearFull', exp_alerts: [{ exp_labels: { ...exp[0].exp_labels, pod: 'chat-0' } }] },
          { eval_time: '10m', alertname: 'ModelInterTokenLatencyHigh', exp_alerts: exp },
        ],
      },
      {
        interval: '1m',
        input_series: [{ series: `vllm:kv_cache_usage_perc${lbl(base)}`, values: '0.5+0x20' }, ...itl('vllm:inter_token_latency_seconds', 0.04)],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'ModelKvCacheNearFull', exp_alerts: [] },
          { eval_time: '10m', alertname: 'ModelInterTokenLatencyHigh', exp_alerts: [] },
        ],
      },
    ], '30s', { ignoreAnnotations: true });
  });
});

describe('thresholds the runtime\'s histogram cannot observe are refused at construct time', () => {
  const make = (runtime: InferenceRuntime, props: object = {}) => {
    const chart = testChart();
    return new MlInferenceMonitoring(chart, 'svc', { runtime, namespace: NS, selector: { app: 'svc' }, selectorLabels: TEST_SELECTOR, ...props });
  };

  test('an alert threshold at or above the highest finite bucket', () => {
    expect(() => make(InferenceRuntime.fastApi({ latencyBuckets: [0.1, 0.5, 1] }))).toThrow(
      /test\/svc: invalid alerts\.latency\.maxLatency "5s": a threshold below 1s, the highest finite bucket of http_request_duration_highr_seconds.*0\.1s, 0\.5s, 1s \(the configured latencyBuckets\)/);
    expect(() => make(InferenceRuntime.fastApi(), { alerts: { latency: { maxLatency: Duration.seconds(60) } } })).toThrow(/below 60s/);
    expect(() => make(InferenceRuntime.fastApi(), { alerts: { latency: { maxLatency: Duration.seconds(45) } } })).not.toThrow();
    expect(() => make(InferenceRuntime.rayServe({ latencyBuckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] }))).toThrow(/a threshold below 5s/);
    expect(() => make(InferenceRuntime.vllm(), { alerts: { timeToFirstToken: { maxTimeToFirstToken: Duration.seconds(3000) } } })).toThrow(/alerts\.timeToFirstToken\.maxTimeToFirstToken "3000s"/);
    // A disabled alert's threshold is not held against the buckets.
    expect(() => make(InferenceRuntime.fastApi({ latencyBuckets: [0.1, 0.5, 1] }), { alerts: { latency: { enabled: false } } })).not.toThrow();
  });

  test('Knative 1.19/1.20 record whole seconds: no sub-second threshold, no latency SLI', () => {
    const kn = InferenceRuntime.kserve({ knative: KnativeMetrics.OPEN_TELEMETRY_1_19 });
    expect(() => make(kn, { alerts: { latency: { maxLatency: Duration.millis(500) } } })).toThrow(/a threshold of 1s or more: .*whole seconds/);
    expect(() => make(kn).latency(Duration.seconds(5))).toThrow(/no latency SLI on the kserve runtime: kn_queueproxy_app_duration_seconds records every duration truncated to whole seconds/);
  });

  test('a latency SLI only at a bucket bound, and the error lists the bounds', () => {
    const m = make(InferenceRuntime.fastApi());
    expect(() => m.latency(Duration.millis(300))).toThrow(/invalid threshold "0\.3s": one of the bucket bounds of http_request_duration_highr_seconds.*0\.25s, 0\.5s/);
    expect(m.latency(Duration.millis(250))._badRate('5m')).toContain('le=~"0\\\\.25"');
    expect(() => make(InferenceRuntime.kserve({ deploymentMode: KServeDeploymentMode.STANDARD })).availability()).toThrow(/counts failed requests/);
  });

  test('bucket lists are checked', () => {
    expect(() => InferenceRuntime.fastApi({ latencyBuckets: [1, 0.5] })).toThrow(/InferenceRuntime.fastapi: invalid latencyBuckets \[1,0.5\]: the finite bucket bounds, positive and ascending/);
    expect(() => InferenceRuntime.custom({ name: 'x', requestsCounter: 'r_total', errorsCounter: 'e_total', latencyHistogram: { name: 'l_seconds', buckets: [] } })).toThrow(/latencyHistogram\.buckets/);
    expect(() => InferenceRuntime.kserve({ deploymentMode: KServeDeploymentMode.STANDARD, knative: KnativeMetrics.OPEN_CENSUS })).toThrow(/no knative option in Standard mode/);
  });
});

describe('GPU from NVIDIA\'s DCGM exporter, attributed to the service\'s pods', () => {
  const chart = testChart();
  const m = new MlInferenceMonitoring(chart, 'chat', { selectorLabels: TEST_SELECTOR, runtime: InferenceRuntime.vllm(), namespace: NS, selector: { app: 'chat' }, gpu: GpuMetrics.dcgm() });
  const doc = oneOfKind(synthChart(chart), 'PrometheusRule');
  /** The exporter's series as Prometheus stores them: its pod labels renamed exported_* (honorLabels false). */
  const dcgm = (util: number, usedMiB: number, pod = 'chat-0') => Fixture.load('dcgm-exporter').samples.filter(s => /UTIL|FB_/.test(s.name)).map(s => {
    const { namespace, pod: _pod, container, ...rest } = s.labels;
    const labels = { ...rest, exported_namespace: namespace, exported_pod: pod, exported_container: container, namespace: 'gpu-operator', pod: 'nvidia-dcgm-exporter-x7k2p', job: 'nvidia-dcgm-exporter' };
    const value = s.name === 'DCGM_FI_DEV_GPU_UTIL' ? util : s.name === 'DCGM_FI_DEV_FB_USED' ? usedMiB : 40960 - usedMiB;
    return { series: `${s.name}${lbl(labels)}`, values: `${value}+0x30` };
  });
  const up = { series: `up${lbl({ ml_service: 'chat', namespace: NS, pod: 'chat-0' })}`, values: '1+0x30' };
  const exp = (extra = {}) => [{
    exp_labels: {
      ml_service: 'chat',
      namespace: NS,
      pod: 'chat-0',
      severity: 'warning',
      gpu: '0',
      UUID: 'GPU-5c7e1f0a-93b2-4d0e-8a61-0f2c9e7b4d13',
      device: 'nvidia0',
      modelName: 'NVIDIA A100-SXM4-40GB',
      Hostname: 'gpu-node-1',
      DCGM_FI_DRIVER_VERSION: '570.124.06',
      pci_bus_id: '00000000:00:1E.0',
      exported_namespace: NS,
      exported_pod: 'chat-0',
      exported_container: 'vllm',
      job: 'nvidia-dcgm-exporter',
      ...extra,
    },
  }];

  test('saturated GPU and full GPU memory of the service\'s pod fire; another tenant\'s pod on the same exporter does not', () => {
    expect(m.alertNames).toEqual(expect.arrayContaining(['ModelGpuSaturated', 'ModelGpuMemoryNearFull']));
    expectRulesTestPass([doc], [
      {
        interval: '1m',
        input_series: [up, ...dcgm(99, 39000)],
        alert_rule_test: [
          { eval_time: '20m', alertname: 'ModelGpuSaturated', exp_alerts: exp() },
          { eval_time: '20m', alertname: 'ModelGpuMemoryNearFull', exp_alerts: exp() },
        ],
      },
      {
        interval: '1m',
        input_series: [up, ...dcgm(37, 20000), ...dcgm(99, 40000, 'other-0')],
        alert_rule_test: [
          { eval_time: '20m', alertname: 'ModelGpuSaturated', exp_alerts: [] },
          { eval_time: '20m', alertname: 'ModelGpuMemoryNearFull', exp_alerts: [] },
        ],
      },
    ], '30s', { ignoreAnnotations: true });
  });

  test('GpuMetrics.fromRuntime() only where the runtime exports GPU gauges', () => {
    expect(() => new MlInferenceMonitoring(testChart(), 'x', { selectorLabels: TEST_SELECTOR, runtime: InferenceRuntime.vllm(), namespace: NS, selector: { app: 'x' }, gpu: GpuMetrics.fromRuntime() }))
      .toThrow(/invalid gpu "GpuMetrics.fromRuntime\(\)": GpuMetrics.dcgm\(\): the vllm runtime exports no GPU gauges/);
    expect(() => GpuMetrics.dcgm({ podLabel: 'bad-label' })).toThrow(/GpuMetrics.dcgm: invalid podLabel/);
  });
});
