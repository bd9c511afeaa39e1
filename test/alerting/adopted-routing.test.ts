import { App, Chart } from 'cdk8s';
import { buildKubePrometheusStackExampleApp } from '../../examples/app';
import { MonitoringStack, Objective, Receiver, Severity, Sli, SloAlert } from '../../src';
import { Delivery, startRecorder, waitFor } from '../e2e/_processes';
import { startAlertmanager } from '../util/alertmanager';
import { operatorConfig } from '../util/operator-alertmanager';
import { checkAlertmanagerConfig, routesTest } from '../util/promtool';
import { byKind, synthApp } from '../util/synth';

/*
 * Routing on an adopted kube-prometheus-stack with the chart's defaults (matcher strategy OnNamespace):
 * the AlertmanagerConfig objects the example writes, merged into the chart's base configuration the way
 * prometheus-operator v0.93 merges them (test/util/operator-alertmanager.ts), run by a real Alertmanager.
 */

const docs = synthApp(buildKubePrometheusStackExampleApp());
const amcs = byKind(docs, 'AlertmanagerConfig');
const labels = (x: { [k: string]: string }): { [k: string]: string } => ({ ml_service: 'ml-inference', team: 'ml-platform', ...x });
const ALERTS = {
  tenantACritical: labels({ alertname: 'ModelErrorRatioHigh', namespace: 'tenant-a', severity: 'critical' }),
  tenantBCritical: labels({ alertname: 'ModelLatencyHigh', namespace: 'tenant-b', severity: 'critical' }),
  tenantBDrift: labels({ alertname: 'ModelDataDrift', namespace: 'tenant-b', severity: 'warning', ml_signal: 'drift', model: 'fraud-detector-tenant-b' }),
  tenantAWarning: labels({ alertname: 'ModelLatencyHigh', namespace: 'tenant-a', severity: 'warning' }),
  tenantBWarning: labels({ alertname: 'ModelLatencyHigh', namespace: 'tenant-b', severity: 'warning' }),
};

describe('routing on an adopted kube-prometheus-stack (OnNamespace), as the operator renders it', () => {
  test('the routing tree is one AlertmanagerConfig in the release namespace and one in each tenant namespace', () => {
    expect(amcs.map(d => `${d.metadata.namespace}/${d.metadata.name}`).sort()).toEqual(['monitoring/ml-monitoring', 'tenant-a/ml-monitoring', 'tenant-b/ml-monitoring']);
    const [first, ...rest] = amcs;
    for (const d of rest) expect(d.spec).toEqual(first.spec);
    expect(checkAlertmanagerConfig(operatorConfig(amcs, { sink: 'http://127.0.0.1:9' })).ok).toBe(true);
  });

  test('amtool: each tenant\'s alerts take the tenant\'s routes; the platform-wide routes see both tenants', () => {
    const config = operatorConfig(amcs, { sink: 'http://127.0.0.1:9' });
    // (The top route of every AlertmanagerConfig continues; the chart's own routes match none of these.)
    expect(routesTest(config, ALERTS.tenantAWarning)).toEqual(['tenant-a/ml-monitoring/tenant-a-slack']);
    expect(routesTest(config, ALERTS.tenantBWarning)).toEqual(['tenant-b/ml-monitoring/tenant-b-slack']);
    expect(routesTest(config, ALERTS.tenantACritical)).toEqual(['tenant-a/ml-monitoring/ml-oncall']);
    expect(routesTest(config, ALERTS.tenantBCritical)).toEqual(['tenant-b/ml-monitoring/ml-oncall']);
    expect(routesTest(config, ALERTS.tenantBDrift)).toEqual(['tenant-b/ml-monitoring/retrain-pipeline', 'tenant-b/ml-monitoring/data-science-teams',
      'tenant-b/ml-monitoring/tenant-b-slack']);
    // With only the object in the release namespace (the design before), no tenant alert reaches any receiver.
    const before = operatorConfig(amcs.filter(d => d.metadata.namespace === 'monitoring'), { sink: 'http://127.0.0.1:9' });
    for (const a of Object.values(ALERTS)) expect(routesTest(before, a)).toEqual(['null']); // the chart's root receiver
  });

  test('a real Alertmanager delivers tenant-a\'s and tenant-b\'s pages and tenant-b\'s drift to their receivers, and nothing across tenants', async () => {
    const sink = await startRecorder();
    // Routing is what is proved here, not timing: the routes' 30 s group_wait is shortened to 1 s, so the
    // test does not sit idle (every other field is as the operator renders it).
    const config = operatorConfig(amcs, { sink: sink.url });
    expect(config).toMatch(/group_wait: 30s/);
    const am = await startAlertmanager(config.replace(/group_wait: 30s/g, 'group_wait: 1s'));
    try {
      const post = [ALERTS.tenantACritical, ALERTS.tenantBCritical, ALERTS.tenantBDrift]
        .map(l => ({ labels: l, annotations: { summary: l.alertname } }));
      const r = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(post) });
      expect(r.ok).toBe(true);
      const want = ['tenant-a/ml-monitoring/ml-oncall', 'tenant-b/ml-monitoring/ml-oncall', 'tenant-b/ml-monitoring/retrain-pipeline', 'tenant-b/ml-monitoring/data-science-teams'];
      const receivedBy = (d: Delivery) => decodeURIComponent(d.path.slice(1));
      // The deadline leaves room for a loaded machine.
      await waitFor('the four deliveries', 120_000, async () => (want.every(w => sink.deliveries.some(d => receivedBy(d) === w)) ? true : undefined));
      const byReceiver = new Map<string, string[]>();
      for (const d of sink.deliveries) {
        const names = (d.body.alerts as any[]).map(a => `${a.labels.namespace}:${a.labels.alertname}`);
        byReceiver.set(receivedBy(d), [...(byReceiver.get(receivedBy(d)) ?? []), ...names]);
      }
      expect(byReceiver.get('tenant-a/ml-monitoring/ml-oncall')).toEqual(['tenant-a:ModelErrorRatioHigh']);
      expect(byReceiver.get('tenant-b/ml-monitoring/ml-oncall')).toEqual(['tenant-b:ModelLatencyHigh']);
      expect(byReceiver.get('tenant-b/ml-monitoring/retrain-pipeline')).toEqual(['tenant-b:ModelDataDrift']);
      // Every delivery went to the receiver of the alert's own tenant.
      for (const [receiver, names] of byReceiver) {
        if (receiver === 'null') continue;
        for (const n of names) expect(receiver.startsWith(`${n.split(':')[0]}/`)).toBe(true);
      }
    } finally {
      await am.stop();
      await sink.close();
    }
  }, 180_000);

  test('an SLO whose SLI is not aggregated by namespace: its alerts carry the SLO\'s namespace, so its tenant\'s routes see them', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const stack = MonitoringStack.fromKubePrometheusStack(chart, 'kps', { release: 'kps', namespace: 'monitoring' });
    stack.alerting.addRoute({ severity: Severity.CRITICAL, receiver: Receiver.webhook('oncall', { url: 'https://oncall.example.com/hook' }) });
    new SloAlert(chart, 'checkout', {
      stack,
      rulesNamespace: 'tenant-c',
      objective: Objective.percent(99.9),
      sli: Sli.errorRatio({ name: 'checkout', errors: 'checkout_errors_total{namespace="tenant-c"}', total: 'checkout_total{namespace="tenant-c"}' }),
    });
    const out = synthApp(app);
    const alerts = byKind(out, 'PrometheusRule').flatMap(d => d.spec.groups.flatMap((g: any) => g.rules)).filter((r: any) => r.alert);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) expect(a.labels.namespace).toBe('tenant-c');
    const config = operatorConfig(byKind(out, 'AlertmanagerConfig'), { sink: 'http://127.0.0.1:9' });
    expect(routesTest(config, { ...alerts[0].labels, alertname: alerts[0].alert })).toEqual(['tenant-c/ml-monitoring/oncall']);
  });
});
