import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildExampleApp, buildKubePrometheusStackExampleApp, buildShardedExampleApp } from '../../examples/app';
import { checkAlertmanagerConfig, routesTest } from '../util/promtool';
import { proveAll } from '../util/prove';
import { synthApp } from '../util/synth';

function synthToDir(): { [file: string]: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  try {
    buildExampleApp({ outdir }).synth();
    const files: { [file: string]: string } = {};
    for (const f of fs.readdirSync(outdir).sort()) files[f] = fs.readFileSync(path.join(outdir, f), 'utf8');
    return files;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('example app', () => {
  test('every document validates and every PrometheusRule passes promtool', () => {
    const docs = synthApp(buildExampleApp());
    expect(docs.length).toBeGreaterThan(0);
    proveAll(docs);
  });

  test('is the seed scenario: two tenants, FastAPI, 30s scraping, the six seed alerts, the dashboard', () => {
    const docs = synthApp(buildExampleApp());
    const monitors = docs.filter(d => d.kind === 'ServiceMonitor' && d.metadata.name === 'ml-inference');
    expect(monitors.map(d => d.metadata.namespace)).toEqual(['tenant-a', 'tenant-b']);
    expect(monitors.every(d => d.spec.endpoints[0].interval === '30s')).toBe(true);
    const rules = docs.filter(d => d.kind === 'PrometheusRule').flatMap(d => d.spec.groups[0].rules as any[]);
    const alert = (name: string) => rules.find(r => r.alert === name);
    expect(alert('ModelLatencyHigh').for).toBe('2m');
    expect(alert('ModelLatencyHigh').expr).toMatch(/p95_5m\{ml_service="ml-inference",namespace=~"tenant-a\|tenant-b"\} > 5 /);
    expect(alert('ModelErrorRatioHigh').for).toBe('5m');
    expect(alert('ModelErrorRatioHigh').expr).toMatch(/ > 0.05 /);
    expect(alert('ModelPodRestarting').expr).toMatch(/\[10m\]\)\) > 3 /);
    expect(alert('ModelPodNotReady').for).toBe('5m');
    expect(alert('ModelCpuHigh')).toMatchObject({ for: '10m', expr: expect.stringMatching(/ > 0.8$/) });
    expect(alert('ModelMemoryHigh')).toMatchObject({ for: '5m', expr: expect.stringMatching(/ > 0.9$/) });
    const dashboards = docs.filter(d => d.kind === 'ConfigMap' && d.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.filter(d => d.metadata.name === 'tenant-a-ml-inference-inference-dashboard')).toHaveLength(1);
  });

  test('carries an availability SLO and a latency SLO per tenant', () => {
    const docs = synthApp(buildExampleApp());
    const slos = docs.filter(d => d.kind === 'PrometheusRule' && d.metadata.name.startsWith('slo-')).map(d => `${d.metadata.namespace}/${d.metadata.name}`);
    expect(slos.sort()).toEqual(['tenant-a/slo-tenant-a-availability', 'tenant-a/slo-tenant-a-latency', 'tenant-b/slo-tenant-b-availability', 'tenant-b/slo-tenant-b-latency']);
    const slis = docs.filter(d => d.kind === 'PrometheusRule' && d.metadata.name.startsWith('sli-'));
    expect(slis).toHaveLength(4);
    const latencyExpr = slis.flatMap(d => d.spec.groups[0].rules as any[]).find(r => r.expr.includes('_bucket')).expr as string;
    // Prometheus 2 writes le="1", Prometheus 3 le="1.0": the latency SLI matches both.
    expect(latencyExpr).toContain('le=~"1(\\\\.0)?"');
  });

  test('carries drift and accuracy alerts for the tenants, labelled for routing', () => {
    const docs = synthApp(buildExampleApp());
    for (const tenant of ['tenant-a', 'tenant-b']) {
      const rule = docs.find(d => d.kind === 'PrometheusRule' && d.metadata.name === `fraud-detector-${tenant}-quality`)!;
      expect(rule.metadata.namespace).toBe(tenant);
      const alerts = (rule.spec.groups[0].rules as any[]).filter(r => r.alert);
      expect(alerts.map(a => a.alert)).toEqual(expect.arrayContaining(['ModelDistributionDrift', 'ModelDataDrift', 'ModelAccuracyLow', 'ModelPredictionsStopped']));
      expect(alerts.filter(a => a.alert.includes('Drift')).every(a => a.labels.ml_signal === 'drift')).toBe(true);
      expect(JSON.stringify(rule)).toContain(`namespace=\\"${tenant}\\"`);
    }
  });

  test('routes critical alerts to PagerDuty, each tenant\'s warnings to its Slack channel, drift to the retraining webhook', () => {
    const docs = synthApp(buildExampleApp());
    const config = docs.find(d => d.kind === 'Secret' && d.metadata.name === 'alertmanager-ml-monitoring')!.stringData['alertmanager.yaml'];
    expect(checkAlertmanagerConfig(config).ok).toBe(true);
    expect(routesTest(config, { severity: 'critical', namespace: 'tenant-a', alertname: 'ModelErrorRatioHigh' })).toEqual(['ml-oncall']);
    expect(routesTest(config, { severity: 'warning', namespace: 'tenant-b', alertname: 'ModelLatencyHigh' })).toEqual(['tenant-b-slack']);
    expect(routesTest(config, { severity: 'warning', namespace: 'tenant-a', alertname: 'ModelDistributionDrift', ml_signal: 'drift' })).toEqual(['retrain-pipeline', 'data-science-teams', 'tenant-a-slack']);
    expect(routesTest(config, { severity: 'info', alertname: 'Watchdog' })).toEqual(['ml-platform-mail']);
  });

  test('runs on the owned stack: its Prometheus selects every monitor and rule, its Grafana mounts every dashboard, NodePort 30090 as in the seed', () => {
    const docs = synthApp(buildExampleApp());
    const prometheus = docs.find(d => d.kind === 'Prometheus')!;
    const sel = prometheus.spec.ruleSelector.matchLabels;
    const selected = docs.filter(d => ['ServiceMonitor', 'PrometheusRule'].includes(d.kind));
    expect(selected.length).toBeGreaterThan(15);
    for (const d of selected) for (const [k, v] of Object.entries(sel)) expect(d.metadata.labels?.[k]).toBe(v);
    const dashboards = docs.filter(d => d.kind === 'ConfigMap' && d.metadata.labels?.grafana_dashboard === '1');
    const grafana = docs.find(d => d.kind === 'Deployment' && d.metadata.name === 'ml-monitoring-grafana')!;
    const mounted = grafana.spec.template.spec.volumes.map((v: any) => v.configMap?.name).filter(Boolean);
    expect(dashboards.length).toBe(7); // inference, 4 SLOs, 2 model-quality
    for (const d of dashboards) expect(mounted).toContain(d.metadata.name);
    expect(docs.find(d => d.kind === 'Service' && d.metadata.name === 'ml-monitoring-prometheus')!.spec.ports[0].nodePort).toBe(30090);
    expect(docs.find(d => d.kind === 'Alertmanager')!.spec.secrets).toEqual(['argo-events', 'healthchecks', 'pagerduty', 'slack', 'smtp', 'teams']);
    // The escape hatch on stack.prometheus reaches the Prometheus object (and the schema, checked by proveAll).
    expect(docs.find(d => d.kind === 'Prometheus')!.spec.podMetadata.annotations).toEqual({ 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
  });

  test('the third example runs the same monitoring on two shards behind Thanos: the shards select the local rules, the ThanosRuler the global ones, Grafana and KEDA read Thanos Query', () => {
    const docs = synthApp(buildShardedExampleApp());
    proveAll(docs);
    const prometheus = docs.find(d => d.kind === 'Prometheus')!;
    const ruler = docs.find(d => d.kind === 'ThanosRuler')!;
    expect(prometheus.spec).toMatchObject({ shards: 2, replicas: 2, thanos: { version: 'v0.39.2' } });
    const rules = docs.filter(d => d.kind === 'PrometheusRule');
    const global = rules.filter(d => d.metadata.labels?.['ml-monitoring.cdk8s.io/evaluation'] === 'global');
    const local = rules.filter(d => d.metadata.labels?.['ml-monitoring.cdk8s.io/evaluation'] === 'local');
    expect(global.length + local.length).toBe(rules.length);
    for (const d of global) for (const [k, v] of Object.entries(ruler.spec.ruleSelector.matchLabels)) expect(d.metadata.labels?.[k]).toBe(v);
    expect(local.map(d => d.metadata.name)).toEqual(expect.arrayContaining(['ml-inference-inference-local', 'ml-monitoring-stack-health-local']));
    const so = docs.find(d => d.kind === 'ScaledObject')!;
    expect(so.spec.triggers[0].metadata.serverAddress).toBe('http://ml-monitoring-thanos-query.monitoring.svc:10902');
    expect(docs.filter(d => d.kind === 'NetworkPolicy').map(d => d.metadata.name)).toEqual(expect.arrayContaining(['ml-monitoring-thanos-query', 'ml-monitoring-thanos-ruler']));
  });

  test('the second example adopts a kube-prometheus-stack: release labels, sidecar labels, an AlertmanagerConfig', () => {
    const docs = synthApp(buildKubePrometheusStackExampleApp());
    proveAll(docs);
    expect(docs.filter(d => ['Prometheus', 'Deployment', 'Secret'].includes(d.kind))).toEqual([]);
    for (const d of docs.filter(x => ['ServiceMonitor', 'PrometheusRule', 'AlertmanagerConfig'].includes(x.kind))) {
      expect(d.metadata.labels?.release).toBe('kube-prometheus-stack');
    }
    const amc = docs.find(d => d.kind === 'AlertmanagerConfig')!;
    expect(amc.spec.route.receiver).toBe('ml-platform-mail');
    expect(amc.spec.receivers.map((r: any) => r.name)).toEqual([
      'ml-platform-mail', 'watchdog-discard', 'ml-oncall', 'retrain-pipeline', 'data-science-teams', 'ml-compliance', 'finops', 'tenant-a-slack', 'tenant-b-slack',
    ]);
  });

  test('synthesis is deterministic: two runs write byte-identical files', () => {
    const first = synthToDir();
    const second = synthToDir();
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });
});
