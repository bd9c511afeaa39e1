import { Duration } from 'cdk8s';
import { monitorThroughStack } from './_fixtures';
import {
  GlobalEvaluator, InferenceRuntime, MlInferenceMonitoring, MonitoringStack, Objective, PrometheusRules, SecretKey, SloAlert,
} from '../../src';
import { ruleScope } from '../../src/rules/_rule-scope';
import { checkRules } from '../util/promtool';
import { validateAll } from '../util/schema';
import { Doc, synthChart, testChart } from '../util/synth';

const EVAL = 'ml-monitoring.cdk8s.io/evaluation';
const GRAFANA = { adminPassword: SecretKey.of('grafana-admin', 'password') };

describe('rule scope', () => {
  test.each([
    ['up{ml_service="a"} == 0', 'local', 'one target\'s series against a number'],
    ['rate(http_requests_total{pod="p"}[5m]) * 2', 'local', 'a per-series rate'],
    ['histogram_quantile(0.9, rate(x_bucket[5m]))', 'local', 'a quantile of each target\'s own histogram'],
    ['label_replace(up, "a", "b", "", "")', 'local', 'relabelled, still one series per target'],
    ['max_over_time(x[5m:1m]) offset 1h', 'local', 'a subquery and offset of one series'],
    ['(rate(x[5m]) > 1) * 2', 'local', 'nested arithmetic with numbers only'],
    ['sum by (namespace) (rate(x[5m]))', 'global', 'an aggregation over targets'],
    ['absent(up{ml_service="a"})', 'global', 'absent: every shard without the targets says they are gone'],
    ['x or vector(0)', 'global', 'vector(): a series every shard would write'],
    ['rate(x[5m]) > scalar(y)', 'global', 'scalar() of a series another shard may hold'],
    ['a / b', 'global', 'a join of two vectors'],
    ['up == 1 unless on (pod) kube_pod_info', 'global', 'a join with another exporter\'s series'],
    ['ml_service:requests:rate5m > 1', 'global', 'a recorded series of unknown scope'],
  ])('%s is %s (%s)', (expr, scope) => {
    expect(ruleScope(expr, new Set())).toBe(scope);
  });

  test('a recorded series written by a local rule of the same object is local', () => {
    expect(ruleScope('job:up:max > 0', new Set(['job:up:max']))).toBe('local');
  });
});

describe('PrometheusRules placement', () => {
  test('global rules stay in the object, local rules go to <name>-local with their labels, in <group>.local; the order is kept', () => {
    const chart = testChart('team');
    const rules = new PrometheusRules(chart, 'r', { name: 'svc', labels: { a: 'b' }, placement: { globalLabels: { [EVAL]: 'global' }, localLabels: { [EVAL]: 'local' } } });
    const g = rules.addGroup('g');
    g.addRecordingRule({ record: 'pod:x:rate5m', expr: 'rate(x[5m])' });
    g.addRecordingRule({ record: 'svc:x:rate5m', expr: 'sum(pod:x:rate5m)' });
    g.addAlertingRule({ alert: 'PodHot', expr: 'pod:x:rate5m > 1', summary: 'hot' });
    g.addAlertingRule({ alert: 'SvcHot', expr: 'svc:x:rate5m > 1', summary: 'hot' });
    const docs = synthChart(chart);
    const byName = Object.fromEntries(docs.map(d => [d.metadata.name, d]));
    expect(Object.keys(byName).sort()).toEqual(['svc', 'svc-local']);
    expect(byName.svc.metadata.labels).toEqual({ a: 'b', [EVAL]: 'global' });
    expect(byName['svc-local'].metadata.labels).toEqual({ a: 'b', [EVAL]: 'local' });
    const names = (d: Doc) => d.spec.groups.map((x: any) => `${x.name}: ${x.rules.map((r: any) => r.record ?? r.alert).join(',')}`);
    expect(names(byName['svc-local'])).toEqual(['g.local: pod:x:rate5m,PodHot']);
    expect(names(byName.svc)).toEqual(['g: svc:x:rate5m,SvcHot']);
    expect(rules.localResource?.name).toBe('svc-local');
    for (const d of docs) expect(checkRules(d).ok).toBe(true);
    validateAll(docs);
  });

  test('no local rule: no local object', () => {
    const chart = testChart('team');
    const rules = new PrometheusRules(chart, 'r', { name: 'svc', labels: { a: 'b' }, placement: { globalLabels: { [EVAL]: 'global' }, localLabels: { [EVAL]: 'local' } } });
    rules.addGroup('g').addRecordingRule({ record: 'svc:x:rate5m', expr: 'sum(rate(x[5m]))' });
    expect(synthChart(chart).map(d => d.metadata.name)).toEqual(['svc']);
    expect(rules.localResource).toBeUndefined();
  });

  test('the same labels for both halves are refused, naming the prop', () => {
    const chart = testChart('team');
    expect(() => new PrometheusRules(chart, 'r', { placement: { globalLabels: { x: 'y' }, localLabels: { x: 'y' } } }))
      .toThrow(/r: invalid placement.localLabels .*labels other than placement.globalLabels/);
  });
});

describe('a sharded MonitoringStack', () => {
  test('shards without a global evaluator are an Error that names the prop and the choices', () => {
    const chart = testChart();
    expect(() => new MonitoringStack(chart, 'stack', { grafana: GRAFANA, prometheus: { shards: 2 } }))
      .toThrow(/stack prometheus: invalid shards 2: one shard, or a globalEvaluator .*GlobalEvaluator\.thanos\(\).*GlobalEvaluator\.remoteWriteRuler/);
    expect(() => new MonitoringStack(testChart(), 'stack', { grafana: GRAFANA, prometheus: { shards: 2, globalEvaluator: {} as any } }))
      .toThrow(/invalid globalEvaluator .*a GlobalEvaluator/);
  });

  test('Thanos: sidecars on the shards, Thanos Query over them, a ThanosRuler of the global rules; all valid against the operator\'s CRDs and Kubernetes', () => {
    const chart = testChart();
    const stack = new MonitoringStack(chart, 'stack', { grafana: GRAFANA, prometheus: { shards: 3, replicas: 2, globalEvaluator: GlobalEvaluator.thanos({ rulerReplicas: 2 }) } });
    monitorThroughStack(chart, stack);
    const docs = synthChart(chart);
    validateAll(docs);
    const prom = docs.find(d => d.kind === 'Prometheus')!;
    expect(prom.spec.shards).toBe(3);
    expect(prom.spec.thanos).toEqual({ image: 'quay.io/thanos/thanos:v0.39.2', version: 'v0.39.2' });
    expect(prom.spec.ruleSelector).toEqual({
      matchLabels: stack.selectorLabels, matchExpressions: [{ key: EVAL, operator: 'NotIn', values: ['global'] }],
    });
    const ruler = docs.find(d => d.kind === 'ThanosRuler')!;
    expect(ruler.spec.ruleSelector).toEqual({ matchLabels: { ...stack.selectorLabels, [EVAL]: 'global' } });
    expect(ruler.spec.replicas).toBe(2);
    expect(ruler.spec.queryEndpoints).toEqual(['ml-monitoring-thanos-query.monitoring.svc:10902']);
    expect(ruler.spec.alertmanagersUrl).toEqual([stack.alertmanagerUrl]);
    const query = docs.find(d => d.kind === 'Deployment' && d.metadata.name === 'ml-monitoring-thanos-query')!;
    expect(query.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining([
      'query', '--endpoint=dnssrv+_grpc._tcp.prometheus-operated.monitoring.svc', '--query.replica-label=prometheus_replica',
    ]));
    // Grafana and the autoscalers read the global endpoint.
    expect(stack.prometheusUrl).toBe('http://ml-monitoring-thanos-query.monitoring.svc:10902');
    expect(stack.thanosQuery!.url).toBe(stack.prometheusUrl);
    const datasources = docs.find(d => d.kind === 'ConfigMap' && d.metadata.name === 'ml-monitoring-grafana-datasources')!;
    expect(JSON.stringify(datasources.data)).toContain('http://ml-monitoring-thanos-query.monitoring.svc:10902');

    // Every PrometheusRule made for the stack is split: the global evaluator selects the global ones, the
    // shards the local ones; each list of exclusions from the namespace enforcement names its own.
    const rules = docs.filter(d => d.kind === 'PrometheusRule');
    const scope = (d: Doc) => d.metadata.labels?.[EVAL];
    expect(rules.every(d => scope(d) === 'global' || scope(d) === 'local')).toBe(true);
    const refs = (list: any[]) => list.map(r => `${r.namespace}/${r.name}`).sort();
    expect(refs(ruler.spec.excludedFromEnforcement)).toEqual(rules.filter(d => scope(d) === 'global').map(d => `${d.metadata.namespace}/${d.metadata.name}`).sort());
    expect(refs(prom.spec.excludedFromEnforcement)).toEqual(rules.filter(d => scope(d) === 'local').map(d => `${d.metadata.namespace}/${d.metadata.name}`).sort());
    // The per-target alert stays on the shards; the service's ratios and absent() go to the ruler.
    const alertsOf = (d: Doc) => d.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert)).filter(Boolean);
    const local = rules.filter(d => scope(d) === 'local').flatMap(alertsOf);
    const global = rules.filter(d => scope(d) === 'global').flatMap(alertsOf);
    expect(local).toEqual(expect.arrayContaining(['ModelTargetDown']));
    expect(global).toEqual(expect.arrayContaining(['ModelErrorRatioHigh', 'ModelMetricsAbsent', 'ModelTrafficDrop', 'SloErrorBudgetBurn', 'Watchdog']));
    expect(local).not.toContain('ModelErrorRatioHigh');
    for (const d of rules) expect(checkRules(d).ok).toBe(true);
  });

  test('a remote-write store with a ruler (Mimir): the shards write to it, the global rules carry its labels, the queries go to it', () => {
    const chart = testChart();
    const stack = new MonitoringStack(chart, 'stack', {
      grafana: GRAFANA,
      prometheus: {
        shards: 2,
        remoteWrite: [{ url: 'https://long-term.example.com/api/v1/write' }],
        globalEvaluator: GlobalEvaluator.remoteWriteRuler({
          remoteWrite: { url: 'http://mimir-distributor.mimir.svc:8080/api/v1/push', headers: { 'X-Scope-OrgID': 'ml' } },
          queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus',
          ruleLabels: { 'mimir.rules/sync': 'true' },
        }),
      },
    });
    const m = new MlInferenceMonitoring(chart, 'fraud', { stack, namespace: 'tenant-a', selector: { app: 'fraud' }, runtime: InferenceRuntime.fastApi() });
    new SloAlert(chart, 'slo', { stack, rulesNamespace: 'tenant-a', sli: m.availability(), objective: Objective.percent(99.9), window: Duration.days(28) });
    const docs = synthChart(chart);
    validateAll(docs);
    const prom = docs.find(d => d.kind === 'Prometheus')!;
    expect(prom.spec.remoteWrite.map((r: any) => r.url)).toEqual(['https://long-term.example.com/api/v1/write', 'http://mimir-distributor.mimir.svc:8080/api/v1/push']);
    expect(prom.spec.remoteWrite[1].headers).toEqual({ 'X-Scope-OrgID': 'ml' });
    expect(prom.spec.thanos).toBeUndefined();
    expect(docs.some(d => d.kind === 'ThanosRuler')).toBe(false);
    expect(stack.prometheusUrl).toBe('http://mimir-query-frontend.mimir.svc:8080/prometheus');
    const global = docs.filter(d => d.kind === 'PrometheusRule' && d.metadata.labels?.[EVAL] === 'global');
    expect(global.map(d => d.metadata.name).sort()).toEqual(['fraud-inference', 'ml-monitoring-stack-health', 'sli-fraud-availability', 'slo-slo']);
    for (const d of global) expect(d.metadata.labels).toEqual({ ...stack.selectorLabels, [EVAL]: 'global', 'mimir.rules/sync': 'true' });
  });

  test('an adopted kube-prometheus-stack splits the rules by the user\'s own labels', () => {
    const chart = testChart();
    const stack = MonitoringStack.fromKubePrometheusStack(chart, 'kps', {
      release: 'kube-prometheus-stack',
      namespace: 'monitoring',
      prometheusUrl: 'http://thanos-query.monitoring.svc:9090',
      rulePlacement: { globalLabels: { 'thanos-ruler': 'true' }, localLabels: { shard: 'true' } },
    });
    new MlInferenceMonitoring(chart, 'fraud', { stack, namespace: 'tenant-a', selector: { app: 'fraud' }, runtime: InferenceRuntime.fastApi() });
    const docs = synthChart(chart).filter(d => d.kind === 'PrometheusRule');
    expect(docs.map(d => [d.metadata.name, d.metadata.labels]).sort()).toEqual([
      ['fraud-inference', { 'release': 'kube-prometheus-stack', 'thanos-ruler': 'true' }],
      ['fraud-inference-local', { release: 'kube-prometheus-stack', shard: 'true' }],
    ]);
    expect(() => MonitoringStack.fromKubePrometheusStack(testChart(), 'kps', { release: 'kps', namespace: 'monitoring', rulePlacement: { globalLabels: { 'a b': 'x' }, localLabels: {} } }))
      .toThrow(/invalid rulePlacement.globalLabels/);
  });

  test('two stacks with Thanos in one namespace are an Error (their Query would read each other\'s shards); in two namespaces they are apart', () => {
    const chart = testChart();
    new MonitoringStack(chart, 'a', { name: 'a', grafana: GRAFANA, prometheus: { shards: 2, globalEvaluator: GlobalEvaluator.thanos() } });
    expect(() => new MonitoringStack(chart, 'b', { name: 'b', grafana: GRAFANA, prometheus: { shards: 2, globalEvaluator: GlobalEvaluator.thanos() } }))
      .toThrow(/test\/b: the Thanos stores of namespace "monitoring" is already used by test\/a: .*Give each stack with Thanos its own namespace/);
    const ok = testChart();
    new MonitoringStack(ok, 'a', { name: 'a', grafana: GRAFANA, prometheus: { shards: 2, globalEvaluator: GlobalEvaluator.thanos() } });
    expect(() => new MonitoringStack(ok, 'b', { name: 'b', namespace: 'monitoring-b', grafana: GRAFANA, prometheus: { shards: 2, globalEvaluator: GlobalEvaluator.thanos() } }))
      .not.toThrow();
  });

  test('bad evaluator options name the prop', () => {
    expect(() => GlobalEvaluator.remoteWriteRuler({ remoteWrite: { url: 'http://m/api/v1/push' }, queryUrl: 'not a url' }))
      .toThrow(/GlobalEvaluator.remoteWriteRuler\(\): invalid queryUrl/);
    expect(() => new MonitoringStack(testChart(), 'stack', { grafana: GRAFANA, prometheus: { globalEvaluator: GlobalEvaluator.thanos({ image: 'thanos' }) } }))
      .toThrow(/globalEvaluator: invalid image/);
    expect(() => new MonitoringStack(testChart(), 'stack', { grafana: GRAFANA, prometheus: { globalEvaluator: GlobalEvaluator.thanos({ rulerReplicas: 0 }) } }))
      .toThrow(/invalid rulerReplicas 0/);
  });
});
