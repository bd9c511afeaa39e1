import { InferenceRuntime, MlInferenceMonitoring } from '../../src';
import { expectRulesTestPass } from '../util/promtool';
import { oneOfKind, synthChart, testChart } from '../util/synth';

/* The runtime's own panels' alerts: LLM time to first token, KV cache, queue; GPU saturation. */

const NS = 'llm';
const lbl = (l: { [k: string]: string }) => `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

function rules(runtime: InferenceRuntime, svc: string) {
  const chart = testChart();
  const m = new MlInferenceMonitoring(chart, svc, { runtime, namespace: NS, selector: { app: svc } });
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
