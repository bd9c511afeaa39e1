import {
  InferenceAutoscaler, InferenceRuntime, MlInferenceMonitoring, MonitoringStack, Receiver, ScalingSignal, SecretKey,
} from '../../src';
import { TEST_SELECTOR, testChart } from '../util/synth';

/*
 * Every prop that takes a URL or headers asks one classifier whether it carries a credential, and no error
 * repeats a value that could be one. The cases are the ones a review found written into YAML verbatim, plus
 * ordinary URLs that must stay accepted.
 */

const TOKEN = 'Zx81kPq0LmW3vR7tYb5nC2dE';

/** Each prop that takes a URL, as a function of that URL. */
const URL_PROPS: Array<[string, (url: string) => unknown]> = [
  ['remote write url', url => new MonitoringStack(testChart(), 's', { namespace: 'monitoring', grafana: { enabled: false }, prometheus: { remoteWrite: [{ url }] } })],
  ['PagerDuty url', url => Receiver.pagerDuty('pd', { routingKey: SecretKey.of('pd', 'key'), url })],
  ['Rocket.Chat apiUrl', url => Receiver.rocketChat('rc', { token: SecretKey.of('rc', 't'), tokenId: SecretKey.of('rc', 'id'), channel: '#ml', apiUrl: url })],
  ['a receiver proxyUrl', url => Receiver.pagerDuty('pd', { routingKey: SecretKey.of('pd', 'key'), proxyUrl: url })],
  ['webhook url', url => Receiver.webhook('retrain', { url })],
  ['runbookBaseUrl', url => new MlInferenceMonitoring(testChart(), 'm', {
    namespace: 'ml', selector: { app: 'm' }, runtime: InferenceRuntime.fastApi(), selectorLabels: TEST_SELECTOR, runbookBaseUrl: url,
  })],
  ['an adopted stack prometheusUrl', url => MonitoringStack.fromKubePrometheusStack(testChart(), 'kps', { release: 'kps', namespace: 'monitoring', prometheusUrl: url })],
  ['an autoscaler prometheusUrl', url => {
    const chart = testChart();
    const inference = new MlInferenceMonitoring(chart, 'm', { namespace: 'ml', selector: { app: 'm' }, runtime: InferenceRuntime.vllm(), selectorLabels: TEST_SELECTOR });
    return new InferenceAutoscaler(chart, 'a', { inference, namespace: 'ml', deployment: 'm', signal: ScalingSignal.queue(4), maxReplicas: 4, prometheusUrl: url });
  }],
];

const CARRYING: Array<[string, string]> = [
  ['a token query parameter', `https://mimir.example.com/api/v1/push?token=${TOKEN}`],
  ['an access_token query parameter', `https://mimir.example.com/api/v1/push?access_token=${TOKEN}`],
  ['an api_key query parameter', `https://example.com/x?api_key=${TOKEN}`],
  ['an apikey query parameter', `https://example.com/x?foo=1&apikey=${TOKEN}`],
  ['an X-Amz-Signature parameter', `https://s3.example.com/x?X-Amz-Signature=${TOKEN}`],
  ['a token in the fragment', `https://example.com/x#access_token=${TOKEN}`],
  ['user and password', `https://user:${TOKEN}@example.com/x`],
  ['a Slack webhook host with a trailing dot', `https://hooks.slack.com./services/T000/B000/${TOKEN}`],
  ['a Slack webhook host in capitals with a port', `https://HOOKS.Slack.com:443/services/T000/B000/${TOKEN}`],
  ['a Discord v10 webhook', `https://discord.com/api/v10/webhooks/123456789/${TOKEN}`],
  ['a legacy Teams connector', `https://outlook.office.com/webhook/a1b2c3d4-0000-4000-8000-000000000000@x/IncomingWebhook/${TOKEN}`],
  ['a Teams connector', 'https://contoso.webhook.office.com/webhookb2/a1b2c3d4/IncomingWebhook/abc/def'],
  ['a Mattermost-style hook', 'https://chat.example.com/hooks/x5kqjgs4tbrwmy8qadzne1ujjo'],
  ['a Rocket.Chat hook', `https://chat.example.com/hooks/k7Hn2PqRstUv9WxYz/${TOKEN}`],
  ['a Telegram bot URL', 'https://api.telegram.org/bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11/sendMessage'],
  ['a generated token in the path', `https://example.com/notify/${TOKEN}`],
];

const PLAIN = [
  'http://prometheus-operated.monitoring.svc:9090',
  'https://mimir.example.com/api/v1/push',
  'https://github.com/acme/runbooks/blob/3f2a9c1d0e4b5a6978c1d2e3f4a5b6c7d8e9f0a1/ml',
  'https://runbooks.example.com/ml?section=latency&lang=en',
  'http://retrain-eventsource-svc.argo-events.svc:12000/retrain',
  'https://proxy.example.com:3128',
  'https://chat.example.com/hooks',
];

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
  return '';
}

describe('a URL that carries a credential is an Error in every prop that takes a URL, and the error does not repeat it', () => {
  describe.each(URL_PROPS)('%s', (_prop, make) => {
    test.each(CARRYING)('%s', (_what, url) => {
      const message = messageOf(() => make(url));
      expect(message).toMatch(/carries .*(credential|password|URL|token|key)/);
      expect(message).not.toContain(TOKEN);
      expect(message).not.toContain(url);
    });
    test.each(PLAIN)('accepts %s', url => {
      expect(messageOf(() => make(url))).toBe('');
    });
  });
});

describe('a URL that does not parse, or ends with a newline, is refused without repeating it', () => {
  test.each([
    ['a newline read from a file', `https://hooks.slack.com/services/T0/B0/${TOKEN}\n`],
    ['no scheme', `mimir.example.com/push?token=${TOKEN}`],
    ['a password with "#"', `https://user:pa#ss${TOKEN}@example.com/x`],
    ['a password with "/"', `https://user:pa/ss${TOKEN}@example.com/x`],
  ])('%s', (_what, url) => {
    const message = messageOf(() => Receiver.webhook('w', { url }));
    expect(message).toMatch(/webhook.*invalid url \(not repeated/);
    expect(message).not.toContain(TOKEN);
  });
});

describe('remote-write headers that carry a credential are refused, by name or by value', () => {
  const stack = (headers: { [key: string]: string }) => () =>
    new MonitoringStack(testChart(), 's', { namespace: 'monitoring', grafana: { enabled: false }, prometheus: { remoteWrite: [{ url: 'https://mimir.example.com/api/v1/push', headers }] } });
  test.each(['Authorization', 'X-Auth-Token', 'Private-Token', 'X-Api-Token', 'Cookie', 'X-API-Key', 'Proxy-Authorization'])('%s', name => {
    const message = messageOf(stack({ [name]: TOKEN }));
    expect(message).toMatch(new RegExp(`headers\\["${name}"\\].*carries no credential`));
    expect(message).not.toContain(TOKEN);
  });
  test.each([`Bearer ${TOKEN}`, TOKEN, `Basic ${Buffer.from('u:p').toString('base64')}`])('a credential value in an innocent header', value => {
    const message = messageOf(stack({ 'X-Custom': value }));
    expect(message).toMatch(/carries no credential/);
    expect(message).not.toContain(value);
  });
  test('X-Scope-OrgID stays accepted', () => expect(messageOf(stack({ 'X-Scope-OrgID': 'ml' }))).toBe(''));
});

describe('SecretKey.of never repeats its arguments: a credential given there by mistake must not reach a log', () => {
  test.each([
    [`https://hooks.slack.com/services/T0/B0/${TOKEN}`, 'url'],
    ['slack', `${TOKEN}/bad key`],
  ])('%s / %s', (name, key) => {
    const message = messageOf(() => SecretKey.of(name, key));
    expect(message).toMatch(/SecretKey.of: invalid (secretName|key) \(not repeated/);
    expect(message).not.toContain(TOKEN);
  });
});
