import { ApiObject, JsonPatch } from 'cdk8s';
import { CREDENTIALS, fullStack } from './_fixtures';
import { MonitoringStack, SecretKey } from '../../src';
import { validateAll } from '../util/schema';
import { Doc, synthChart, testChart } from '../util/synth';

/** The documents a construct subtree writes, by kind and name. */
function objectsUnder(scope: { node: { findAll(): any[] } }): string[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map(o => `${o.kind}/${o.name}`).sort();
}

describe('the stack as constructs', () => {
  test('every component is a child construct whose main object is reachable; the objects of each are its own', () => {
    const chart = testChart();
    const stack = fullStack(chart);
    expect(stack.prometheus.resource.kind).toBe('Prometheus');
    expect(stack.alertmanager.resource.kind).toBe('Alertmanager');
    expect(stack.grafana!.resource.kind).toBe('Deployment');
    expect(stack.operator.resource.kind).toBe('Deployment');
    expect(stack.kubeStateMetrics!.resource.kind).toBe('Deployment');
    expect(stack.nodeExporter!.resource.kind).toBe('DaemonSet');
    expect(stack.kubelet!.resource.kind).toBe('ServiceMonitor');
    expect(stack.prometheus.url).toBe('http://ml-monitoring-prometheus.monitoring.svc:9090');
    expect(stack.thanosQuery!.url).toBe(stack.prometheusUrl); // the fixture's shards are read through Thanos Query
    expect(stack.thanosRuler!.resource.kind).toBe('ThanosRuler');
    expect(stack.alertmanager.url).toBe(stack.alertmanagerUrl);
    expect(stack.prometheus.serviceAccount!.name).toBe('ml-monitoring-prometheus');

    expect(objectsUnder(stack.prometheus)).toEqual([
      'ClusterRole/monitoring-ml-monitoring-prometheus', 'ClusterRoleBinding/monitoring-ml-monitoring-prometheus',
      'PodDisruptionBudget/ml-monitoring-prometheus', 'Prometheus/ml-monitoring', 'Service/ml-monitoring-prometheus',
      'ServiceAccount/ml-monitoring-prometheus', 'ServiceMonitor/ml-monitoring-prometheus',
    ]);
    expect(objectsUnder(stack.grafana!)).toEqual([
      'ConfigMap/ml-monitoring-grafana-dashboard-providers', 'ConfigMap/ml-monitoring-grafana-datasources',
      'Deployment/ml-monitoring-grafana', 'Service/ml-monitoring-grafana',
    ]);
    // No object is written by two components, and none of the components' objects sits loose in the stack.
    const components = [
      stack.operator, stack.prometheus, stack.alertmanager, stack.grafana!, stack.kubeStateMetrics!, stack.nodeExporter!, stack.kubelet!,
      stack.thanosQuery!, stack.thanosRuler!,
    ];
    const owned = components.flatMap(c => objectsUnder(c));
    expect(new Set(owned).size).toBe(owned.length);
    expect(stack.node.children.map(c => c.node.id)).toEqual([
      'Namespace', 'Operator', 'Alerting', 'Alertmanager', 'Prometheus', 'ThanosRuler', 'ThanosQuery', 'Grafana', 'KubeStateMetrics', 'Kubelet', 'NodeExporter',
      'HealthRules', 'NetworkPolicies',
    ]);
  });

  test('an escape hatch on a component\'s main object reaches the YAML, which still validates', () => {
    const chart = testChart();
    const stack = fullStack(chart);
    stack.prometheus.resource.addJsonPatch(JsonPatch.add('/spec/priorityClassName', 'monitoring-critical'));
    stack.grafana!.resource.addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', { pool: 'system' }));
    const docs = synthChart(chart);
    validateAll(docs);
    expect(docs.find(d => d.kind === 'Prometheus')!.spec.priorityClassName).toBe('monitoring-critical');
    expect(docs.find(d => d.kind === 'Deployment' && d.metadata.name === 'ml-monitoring-grafana')!.spec.template.spec.nodeSelector).toEqual({ pool: 'system' });
    const text = JSON.stringify(docs);
    for (const value of Object.values(CREDENTIALS)) expect(text).not.toContain(value);
  });

  test('workloads select their pods by the component\'s stable labels, not by their place in the construct tree (a selector is immutable once applied)', () => {
    const chart = testChart();
    fullStack(chart);
    const docs = synthChart(chart);
    const workloads = docs.filter(d => d.kind === 'Deployment' || d.kind === 'DaemonSet');
    expect(workloads.map(w => w.metadata.name).sort())
      .toEqual(['ml-monitoring-grafana', 'ml-monitoring-kube-state-metrics', 'ml-monitoring-node-exporter', 'ml-monitoring-operator', 'ml-monitoring-thanos-query']);
    for (const w of workloads) {
      const selector = w.spec.selector.matchLabels;
      expect([w.metadata.name, Object.keys(selector).sort()]).toEqual([w.metadata.name, ['app.kubernetes.io/instance', 'app.kubernetes.io/name']]);
      expect(w.spec.template.metadata.labels).toMatchObject(selector);
      // The component's Service selects the same pods.
      const service = docs.find((d: Doc) => d.kind === 'Service' && d.metadata.name === w.metadata.name);
      expect(service!.spec.selector).toEqual(selector);
    }
  });

  test('a disabled component is absent; a second stack\'s components are its own', () => {
    const chart = testChart();
    const stack = new MonitoringStack(chart, 'stack', { grafana: { enabled: false }, kubeStateMetrics: { enabled: false }, kubelet: false });
    expect(stack.grafana).toBeUndefined();
    expect(stack.kubeStateMetrics).toBeUndefined();
    expect(stack.kubelet).toBeUndefined();
    expect(stack.nodeExporter).toBeUndefined();
    const other = new MonitoringStack(chart, 'other', { name: 'other', namespace: 'monitoring-2', grafana: { adminPassword: SecretKey.of('g', 'p') } });
    expect(objectsUnder(other.prometheus)).not.toEqual(expect.arrayContaining(objectsUnder(stack.prometheus)));
    expect(other.grafana!.resource.name).toBe('other-grafana');
  });
});
