import { App, Chart, Duration } from 'cdk8s';
import {
  AlertRouting, DriftDetector, InferenceAutoscaler, InferenceRuntime, MlInferenceMonitoring, ModelQualityMonitoring, MonitoringStack,
  Objective, ScalingSignal, SecretKey, Sli, SloAlert,
} from '../../src';
import { proveAll } from '../util/prove';
import { synthApp, synthChart } from '../util/synth';

/*
 * Every collision of the issue "Tenants that stay apart", each now an Error naming both constructs and
 * the object, series, uid or target they would both write.
 */

function setup(namespace?: string) {
  const app = new App();
  const chart = new Chart(app, 'c', { namespace });
  const stack = MonitoringStack.fromKubePrometheusStack(chart, 'kps', { release: 'kps', namespace: 'monitoring' });
  return { app, chart, stack };
}
const fastApi = { runtime: InferenceRuntime.fastApi(), selector: { app: 'fraud' } };
const synthFails = (chart: Chart) => {
  try {
    synthChart(chart);
  } catch (e) {
    return String((e as Error).message);
  }
  throw new Error('synthesis succeeded');
};

describe('two constructs never silently write the same thing', () => {
  test('the same serviceName twice in one namespace', () => {
    const { chart } = setup();
    new MlInferenceMonitoring(chart, 'a', { ...fastApi, namespace: 'tenant-a', serviceName: 'fraud' });
    expect(() => new MlInferenceMonitoring(chart, 'b', { ...fastApi, namespace: 'tenant-a', serviceName: 'fraud' }))
      .toThrow('c/b/Dashboard: Grafana dashboard uid "ml-inference-tenant-a-fraud" is already used by c/a/Dashboard');
  });

  test('the same serviceName in one namespace from two charts of one app', () => {
    const second = setup();
    new MlInferenceMonitoring(new Chart(second.app, 'one'), 'svc', { ...fastApi, stack: second.stack, namespace: 'tenant-a', serviceName: 'fraud', dashboard: { enabled: false } });
    const two = new Chart(second.app, 'two');
    new MlInferenceMonitoring(two, 'svc', { ...fastApi, stack: second.stack, namespace: 'tenant-a', serviceName: 'fraud', dashboard: { enabled: false } });
    expect(synthFails(two)).toMatch(/PrometheusRule tenant-a\/fraud-inference is written by both one\/svc\/Rules\/Resource and two\/svc\/Rules\/Resource/);
  });

  test('two tenants\' services of one name whose rules go to one rulesNamespace', () => {
    const { chart } = setup();
    new MlInferenceMonitoring(chart, 'a', { ...fastApi, namespace: 'tenant-a', serviceName: 'fraud', rulesNamespace: 'rules' });
    expect(() => new MlInferenceMonitoring(chart, 'b', { ...fastApi, namespace: 'tenant-b', serviceName: 'fraud', rulesNamespace: 'rules', dashboard: { enabled: false } }))
      .not.toThrow(); // its series are tenant-b's: no series collision
    expect(synthFails(chart)).toMatch(/PrometheusRule rules\/fraud-inference is written by both c\/a\/Rules\/Resource and c\/b\/Rules\/Resource/);
    // Each in its own namespace (the default) is fine, dashboards included.
    const ok = setup();
    new MlInferenceMonitoring(ok.chart, 'a', { ...fastApi, namespace: 'tenant-a', serviceName: 'fraud' });
    new MlInferenceMonitoring(ok.chart, 'b', { ...fastApi, namespace: 'tenant-b', serviceName: 'fraud' });
    expect(() => synthChart(ok.chart)).not.toThrow();
  });

  test('a service "slo-a" and an SloAlert "a-inference" (both PrometheusRule slo-a-inference)', () => {
    const { chart } = setup();
    new MlInferenceMonitoring(chart, 'svc', { ...fastApi, namespace: 'tenant-a', serviceName: 'slo-a' });
    new SloAlert(chart, 'slo', {
      sloName: 'a-inference',
      rulesNamespace: 'tenant-a',
      objective: Objective.percent(99),
      sli: Sli.errorRatio({ name: 'x', errors: 'x_errors_total', total: 'x_total' }),
    });
    expect(synthFails(chart)).toMatch(/PrometheusRule tenant-a\/slo-a-inference is written by both c\/svc\/Rules\/Resource and c\/slo\/Rules\/Resource/);
  });

  test('ModelQualityMonitoring for "Fraud" and "fraud", or "fraud_detector" and "fraud-detector"', () => {
    const { chart } = setup('ml');
    const drift = { driftDetectors: [DriftDetector.alibiDetect()] };
    new ModelQualityMonitoring(chart, 'upper', { modelName: 'Fraud', ...drift });
    expect(() => new ModelQualityMonitoring(chart, 'lower', { modelName: 'fraud', ...drift }))
      .toThrow('c/lower/Dashboard: Grafana dashboard uid "ml-quality-ml-fraud" is already used by c/upper/Dashboard');
    const other = setup('ml');
    new ModelQualityMonitoring(other.chart, 'underscore', { modelName: 'fraud_detector', ...drift });
    new ModelQualityMonitoring(other.chart, 'dash', { modelName: 'fraud-detector', ...drift });
    expect(synthFails(other.chart)).toMatch(/PrometheusRule ml\/fraud-detector-quality is written by both c\/underscore\/Rules\/Resource and c\/dash\/Rules\/Resource/);
  });

  test('two owned stacks: with the default name they would select the same objects; with their own names nothing is shared', () => {
    const chart = new Chart(new App(), 'c');
    const grafana = { adminPassword: SecretKey.of('g', 'p') };
    new MonitoringStack(chart, 'one', { namespace: 'monitoring-a', grafana });
    expect(() => new MonitoringStack(chart, 'two', { namespace: 'monitoring-b', grafana }))
      .toThrow('c/two: the stack selector labels "ml-monitoring.cdk8s.io/stack=ml-monitoring" is already used by c/one');
    // The same name in two namespaces, each selecting by its own labels: nothing outside a namespace is shared.
    const ok = new Chart(new App(), 'c');
    for (const [id, ns] of [['one', 'monitoring-a'], ['two', 'monitoring-b']]) {
      new MonitoringStack(ok, id, { namespace: ns, selectorLabels: { 'ml-monitoring.cdk8s.io/stack': ns }, grafana });
    }
    const docs = synthChart(ok);
    const shared = docs.filter(d => d.kind.startsWith('Cluster') || d.metadata.namespace === 'kube-system' || d.kind === 'Namespace').map(d => `${d.kind}/${d.metadata.name}`);
    expect(new Set(shared).size).toBe(shared.length);
    expect(docs.filter(d => d.kind === 'ClusterRole').map(d => d.metadata.name).sort()).toContain('monitoring-b-ml-monitoring-prometheus');
    // Each operator manages only its own stack's Prometheus and Alertmanager, and keeps its own kubelet Service.
    const args = docs.filter(d => d.kind === 'Deployment' && d.metadata.name.endsWith('-operator')).map(d => d.spec.template.spec.containers[0].args);
    expect(args.map(a => a.filter((x: string) => x.includes('instance') || x.includes('kubelet')))).toEqual(['monitoring-a', 'monitoring-b'].map(ns => [
      `--kubelet-service=kube-system/${ns}-ml-monitoring-kubelet`,
      `--prometheus-instance-namespaces=${ns}`, `--alertmanager-instance-namespaces=${ns}`, `--thanos-ruler-instance-namespaces=${ns}`,
      '--prometheus-instance-selector=app.kubernetes.io/instance=ml-monitoring', '--alertmanager-instance-selector=app.kubernetes.io/instance=ml-monitoring',
    ]));
  });

  test('stack selector labels collide whatever order they are written in', () => {
    const chart = new Chart(new App(), 'c');
    const grafana = { adminPassword: SecretKey.of('g', 'p') };
    new MonitoringStack(chart, 'one', { name: 'one', selectorLabels: { team: 'ml', tier: 'prod' }, grafana });
    expect(() => new MonitoringStack(chart, 'two', { name: 'two', namespace: 'other', selectorLabels: { tier: 'prod', team: 'ml' }, grafana }))
      .toThrow(/c\/two: the stack selector labels .* is already used by c\/one/);
  });

  test('two AlertRouting in one namespace (both write the Secret alertmanager-main)', () => {
    const chart = new Chart(new App(), 'c', { namespace: 'monitoring' });
    new AlertRouting(chart, 'one');
    new AlertRouting(chart, 'two');
    expect(synthFails(chart)).toMatch(/Secret monitoring\/alertmanager-main is written by both c\/one\/Resource and c\/two\/Resource/);
  });

  test('two InferenceAutoscalers on one Deployment', () => {
    const { chart, stack } = setup();
    const inference = new MlInferenceMonitoring(chart, 'svc', { ...fastApi, namespace: 'tenant-a', serviceName: 'fraud' });
    new InferenceAutoscaler(chart, 'by-latency', { inference, stack, namespace: 'tenant-a', deployment: 'fraud', signal: ScalingSignal.latency(Duration.millis(500)), maxReplicas: 4 });
    expect(() => new InferenceAutoscaler(chart, 'by-rate', { inference, stack, namespace: 'tenant-a', deployment: 'fraud', signal: ScalingSignal.requestRate(10), maxReplicas: 4 }))
      .toThrow('c/by-rate: the scale target "Deployment tenant-a/fraud" is already used by c/by-latency: KEDA scales a Deployment from one ScaledObject');
  });

  test('dashboard uids of long names that share their first 40 characters stay distinct (a short hash), and stable', () => {
    const uids = () => {
      const { chart } = setup();
      const long = 'fraud-detector-for-the-payments-platform-eu';
      return ['west', 'east'].map(r => new MlInferenceMonitoring(chart, r, { ...fastApi, namespace: 'tenant-a', serviceName: `${long}-${r}` }).dashboard!.uid);
    };
    const [west, east] = uids();
    expect(west).not.toBe(east);
    expect(west.length).toBeLessThanOrEqual(40);
    expect(uids()).toEqual([west, east]);
  });

  test('one sloName on one SLI in two namespaces with different objectives (two rules would write one series)', () => {
    const { chart, stack } = setup();
    const sli = Sli.errorRatio({ name: 'checkout', errors: 'checkout_errors_total', total: 'checkout_total' });
    new SloAlert(chart, 'a', { stack, sli, sloName: 'checkout', rulesNamespace: 'tenant-a', objective: Objective.percent(99.9) });
    expect(() => new SloAlert(chart, 'b', { stack, sli, sloName: 'checkout', rulesNamespace: 'tenant-b', objective: Objective.percent(99) }))
      .toThrow(/c\/b\/Rules: the recorded series slo:error_budget_remaining:ratio\{slo=checkout, sli=checkout\} is also written by c\/a\/Rules with another expression/);
    // One sloName on two tenants' SLIs: distinct series (the SLI is part of their identity).
    const ok = setup();
    for (const t of ['tenant-a', 'tenant-b']) {
      new SloAlert(ok.chart, t, {
        stack: ok.stack,
        sloName: 'checkout',
        rulesNamespace: t,
        objective: Objective.percent(99.9),
        sli: Sli.errorRatio({ name: `checkout-${t}`, errors: `checkout_errors_total{namespace="${t}"}`, total: `checkout_total{namespace="${t}"}` }),
      });
    }
    expect(() => synthApp(ok.app)).not.toThrow();
  });

  test('past a thousand SLOs of one objective (a label every claim shares), a series written twice is still caught', () => {
    // The claims of slo:info all carry error_budget=0.001: the registry re-indexes them by the label that
    // tells them apart, and a late conflict on another label must still be found.
    const { chart, stack } = setup();
    for (let i = 0; i < 1200; i++) {
      const sli = Sli.errorRatio({ name: `svc-${i}`, errors: `e_total{svc="${i}"}`, total: `t_total{svc="${i}"}` });
      new SloAlert(chart, `slo-${i}`, { stack, sli, sloName: `svc-${i}`, rulesNamespace: 'tenant-a', objective: Objective.percent(99.9), dashboard: { enabled: false } });
    }
    const again = Sli.errorRatio({ name: 'svc-7', errors: 'e_total{svc="7"}', total: 't_total{svc="7"}' });
    expect(() => new SloAlert(chart, 'late', { stack, sli: again, sloName: 'svc-7', rulesNamespace: 'tenant-a', objective: Objective.percent(99) }))
      .toThrow(/c\/late\/Rules: the recorded series slo:error_budget_remaining:ratio\{slo=svc-7, sli=svc-7\} is also written by c\/slo-7\/Rules/);
  });
});

describe('tenant identity', () => {
  const grafana = { adminPassword: SecretKey.of('g', 'p') };

  test('a construct with no stack finds the app\'s one stack; with none, or several, it is an Error that says what to do', () => {
    const { chart } = setup();
    const m = new MlInferenceMonitoring(chart, 'svc', { ...fastApi, namespace: 'tenant-a' });
    expect(m.scrapeTargets[0].resource.metadata.getLabel('release')).toBe('kps');
    expect(() => new MlInferenceMonitoring(new Chart(new App(), 'c'), 'svc', { ...fastApi, namespace: 'tenant-a' }))
      .toThrow(/c\/svc: invalid stack \(undefined\): a monitoring stack: give `stack`.*or `selectorLabels`/);
    const two = new Chart(new App(), 'c');
    new MonitoringStack(two, 'a', { name: 'a', grafana });
    new MonitoringStack(two, 'b', { name: 'b', namespace: 'other', grafana });
    expect(() => new MlInferenceMonitoring(two, 'svc', { ...fastApi, namespace: 'tenant-a' }))
      .toThrow(/invalid stack \(undefined\): one of the app's 2 monitoring stacks \(c\/a, c\/b\): give `stack` to say which/);
  });

  test('honorLabels only with trustTargetLabels, and then the identity labels are forced back on every series', () => {
    const { chart } = setup();
    expect(() => new MlInferenceMonitoring(chart, 'a', { ...fastApi, namespace: 'tenant-a', scrape: { honorLabels: true } }))
      .toThrow(/invalid honorLabels true: false \(the default\): with honorLabels a target's own labels win.*trustTargetLabels: true/);
    const m = new MlInferenceMonitoring(chart, 'b', { ...fastApi, namespace: 'tenant-a', scrape: { honorLabels: true, trustTargetLabels: true } });
    const endpoint = m.scrapeTargets[0].resource.toJson().spec.endpoints[0];
    expect(endpoint.honorLabels).toBe(true);
    expect(endpoint.metricRelabelings).toEqual([
      { action: 'replace', targetLabel: 'ml_service', replacement: 'b' },
      { action: 'replace', targetLabel: 'namespace', replacement: 'tenant-a' },
    ]);
  });

  test('the owned Prometheus enforces the namespace label and excludes exactly the library\'s rules; rules with no namespace are an Error', () => {
    const chart = new Chart(new App(), 'c');
    const stack = new MonitoringStack(chart, 'stack', { grafana });
    new MlInferenceMonitoring(chart, 'svc', { ...fastApi, stack, namespaces: ['tenant-a', 'tenant-b'], serviceName: 'fraud' });
    new SloAlert(chart, 'slo', { stack, rulesNamespace: 'tenant-a', objective: Objective.percent(99.9), sli: Sli.errorRatio({ name: 'x', errors: 'x_errors_total', total: 'x_total' }) });
    const docs = synthChart(chart);
    proveAll(docs);
    const spec = docs.find(d => d.kind === 'Prometheus')!.spec;
    expect(spec.enforcedNamespaceLabel).toBe('namespace');
    const rules = docs.filter(d => d.kind === 'PrometheusRule').map(d => `${d.metadata.namespace}/${d.metadata.name}`).sort();
    expect(spec.excludedFromEnforcement.map((r: any) => `${r.namespace}/${r.name}`)).toEqual(rules);
    expect(() => new SloAlert(chart, 'nowhere', { stack, objective: Objective.percent(99), sli: Sli.errorRatio({ name: 'y', errors: 'y_errors_total', total: 'y_total' }) }))
      .toThrow(/invalid rulesNamespace \(undefined\): the namespace of the PrometheusRule.*enforces the namespace label/);
  });

  test('ModelQualityMonitoring needs the model\'s namespace, and its alerts and series carry it', () => {
    const { chart } = setup();
    expect(() => new ModelQualityMonitoring(chart, 'q', { modelName: 'fraud', driftDetectors: [DriftDetector.alibiDetect()] }))
      .toThrow(/c\/q: invalid namespace \(undefined\): the namespace the model runs in/);
    const q = new ModelQualityMonitoring(chart, 'q2', { modelName: 'fraud', namespace: 'tenant-a', driftDetectors: [DriftDetector.alibiDetect()] });
    const rules = (q.rules.resource.toJson().spec.groups[0].rules as any[]);
    expect(rules.every(r => r.labels.namespace === 'tenant-a')).toBe(true);
    expect(rules.every(r => !r.alert || r.expr.includes('namespace="tenant-a"'))).toBe(true);
  });
});
