import * as YAML from 'yaml';
import { AlertRouting, Receiver, RoutingOutput, SecretKey, Severity } from '../../src';
import { checkAlertmanagerConfig, routesTest } from '../util/promtool';
import { validateAll } from '../util/schema';
import { oneOfKind, synthChart, testChart } from '../util/synth';

/**
 * The seed guide's routing as a new user writes it: Slack and email for every alert, the SMTP server and the
 * Slack webhook given once. One receiver with two integrations (as Alertmanager allows), the settings in the
 * routing's receiverDefaults (Alertmanager's global section), and no dummy matcher.
 */
const SMTP = { smtpSmarthost: 'smtp.example.com:587', smtpFrom: 'alertmanager@example.com', smtpAuthUsername: 'alertmanager', smtpAuthPassword: SecretKey.of('smtp', 'password') };

function guideRouting(output: RoutingOutput) {
  const chart = testChart(output === RoutingOutput.ALERTMANAGER_SECRET ? 'monitoring' : 'tenant-a');
  const team = Receiver.combine('ml-team', [
    Receiver.slack('slack', { channel: '#ml-alerts' }),
    Receiver.email('mail', { to: 'ml-team@example.com' }),
  ]);
  const routing = new AlertRouting(chart, 'routing', {
    output,
    defaultReceiver: team,
    groupBy: ['namespace', 'alertname'],
    receiverDefaults: { ...SMTP, slackApiUrl: SecretKey.of('slack', 'webhook-url') },
  });
  return { chart, routing };
}

describe('receivers with several integrations and the routing\'s receiver defaults', () => {
  test('alertmanager.yaml: one receiver with a Slack and an email config, the SMTP server and Slack webhook once in global; amtool accepts it', () => {
    const { chart, routing } = guideRouting(RoutingOutput.ALERTMANAGER_SECRET);
    const text = oneOfKind(synthChart(chart), 'Secret').stringData['alertmanager.yaml'];
    const config = YAML.parse(text);
    expect(config.global).toEqual({
      resolve_timeout: '5m',
      smtp_smarthost: 'smtp.example.com:587',
      smtp_from: 'alertmanager@example.com',
      smtp_auth_username: 'alertmanager',
      smtp_auth_password_file: '/etc/alertmanager/secrets/smtp/password',
      slack_api_url_file: '/etc/alertmanager/secrets/slack/webhook-url',
    });
    const team = config.receivers.find((r: any) => r.name === 'ml-team');
    expect(Object.keys(team).sort()).toEqual(['email_configs', 'name', 'slack_configs']);
    expect(team.email_configs[0]).not.toHaveProperty('smarthost');
    expect(team.email_configs[0]).not.toHaveProperty('from');
    expect(team.slack_configs[0]).not.toHaveProperty('api_url_file');
    const r = checkAlertmanagerConfig(text);
    expect(r.output).toMatch(/SUCCESS/);
    // Every alert reaches both integrations: the default receiver, no dummy matcher.
    expect(routesTest(text, { alertname: 'ModelLatencyHigh', namespace: 'tenant-a', severity: 'warning' })).toEqual(['ml-team']);
    // The Secrets the defaults read are mounted like the receivers' own.
    expect(routing.secretNames).toEqual(['slack', 'smtp']);
  });

  test('AlertmanagerConfig (no global section of its own): the defaults are written into each integration that leaves them unset, and it validates', () => {
    const { chart } = guideRouting(RoutingOutput.ALERTMANAGER_CONFIG);
    const docs = synthChart(chart);
    validateAll(docs);
    const team = oneOfKind(docs, 'AlertmanagerConfig').spec.receivers.find((r: any) => r.name === 'ml-team');
    expect(team.emailConfigs[0]).toMatchObject({
      to: 'ml-team@example.com',
      smarthost: 'smtp.example.com:587',
      from: 'alertmanager@example.com',
      authUsername: 'alertmanager',
      authPassword: { name: 'smtp', key: 'password' },
    });
    expect(team.slackConfigs[0].apiURL).toEqual({ name: 'slack', key: 'webhook-url' });
  });

  test('a receiver\'s own settings win over the defaults, in both renderings', () => {
    const own = Receiver.email('own', { to: 'a@example.com', smarthost: 'mail.internal:25', fromAddress: 'am@internal.example.com', requireTls: false });
    for (const output of [RoutingOutput.ALERTMANAGER_SECRET, RoutingOutput.ALERTMANAGER_CONFIG]) {
      const chart = testChart('monitoring');
      new AlertRouting(chart, 'routing', { output, defaultReceiver: own, receiverDefaults: SMTP });
      const docs = synthChart(chart);
      const email = output === RoutingOutput.ALERTMANAGER_SECRET
        ? YAML.parse(oneOfKind(docs, 'Secret').stringData['alertmanager.yaml']).receivers.find((r: any) => r.name === 'own').email_configs[0]
        : oneOfKind(docs, 'AlertmanagerConfig').spec.receivers.find((r: any) => r.name === 'own').emailConfigs[0];
      expect(email.smarthost).toBe('mail.internal:25');
      expect(email.from).toBe('am@internal.example.com');
      expect(email.require_tls ?? email.requireTLS).toBe(false);
    }
  });

  test('an email receiver without a smarthost, on a routing without smtpSmarthost, is an Error naming the receiver and the setting', () => {
    const chart = testChart('monitoring');
    expect(() => new AlertRouting(chart, 'routing', { defaultReceiver: Receiver.email('mail', { to: 'a@example.com', fromAddress: 'am@example.com' }) }))
      .toThrow(/routing: invalid defaultReceiver "mail": a receiver whose email integration sets smarthost, or receiverDefaults.smtpSmarthost on this routing/);
    const routing = new AlertRouting(testChart('monitoring'), 'routing', { receiverDefaults: { smtpSmarthost: 'smtp.example.com:587' } });
    expect(() => routing.addRoute({ severity: Severity.CRITICAL, receiver: Receiver.slack('s', { channel: '#x' }) }))
      .toThrow(/invalid receiver "s": a receiver whose slack integration sets apiUrl, or receiverDefaults.slackApiUrl/);
  });

  test('bad defaults and bad combinations are Errors naming the prop, never a credential', () => {
    const chart = testChart('monitoring');
    expect(() => new AlertRouting(chart, 'a', { receiverDefaults: { smtpSmarthost: 'smtp.example.com' } })).toThrow(/receiverDefaults: invalid smtpSmarthost "smtp.example.com": host:port/);
    expect(() => new AlertRouting(chart, 'b', { receiverDefaults: { smtpFrom: 'not-an-address' } })).toThrow(/invalid smtpFrom "not-an-address": an email address/);
    expect(() => new AlertRouting(chart, 'c', { receiverDefaults: { smtpAuthUsername: 'u' } })).toThrow(/invalid smtpAuthPassword .*both or neither/);
    // A webhook URL given as text instead of a SecretKey: refused, and the URL (a credential) is not repeated.
    let error: Error | undefined;
    try {
      new AlertRouting(chart, 'd', { receiverDefaults: { slackApiUrl: 'https://hooks.slack.com/services/T/B/secret' as any } });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/receiverDefaults: invalid slackApiUrl/);
    expect(error?.message).not.toContain('T/B/secret');
    expect(() => Receiver.combine('both', [])).toThrow(/Receiver.combine\("both"\): invalid integrations .*one or more receivers/);
    expect(() => Receiver.combine('both', [Receiver.none('x')])).toThrow(/invalid integrations\[0\] "x": a receiver that notifies someone/);
    expect(() => Receiver.combine('both', [{ name: 'fake' } as any])).toThrow(/invalid integrations\[0\]/);
  });
});

describe('a catch-all route', () => {
  test('matchAll: every alert goes to it and, with continueMatching, on to the routes after it; amtool agrees', () => {
    const chart = testChart('monitoring');
    const routing = new AlertRouting(chart, 'routing', { receiverDefaults: SMTP });
    routing.addRoute({ matchAll: true, continueMatching: true, receiver: Receiver.email('archive', { to: 'archive@example.com' }) });
    routing.addRoute({ severity: Severity.CRITICAL, receiver: Receiver.pagerDuty('oncall', { routingKey: SecretKey.of('pd', 'key') }) });
    const text = oneOfKind(synthChart(chart), 'Secret').stringData['alertmanager.yaml'];
    expect(checkAlertmanagerConfig(text).ok).toBe(true);
    const route = YAML.parse(text).route.routes.find((r: any) => r.receiver === 'archive');
    expect(route).toEqual({ receiver: 'archive', continue: true });
    expect(routesTest(text, { alertname: 'ModelLatencyHigh', severity: 'critical', namespace: 'tenant-a' })).toEqual(['archive', 'oncall']);
    expect(routesTest(text, { alertname: 'ModelDataDrift', severity: 'warning', namespace: 'tenant-b' })).toEqual(['archive']);
  });

  test('matchAll with matchers is an Error, and a route with neither says how to catch all', () => {
    const routing = new AlertRouting(testChart('monitoring'), 'routing');
    expect(() => routing.addRoute({ matchAll: true, severity: Severity.CRITICAL, receiver: Receiver.none('x') })).toThrow(/invalid matchAll true: either matchAll \(every alert\) or matchers/);
    expect(() => routing.addRoute({ receiver: Receiver.none('x') })).toThrow(/or matchAll: true for a catch-all route/);
  });
});
