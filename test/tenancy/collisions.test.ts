import { App, Chart, Duration } from 'cdk8s';
import {
  AlertRouting, DriftDetector, InferenceAutoscaler, InferenceRuntime, MlInferenceMonitoring, ModelQualityMonitoring, MonitoringStack,
  Objective, ScalingSignal, SecretKey, Sli, SloAlert,
} from '../../src';
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
      .toThrow(/c\/two: the stack selector labels "\{\\"ml-monitoring.cdk8s.io\/stack\\":\\"ml-monitoring\\"\}" is already used by c\/one/);
    const ok = new Chart(new App(), 'c');
    new MonitoringStack(ok, 'one', { name: 'team-a', namespace: 'monitoring-a', grafana });
    new MonitoringStack(ok, 'two', { name: 'team-b', namespace: 'monitoring-b', grafana });
    const docs = synthChart(ok);
    const cluster = docs.filter(d => d.kind.startsWith('Cluster')).map(d => `${d.kind}/${d.metadata.name}`);
    expect(new Set(cluster).size).toBe(cluster.length);
    // Each operator manages only its own stack's Prometheus and Alertmanager.
    const args = docs.filter(d => d.kind === 'Deployment' && d.metadata.name.endsWith('-operator')).map(d => d.spec.template.spec.containers[0].args);
    expect(args.map(a => a.filter((x: string) => x.includes('instance')))).toEqual([
      ['--prometheus-instance-namespaces=monitoring-a', '--alertmanager-instance-namespaces=monitoring-a', '--thanos-ruler-instance-namespaces=monitoring-a',
        '--prometheus-instance-selector=app.kubernetes.io/instance=team-a', '--alertmanager-instance-selector=app.kubernetes.io/instance=team-a'],
      ['--prometheus-instance-namespaces=monitoring-b', '--alertmanager-instance-namespaces=monitoring-b', '--thanos-ruler-instance-namespaces=monitoring-b',
        '--prometheus-instance-selector=app.kubernetes.io/instance=team-b', '--alertmanager-instance-selector=app.kubernetes.io/instance=team-b'],
    ]);
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
      .toThrow(/c\/b\/Rules: the recorded series slo:burn_rate:ratio_rate1h\{slo=checkout, sli=checkout\} is also written by c\/a\/Rules with another expression/);
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
});
