/**
 * End-to-end: the example app (its fast mode), a real Prometheus and Alertmanager on loopback, the example
 * inference service as two tenants' targets, and a recorder standing in for PagerDuty, Slack and the
 * retraining webhook. Rules and alertmanager.yaml are taken from the synthesized output as they are.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { Delivery, Proc, httpOk, inPrivateMount, sleep, startProcess, startRecorder, stopAll, trafficLoop, waitFor } from './_processes';
import { buildExampleApp } from '../../examples/app';
import { InferenceRuntime, MlInferenceMonitoring, MonitoringStack } from '../../src';
import { expandGrafanaVariables } from '../../src/dashboards/_render';
import { freePort } from '../util/net';
import { Doc, byKind, synthApp } from '../util/synth';
import { requireTool } from '../util/tools';

jest.setTimeout(300_000);

const TENANTS = ['tenant-a', 'tenant-b'];
// One more service, monitored with a deliberately wrong preset: the example's FastAPI server watched as vLLM.
const WRONG = { namespace: 'tenant-c', service: 'chat-llm' };
const SCRAPED = [...TENANTS, WRONG.namespace];
const ROUTING_KEY = 'e2e-routing-key';
const WEBHOOK_TOKEN = 'e2e-webhook-token';
// Where the operator mounts the config's templates and the receivers' Secrets: the Alertmanager runs in its own
// mount namespace, where this is a private bind mount of a temporary folder (nothing is written to the real one).
const AM_DIR = '/etc/alertmanager';

interface Env {
  dir: string;
  docs: Doc[];
  recorder: Awaited<ReturnType<typeof startRecorder>>;
  services: { [tenant: string]: string };
  promUrl: string;
  amUrl: string;
  amPort: number;
  am?: Proc;
  amArgs: string[];
  /** The temporary folder mounted at AM_DIR for the Alertmanager. */
  amMounted: string;
}

const env = {} as Env;
const report = { scaling: '', firing: [] as string[], delivered: [] as string[], resolved: [] as string[], panels: 0, panelsWithData: 0, panelsRun: 0 };

async function promAlerts(): Promise<any[]> {
  const r = await (await fetch(`${env.promUrl}/api/v1/alerts`)).json() as any;
  return r.data.alerts;
}

function matches(labels: { [k: string]: string }, want: { [k: string]: string }): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

async function waitForState(want: { [k: string]: string }, state: 'pending' | 'firing', ms = 60_000): Promise<any> {
  return waitFor(`${JSON.stringify(want)} ${state} in Prometheus`, ms, async () => (await promAlerts()).find(a => matches(a.labels, want) && a.state === state));
}

async function waitGone(want: { [k: string]: string }, ms = 60_000): Promise<void> {
  await waitFor(`${JSON.stringify(want)} to resolve in Prometheus`, ms, async () => (await promAlerts()).some(a => matches(a.labels, want)) ? undefined : true);
}

async function inAlertmanager(want: { [k: string]: string }, ms = 30_000): Promise<any> {
  return waitFor(`${JSON.stringify(want)} in Alertmanager`, ms, async () => {
    const alerts = await (await fetch(`${env.amUrl}/api/v2/alerts`)).json() as any[];
    return alerts.find(a => matches(a.labels, want));
  });
}

async function delivered(what: string, since: number, pred: (d: Delivery) => boolean, ms = 30_000): Promise<Delivery> {
  return waitFor(`delivery of ${what}`, ms, async () => env.recorder.deliveries.find(d => d.at >= since && pred(d)));
}

async function fault(tenant: string, f: object): Promise<void> {
  const r = await fetch(`${env.services[tenant]}/fault`, { method: 'POST', body: JSON.stringify(f) });
  expect(r.ok).toBe(true);
}

/** True on Saturdays and Sundays (UTC), when the example mutes the tenants' Slack routes. */
function weekend(): boolean {
  return [0, 6].includes(new Date().getUTCDay());
}

/** Writes a file the Alertmanager reads at `file` under AM_DIR: into the temporary folder mounted there. */
function writeMounted(file: string, content: string): void {
  const target = path.join(env.amMounted, path.relative(AM_DIR, file));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content, { mode: 0o600 });
}

/** The Alertmanager's command: in its own mount namespace, with AM_DIR mounted from the temporary folder. */
function alertmanagerCommand(): { bin: string; args: string[] } {
  return inPrivateMount(AM_DIR, env.amMounted, path.join(env.dir, 'am-scratch'), requireTool('alertmanager'), env.amArgs);
}

/** The scrape config the operator generates for a ServiceMonitor endpoint, pointed at a loopback target. */
function scrapeConfig(sm: Doc, target: string): any {
  const ep = sm.spec.endpoints[0];
  const snake = (r: any) => Object.fromEntries(Object.entries(r).map(([k, v]) =>
    [k.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`), k === 'action' ? String(v).toLowerCase() : v]));
  return {
    job_name: `serviceMonitor/${sm.metadata.namespace}/${sm.metadata.name}/0`,
    scrape_interval: ep.interval,
    scrape_timeout: ep.scrapeTimeout ?? ep.interval,
    metrics_path: ep.path ?? '/metrics',
    honor_labels: ep.honorLabels ?? false,
    static_configs: [{
      targets: [target],
      labels: { namespace: sm.metadata.namespace, service: sm.metadata.name, pod: `${sm.metadata.name}-0`, container: 'model', endpoint: ep.port },
    }],
    relabel_configs: [{ target_label: 'job', replacement: sm.metadata.name }, ...(ep.relabelings ?? []).map(snake)],
  };
}

beforeAll(async () => {
  const prometheusBin = requireTool('prometheus');
  requireTool('alertmanager');
  env.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-'));
  env.amMounted = path.join(env.dir, 'etc-alertmanager');
  fs.mkdirSync(env.amMounted);
  env.recorder = await startRecorder();

  // 1. The example app, fast mode, receivers pointed at the recorder; plus the wrong-preset service.
  const app = buildExampleApp({ outdir: path.join(env.dir, 'out') }, { fast: true, receiverBaseUrl: env.recorder.url });
  const chart = app.node.findChild('ml-monitoring') as Chart;
  new MlInferenceMonitoring(chart, 'wrong-preset', {
    runtime: InferenceRuntime.vllm(),
    namespaces: [WRONG.namespace],
    serviceName: WRONG.service,
    selector: { app: WRONG.service },
    stack: chart.node.findChild('stack') as MonitoringStack,
    scrape: { interval: Duration.seconds(1) },
    rateWindow: Duration.seconds(10),
    dashboard: { enabled: false },
    alerts: { metricsMissing: { pendingFor: Duration.seconds(5) } },
  });
  env.docs = synthApp(app);

  // 2. The example inference service, one process per scraped namespace.
  env.services = {};
  for (const tenant of SCRAPED) {
    const p = await startProcess(`service ${tenant}`, process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '../../examples/inference-service/server.ts'), '0'],
      async log => /listening \d+/.test(log));
    env.services[tenant] = `http://127.0.0.1:${/listening (\d+)/.exec(p.log())![1]}`;
  }

  // 3. Alertmanager: alertmanager.yaml and templates from the synthesized Secret; the receivers' Secret
  //    files where the operator mounts them, with this test's values.
  const secret = env.docs.find(d => d.kind === 'Secret' && d.metadata.name === 'alertmanager-ml-monitoring')!;
  const amConfig = secret.stringData['alertmanager.yaml'];
  fs.writeFileSync(path.join(env.dir, 'alertmanager.yaml'), amConfig);
  for (const [k, v] of Object.entries(secret.stringData)) if (k.endsWith('.tmpl')) writeMounted(path.join(AM_DIR, 'config', k), v as string);
  const values: { [file: string]: string } = {
    'pagerduty/routing-key': ROUTING_KEY,
    'argo-events/token': WEBHOOK_TOKEN,
    'smtp/password': 'e2e-smtp-password',
    'teams/data-science-workflow-url': `${env.recorder.url}/teams/data-science`,
    ...Object.fromEntries(TENANTS.map(t => [`slack/${t}-webhook-url`, `${env.recorder.url}/slack/${t}`])),
    'slack/platform-webhook-url': `${env.recorder.url}/slack/platform`,
  };
  const files = [...amConfig.matchAll(/_file: (\/etc\/alertmanager\/secrets\/\S+)/g)].map(m => m[1]);
  expect(files.length).toBeGreaterThanOrEqual(5);
  for (const f of files) {
    const ref = f.replace(`${AM_DIR}/secrets/`, '');
    expect(values[ref]).toBeDefined();
    writeMounted(f, values[ref]);
  }
  env.amPort = await freePort();
  env.amUrl = `http://127.0.0.1:${env.amPort}`;
  env.amArgs = [`--config.file=${path.join(env.dir, 'alertmanager.yaml')}`, `--storage.path=${path.join(env.dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${env.amPort}`, '--cluster.listen-address='];
  const am = alertmanagerCommand();
  env.am = await startProcess('alertmanager', am.bin, am.args, () => httpOk(`${env.amUrl}/-/ready`));

  // 4. Prometheus: every PrometheusRule's groups as written; the example's ServiceMonitors as the operator
  //    would turn them into scrape configs, pointed at the tenants' processes.
  const ruleFiles = byKind(env.docs, 'PrometheusRule').map((d, i) => {
    const f = path.join(env.dir, `rules-${i}-${d.metadata.name}.yaml`);
    fs.writeFileSync(f, YAML.stringify({ groups: d.spec.groups }));
    return f;
  });
  // The monitored services' monitors, which stamp ml_service (the quality detectors' monitors scrape services this test does not run).
  const monitors = byKind(env.docs, 'ServiceMonitor').filter(d => SCRAPED.includes(d.metadata.namespace!)
    && d.spec.endpoints.some((e: any) => (e.relabelings ?? []).some((r: any) => r.targetLabel === 'ml_service')));
  expect(monitors.map(d => d.metadata.namespace)).toEqual(SCRAPED);
  const promPort = await freePort();
  env.promUrl = `http://127.0.0.1:${promPort}`;
  // The stack's own monitors of its Prometheus and Alertmanager, pointed at these two processes: the stack's
  // health alerts read their series under the jobs the operator gives them.
  const own = byKind(env.docs, 'ServiceMonitor').filter(d => d.metadata.namespace === 'monitoring' && /-(prometheus|alertmanager)$/.test(d.metadata.name));
  expect(own.map(d => d.metadata.name).sort()).toEqual(['ml-monitoring-alertmanager', 'ml-monitoring-prometheus']);
  // Scraped every second here (their monitors keep Prometheus' 30 s default), so the test need not wait.
  const ownTargets = own.map(sm => ({
    ...scrapeConfig(sm, `127.0.0.1:${sm.metadata.name.endsWith('prometheus') ? promPort : env.amPort}`), scrape_interval: '1s', scrape_timeout: '1s',
  }));
  fs.writeFileSync(path.join(env.dir, 'prometheus.yaml'), YAML.stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s', external_labels: { cluster: 'e2e' } },
    rule_files: ruleFiles,
    alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [`127.0.0.1:${env.amPort}`] }] }] },
    scrape_configs: [...monitors.map(sm => scrapeConfig(sm, env.services[sm.metadata.namespace!].replace('http://', ''))), ...ownTargets],
  }));
  await startProcess('prometheus', prometheusBin, [
    `--config.file=${path.join(env.dir, 'prometheus.yaml')}`, `--storage.tsdb.path=${path.join(env.dir, 'prom-data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`, '--rules.alert.resend-delay=1s',
  ], () => httpOk(`${env.promUrl}/-/ready`));
});

afterAll(async () => {
  await stopAll();
  await env.recorder?.close();
  if (env.dir) fs.rmSync(env.dir, { recursive: true, force: true });
  // eslint-disable-next-line no-console
  console.log(`end-to-end: ${report.firing.length} alerts proven firing (${report.firing.join(', ')}), ${report.delivered.length} delivered, `
    + `${report.resolved.length} resolved; ${report.panelsRun} panel queries run, ${report.panelsWithData} panels returned data; ${report.scaling}`);
});

describe('end to end: the example app on a real Prometheus and Alertmanager', () => {
  let traffic: ReturnType<typeof trafficLoop>;
  beforeAll(() => { traffic = trafficLoop(SCRAPED.map(t => env.services[t]), 4); });
  afterAll(async () => { await traffic.stop(); });

  test('healthy traffic: both tenants are scraped with the service identity; no service alert fires, only the monitoring\'s own', async () => {
    await waitFor('both targets up with ml_service', 30_000, async () => {
      const r = await (await fetch(`${env.promUrl}/api/v1/query?query=${encodeURIComponent('up{ml_service="ml-inference"} == 1')}`)).json() as any;
      return r.data.result.length === 2 ? true : undefined;
    });
    // Long enough for every rate window (10 s) and alert `for` (at most 20 s) of the fast example.
    await sleep(25_000);
    const alerts = (await promAlerts()).filter(a => a.labels.ml_service !== WRONG.service);
    // Only the monitoring's own: the Watchdog always fires, and the stack components this test does not run
    // (kube-state-metrics, the kubelets) have no scrape target, which the stack's health alert notices.
    expect(alerts.map(a => `${a.labels.alertname} ${a.state} ${a.labels.job ?? ''} ${a.labels.integration ?? ''}`.trim()).sort()).toEqual([
      'MonitoringComponentDown pending kubelet',
      'MonitoringComponentDown pending ml-monitoring-kube-state-metrics',
      'Watchdog firing',
    ]);
    expect(alerts.every(a => a.labels.ml_signal === 'monitoring')).toBe(true);
    expect(traffic.sent()).toBeGreaterThan(100);
  });

  test('a service monitored with the wrong preset: ModelMetricsMissing names each vLLM family its alerts read, and no other alert fires for it', async () => {
    const want = { alertname: 'ModelMetricsMissing', ml_service: WRONG.service, namespace: WRONG.namespace };
    await waitForState(want, 'firing', 30_000);
    // Every alert of the service has had its rate windows and pending periods (10 s windows, 1 s scrapes).
    await sleep(15_000);
    const mine = (await promAlerts()).filter(a => a.labels.ml_service === WRONG.service);
    expect([...new Set(mine.map(a => `${a.labels.alertname} ${a.state}`))]).toEqual(['ModelMetricsMissing firing']);
    const families = mine.map(a => a.labels.metric_family).sort();
    expect(families).toEqual(expect.arrayContaining(['vllm:e2e_request_latency_seconds', 'vllm:num_requests_waiting']));
    expect(families.every(f => f.startsWith('vllm:'))).toBe(true);
    expect(mine.every(a => a.labels.metric_source === 'runtime' && a.labels.ml_signal === 'monitoring' && a.labels.pod !== undefined)).toBe(true);
    // The platform hears about it through the monitoring receiver (its Slack channel), never a tenant's.
    await inAlertmanager(want);
    const d = await delivered('ModelMetricsMissing to the platform\'s Slack', 0, x => x.path === '/slack/platform' && JSON.stringify(x.body).includes('ModelMetricsMissing'));
    expect(JSON.stringify(d.body)).toContain('#ml-platform-monitoring');
    expect(env.recorder.deliveries.filter(x => x.path.startsWith('/slack/tenant') && JSON.stringify(x.body).includes('ModelMetricsMissing'))).toEqual([]);
    report.firing.push(`ModelMetricsMissing (${families.length} families)`);
  });

  test('the Watchdog reaches the dead man\'s switch continuously (every 2 s heartbeat interval of the fast example)', async () => {
    const since = Date.now();
    await delivered('the Watchdog to the heartbeat receiver', since, d => d.path === '/heartbeat' && d.body.alerts.some((a: any) => a.labels.alertname === 'Watchdog'), 30_000);
    await sleep(10_000);
    const beats = env.recorder.deliveries.filter(d => d.at >= since && d.path === '/heartbeat');
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats.every(d => d.body.alerts.every((a: any) => a.labels.alertname === 'Watchdog' && a.labels.ml_signal === 'monitoring'))).toBe(true);
    report.delivered.push('Watchdog');
  });

  test('latency: ModelLatencyHigh (warning) goes pending then firing, reaches Alertmanager, is routed to the tenant\'s Slack (muted at weekends), resolves', async () => {
    const want = { alertname: 'ModelLatencyHigh', namespace: 'tenant-a' };
    const since = Date.now();
    await fault('tenant-a', { latencyMs: 6000 });
    await waitForState(want, 'pending');
    const firing = await waitForState(want, 'firing');
    expect(firing.labels).toMatchObject({ severity: 'warning', ml_service: 'ml-inference', team: 'ml-platform', model: 'fraud-detector' });
    report.firing.push('ModelLatencyHigh');
    // The scaling response reads the same series: KEDA's query from the example's ScaledObject is above
    // its 2 s target now, and equals the series the alert fired on.
    const so = env.docs.find(d => d.kind === 'ScaledObject')!;
    const kedaQuery = so.spec.triggers[0].metadata.query;
    const r = await (await fetch(`${env.promUrl}/api/v1/query?query=${encodeURIComponent(kedaQuery)}`)).json() as any;
    expect(Number(r.data.result[0].value[1])).toBeGreaterThan(Number(so.spec.triggers[0].metadata.threshold));
    report.scaling = `KEDA query ${Number(r.data.result[0].value[1]).toFixed(2)}s > target ${so.spec.triggers[0].metadata.threshold}s`;
    await inAlertmanager(want);
    if (weekend()) {
      await sleep(5_000);
      expect(env.recorder.deliveries.filter(d => d.at >= since && d.path === '/slack/tenant-a' && JSON.stringify(d.body).includes('ModelLatencyHigh'))).toEqual([]);
    } else {
      const d = await delivered('ModelLatencyHigh to tenant-a-slack', since, x => x.path === '/slack/tenant-a' && JSON.stringify(x.body).includes('ModelLatencyHigh'));
      expect(JSON.stringify(d.body)).toContain('#tenant-a-ml-alerts');
      report.delivered.push('ModelLatencyHigh');
    }
    await fault('tenant-a', {});
    await waitGone(want);
    report.resolved.push('ModelLatencyHigh');
  });

  test('errors: ModelErrorRatioHigh (critical) pages on-call through PagerDuty with the routing key from its Secret file, then resolves', async () => {
    const want = { alertname: 'ModelErrorRatioHigh', namespace: 'tenant-b' };
    const since = Date.now();
    await fault('tenant-b', { errorRate: 0.5 });
    await waitForState(want, 'pending');
    const firing = await waitForState(want, 'firing');
    expect(firing.labels).toMatchObject({ severity: 'critical', ml_service: 'ml-inference' });
    report.firing.push('ModelErrorRatioHigh');
    await inAlertmanager(want);
    const page = await delivered('ModelErrorRatioHigh to ml-oncall', since,
      x => x.path === '/pagerduty' && x.body.event_action === 'trigger' && String(x.body.payload?.summary).includes('ModelErrorRatioHigh in tenant-b'));
    expect(page.body.routing_key).toBe(ROUTING_KEY);
    expect(page.body.payload.severity).toBe('critical');
    report.delivered.push('ModelErrorRatioHigh');
    await fault('tenant-b', {});
    await waitGone(want);
    await delivered('the resolution of ModelErrorRatioHigh', since,
      x => x.path === '/pagerduty' && x.body.event_action === 'resolve' && x.body.dedup_key === page.body.dedup_key);
    report.resolved.push('ModelErrorRatioHigh');
  });

  test('drift: ModelDataDrift starts the retraining webhook (bearer token from its Secret file), with the model and ml_signal labels, then resolves', async () => {
    const want = { alertname: 'ModelDataDrift', model: 'fraud-detector-tenant-a', drift_check: 'flag' };
    const since = Date.now();
    await fault('tenant-a', { drift: true });
    await waitForState(want, 'pending');
    await waitForState(want, 'firing');
    report.firing.push('ModelDataDrift');
    await inAlertmanager(want);
    const hook = await delivered('ModelDataDrift to retrain-pipeline', since,
      x => x.path === '/retrain' && x.body.status === 'firing' && x.body.alerts.some((a: any) => matches(a.labels, want)));
    expect(hook.authorization).toBe(`Bearer ${WEBHOOK_TOKEN}`);
    expect(hook.body.receiver).toBe('retrain-pipeline');
    expect(hook.body.alerts.find((a: any) => matches(a.labels, want)).labels).toMatchObject({ ml_signal: 'drift', severity: 'warning', team: 'ml-platform' });
    // The data scientists' Teams channel hears of it too (Workflows webhook URL read from its Secret file).
    const teams = await delivered('ModelDataDrift to data-science-teams', since, x => x.path === '/teams/data-science' && JSON.stringify(x.body).includes('ModelDataDrift'));
    expect(JSON.stringify(teams.body)).toContain('fraud-detector-tenant-a');
    report.delivered.push('ModelDataDrift (Teams)');
    // The other tenant's model did not drift.
    expect((await promAlerts()).filter(a => a.labels.alertname === 'ModelDataDrift' && a.labels.model === 'fraud-detector-tenant-b')).toEqual([]);
    report.delivered.push('ModelDataDrift');
    await fault('tenant-a', {});
    await waitGone(want);
    await delivered('the resolution of ModelDataDrift', since, x => x.path === '/retrain' && x.body.status === 'resolved' && x.body.alerts.some((a: any) => matches(a.labels, want)));
    report.resolved.push('ModelDataDrift');
  });

  test('stopped reporting: ModelTargetDown (warning) fires for the tenant whose exporter stopped, reaches Alertmanager, then resolves', async () => {
    const want = { alertname: 'ModelTargetDown', namespace: 'tenant-b' };
    const since = Date.now();
    await fault('tenant-b', { stopMetrics: true });
    await waitForState(want, 'pending');
    const firing = await waitForState(want, 'firing');
    expect(firing.labels).toMatchObject({ severity: 'warning', ml_service: 'ml-inference' });
    report.firing.push('ModelTargetDown');
    await inAlertmanager(want);
    if (!weekend()) {
      await delivered('ModelTargetDown to tenant-b-slack', since, x => x.path === '/slack/tenant-b' && JSON.stringify(x.body).includes('ModelTargetDown'));
      report.delivered.push('ModelTargetDown');
    }
    await fault('tenant-b', {});
    await waitGone(want);
    report.resolved.push('ModelTargetDown');
  });

  test('an Alertmanager restart while an alert fires loses no notification', async () => {
    const want = { alertname: 'ModelErrorRatioHigh', namespace: 'tenant-a' };
    await env.am!.stop();
    const since = Date.now();
    await fault('tenant-a', { errorRate: 0.5 });
    await waitForState(want, 'firing');
    await sleep(2_000); // Prometheus fails to send while Alertmanager is down
    expect(env.recorder.deliveries.filter(d => d.at >= since && d.path === '/pagerduty' && String(d.body.payload?.summary).includes('tenant-a'))).toEqual([]);
    const am = alertmanagerCommand();
    env.am = await startProcess('alertmanager (restarted)', am.bin, am.args, () => httpOk(`${env.amUrl}/-/ready`));
    const page = await delivered('ModelErrorRatioHigh for tenant-a after the restart', since,
      x => x.path === '/pagerduty' && x.body.event_action === 'trigger' && String(x.body.payload?.summary).includes('ModelErrorRatioHigh in tenant-a'));
    expect(page.body.routing_key).toBe(ROUTING_KEY);
    report.delivered.push('ModelErrorRatioHigh (across an Alertmanager restart)');
    await fault('tenant-a', {});
    await waitGone(want);
  });

  test('a receiver that refuses (HTTP 500 from the heartbeat endpoint) raises MonitoringNotificationsFailing for the webhook integration', async () => {
    env.recorder.refused.add('/heartbeat');
    try {
      const firing = await waitForState({ alertname: 'MonitoringNotificationsFailing', integration: 'webhook' }, 'firing', 90_000);
      expect(firing.labels).toMatchObject({ ml_signal: 'monitoring', namespace: 'monitoring', pod: 'ml-monitoring-alertmanager-0', severity: 'warning' });
      report.firing.push('MonitoringNotificationsFailing');
    } finally {
      env.recorder.refused.delete('/heartbeat');
    }
  });

  test('every dashboard panel\'s query runs against Prometheus; those over series the example exposes return data', async () => {
    const names = new Set<string>(((await (await fetch(`${env.promUrl}/api/v1/label/__name__/values`)).json()) as any).data);
    // Series recorded by groups evaluated every few minutes (SLO budget tiles) may not exist yet in a
    // run this short: their panels must run, but need not return data.
    const slow = new Set(byKind(env.docs, 'PrometheusRule').flatMap(d => d.spec.groups)
      .filter((g: any) => g.interval && /m|h/.test(g.interval)).flatMap((g: any) => g.rules.map((r: any) => r.record)).filter(Boolean));
    const dashboards = env.docs.filter(d => d.kind === 'ConfigMap' && Object.keys(d.data ?? {}).some(k => k.endsWith('.json')));
    expect(dashboards.length).toBe(7);
    const failures: string[] = [];
    const empty: string[] = [];
    for (const d of dashboards) {
      for (const [key, json] of Object.entries(d.data)) {
        if (!key.endsWith('.json')) continue;
        for (const panel of JSON.parse(json as string).panels) {
          if (panel.type === 'row') continue;
          report.panels++;
          let panelHasData = false;
          for (const t of panel.targets ?? []) {
            const expr = expandGrafanaVariables(t.expr, { namespace: 'tenant-a|tenant-b', model: '.*', datasource: 'prometheus' });
            const r = await (await fetch(`${env.promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json() as any;
            report.panelsRun++;
            if (r.status !== 'success') { failures.push(`${d.metadata.name} "${panel.title}": ${r.error}`); continue; }
            const referenced = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map(m => m[1]);
            const exposed = referenced.length > 0 && referenced.every(n => names.has(n) && !slow.has(n));
            if (r.data.result.length > 0) panelHasData = true;
            else if (exposed && !expr.includes('ALERTS') && !expr.includes(' offset ')) empty.push(`${d.metadata.name} "${panel.title}": ${expr}`);
          }
          if (panelHasData) report.panelsWithData++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(empty).toEqual([]);
    expect(report.panelsWithData).toBeGreaterThanOrEqual(10);
  });
});
