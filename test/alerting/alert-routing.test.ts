import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AlertRouting, InferenceRuntime, MatchOperator, MlInferenceMonitoring, MonitoringStack, Objective, Receiver, RoutingOutput, SecretKey, Severity,
  SloAlert,
} from '../../src';
import { startAlertmanager } from '../util/alertmanager';
import { checkAlertmanagerConfig, routesTest } from '../util/promtool';
import { validateAll } from '../util/schema';
import { byKind, oneOfKind, synthChart, testChart } from '../util/synth';

const SECRET_VALUES = ['xoxb-very-secret', 'pd-routing-key-123', 'smtp-password'];

function seedRouting() {
  const chart = testChart('monitoring');
  const routing = new AlertRouting(chart, 'routing', {
    defaultReceiver: Receiver.email('ml-team-mail', {
      to: 'ml-team@example.com',
      fromAddress: 'alertmanager@example.com',
      smarthost: 'smtp.example.com:587',
      authUsername: 'alertmanager',
      authPassword: SecretKey.of('smtp', 'password'),
    }),
  });
  routing.addTimeInterval({ name: 'outside-working-hours', weekdays: ['saturday', 'sunday'] });
  routing.addTimeInterval({ name: 'nights', weekdays: ['monday:friday'], times: [{ start: '00:00', end: '07:00' }, { start: '20:00', end: '24:00' }], location: 'Europe/Berlin' });
  routing.addRoute({ severity: Severity.CRITICAL, receiver: Receiver.pagerDuty('oncall', { routingKey: SecretKey.of('pagerduty', 'routing-key') }) });
  routing.addRoute({
    matchers: [{ label: 'ml_signal', value: 'drift|performance', operator: MatchOperator.REGEX }],
    receiver: Receiver.webhook('retrain', { url: 'https://argo-events.ml.svc:12000/retrain', bearerToken: SecretKey.of('argo-events', 'token') }),
    continueMatching: true,
  });
  for (const tenant of ['tenant-a', 'tenant-b']) {
    routing.addRoute({
      namespace: tenant,
      severity: Severity.WARNING,
      receiver: Receiver.slack(`${tenant}-slack`, { channel: `#${tenant}-ml`, apiUrl: SecretKey.of('slack', `${tenant}-webhook`) }),
      muteTimeIntervals: ['outside-working-hours', 'nights'],
    });
  }
  return { chart, routing };
}

describe('AlertRouting', () => {
  const { chart, routing } = seedRouting();
  const docs = synthChart(chart);
  const secret = oneOfKind(docs, 'Secret');
  const config = secret.stringData['alertmanager.yaml'] as string;

  test('renders a Secret that validates, with alertmanager.yaml and the message templates', () => {
    validateAll(docs);
    expect(secret.metadata).toEqual({ name: 'alertmanager-main', namespace: 'monitoring' });
    expect(Object.keys(secret.stringData).sort()).toEqual(['alertmanager.yaml', 'mlmon.tmpl']);
    expect(routing.secretNames).toEqual(['argo-events', 'pagerduty', 'slack', 'smtp']);
  });

  test('amtool check-config accepts it', () => {
    const r = checkAlertmanagerConfig(config);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.ok).toBe(true);
  });

  test('credentials are file references to mounted Secrets, never values', () => {
    const parsed = YAML.parse(config);
    const slack = parsed.receivers.find((r: any) => r.name === 'tenant-a-slack').slack_configs[0];
    expect(slack.api_url_file).toBe('/etc/alertmanager/secrets/slack/tenant-a-webhook');
    expect(parsed.receivers.find((r: any) => r.name === 'oncall').pagerduty_configs[0].routing_key_file).toBe('/etc/alertmanager/secrets/pagerduty/routing-key');
    expect(parsed.receivers.find((r: any) => r.name === 'retrain').webhook_configs[0].http_config.authorization.credentials_file).toBe('/etc/alertmanager/secrets/argo-events/token');
    const all = JSON.stringify(docs);
    for (const v of SECRET_VALUES) expect(all).not.toContain(v);
    expect(all).not.toMatch(/"(api_url|routing_key|auth_password|api_key)":/);
  });

  test.each([
    [{ severity: 'critical', namespace: 'tenant-a', alertname: 'ModelErrorRatioHigh' }, ['oncall']],
    [{ severity: 'warning', namespace: 'tenant-a', alertname: 'ModelLatencyHigh' }, ['tenant-a-slack']],
    [{ severity: 'warning', namespace: 'tenant-b', alertname: 'ModelCpuHigh' }, ['tenant-b-slack']],
    [{ severity: 'warning', namespace: 'tenant-a', alertname: 'ModelDataDrift', ml_signal: 'drift' }, ['retrain', 'tenant-a-slack']],
    [{ severity: 'critical', namespace: 'tenant-b', alertname: 'ModelAccuracyLow', ml_signal: 'performance' }, ['oncall']],
    [{ severity: 'warning', namespace: 'tenant-c', alertname: 'Other' }, ['ml-team-mail']],
    [{ severity: 'info', alertname: 'Watchdog' }, ['ml-team-mail']],
  ])('amtool config routes test: %j reaches %j', (labels, receivers) => {
    expect(routesTest(config, labels as any)).toEqual(receivers);
  });

  test('on a real Alertmanager, a firing page tier mutes the ticket tier of the same SLO', async () => {
    const c = testChart();
    const r = new AlertRouting(c, 'r', { defaultReceiver: Receiver.webhook('sink', { url: 'http://127.0.0.1:9/alerts' }) });
    r.addRoute({ severity: Severity.CRITICAL, receiver: Receiver.webhook('pager', { url: 'http://127.0.0.1:9/pager' }) });
    const am = await startAlertmanager(oneOfKind(synthChart(c), 'Secret').stringData['alertmanager.yaml']);
    try {
      const alert = (tier: string, severity: string, slo: string) => ({
        labels: { alertname: 'SloErrorBudgetBurn', slo, slo_tier: tier, severity },
        startsAt: new Date().toISOString(),
      });
      const post = await fetch(`${am.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([alert('page-fast', 'critical', 'api'), alert('ticket-slow', 'warning', 'api'), alert('ticket-slow', 'warning', 'other')]),
      });
      expect(post.ok).toBe(true);
      const alerts = await (await fetch(`${am.url}/api/v2/alerts`)).json() as any[];
      const state = (slo: string, tier: string) => alerts.find(a => a.labels.slo === slo && a.labels.slo_tier === tier)!.status;
      expect(state('api', 'page-fast').state).toBe('active');
      expect(state('api', 'ticket-slow').state).toBe('suppressed');
      expect(state('api', 'ticket-slow').inhibitedBy.length).toBe(1);
      // Another SLO's ticket is not muted, though it shares the alert name and has the page's severity
      // pattern (critical vs warning): the inhibitions compare slo too.
      expect(state('other', 'ticket-slow').state).toBe('active');
    } finally {
      await am.stop();
    }
  });

  describe('bad input names the construct, the prop and the value', () => {
    test.each([
      [() => Receiver.slack('Team', { channel: '#a', apiUrl: SecretKey.of('s', 'k') }), /Receiver.slack: invalid name "Team"/],
      [() => Receiver.slack('team', { channel: '#a', apiUrl: 'https://hooks.slack.com/T0/B0/xyz' as any }), /Receiver.slack\("team"\): invalid apiUrl "\(a plain string\)": a SecretKey/],
      [() => Receiver.email('mail', { to: 'not-an-address', fromAddress: 'a@b.c', smarthost: 'smtp:25' }), /Receiver.email\("mail"\): invalid to "not-an-address"/],
      [() => Receiver.email('mail', { to: 'x@y.z', fromAddress: 'a@b.c', smarthost: 'smtp' }), /invalid smarthost "smtp": host:port/],
      [() => Receiver.webhook('hook', { url: 'https://x.example/hook?token=abc' }), /invalid url .*a URL that carries no credential/],
      [() => Receiver.webhook('hook', { url: 'not a url' }), /invalid url \(not repeated: it could hold a credential\): a URL without spaces/],
    ])('%#', (fn, message) => {
      expect(fn).toThrow(message);
    });

    test('duplicate receiver names, empty routes, bad matchers and intervals, undefined time intervals', () => {
      const c = testChart();
      const r = new AlertRouting(c, 'r', { defaultReceiver: Receiver.none('null') });
      expect(() => r.addRoute({ matchAll: true, receiver: Receiver.none('null') })).toThrow(/a receiver name used by one receiver only/);
      expect(() => r.addRoute({ receiver: Receiver.none('x') })).toThrow(/test\/r route 1: invalid matchers \[\]: at least one matcher/);
      expect(() => r.addRoute({ receiver: Receiver.none('y'), matchers: [{ label: 'bad-label', value: 'x' }] })).toThrow(/invalid matchers\[0\].label "bad-label"/);
      expect(() => r.addRoute({ receiver: Receiver.none('z'), matchers: [{ label: 'a', value: '(', operator: MatchOperator.REGEX }] })).toThrow(/invalid matchers\[0\].value "\(": a regular expression in RE2 syntax.*missing closing \)/);
      expect(() => r.addTimeInterval({ name: 'hours', times: [{ start: '18:00', end: '09:00' }] })).toThrow(/invalid times "18:00-09:00"/);
      expect(() => r.addTimeInterval({ name: 'days', weekdays: ['mon-fri'] })).toThrow(/invalid weekdays "mon-fri"/);
      // amtool rejects this one too ("start day cannot be before end day").
      expect(() => r.addTimeInterval({ name: 'weekend', weekdays: ['saturday:sunday'] })).toThrow(/invalid weekdays "saturday:sunday": a weekday or a forward range/);
      r.addRoute({ receiver: Receiver.none('w'), severity: Severity.INFO, muteTimeIntervals: ['weekends'], repeatInterval: Duration.hours(12) });
      expect(() => synthChart(c)).toThrow(/refers to time interval "weekends", which is never defined/);
    });
  });
});

describe('AlertRouting as an AlertmanagerConfig (adopted kube-prometheus-stack)', () => {
  function adopted(location?: string) {
    const chart = testChart('tenant-a');
    const r = new AlertRouting(chart, 'routing', {
      output: RoutingOutput.ALERTMANAGER_CONFIG,
      labels: { release: 'kube-prometheus-stack' },
      defaultReceiver: Receiver.slack('tenant-a-slack', { channel: '#tenant-a', apiUrl: SecretKey.of('slack', 'webhook-url') }),
    });
    r.addTimeInterval({ name: 'weekends', weekdays: ['saturday', 'sunday'], daysOfMonth: ['1:7'], location });
    r.addRoute({ severity: Severity.CRITICAL, receiver: Receiver.pagerDuty('oncall', { routingKey: SecretKey.of('pagerduty', 'routing-key') }), muteTimeIntervals: ['weekends'] });
    r.addRoute({ alertName: 'ModelDataDrift', receiver: Receiver.webhook('retrain', { url: 'https://retrain.example/hook', bearerToken: SecretKey.of('retrain', 'token') }) });
    r.addRoute({ severity: Severity.WARNING, receiver: Receiver.email('mail', { to: 'a@example.com', fromAddress: 'am@example.com', smarthost: 'smtp.example.com:587', authUsername: 'am', authPassword: SecretKey.of('smtp', 'password') }) });
    r.addRoute({ severity: Severity.INFO, receiver: Receiver.opsgenie('genie', { apiKey: SecretKey.of('opsgenie', 'key'), priority: 'P3' }) });
    r.addRoute({ matchers: [{ label: 'team', value: 'vision' }], receiver: Receiver.victorOps('vo', { apiKey: SecretKey.of('vo', 'key'), routingKey: 'ml' }) });
    r.addRoute({ matchers: [{ label: 'team', value: 'nlp' }], receiver: Receiver.webex('webex', { roomId: 'room-1', botToken: SecretKey.of('webex', 'token') }) });
    return chart;
  }

  test('validates against the AlertmanagerConfig CRD, with secrets as SecretKeySelectors and no credential', () => {
    const docs = synthChart(adopted());
    validateAll(docs);
    const amc = oneOfKind(docs, 'AlertmanagerConfig');
    expect(amc.metadata).toEqual({ name: 'ml-monitoring', namespace: 'tenant-a', labels: { release: 'kube-prometheus-stack' } });
    expect(amc.spec.route.receiver).toBe('tenant-a-slack');
    // The monitoring's own alerts first (the Watchdog, then ml_signal="monitoring" to the default receiver), then the six added.
    expect(amc.spec.route.routes).toHaveLength(8);
    expect(amc.spec.route.routes[1]).toEqual({ receiver: 'tenant-a-slack', matchers: [{ name: 'ml_signal', value: 'monitoring' }] });
    expect(amc.spec.route.routes[2]).toEqual({ receiver: 'oncall', matchers: [{ name: 'severity', value: 'critical' }], muteTimeIntervals: ['weekends'] });
    const rec = (n: string) => amc.spec.receivers.find((x: any) => x.name === n);
    expect(rec('tenant-a-slack').slackConfigs[0].apiURL).toEqual({ name: 'slack', key: 'webhook-url' });
    expect(rec('retrain').webhookConfigs[0].httpConfig.authorization.credentials).toEqual({ name: 'retrain', key: 'token' });
    // A routing tree alone knows no alert names: only the generic critical-mutes-warning rule.
    expect(amc.spec.inhibitRules).toHaveLength(1);
    expect(amc.spec.muteTimeIntervals[0].timeIntervals[0].daysOfMonth).toEqual([{ start: 1, end: 7 }]);
    expect(JSON.stringify(docs)).not.toMatch(/webhook-url-value|xoxb/);
  });

  test('a time zone cannot be expressed in v1alpha1: a clear error instead of a silently different schedule', () => {
    expect(() => synthChart(adopted('Europe/Berlin'))).toThrow(/time interval "weekends" has a location \(Europe\/Berlin\), which AlertmanagerConfig v1alpha1 cannot express/);
  });
});

describe('inhibitions contributed by the constructs that own the alerts', () => {
  test('a service\'s target-down mutes its latency and error alerts under their configured names; an SLO\'s pages mute its tickets; each rule once', () => {
    const chart = testChart('monitoring');
    const stack = MonitoringStack.fromKubePrometheusStack(chart, 'kps', { release: 'kps', namespace: 'monitoring' });
    const renamed = { latency: { alertName: 'MLInferenceHighLatency' }, targetDown: { alertName: 'MLInferenceDown' } };
    const a = new MlInferenceMonitoring(chart, 'a', { stack, namespace: 'tenant-a', selector: { app: 'a' }, runtime: InferenceRuntime.fastApi(), alerts: renamed });
    new MlInferenceMonitoring(chart, 'b', { stack, namespace: 'tenant-b', selector: { app: 'b' }, runtime: InferenceRuntime.fastApi(), alerts: renamed });
    new MlInferenceMonitoring(chart, 'c', { stack, namespace: 'tenant-c', selector: { app: 'c' }, runtime: InferenceRuntime.triton() });
    new SloAlert(chart, 's1', { stack, sli: a.availability(), objective: Objective.percent(99.9) });
    new SloAlert(chart, 's2', { stack, sli: a.availability(), objective: Objective.percent(99) });
    const rules = byKind(synthChart(chart), 'AlertmanagerConfig').find(d => d.metadata.namespace === 'monitoring')!.spec.inhibitRules;
    const text = rules.map((r: any) => `${r.sourceMatch.map((x: any) => `${x.name}${x.matchType ?? '='}${x.value}`)} -> ${r.targetMatch.map((x: any) => `${x.name}${x.matchType ?? '='}${x.value}`)}`);
    expect(text).toEqual([
      'severity=critical -> severity=warning',
      'alertname=MLInferenceDown -> alertname=~MLInferenceHighLatency|ModelErrorRatioHigh',
      'alertname=ModelTargetDown -> alertname=~ModelAverageLatencyHigh|ModelErrorRatioHigh',
      'slo_tier=~page-.* -> slo_tier=~ticket-.*',
    ]);
  });
});
