import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import {
  AlertRouting, GrafanaDashboard, InferenceAutoscaler, InferenceRuntime, MatchOperator, MlInferenceMonitoring, MonitoringStack, Objective,
  Panel, PrometheusRules, Ratio, Receiver, RelabelAction, ScalingSignal, ScrapeTarget, SecretKey, Severity, Sli, SloAlert,
} from '../../src';
import { schemaErrors } from '../util/schema';
import { requireTool } from '../util/tools';

/*
 * The property-based fuzz suite: generated input, good and bad, through every public construct and value
 * type. For every case: no crash (only an Error that names the prop, never a TypeError or a non-Error), no
 * credential it was given in any message or output, and everything accepted passes the Kubernetes and CRD
 * schemas, promtool check rules (Prometheus 3.5) and amtool check-config (Alertmanager 0.33). The seed is
 * fixed so CI is deterministic; FUZZ_SEED and FUZZ_RUNS explore further.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1200);

/** Credentials carry this marker, so any leak is found by a plain search of messages and output. */
const MARK = 'Sx9QkLm2Vb7Tq4Wz8Ny3Rf6P';
const CREDENTIAL_URLS = [
  `https://mimir.example.com/api/v1/push?token=${MARK}`,
  `https://mimir.example.com/push?access_token=${MARK}`,
  `https://example.com/x?api_key=${MARK}`,
  `https://example.com/x?apikey=${MARK}&a=b`,
  `https://user:${MARK}@example.com/x`,
  `https://hooks.slack.com./services/T0/B0/${MARK}`,
  `https://HOOKS.SLACK.COM:443/services/T0/B0/${MARK}`,
  `https://discord.com/api/v10/webhooks/1/${MARK}`,
  `https://outlook.office.com/webhook/${MARK}`,
  `https://chat.example.com/hooks/${MARK}`,
  `https://hooks.slack.com/services/T0/B0/${MARK}\n`,
  `hooks.slack.com/services/${MARK}`,
  `https://user:pa#ss${MARK}@example.com/x`,
  `https://user:pa/ss${MARK}@example.com/x`,
  `https://example.com/#access_token=${MARK}`,
];
const CREDENTIAL_HEADERS = ['Authorization', 'X-Auth-Token', 'Private-Token', 'X-Api-Token', 'Cookie', 'X-API-Key', 'X-Custom'];

const PLAIN_URLS = ['https://mimir.example.com/api/v1/push', 'http://prometheus-operated.monitoring.svc:9090', 'https://runbooks.example.com/ml',
  'https://grafana.example.com', 'http://retrain.argo-events.svc:12000/retrain', 'ftp://example.com', 'not a url', '', 'https://x/{{ .Bogus'];

const NASTY = ['', ' ', 'a', 'ml', 'tenant-a', 'Tenant_A', 'x'.repeat(300), '\uD800', 'a\uDC00b', '😀', '#{{.Bogus', '{{ $value', '{{ end }}',
  'a"b', 'a\\b', 'line\nbreak', '\u0000', 'a}b', '{{ "{{" }}', 'ünïcödé', '0', '-1', 'NaN', 'a b', '../x', 'a/b', 'a.b', 'a:b', 'up{job="x"}'];
const WRONG = [123, -1, 0, NaN, Infinity, null, undefined, {}, [], true, () => 1];
const REGEXES = ['.*', 'a|b', '(?=x)', '(a)\\1', '[', 'a{2,1}', '(?i)abc', '\\d+', 'a)|(b', '(?P<n>a)', '\\p{L}+', ''];
const EXPRS = ['vector(1)', 'up == 0', 'rate(http_requests_total[5m]) > 1', 'a{} or b{}', 'rate(x[5m]', '', 'sum(', 'up{job=~"(?=x)"}'];
const TEMPLATES = ['Latency is high', '{{ $value | humanize }}', '{{ $labels.pod }} down', '#{{.Bogus', '{{ if $value }}x', '{{ $value | humanise }}',
  '{{ printf "%.2f" $value }}', 'x{{ end }}', '{{/* c */}}ok', '{{ "{{" }}'];

const str = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 8 }));
const anything = fc.oneof({ weight: 5, arbitrary: str }, { weight: 1, arbitrary: fc.constantFrom(...WRONG) });
const num = fc.oneof(fc.integer({ min: -5, max: 40000 }), fc.constantFrom(0, 1, 0.5, -0.1, 1.5, 99.9, 100, 1e12, NaN, Infinity, 30090,
  30300), fc.constantFrom(...WRONG));
const duration = fc.oneof(
  fc.constantFrom(undefined, Duration.seconds(0), Duration.seconds(1), Duration.minutes(5), Duration.hours(1), Duration.days(30),
    Duration.days(200_000), Duration.millis(1)),
  fc.constantFrom(...WRONG),
);
const size = fc.oneof(fc.constantFrom(undefined, Size.kibibytes(1), Size.mebibytes(1), Size.gibibytes(50), Size.kibibytes(1536),
  Size.tebibytes(2)), fc.constantFrom(...WRONG));
const labels = fc.oneof(fc.constant(undefined), fc.dictionary(fc.oneof(fc.constantFrom('team', 'env', 'a-b', '1x', '__name__', 'severity'),
  str), anything, { maxKeys: 3 }));

/** Mostly a good value, sometimes a bad one: most cases then differ from a valid one in one or two props. */
function field<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown> = anything): fc.Arbitrary<T> {
  return fc.oneof({ weight: 7, arbitrary: good }, { weight: 1, arbitrary: bad as fc.Arbitrary<T> });
}
const goodOpt = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown> = anything) => field(fc.option(good, { freq: 2 }), bad);

type Build = (chart: Chart) => void;
interface Case { readonly scenario: string; readonly build: Build }

const goodSecret = fc.constant(SecretKey.of('creds', 'key'));
const badSecret = fc.constantFrom(`${MARK}`, CREDENTIAL_URLS[0], undefined, 123 as any);
const sec = field(goodSecret, badSecret);
const plainUrl = fc.constantFrom(...PLAIN_URLS.slice(0, 5));
const anyUrl = fc.oneof(fc.constantFrom(...CREDENTIAL_URLS), fc.constantFrom(...PLAIN_URLS.slice(5)), anything);
const urlOpt = goodOpt(plainUrl, anyUrl);
const word = (...good: string[]) => field(fc.constantFrom(...good));

const OPSGENIE_PRIORITIES = fc.constantFrom('P1', 'P5', '{{ if eq .CommonLabels.severity "critical" }}P1{{ else }}P3{{ end }}');
const receiver = fc.oneof(
  fc.record({ channel: word('#ml-alerts', '@oncall', '#{{.Bogus'), apiUrl: sec }).map(o => () => Receiver.slack('slack', o as any)),
  fc.record({
    to: word('ml@example.com', 'a@example.com, b@example.com'),
    fromAddress: word('am@example.com'),
    smarthost: word('smtp.example.com:587', '[::1]:25', '[2001:db8::25]:465', 'smtp.example.com:0'),
  }).map(o => () => Receiver.email('mail', o as any)),
  fc.record({ routingKey: sec, url: urlOpt, proxyUrl: urlOpt }).map(o => () => Receiver.pagerDuty('pd', o as any)),
  fc.record({ apiKey: sec, priority: goodOpt(OPSGENIE_PRIORITIES, fc.constantFrom('P9', '{{ if }}', 'P1{{')) }).map(o => () => Receiver.opsgenie('og', o as any)),
  fc.record({ url: field(plainUrl, anyUrl), maxAlerts: goodOpt(fc.nat(100), num) }).map(o => () => Receiver.webhook('hook', o as any)),
  fc.record({ urlSecret: sec, bearerToken: goodOpt(goodSecret, badSecret) }).map(o => () => Receiver.webhook('hook', o as any)),
  fc.record({ webhookUrl: sec }).map(o => () => Receiver.msTeams('teams', o as any)),
  fc.record({ webhookUrl: sec }).map(o => () => Receiver.discord('discord', o as any)),
  fc.record({ apiKey: sec, routingKey: word('ml-team', 'x{{y') }).map(o => () => Receiver.victorOps('vo', o as any)),
  fc.record({ botToken: sec, roomId: word('Y2lzY29zcGFyazovL3VzL1JPT00v') }).map(o => () => Receiver.webex('webex', o as any)),
  fc.record({ token: sec, tokenId: sec, channel: word('#ml', '#{{.Bogus'), apiUrl: urlOpt }).map(o => () => Receiver.rocketChat('rc', o as any)),
  fc.record({ apiSecret: sec, corpId: word('corp1'), agentId: word('1000002'), toUser: goodOpt(fc.constantFrom('@all', 'alice|bob')) })
    .map(o => () => Receiver.weChat('wc', o as any)),
);

const routing: fc.Arbitrary<Case> = fc.record({
  receiver,
  matchers: fc.array(fc.record({
    label: word('team', 'namespace', 'ml_signal'),
    value: field(fc.constantFrom('ml', 'a|b', '.*', 'tenant-[ab]'), fc.oneof(fc.constantFrom(...REGEXES), anything)),
    operator: fc.constantFrom(MatchOperator.EQUAL, MatchOperator.REGEX, MatchOperator.NOT_REGEX),
  }), { minLength: 1, maxLength: 2 }),
  interval: fc.record({
    weekdays: goodOpt(fc.constantFrom(['monday:friday'], ['Saturday', 'sunday']), fc.array(fc.oneof(anything,
      fc.constantFrom('friday:monday', 'mon')), { maxLength: 2 })),
    daysOfMonth: goodOpt(fc.constantFrom(['1:7'], ['-7:-1'], ['15']), fc.array(fc.oneof(anything, fc.constantFrom('0', '32', '7:1')),
      { maxLength: 2 })),
    months: goodOpt(fc.constantFrom(['march:may'], ['December'], ['1:3']), fc.array(fc.oneof(anything, fc.constantFrom('13', 'may:march')),
      { maxLength: 2 })),
    location: goodOpt(fc.constantFrom('Europe/Berlin', 'UTC', 'America/New_York'), fc.oneof(anything, fc.constantFrom('Mars/Base', 'europe/berlin'))),
    times: goodOpt(fc.constant([{ start: '09:00', end: '17:00' }]), fc.constant([{ start: '25:00', end: '08:00' }])),
  }),
}).map(o => ({
  scenario: 'receivers and routing',
  build: (chart: Chart) => {
    const r = new AlertRouting(chart, 'routing', { defaultReceiver: Receiver.none('null') });
    const interval = Object.fromEntries(Object.entries(o.interval).filter(([, v]) => v !== null));
    r.addTimeInterval({ name: 'quiet', ...(interval as any) });
    r.addRoute({ matchers: o.matchers as any, receiver: o.receiver(), muteTimeIntervals: ['quiet'] });
  },
}));

const promLabels = goodOpt(fc.constantFrom({ team: 'ml' }, { team: 'ml-{{oops', env: 'prod' }, { owner: 'a"b\\c' }), labels);
const rules: fc.Arbitrary<Case> = fc.record({
  alert: word('ModelDown', 'A_1'),
  expr: field(fc.constantFrom(...EXPRS.slice(0, 3)), fc.oneof(fc.constantFrom(...EXPRS.slice(3)), anything)),
  summary: field(fc.constantFrom(...TEMPLATES.slice(0, 3), '😀 ünïcödé', '{{ "{{" }} braces'),
    fc.oneof(fc.constantFrom(...TEMPLATES.slice(3)), anything)),
  description: goodOpt(fc.constantFrom(...TEMPLATES.slice(0, 3), '{{/* c */}}ok'), fc.oneof(fc.constantFrom(...TEMPLATES.slice(3)), anything)),
  labels: promLabels,
  annotations: goodOpt(fc.constantFrom({ note: 'see {{ $labels.pod }}' }, { dashboard: 'https://g/{{x' })),
  runbookUrl: urlOpt,
  pendingFor: goodOpt(fc.constantFrom(Duration.minutes(5), Duration.seconds(30)), duration),
  keepFiringFor: goodOpt(fc.constantFrom(Duration.minutes(10)), duration),
  record: word('ml:x:rate5m'),
}).map(o => ({
  scenario: 'PrometheusRules',
  build: (chart: Chart) => {
    const g = new PrometheusRules(chart, 'rules', { name: 'fuzz', namespace: 'ml', labels: { release: 'test' } }).addGroup('fuzz');
    g.addRecordingRule({ record: o.record as any, expr: 'sum(up)' });
    const clean = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
    g.addAlertingRule({ ...(clean as any), severity: Severity.WARNING });
  },
}));

const nodePort = goodOpt(fc.constantFrom(30090, 30093, 30300, 32767), num);
const stack: fc.Arbitrary<Case> = fc.record({
  remoteUrl: field(plainUrl, anyUrl),
  headers: goodOpt(fc.constantFrom({ 'X-Scope-OrgID': 'ml' }), fc.dictionary(fc.constantFrom(...CREDENTIAL_HEADERS, 'bad header'),
    fc.constantFrom(MARK, `Bearer ${MARK}`, 'ml'), { minKeys: 1, maxKeys: 2 })),
  retentionSize: goodOpt(fc.constantFrom(Size.gibibytes(45), Size.mebibytes(512)), size),
  storage: goodOpt(fc.constantFrom(Size.gibibytes(50)), size),
  promNodePort: nodePort,
  amNodePort: nodePort,
  grafanaNodePort: nodePort,
  replicas: goodOpt(fc.integer({ min: 1, max: 3 }), num),
  externalLabels: promLabels,
  externalUrl: urlOpt,
  policies: fc.boolean(),
  sources: goodOpt(fc.constantFrom(['10.0.0.0/16'], ['fd00::/8', '192.0.2.0/24']), fc.array(fc.oneof(anything,
    fc.constantFrom('10.0.0.0/33', '10.0.0.0')), { maxLength: 2 })),
  keda: goodOpt(fc.constantFrom('keda', 'autoscaling')),
  retention: goodOpt(fc.constantFrom(Duration.days(15)), duration),
}).map(o => ({
  scenario: 'MonitoringStack',
  build: (chart: Chart) => {
    const u = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
    new MonitoringStack(chart, 'stack', {
      namespace: 'monitoring',
      prometheus: {
        replicas: u(o.replicas) as any,
        retention: u(o.retention) as any,
        retentionSize: u(o.retentionSize) as any,
        externalUrl: u(o.externalUrl) as any,
        storage: o.storage ? { size: o.storage as any } : undefined,
        nodePort: u(o.promNodePort) as any,
        externalLabels: u(o.externalLabels) as any,
        remoteWrite: [{ url: o.remoteUrl as any, headers: u(o.headers) as any }],
      },
      alertmanager: { nodePort: u(o.amNodePort) as any },
      grafana: { adminPassword: SecretKey.of('grafana', 'password'), nodePort: u(o.grafanaNodePort) as any },
      networkPolicies: o.policies,
      network: { nodePortSources: u(o.sources) as any, kedaNamespace: u(o.keda) as any },
    });
  },
}));

const RUNTIMES = [() => InferenceRuntime.fastApi(), () => InferenceRuntime.vllm(), () => InferenceRuntime.triton(), () => InferenceRuntime.tgi()];
const custom = fc.record({
  name: word('my-server'),
  requestsCounter: word('predict_requests_total'),
  errorsCounter: field(fc.constant('predict_errors_total')),
  errorLabelMatchers: field(fc.constantFrom({ code: '5..' }, { status: 'error|failed' }), fc.dictionary(fc.oneof(fc.constant('code'), str),
    fc.oneof(fc.constantFrom(...REGEXES), anything), { maxKeys: 2 })),
  byLabels: fc.boolean(),
}).map(({ byLabels, errorsCounter, errorLabelMatchers, ...c }) => {
  const counted = byLabels ? { errorLabelMatchers } : { errorsCounter };
  return () => InferenceRuntime.custom({ ...c, ...counted } as any);
});
const inference: fc.Arbitrary<Case> = fc.record({
  runtime: fc.oneof(fc.constantFrom(...RUNTIMES), custom),
  namespace: word('tenant-a', 'ml'),
  selector: field(fc.constantFrom({ app: 'fraud' }, { 'app.kubernetes.io/name': 'llm' }), labels),
  serviceName: goodOpt(fc.constantFrom('fraud', 'chat-llm')),
  runbookBaseUrl: urlOpt,
  grafanaUrl: urlOpt,
  latency: goodOpt(fc.record({
    maxLatency: field(fc.constantFrom(Duration.millis(500), Duration.seconds(1)), duration),
    quantile: goodOpt(fc.constantFrom(0.9, 0.99), num),
  })),
  errorRatio: goodOpt(fc.record({ maxErrorRatio: field(fc.constantFrom(Ratio.percent(5), Ratio.of(0.01)), fc.constantFrom(...WRONG)) })),
  cpu: goodOpt(fc.record({ maxCores: goodOpt(fc.constantFrom(2, 0.5), num) })),
  queue: goodOpt(fc.record({ maxQueued: goodOpt(fc.constantFrom(10, 100), num) })),
  slo: fc.record({
    objective: field(fc.constantFrom(99.9, 99, 95), fc.oneof(fc.constantFrom(100, 0, -1, 101, NaN), fc.double())),
    window: goodOpt(fc.constantFrom(Duration.days(28), Duration.days(7)), duration),
  }),
  scale: fc.record({
    signal: fc.constantFrom('requests', 'queue', 'latency'),
    target: field(fc.constantFrom(5, 10), num),
    max: field(fc.constantFrom(4, 10), num),
    url: urlOpt,
  }),
}).map(o => ({
  scenario: 'MlInferenceMonitoring, SloAlert, InferenceAutoscaler',
  build: (chart: Chart) => {
    const u = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
    const clean = (v: any) => (v === null || v === undefined || typeof v !== 'object' ? v ?? undefined : Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null)));
    const m = new MlInferenceMonitoring(chart, 'svc', {
      namespace: o.namespace as any,
      selector: o.selector as any,
      runtime: o.runtime(),
      serviceName: u(o.serviceName) as any,
      runbookBaseUrl: u(o.runbookBaseUrl) as any,
      grafanaUrl: u(o.grafanaUrl) as any,
      selectorLabels: { release: 'test' },
      alerts: { latency: clean(o.latency), errorRatio: clean(o.errorRatio), cpu: clean(o.cpu), queue: clean(o.queue) } as any,
    });
    new SloAlert(chart, 'slo', {
      sli: m.availability(),
      objective: Objective.percent(o.slo.objective),
      window: u(o.slo.window) as any,
      selectorLabels: { release: 'test' },
    });
    const signal = o.scale.signal === 'requests' ? ScalingSignal.requestRate(o.scale.target as any)
      : o.scale.signal === 'queue' ? ScalingSignal.queue(o.scale.target as any) : ScalingSignal.latency(Duration.seconds(Number(o.scale.target) || 1));
    new InferenceAutoscaler(chart, 'scale', {
      inference: m,
      namespace: o.namespace as any,
      deployment: 'fraud',
      signal,
      maxReplicas: o.scale.max as any,
      prometheusUrl: (u(o.scale.url) ?? 'http://prometheus.monitoring.svc:9090') as any,
    });
  },
}));

const sli: fc.Arbitrary<Case> = fc.record({
  name: word('checkout'),
  errors: field(fc.constantFrom('http_requests_total{code=~"5.."}', 'errors_total'), fc.oneof(fc.constantFrom(...EXPRS), anything)),
  total: word('http_requests_total'),
  objective: fc.constantFrom(99.9, 95),
  window: goodOpt(fc.constantFrom(Duration.days(30)), duration),
  namespace: word('ml'),
}).map(o => ({
  scenario: 'Sli.errorRatio and SloAlert',
  build: (chart: Chart) => {
    new SloAlert(chart, 'slo', {
      sli: Sli.errorRatio({ name: o.name as any, errors: o.errors as any, total: o.total as any }),
      objective: Objective.percent(o.objective),
      window: (o.window ?? undefined) as any,
      rulesNamespace: o.namespace as any,
      selectorLabels: { release: 'test' },
    } as any);
  },
}));

const scrape: fc.Arbitrary<Case> = fc.record({
  namespace: word('ml'),
  selector: field(fc.constant({ app: 'x' }), labels),
  port: goodOpt(fc.constantFrom('http', 'metrics')),
  relabel: fc.array(fc.record({
    regex: goodOpt(fc.constantFrom('(.*)', 'a|b', 'tenant-(.+)'), fc.oneof(fc.constantFrom(...REGEXES), anything)),
    targetLabel: goodOpt(fc.constantFrom('team', '${1}', 'pod_name'), fc.oneof(fc.constantFrom('1x', 'a-b'), anything)),
    sourceLabels: goodOpt(fc.constant(['__meta_kubernetes_pod_name']), fc.array(str, { maxLength: 2 })),
    action: fc.constantFrom(RelabelAction.REPLACE, RelabelAction.KEEP, RelabelAction.DROP),
  }), { maxLength: 2 }),
  interval: goodOpt(fc.constantFrom(Duration.seconds(30)), duration),
  sampleLimit: goodOpt(fc.constantFrom(1000), num),
}).map(o => ({
  scenario: 'ScrapeTarget',
  build: (chart: Chart) => {
    const relabelings = o.relabel.map(r => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)));
    new ScrapeTarget(chart, 'scrape', {
      namespace: o.namespace as any,
      selector: o.selector as any,
      port: (o.port ?? undefined) as any,
      relabelings: relabelings as any,
      interval: (o.interval ?? undefined) as any,
      sampleLimit: (o.sampleLimit ?? undefined) as any,
      labels: { release: 'test' },
    });
  },
}));

const dashboard: fc.Arbitrary<Case> = fc.record({
  title: word('Fraud model', '😀 ünïcödé'),
  namespace: word('monitoring'),
  panel: word('p95 latency'),
  expr: field(fc.constantFrom('sum(up)', 'rate(x[5m])'), fc.oneof(fc.constantFrom(...EXPRS.slice(3)), anything)),
}).map(o => ({
  scenario: 'GrafanaDashboard',
  build: (chart: Chart) => {
    const d = new GrafanaDashboard(chart, 'dash', {
      title: o.title as any,
      namespace: o.namespace as any,
      labels: { grafana_dashboard: '1' },
    } as any);
    d.addPanel(Panel.timeseries({ title: o.panel as any, queries: [{ expr: o.expr as any }] }));
  },
}));

const secretKeys: fc.Arbitrary<Case> = fc.record({
  name: field(fc.constant('slack'), fc.oneof(anything,
    fc.constantFrom(...CREDENTIAL_URLS))),
  key: field(fc.constant('url'), fc.oneof(anything, fc.constant(MARK))),
}).map(o => ({
  scenario: 'SecretKey.of',
  build: () => {
    SecretKey.of(o.name as any, o.key as any);
  },
}));

const CASES = fc.oneof(
  { weight: 3, arbitrary: routing }, { weight: 3, arbitrary: rules }, { weight: 2, arbitrary: stack }, { weight: 3, arbitrary: inference },
  { weight: 1, arbitrary: sli }, { weight: 1, arbitrary: scrape }, { weight: 1, arbitrary: dashboard }, { weight: 1, arbitrary: secretKeys },
);

interface Outcome {
  readonly scenario: string;
  readonly kind: 'error' | 'accepted' | 'crash';
  readonly message?: string;
  readonly yaml?: string;
  readonly docs?: any[];
}

function run(c: Case): Outcome {
  const chart = new Chart(Testing.app(), 'fuzz');
  try {
    c.build(chart);
    const docs = Testing.synth(chart);
    return { scenario: c.scenario, kind: 'accepted', docs, yaml: docs.map(d => YAML.stringify(d)).join('---\n') };
  } catch (e) {
    const jsError = e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
    const clear = e instanceof Error && !jsError
      && /(: invalid |is written by both|cannot express)/.test(e.message);
    return {
      scenario: c.scenario,
      kind: clear ? 'error' : 'crash',
      message: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e),
    };
  }
}

function batch(tool: string, args: string[], files: Map<string, string>): Set<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-'));
  try {
    for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
    const failed = new Set<string>();
    const names = [...files.keys()];
    for (let i = 0; i < names.length; i += 200) {
      const chunk = names.slice(i, i + 200);
      const r = spawnSync(requireTool(tool), [...args, ...chunk], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
      // Both tools print "Checking <file>" and then "SUCCESS" for each file they accept, on standard output.
      const blocks = new Map(`${r.stdout}`.split(/^Checking /m).slice(1).map(b => [b.split(/\s/)[0].replace(/^'|'$/g, ''), b]));
      for (const n of chunk) {
        if (!/\bSUCCESS\b/.test(blocks.get(n) ?? '')) {
          if (process.env.FUZZ_KEEP) fs.copyFileSync(path.join(dir, n), path.join(os.tmpdir(), `fuzz-failed-${n}`));
          failed.add(`${n}: ${(blocks.get(n) ?? '').slice(0, 200)} ${r.stderr.split('\n').filter(l => l.includes(n)).join(' ').slice(0, 400)}`);
        }
      }
    }
    return failed;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('fuzz: generated input through every public construct', () => {
  const outcomes: Outcome[] = fc.sample(CASES, { seed: SEED, numRuns: RUNS }).map(run);
  const accepted = outcomes.filter(o => o.kind === 'accepted');
  const count = (kind: Outcome['kind']) => outcomes.filter(o => o.kind === kind).length;

  afterAll(() => {
    const by = new Map<string, number[]>();
    for (const o of outcomes) {
      const row = by.get(o.scenario) ?? [0, 0, 0];
      row[o.kind === 'error' ? 0 : o.kind === 'accepted' ? 1 : 2]++;
      by.set(o.scenario, row);
    }
    const table = [...by].map(([s, [e, a, c]]) => `  ${s}: ${e} clear errors, ${a} accepted, ${c} crashes`).join('\n');
    // eslint-disable-next-line no-console
    console.log(`fuzz (seed ${SEED}): ${outcomes.length} cases, ${count('error')} clear errors, ${accepted.length} accepted,
      ${count('crash')} crashes\n${table}`);
  });

  test(`at least 1,000 cases, across every scenario (seed ${SEED})`, () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(accepted.map(o => o.scenario)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(outcomes.filter(o => o.kind === 'error').map(o => o.scenario)).size).toBe(8);
  });

  test('no crash: every refusal is an Error that names the prop', () => {
    expect(outcomes.filter(o => o.kind === 'crash').map(o => `${o.scenario}: ${o.message}`).slice(0, 5)).toEqual([]);
  });

  test('no credential in any error message or any output', () => {
    const leaks = outcomes.filter(o => (o.message ?? '').includes(MARK) || (o.yaml ?? '').includes(MARK));
    expect(leaks.map(o => `${o.scenario}: ${(o.message ?? o.yaml ?? '').slice(0, 300)}`).slice(0, 5)).toEqual([]);
  });

  test('every accepted object validates against its schema', () => {
    const problems = accepted.flatMap(o => o.docs!.flatMap(d => schemaErrors(d).map(p => `${o.scenario}: ${d.kind}/${d.metadata?.name}: ${p}`)));
    expect(problems.slice(0, 5)).toEqual([]);
  });

  test('every accepted PrometheusRule loads in promtool check rules, every Alertmanager configuration in amtool check-config', () => {
    const ruleFiles = new Map<string, string>();
    const amFiles = new Map<string, string>();
    accepted.forEach((o, i) => o.docs!.forEach((d, j) => {
      if (d.kind === 'PrometheusRule') ruleFiles.set(`r${i}-${j}.yaml`, YAML.stringify({ groups: d.spec.groups }));
      const am = d.kind === 'Secret' ? d.stringData?.['alertmanager.yaml'] : undefined;
      if (am) amFiles.set(`a${i}-${j}.yaml`, am);
    }));
    expect(ruleFiles.size).toBeGreaterThan(100);
    expect(amFiles.size).toBeGreaterThan(20);
    expect([...batch('promtool', ['check', 'rules'], ruleFiles)].slice(0, 5)).toEqual([]);
    expect([...batch('amtool', ['check-config'], amFiles)].slice(0, 5)).toEqual([]);
  });
});
