import { Duration } from 'cdk8s';
import { InferenceAutoscaler, InferenceRuntime, MlInferenceMonitoring, MonitoringStack, ScalingSignal, SecretKey } from '../../src';
import { schemaErrors, validateAll } from '../util/schema';
import { byKind, oneOfKind, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

function setup(runtime = InferenceRuntime.fastApi()) {
  const chart = testChart();
  const stack = new MonitoringStack(chart, 'stack', { grafana: { adminPassword: SecretKey.of('g', 'p') } });
  const inference = new MlInferenceMonitoring(chart, 'fraud', { stack, namespaces: ['tenant-a', 'tenant-b'], selector: { app: 'fraud' }, runtime });
  return { chart, stack, inference };
}

describe('InferenceAutoscaler', () => {
  test('a KEDA ScaledObject whose Prometheus trigger reads the very series the latency alert reads; it validates', () => {
    const { chart, stack, inference } = setup();
    const scaler = new InferenceAutoscaler(chart, 'scale', {
      inference, stack, namespace: 'tenant-a', deployment: 'fraud', signal: ScalingSignal.latency(Duration.seconds(2)), maxReplicas: 8,
    });
    const docs = synthChart(chart);
    validateAll(docs);
    const so = byKind(docs, 'ScaledObject')[0];
    expect(so.metadata).toMatchObject({ name: 'fraud-latency', namespace: 'tenant-a' });
    expect(so.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'fraud' }, minReplicaCount: 1, maxReplicaCount: 8, pollingInterval: 15 });
    const trigger = so.spec.triggers[0];
    expect(trigger).toMatchObject({ type: 'prometheus', metricType: 'Value', metadata: { serverAddress: 'http://ml-monitoring-prometheus.monitoring.svc:9090', threshold: '2' } });
    expect(trigger.metadata.query).toBe(scaler.query);
    // The KEDA schema bites: a ScaledObject without its target is refused.
    expect(schemaErrors({ ...so, spec: { ...so.spec, scaleTargetRef: undefined } }).join('\n')).toMatch(/scaleTargetRef/);
    // The alert compares this same recorded series with its threshold.
    const alert = docs.find(d => d.kind === 'PrometheusRule' && d.metadata.name === 'fraud-inference')!.spec.groups[0].rules.find((r: any) => r.alert === 'ModelLatencyHigh');
    const series = /^max\((.*)\)$/.exec(scaler.query)![1];
    expect(series).toBe('ml_service:request_duration_seconds:p95_5m{ml_service="fraud",namespace="tenant-a"}');
    // The alert reads the same recorded series, over the service's namespaces.
    expect(alert.expr).toContain('ml_service:request_duration_seconds:p95_5m{ml_service="fraud",namespace=~"tenant-a|tenant-b"}');
  });

  test('request rate per replica and the queue of LLM runtimes', () => {
    const { chart, inference } = setup();
    const s = new InferenceAutoscaler(chart, 'rps', { inference, prometheusUrl: 'http://prom.example:9090', namespace: 'tenant-b', deployment: 'fraud', signal: ScalingSignal.requestRate(20), maxReplicas: 4, minReplicas: 0 });
    expect(s.query).toBe('sum(ml_service:requests:rate5m{ml_service="fraud",namespace="tenant-b"})');
    const llmChart = testChart();
    const llm = new MlInferenceMonitoring(llmChart, 'llm', { selectorLabels: TEST_SELECTOR, namespace: 'llm', selector: { app: 'llm' }, runtime: InferenceRuntime.vllm() });
    const q = new InferenceAutoscaler(llmChart, 'q', { inference: llm, prometheusUrl: 'http://prom:9090', namespace: 'llm', deployment: 'vllm', signal: ScalingSignal.queue(5), maxReplicas: 4 });
    // The queue is a recorded signal of the service (the queue alert reads it too), read from vLLM's gauge.
    expect(q.query).toBe('sum(ml_service:queue_length:sum{ml_service="llm",namespace="llm"})');
    const llmRules = oneOfKind(synthChart(llmChart), 'PrometheusRule').spec.groups[0].rules as any[];
    expect(llmRules.find(r => r.record === 'ml_service:queue_length:sum').expr).toContain('vllm:num_requests_waiting');
    validateAll(synthChart(llmChart));
    expect(byKind(synthChart(chart), 'ScaledObject')[0].spec.triggers[0].metricType).toBe('AverageValue');
  });

  test('bad input', () => {
    const { chart, inference } = setup();
    const base = { inference, prometheusUrl: 'http://prom:9090', namespace: 'tenant-a', deployment: 'fraud', signal: ScalingSignal.requestRate(10), maxReplicas: 4 };
    expect(() => new InferenceAutoscaler(chart, 'a', { ...base, namespace: 'tenant-c' })).toThrow(/test\/a: invalid namespace "tenant-c": one of the service's namespaces \(tenant-a, tenant-b\)/);
    expect(() => new InferenceAutoscaler(chart, 'b', { ...base, maxReplicas: 0 })).toThrow(/invalid maxReplicas 0/);
    // With no URL and no stack: the app's one stack (its Prometheus); in an app without a stack, an Error.
    const found = new InferenceAutoscaler(chart, 'c', { ...base, prometheusUrl: undefined, deployment: 'other' });
    expect(found.resource.toJson().spec.triggers[0].metadata.serverAddress).toBe('http://ml-monitoring-prometheus.monitoring.svc:9090');
    const lone = testChart();
    const alone = new MlInferenceMonitoring(lone, 'fraud', { selectorLabels: TEST_SELECTOR, namespace: 'tenant-a', selector: { app: 'fraud' }, runtime: InferenceRuntime.fastApi() });
    expect(() => new InferenceAutoscaler(lone, 'c', { ...base, inference: alone, prometheusUrl: undefined })).toThrow(/test\/c: invalid stack \(undefined\): a monitoring stack/);
    expect(() => new InferenceAutoscaler(chart, 'd', { ...base, signal: ScalingSignal.queue(3) })).toThrow(/a runtime with a queue gauge/);
    expect(() => new InferenceAutoscaler(chart, 'e', { ...base, signal: ScalingSignal.requestRate(0) })).toThrow(/invalid signal perReplica 0: a number greater than zero/);
    expect(() => new InferenceAutoscaler(chart, 'f', { ...base, signal: ScalingSignal.latency(Duration.seconds(1)), minReplicas: 0 }))
      .toThrow(/invalid minReplicas 0: at least 1 with a latency signal/);
    const triton = new MlInferenceMonitoring(chart, 'triton', { selectorLabels: TEST_SELECTOR, namespace: 'tenant-a', selector: { app: 't' }, runtime: InferenceRuntime.triton() });
    expect(() => new InferenceAutoscaler(chart, 'g', { ...base, inference: triton, signal: ScalingSignal.latency(Duration.seconds(1)) })).toThrow(/a runtime with a latency histogram/);
  });
});
