import * as fs from 'fs';
import * as YAML from 'yaml';
import { AlertRouting, Receiver, RoutingOutput, SecretKey } from '../../src';
import { MESSAGE_KINDS, messageBody } from '../../src/alerting/_messages';
import { startRecorder, waitFor } from '../e2e/_processes';
import { startAlertmanager } from '../util/alertmanager';
import { checkAlertmanagerConfig } from '../util/promtool';
import { validateAll } from '../util/schema';
import { oneOfKind, synthChart, testChart } from '../util/synth';

const k = (name: string, key: string) => SecretKey.of(name, key);

/** One receiver of every kind the library offers. */
function everyReceiver(): Receiver[] {
  return [
    Receiver.slack('slack', { channel: '#ml', apiUrl: k('slack', 'url') }),
    Receiver.email('email', { to: 'ml@example.com', fromAddress: 'am@example.com', smarthost: 'smtp.example.com:587', authUsername: 'am', authPassword: k('smtp', 'password') }),
    Receiver.pagerDuty('pagerduty', { routingKey: k('pagerduty', 'routing-key'), url: 'https://events.eu.pagerduty.com/v2/enqueue' }),
    Receiver.opsgenie('opsgenie', { apiKey: k('opsgenie', 'api-key'), priority: 'P2' }),
    Receiver.msTeams('teams', { webhookUrl: k('teams', 'webhook-url') }),
    Receiver.msTeamsV2('teams-v2', { webhookUrl: k('teams', 'workflow-url') }),
    Receiver.webhook('webhook', { url: 'https://argo-events.example.com/retrain', bearerToken: k('argo', 'token') }),
    Receiver.webhook('webhook-secret-url', { urlSecret: k('argo', 'url') }),
    Receiver.discord('discord', { webhookUrl: k('discord', 'webhook-url') }),
    Receiver.telegram('telegram', { botToken: k('telegram', 'bot-token'), chatId: -1001234567890 }),
    Receiver.webex('webex', { roomId: 'Y2lzY29zcGFyazovL3VzL1JPT00v', botToken: k('webex', 'token') }),
    Receiver.sns('sns', { topicArn: 'arn:aws:sns:eu-west-1:123456789012:ml-alerts', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/alertmanager' }),
    Receiver.victorOps('victorops', { apiKey: k('victorops', 'api-key'), routingKey: 'ml' }),
    Receiver.pushover('pushover', { userKey: k('pushover', 'user-key'), token: k('pushover', 'token') }),
    Receiver.weChat('wechat', { apiSecret: k('wechat', 'secret'), corpId: 'ww0123456789', agentId: '1000002' }),
    Receiver.rocketChat('rocketchat', { token: k('rocketchat', 'token'), tokenId: k('rocketchat', 'token-id'), channel: '#ml', apiUrl: 'https://chat.example.com' }),
  ];
}

function routingWith(receivers: Receiver[], output = RoutingOutput.ALERTMANAGER_SECRET) {
  const chart = testChart('monitoring');
  const routing = new AlertRouting(chart, 'routing', { output, defaultReceiver: receivers[0] });
  receivers.slice(1).forEach((r, i) => routing.addRoute({ matchers: [{ label: 'receiver', value: r.name }], receiver: r, continueMatching: i % 2 === 0 }));
  return { chart, routing };
}

describe('every receiver', () => {
  test('alertmanager.yaml with all sixteen receivers passes amtool; every credential is a mounted Secret file', () => {
    const { chart, routing } = routingWith(everyReceiver());
    const config = oneOfKind(synthChart(chart), 'Secret').stringData['alertmanager.yaml'];
    const r = checkAlertmanagerConfig(config);
    expect(r.output).toContain('SUCCESS');
    expect(r.output).toMatch(/17 receivers/); // and the discarding receiver of the Watchdog
    const parsed = YAML.parse(config);
    const files: string[] = [];
    const walk = (o: any, key = '') => {
      if (Array.isArray(o)) o.forEach(x => walk(x));
      else if (o && typeof o === 'object') Object.entries(o).forEach(([kk, v]) => walk(v, kk));
      else if (key.endsWith('_file')) files.push(o);
    };
    walk(parsed.receivers);
    expect(files.length).toBe(17); // pushover and rocketchat read two each; sns none
    for (const f of files) expect(f).toMatch(/^\/etc\/alertmanager\/secrets\/[a-z-]+\/[a-z-]+$/);
    expect(routing.secretNames).toEqual(['argo', 'discord', 'opsgenie', 'pagerduty', 'pushover', 'rocketchat', 'slack', 'smtp', 'teams', 'telegram', 'victorops', 'webex', 'wechat']);
    // SNS takes no static key: the pod's AWS identity.
    expect(parsed.receivers.find((x: any) => x.name === 'sns').sns_configs[0].sigv4).toEqual({ region: 'eu-west-1', role_arn: 'arn:aws:iam::123456789012:role/alertmanager' });
  });

  test('the AlertmanagerConfig rendering of all sixteen validates against the CRD, secrets as SecretKeySelectors', () => {
    const { chart } = routingWith(everyReceiver(), RoutingOutput.ALERTMANAGER_CONFIG);
    const docs = synthChart(chart);
    validateAll(docs);
    const spec = oneOfKind(docs, 'AlertmanagerConfig').spec;
    expect(spec.receivers).toHaveLength(17);
    const r = (name: string) => spec.receivers.find((x: any) => x.name === name);
    expect(r('teams').msteamsConfigs[0].webhookUrl).toEqual({ name: 'teams', key: 'webhook-url' });
    expect(r('teams-v2').msteamsv2Configs[0].webhookURL).toEqual({ name: 'teams', key: 'workflow-url' });
    expect(r('telegram').telegramConfigs[0]).toMatchObject({ chatID: -1001234567890, botToken: { name: 'telegram', key: 'bot-token' }, parseMode: 'HTML' });
    expect(r('rocketchat').rocketchatConfigs[0]).toMatchObject({ token: { name: 'rocketchat', key: 'token' }, tokenID: { name: 'rocketchat', key: 'token-id' } });
    expect(r('webhook-secret-url').webhookConfigs[0].urlSecret).toEqual({ name: 'argo', key: 'url' });
  });

  test('a real Alertmanager delivers to Teams (Workflows), Discord and a webhook whose URL is read from Secret files, with readable messages', async () => {
    const recorder = await startRecorder();
    const dir = '/etc/alertmanager/secrets';
    const written: string[] = [];
    const put = (name: string, key: string, value: string) => {
      fs.mkdirSync(`${dir}/${name}`, { recursive: true });
      fs.writeFileSync(`${dir}/${name}/${key}`, value);
      written.push(`${dir}/${name}/${key}`);
    };
    const receivers = [
      Receiver.msTeamsV2('teams-v2', { webhookUrl: k('e2e-teams', 'url') }),
      Receiver.discord('discord', { webhookUrl: k('e2e-discord', 'url') }),
      Receiver.webhook('hook', { urlSecret: k('e2e-hook', 'url') }),
    ];
    put('e2e-teams', 'url', `${recorder.url}/teams`);
    put('e2e-discord', 'url', `${recorder.url}/discord`);
    put('e2e-hook', 'url', `${recorder.url}/hook`);
    const chart = testChart('monitoring');
    const routing = new AlertRouting(chart, 'routing', { defaultReceiver: Receiver.none('null'), groupWait: undefined });
    for (const r of receivers) routing.addRoute({ matchers: [{ label: 'alertname', value: 'ModelLatencyHigh' }], receiver: r, continueMatching: true });
    const secret = oneOfKind(synthChart(chart), 'Secret');
    fs.mkdirSync('/etc/alertmanager/config', { recursive: true });
    fs.writeFileSync('/etc/alertmanager/config/mlmon.tmpl', secret.stringData['mlmon.tmpl']);
    written.push('/etc/alertmanager/config/mlmon.tmpl');
    const am = await startAlertmanager(secret.stringData['alertmanager.yaml'].replace('group_wait: 30s', 'group_wait: 1s'));
    try {
      await fetch(`${am.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify([{
          labels: { alertname: 'ModelLatencyHigh', namespace: 'tenant-a', model: 'fraud', severity: 'warning' },
          annotations: { summary: 'p95 latency of fraud is 6s', description: 'above 5s for 2m', runbook_url: 'https://runbooks.example.com/#modellatencyhigh' },
        }]),
      });
      const got = await waitFor('three deliveries', 30_000, async () => {
        const paths = new Set(recorder.deliveries.map(d => d.path));
        return ['/teams', '/discord', '/hook'].every(p => paths.has(p)) ? recorder.deliveries : undefined;
      });
      const body = (p: string) => JSON.stringify(got.find(d => d.path === p)!.body);
      for (const p of ['/teams', '/discord']) {
        expect(body(p)).toContain('ModelLatencyHigh in tenant-a (fraud)');
        expect(body(p)).toContain('p95 latency of fraud is 6s');
        expect(body(p)).toContain('Runbook: https://runbooks.example.com/#modellatencyhigh');
      }
      expect(got.find(d => d.path === '/hook')!.body.alerts[0].labels).toMatchObject({ alertname: 'ModelLatencyHigh', namespace: 'tenant-a' });
    } finally {
      await am.stop();
      await recorder.close();
      written.forEach(f => fs.rmSync(f, { force: true }));
    }
  });

  test('both renderings send the same message in the same field of every receiver: a template reference beside alertmanager.yaml, its body in an AlertmanagerConfig', () => {
    const file = YAML.parse(oneOfKind(synthChart(routingWith(everyReceiver()).chart), 'Secret').stringData['alertmanager.yaml']);
    const crd = oneOfKind(synthChart(routingWith(everyReceiver(), RoutingOutput.ALERTMANAGER_CONFIG).chart), 'AlertmanagerConfig').spec;
    const bodies = Object.fromEntries(MESSAGE_KINDS.map(kind => [messageBody(kind), kind]));
    const messagesOf = (o: any, byBody: boolean): string[] => {
      const found: string[] = [];
      const walk = (x: any, at: string) => {
        if (Array.isArray(x)) {x.forEach((y, i) => walk(y, `${at}[${i}]`));} else if (x && typeof x === 'object') {Object.entries(x).forEach(([key, v]) => walk(v, `${at}.${key.toLowerCase().replace(/_/g, '')}`));} else if (typeof x === 'string') {
          const kind = byBody ? bodies[x] : /^\{\{ template "mlmon\.(\w+)" \. \}\}$/.exec(x)?.[1];
          if (kind) found.push(`${at.replace(/\.headers(\[0\]\.value|\.subject)$/, '.subject')}=${kind}`);
          else if (x.includes('{{ template') || x.includes('.Annotations.summary')) found.push(`${at}=unknown`);
        }
      };
      walk(o, '');
      return found.sort();
    };
    for (const r of file.receivers.filter((x: any) => Object.keys(x).length > 1)) {
      const c = crd.receivers.find((x: any) => x.name === r.name);
      const fileKinds = messagesOf(Object.fromEntries(Object.entries(r).filter(([key]) => key !== 'name').map(([key, v]) => [key.replace(/_configs$/, ''), v])), false);
      const crdKinds = messagesOf(Object.fromEntries(Object.entries(c).filter(([key]) => key !== 'name').map(([key, v]) => [key.replace(/Configs$/, ''), v])), true);
      expect([r.name, crdKinds]).toEqual([r.name, fileKinds]);
      if (!['webhook', 'webhook-secret-url'].includes(r.name)) expect([r.name, fileKinds.length]).not.toEqual([r.name, 0]);
    }
  });

  test('a real Alertmanager renders the template file and the inlined bodies of an AlertmanagerConfig into the same messages: firing count, tenant, model, dashboard and runbook links', async () => {
    const recorder = await startRecorder();
    const dir = '/etc/alertmanager/secrets/e2e-messages';
    fs.mkdirSync(dir, { recursive: true });
    const chart = testChart('monitoring');
    const routing = new AlertRouting(chart, 'routing', { defaultReceiver: Receiver.none('null'), groupWait: undefined });
    routing.addRoute({ matchers: [{ label: 'alertname', value: 'ModelLatencyHigh' }], receiver: Receiver.discord('discord', { webhookUrl: k('e2e-messages', 'url') }) });
    const secret = oneOfKind(synthChart(chart), 'Secret');
    const config = YAML.parse(secret.stringData['alertmanager.yaml']);
    // Beside each message kind as a reference to the shipped file, the same kind as the body an
    // AlertmanagerConfig carries (the operator copies a receiver's strings into alertmanager.yaml as they are).
    const route = config.route.routes.find((x: any) => x.receiver === 'discord');
    config.route.routes = [];
    for (const kind of MESSAGE_KINDS) {
      for (const form of ['file', 'inline']) {
        const name = `${kind}-${form}`;
        fs.writeFileSync(`${dir}/${name}`, `${recorder.url}/${name}`);
        const text = form === 'file' ? `{{ template "mlmon.${kind}" . }}` : messageBody(kind);
        config.receivers.push({ name, discord_configs: [{ webhook_url_file: `${dir}/${name}`, title: 'x', message: text, send_resolved: false }] });
        config.route.routes.push({ ...route, receiver: name, continue: true });
      }
    }
    fs.mkdirSync('/etc/alertmanager/config', { recursive: true });
    fs.writeFileSync('/etc/alertmanager/config/mlmon.tmpl', secret.stringData['mlmon.tmpl']);
    const am = await startAlertmanager(YAML.stringify(config).replace('group_wait: 30s', 'group_wait: 1s'));
    try {
      const alert = (pod: string) => ({
        labels: { alertname: 'ModelLatencyHigh', namespace: 'tenant-a', model: 'fraud', severity: 'warning', pod },
        annotations: {
          summary: `p95 latency of fraud is 6s on ${pod}`,
          description: 'above 5s for 2m',
          runbook_url: 'https://runbooks.example.com/#modellatencyhigh',
          dashboard_url: 'https://grafana.example.com/d/abc',
        },
      });
      await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([alert('p1'), alert('p2')]) });
      const names = MESSAGE_KINDS.flatMap(kind => [`/${kind}-file`, `/${kind}-inline`]);
      const got = await waitFor('eight deliveries', 30_000, async () => {
        const paths = new Set(recorder.deliveries.map(d => d.path));
        return names.every(p => paths.has(p)) ? recorder.deliveries : undefined;
      });
      const content = (p: string) => JSON.stringify(got.find(d => d.path === p)!.body.embeds[0].description);
      for (const kind of MESSAGE_KINDS) expect([kind, content(`/${kind}-inline`)]).toEqual([kind, content(`/${kind}-file`)]);
      expect(content('/title-file')).toContain('[FIRING:2] ModelLatencyHigh in tenant-a (fraud)');
      expect(content('/telegram-file')).toContain('FIRING:2 ModelLatencyHigh');
      for (const kind of ['text', 'html', 'telegram']) {
        expect(content(`/${kind}-file`)).toContain('p95 latency of fraud is 6s on p2');
        expect(content(`/${kind}-file`)).toContain('https://grafana.example.com/d/abc');
        expect(content(`/${kind}-file`)).toContain('https://runbooks.example.com/#modellatencyhigh');
        expect(content(`/${kind}-file`)).toContain('fraud');
      }
    } finally {
      await am.stop();
      await recorder.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync('/etc/alertmanager/config/mlmon.tmpl', { force: true });
    }
  });

  test('HTTP proxy settings reach both renderings, beside a receiver\'s own HTTP credentials', () => {
    const receivers = [
      Receiver.slack('slack', { channel: '#ml', apiUrl: k('slack', 'url'), proxyUrl: 'http://proxy.corp.example.com:3128' }),
      Receiver.webhook('hook', { url: 'https://hooks.example.com/x', bearerToken: k('argo', 'token'), proxyUrl: 'http://proxy.corp.example.com:3128' }),
      Receiver.msTeamsV2('teams', { webhookUrl: k('teams', 'url'), proxyFromEnvironment: true }),
    ];
    const { chart } = routingWith(receivers);
    const config = oneOfKind(synthChart(chart), 'Secret').stringData['alertmanager.yaml'];
    expect(checkAlertmanagerConfig(config).ok).toBe(true);
    const parsed = YAML.parse(config);
    expect(parsed.receivers.find((x: any) => x.name === 'hook').webhook_configs[0].http_config).toEqual({
      proxy_url: 'http://proxy.corp.example.com:3128', authorization: { type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/argo/token' },
    });
    expect(parsed.receivers.find((x: any) => x.name === 'teams').msteamsv2_configs[0].http_config).toEqual({ proxy_from_environment: true });
    const crd = routingWith(receivers, RoutingOutput.ALERTMANAGER_CONFIG);
    const docs = synthChart(crd.chart);
    validateAll(docs);
    expect(oneOfKind(docs, 'AlertmanagerConfig').spec.receivers.find((x: any) => x.name === 'hook').webhookConfigs[0].httpConfig)
      .toEqual({ proxyURL: 'http://proxy.corp.example.com:3128', authorization: { type: 'Bearer', credentials: { name: 'argo', key: 'token' } } });
    expect(() => Receiver.email('mail', { to: 'a@example.com', fromAddress: 'b@example.com', smarthost: 'smtp.example.com:25', proxyUrl: 'http://p.example.com' }))
      .toThrow(/Receiver.email\("mail"\): invalid proxyUrl \(not repeated: it could hold a credential\): no proxy settings/);
    expect(() => Receiver.discord('d', { webhookUrl: k('a', 'b'), proxyUrl: 'http://p.example.com', proxyFromEnvironment: true })).toThrow(/proxyUrl or proxyFromEnvironment, not both/);
  });

  test('bad input names the receiver, the prop, the value and the accepted form', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => Receiver.telegram('t', { botToken: k('a', 'b'), chatId: 0 }), /Receiver.telegram\("t"\): invalid chatId 0: a Telegram chat id/],
      [() => Receiver.telegram('t', { botToken: 'tok' as any, chatId: 1 }), /invalid botToken "\(a plain string\)": a SecretKey/],
      [() => Receiver.pushover('p', { userKey: k('a', 'b'), token: k('a', 'c'), priority: 3 }), /invalid priority 3: a Pushover priority from -2 to 2/],
      [() => Receiver.sns('s', { topicArn: 'ml-alerts', region: 'eu-west-1' }), /invalid topicArn "ml-alerts": an SNS topic ARN/],
      [() => Receiver.sns('s', { topicArn: 'arn:aws:sns:eu-west-1:123456789012:x', region: 'Europe' }), /invalid region "Europe"/],
      [() => Receiver.sns('s', { topicArn: 'arn:aws:sns:eu-west-1:123456789012:x', region: 'eu-west-1', roleArn: 'admin' }), /invalid roleArn "admin"/],
      [() => Receiver.weChat('w', { apiSecret: k('a', 'b'), corpId: '', agentId: '1' }), /invalid corpId "": the WeChat Work corporation id/],
      [() => Receiver.rocketChat('r', { token: k('a', 'b'), tokenId: k('a', 'c'), channel: 'ml alerts' }), /invalid channel "ml alerts"/],
      [() => Receiver.webhook('h', { url: 'https://x.example.com', urlSecret: k('a', 'b') }), /exactly one of url .* or urlSecret/],
      [() => Receiver.webhook('h', {}), /exactly one of url/],
      [() => Receiver.webhook('h', { url: 'https://x.example.com/hook?token=abc' }), /invalid url https:\/\/x.example.com\/… \(the rest not repeated: it could hold a credential\): a URL that carries no credential, but this one carries a credential parameter \("token"\)/],
      [() => Receiver.webhook('h', { url: 'https://hooks.slack.com/services/T0/B0/SECRETPART' }), /invalid url https:\/\/hooks.slack.com\/… \(the rest not repeated.*carries a Slack incoming-webhook URL.*give the URL as urlSecret/],
      [() => Receiver.webhook('h', { url: 'https://contoso.webhook.office.com/webhookb2/abc' }), /invalid url .*give the URL as urlSecret/],
      [() => Receiver.webhook('h', { url: 'https://discord.com/api/webhooks/1/abc' }), /invalid url .*give the URL as urlSecret/],
      [() => Receiver.msTeams('Teams!', { webhookUrl: k('a', 'b') }), /Receiver.msTeams: invalid name "Teams!"/],
    ];
    for (const [f, m] of cases) expect(f).toThrow(m);
  });
});
