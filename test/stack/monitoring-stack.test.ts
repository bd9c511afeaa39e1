import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as YAML from 'yaml';
import { CREDENTIALS, fullStack, monitorThroughStack } from './_fixtures';
import {
  GrafanaDashboard, InferenceRuntime, MlInferenceMonitoring, MonitoringStack, Panel, PrometheusRules, Receiver, SecretKey,
} from '../../src';
import { checkAlertmanagerConfig } from '../util/promtool';
import { proveAll } from '../util/prove';
import { validateAll } from '../util/schema';
import { Doc, byKind, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

const SELECTED_KINDS = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];

/** Does a Kubernetes label selector (matchLabels and matchExpressions) match these labels? */
function selects(selector: any, labels: { [k: string]: string } = {}): boolean {
  if (selector === undefined || selector === null) return false; // operator: a null selector selects nothing
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function selectorFor(prometheus: Doc, kind: string): { objects: any; namespaces: any } {
  const key = { ServiceMonitor: 'serviceMonitor', PodMonitor: 'podMonitor', PrometheusRule: 'rule' }[kind]!;
  return { objects: prometheus.spec[`${key}Selector`], namespaces: prometheus.spec[`${key}NamespaceSelector`] };
}

/** kube-prometheus-stack 88.x's Prometheus selectors with the chart's defaults (NilUsesHelmValues true). */
function kubePrometheusStackPrometheus(release: string): Doc {
  const sel = { matchLabels: { release } };
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'Prometheus',
    metadata: { name: `${release}-prometheus`, namespace: 'monitoring' },
    spec: {
      serviceMonitorSelector: sel,
      serviceMonitorNamespaceSelector: {},
      podMonitorSelector: sel,
      podMonitorNamespaceSelector: {},
      ruleSelector: sel,
      ruleNamespaceSelector: {},
    },
  };
}

function outsideObjects(chart: any): void {
  // Made without the stack: the stack's Prometheus must not pick these up.
  new MlInferenceMonitoring(chart, 'outside', { selectorLabels: TEST_SELECTOR, namespace: 'tenant-c', selector: { app: 'other' }, runtime: InferenceRuntime.triton() });
  const rules = new PrometheusRules(chart, 'outside-rules', { namespace: 'tenant-c', labels: { team: 'other' } });
  rules.addGroup('other').addRecordingRule({ record: 'x:y', expr: 'vector(1)' });
}

describe('MonitoringStack (owned)', () => {
  const chart = testChart();
  const stack = fullStack(chart);
  monitorThroughStack(chart, stack);
  outsideObjects(chart);
  const docs = synthChart(chart);
  const prometheus = byKind(docs, 'Prometheus')[0];

  test('emits the whole stack, and every object validates against its schema and every rule loads in promtool', () => {
    const kinds = new Set(docs.map(d => d.kind));
    for (const k of ['Namespace', 'Deployment', 'DaemonSet', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Service', 'Prometheus', 'Alertmanager',
      'Secret', 'ConfigMap', 'ServiceMonitor', 'PrometheusRule', 'NetworkPolicy']) {
      expect(kinds).toContain(k);
    }
    expect(byKind(docs, 'Deployment').map(d => d.metadata.name).sort())
      .toEqual(['ml-monitoring-grafana', 'ml-monitoring-kube-state-metrics', 'ml-monitoring-operator', 'ml-monitoring-thanos-query']);
    proveAll(docs);
  });

  test('the Prometheus (its shards) selects every monitor and local rule made through the stack, the ThanosRuler every global rule, in any namespace, and nothing made outside it', () => {
    const through = docs.filter(d => SELECTED_KINDS.includes(d.kind) && d.metadata.name !== 'outside' && d.metadata.name !== 'outside-inference'
      && !String(d.metadata.name).startsWith('test-outside-rules'));
    const outside = docs.filter(d => SELECTED_KINDS.includes(d.kind) && !through.includes(d));
    expect(through.length).toBeGreaterThanOrEqual(12);
    expect(outside.length).toBe(3); // the ServiceMonitor and PrometheusRule of 'outside', and 'outside-rules'
    // The fixture's Prometheus has shards beside Thanos: the global rules are the ThanosRuler's, and only its.
    const ruler = byKind(docs, 'ThanosRuler')[0];
    const global = (d: Doc) => d.kind === 'PrometheusRule' && d.metadata.labels?.['ml-monitoring.cdk8s.io/evaluation'] === 'global';
    expect(through.filter(global).length).toBeGreaterThanOrEqual(4);
    for (const d of through) {
      const s = selectorFor(prometheus, d.kind);
      expect(s.namespaces).toEqual({}); // {} = every namespace; null would mean the Prometheus's own only
      const by = { prometheus: selects(s.objects, d.metadata.labels), ruler: d.kind === 'PrometheusRule' && selects(ruler.spec.ruleSelector, d.metadata.labels) };
      expect({ obj: `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`, ...by })
        .toEqual({ obj: `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`, prometheus: !global(d), ruler: global(d) });
    }
    expect(ruler.spec.ruleNamespaceSelector).toEqual({});
    for (const d of outside) {
      expect(selects(selectorFor(prometheus, d.kind).objects, d.metadata.labels)).toBe(false);
      expect(selects(ruler.spec.ruleSelector, d.metadata.labels)).toBe(false);
    }
    // The tenants' objects live in their own namespaces, not the stack's.
    expect(new Set(through.map(d => d.metadata.namespace))).toEqual(new Set(['monitoring', 'tenant-a', 'tenant-b']));
    // Probes and ScrapeConfigs are left null: the operator selects none of them.
    expect(prometheus.spec.probeSelector).toBeUndefined();
    expect(prometheus.spec.scrapeConfigSelector).toBeUndefined();
  });

  test('Prometheus: replicas, shards, retention time and size, storage, external labels, intervals, remote write from Secrets, Alertmanager', () => {
    expect(prometheus.spec).toMatchObject({
      replicas: 2,
      shards: 2,
      retention: '30d',
      retentionSize: '46080MiB',
      scrapeInterval: '15s',
      evaluationInterval: '15s',
      externalLabels: { cluster: 'prod-eu-1' },
      version: 'v3.14.0',
      image: 'quay.io/prometheus/prometheus:v3.14.0',
      storage: { volumeClaimTemplate: { spec: { storageClassName: 'fast-ssd', resources: { requests: { storage: '51200Mi' } } } } },
      alerting: { alertmanagers: [{ name: 'ml-monitoring-alertmanager', namespace: 'monitoring', port: 'web', apiVersion: 'v2' }] },
    });
    expect(prometheus.spec.remoteWrite).toEqual([
      { url: 'https://mimir.example.com/api/v1/push', name: 'mimir', authorization: { type: 'Bearer', credentials: { name: 'remote-write', key: 'token' } }, headers: { 'X-Scope-OrgID': 'ml' } },
      { url: 'https://thanos-receive.example.com/api/v1/receive', basicAuth: { username: { name: 'remote-write-basic', key: 'user' }, password: { name: 'remote-write-basic', key: 'password' } } },
    ]);
    const svc = docs.find(d => d.kind === 'Service' && d.metadata.name === 'ml-monitoring-prometheus')!;
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'web', port: 9090, nodePort: 30090 })]);
  });

  test('Alertmanager reads the routing Secret, mounts the receivers\' Secrets, and the config passes amtool', () => {
    const am = byKind(docs, 'Alertmanager')[0];
    expect(am.spec).toMatchObject({ replicas: 3, configSecret: 'alertmanager-ml-monitoring', secrets: ['pagerduty', 'slack'], automountServiceAccountToken: false });
    const secret = docs.find(d => d.kind === 'Secret' && d.metadata.name === 'alertmanager-ml-monitoring')!;
    const r = checkAlertmanagerConfig(secret.stringData['alertmanager.yaml']);
    expect(r.output).toContain('SUCCESS');
    expect(r.ok).toBe(true);
    expect(am.spec.retention).toBe('120h'); // Alertmanager's schema takes hours, minutes and seconds only
  });

  test('Grafana: admin credentials from the Secret, datasources and every dashboard made through the stack provisioned', () => {
    const grafana = docs.find(d => d.kind === 'Deployment' && d.metadata.name === 'ml-monitoring-grafana')!;
    const c = grafana.spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
    expect(env.GF_SECURITY_ADMIN_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'grafana-admin', key: 'password' });
    expect(env.GF_SECURITY_ADMIN_USER.valueFrom.secretKeyRef).toEqual({ name: 'grafana-admin', key: 'user' });
    expect(env.GF_SERVER_ROOT_URL.value).toBe('https://grafana.example.com');
    const ds = YAML.parse(docs.find(d => d.metadata.name === 'ml-monitoring-grafana-datasources')!.data['datasources.yaml']);
    // The fixture's shards are read through Thanos Query.
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://ml-monitoring-thanos-query.monitoring.svc:10902', isDefault: true });
    const dashboards = docs.filter(d => d.kind === 'ConfigMap' && Object.keys(d.data ?? {}).some(k => k.endsWith('.json')));
    const providers = YAML.parse(docs.find(d => d.metadata.name === 'ml-monitoring-grafana-dashboard-providers')!.data['providers.yaml']).providers;
    const volumes = grafana.spec.template.spec.volumes;
    // Every dashboard made through the stack is in its namespace, mounted and provisioned; the one made outside is not.
    const through = dashboards.filter(d => d.metadata.namespace === 'monitoring');
    expect(through.map(d => d.metadata.name).sort()).toEqual(['slo-tenant-a-fraud-availability-dashboard', 'tenant-a-fraud-inference-dashboard', 'tenant-a-fraud-quality-dashboard', 'tenant-b-llm-inference-dashboard']);
    expect(dashboards.filter(d => d.metadata.namespace !== 'monitoring').map(d => d.metadata.name)).toEqual(['tenant-c-outside-inference-dashboard']);
    for (const d of through) {
      const vol = volumes.find((v: any) => v.configMap?.name === d.metadata.name);
      expect(vol).toBeDefined();
      const mount = c.volumeMounts.find((m: any) => m.name === vol.name);
      expect(providers.some((p: any) => p.options.path === mount.mountPath)).toBe(true);
    }
    expect(providers.length).toBe(through.length);
    // Alerts link to the dashboards through the stack's Grafana URL.
    const fraudRules = docs.find(d => d.kind === 'PrometheusRule' && d.metadata.name === 'fraud-inference')!;
    const alert = fraudRules.spec.groups[0].rules.find((r: any) => r.alert === 'ModelLatencyHigh');
    expect(alert.annotations.dashboard_url).toBe('https://grafana.example.com/d/ml-inference-tenant-a-fraud');
  });

  test('every pod template meets the restricted Pod Security Standard (node-exporter: documented host-access exception)', () => {
    const templates = docs.filter(d => ['Deployment', 'DaemonSet', 'StatefulSet'].includes(d.kind));
    expect(templates.length).toBe(5);
    for (const d of templates) {
      const pod = d.spec.template.spec;
      const where = `${d.kind} ${d.metadata.name}`;
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const sc = c.securityContext ?? {};
        expect({ where, runAsNonRoot: sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
        const caps = sc.capabilities ?? {};
        expect({ where, escalation: sc.allowPrivilegeEscalation, privileged: sc.privileged ?? false, drop: caps.drop, add: caps.add })
          .toEqual({ where, escalation: false, privileged: false, drop: ['ALL'], add: undefined });
        expect({ where, seccomp: (sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type }).toEqual({ where, seccomp: 'RuntimeDefault' });
        expect({ where, readOnlyRoot: sc.readOnlyRootFilesystem }).toEqual({ where, readOnlyRoot: true });
        expect(sc.runAsUser ?? pod.securityContext?.runAsUser).not.toBe(0);
        expect(c.image).toMatch(/:v?\d+\.\d+\.\d+$/); // pinned
      }
      const hostAccess = pod.hostNetwork || pod.hostPID || pod.hostIPC || (pod.volumes ?? []).some((v: any) => v.hostPath);
      expect({ where, hostAccess: Boolean(hostAccess) }).toEqual({ where, hostAccess: d.metadata.name === 'ml-monitoring-node-exporter' });
      // node-exporter sees the host's processes (its process collectors read them): hostPID reaches the YAML.
      if (d.metadata.name === 'ml-monitoring-node-exporter') expect({ hostPID: pod.hostPID, hostNetwork: pod.hostNetwork }).toEqual({ hostPID: true, hostNetwork: true });
    }
    // Prometheus and Alertmanager pods are built by the operator from these security contexts.
    for (const d of [...byKind(docs, 'Prometheus'), ...byKind(docs, 'Alertmanager')]) {
      expect(d.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } });
    }
    // With node-exporter on, the namespace enforces privileged and still warns and audits on restricted.
    expect(byKind(docs, 'Namespace')[0].metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test('no Role or ClusterRole holds a wildcard verb, resource or API group, and each is bound to its own ServiceAccount', () => {
    const roles = [...byKind(docs, 'ClusterRole'), ...byKind(docs, 'Role')];
    expect(roles.map(r => r.metadata.name).sort()).toEqual(['monitoring-ml-monitoring-kube-state-metrics', 'monitoring-ml-monitoring-operator', 'monitoring-ml-monitoring-prometheus']);
    for (const r of roles) {
      for (const rule of r.rules) {
        for (const field of ['verbs', 'resources', 'apiGroups', 'nonResourceURLs', 'resourceNames']) {
          for (const v of rule[field] ?? []) expect({ role: r.metadata.name, field, v: v.includes('*') }).toEqual({ role: r.metadata.name, field, v: false });
        }
      }
    }
    // kube-state-metrics and Prometheus only read.
    for (const name of ['monitoring-ml-monitoring-kube-state-metrics', 'monitoring-ml-monitoring-prometheus']) {
      const verbs = new Set(roles.find(r => r.metadata.name === name)!.rules.flatMap((x: any) => x.verbs));
      expect([...verbs].filter(v => !['get', 'list', 'watch'].includes(v as string))).toEqual([]);
    }
    for (const b of byKind(docs, 'ClusterRoleBinding')) {
      expect(b.metadata.name).toBe(b.roleRef.name);
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: b.roleRef.name.replace(/^monitoring-/, ''), namespace: 'monitoring', apiGroup: '' }]);
    }
  });

  // The NetworkPolicies are judged by the flows they allow and deny: test/stack/network-policies.test.ts.

  test('Prometheus and Alertmanager with several replicas get a disruption budget of one pod each', () => {
    const pdbs = byKind(docs, 'PodDisruptionBudget');
    expect(pdbs.map(d => [d.metadata.name, d.spec.maxUnavailable])).toEqual([['ml-monitoring-alertmanager', 1], ['ml-monitoring-prometheus', 1]]);
    const operated = [...byKind(docs, 'Prometheus'), ...byKind(docs, 'Alertmanager')].map(d => d.spec.podMetadata.labels);
    for (const p of pdbs) expect(operated.filter(l => selects(p.spec.selector, l)).length).toBe(1);
  });

  test('every Service selects the pods of its component', () => {
    const podLabels = docs.filter(d => d.spec?.template?.metadata?.labels).map(d => d.spec.template.metadata.labels);
    podLabels.push(...[...byKind(docs, 'Prometheus'), ...byKind(docs, 'Alertmanager')].map(d => d.spec.podMetadata.labels));
    for (const s of byKind(docs, 'Service')) {
      const matches = podLabels.filter(l => selects({ matchLabels: s.spec.selector }, l)).length;
      expect({ svc: s.metadata.name, matches }).toEqual({ svc: s.metadata.name, matches: 1 });
    }
    // And every stack ServiceMonitor selects a stack Service by its labels.
    const services = byKind(docs, 'Service');
    for (const sm of byKind(docs, 'ServiceMonitor').filter(d => d.metadata.namespace === 'monitoring' && d.metadata.name !== 'ml-monitoring-kubelet')) {
      const hit = services.filter(s => selects(sm.spec.selector, s.metadata.labels));
      const port = hit[0]?.spec.ports.some((p: any) => p.name === sm.spec.endpoints[0].port);
      expect({ sm: sm.metadata.name, hits: hit.length, port }).toEqual({ sm: sm.metadata.name, hits: 1, port: true });
    }
  });

  test('a credential given where a plain value goes is refused, without echoing it; the output holds none and refers only to Secrets', () => {
    // Every way a user could paste one of the Secrets' values into a plain prop: each must fail at construct
    // time, and the error must not repeat the value (errors end up in CI logs).
    const c = CREDENTIALS;
    const attempts: [string, () => unknown][] = [
      ['webhook URL that is a Slack webhook', () => Receiver.webhook('x', { url: c['slack/webhook-url'] })],
      ['webhook URL with a token parameter', () => Receiver.webhook('x', { url: `https://hooks.example.com/x?token=${c['model-metrics/token']}` })],
      ['Slack URL as a plain string', () => Receiver.slack('x', { channel: '#ml', apiUrl: c['slack/webhook-url'] as any })],
      ['PagerDuty key as a plain string', () => Receiver.pagerDuty('x', { routingKey: c['pagerduty/routing-key'] as any })],
      ['remote-write user:password in the URL', () => new MonitoringStack(testChart(), 's', {
        grafana: { enabled: false },
        prometheus: { remoteWrite: [{ url: `https://${c['remote-write-basic/user']}:${c['remote-write-basic/password']}@thanos.example.com/api/v1/receive` }] },
      })],
      ['remote-write Authorization header', () => new MonitoringStack(testChart(), 's', {
        grafana: { enabled: false }, prometheus: { remoteWrite: [{ url: 'https://mimir.example.com/push', headers: { Authorization: `Bearer ${c['remote-write/token']}` } }] },
      })],
      ['Grafana password as a plain string', () => new MonitoringStack(testChart(), 's', { grafana: { adminPassword: c['grafana-admin/password'] as any } })],
      ['Grafana URL with user:password', () => new MonitoringStack(testChart(), 's', {
        grafana: { adminPassword: SecretKey.of('g', 'p'), externalUrl: `https://${c['grafana-admin/user']}:${c['grafana-admin/password']}@grafana.example.com` },
      })],
    ];
    for (const [what, attempt] of attempts) {
      let message = '';
      try {
        attempt();
      } catch (e: any) {
        message = String(e.message);
      }
      expect({ what, refused: message !== '' }).toEqual({ what, refused: true });
      for (const value of Object.values(c)) expect({ what, echoed: message.includes(value) }).toEqual({ what, echoed: false });
    }
    const text = docs.map(d => YAML.stringify(d)).join('---\n');
    for (const [ref, value] of Object.entries(CREDENTIALS)) expect({ ref, leaked: text.includes(value) }).toEqual({ ref, leaked: false });
    // Every Secret the output refers to is one of the test's Secrets (or the routing Secret the stack writes).
    const refs = new Set<string>();
    const walk = (o: any) => {
      if (Array.isArray(o)) return o.forEach(walk);
      if (o && typeof o === 'object') {
        if (typeof o.name === 'string' && typeof o.key === 'string' && Object.keys(o).every(k => ['name', 'key', 'optional'].includes(k))) refs.add(`${o.name}/${o.key}`);
        Object.values(o).forEach(walk);
      }
    };
    walk(docs);
    expect([...refs].filter(r => !(r in CREDENTIALS))).toEqual([]);
    expect(refs.size).toBeGreaterThanOrEqual(6);
  });

  test('an optional CRD include reads the operator\'s CRDs (here from the pinned local copy)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
    const src = path.join(__dirname, '../../../shared/crds/prometheus-operator-v0.93.0');
    const file = path.join(dir, 'crds.yaml');
    fs.writeFileSync(file, fs.readdirSync(src).sort().map(f => fs.readFileSync(path.join(src, f), 'utf8')).join('\n---\n'));
    const c = testChart();
    new MonitoringStack(c, 'stack', { grafana: { enabled: false }, includeCrds: true, crdsUrl: file });
    const out = synthChart(c);
    const crds = byKind(out, 'CustomResourceDefinition');
    expect(crds.map(d => d.spec.names.kind).sort()).toEqual(['Alertmanager', 'AlertmanagerConfig', 'PodMonitor', 'Probe', 'Prometheus', 'PrometheusAgent',
      'PrometheusRule', 'ScrapeConfig', 'ServiceMonitor', 'ThanosRuler']);
    expect(out.indexOf(crds[0])).toBe(0); // first in the output
    // The operator the stack runs is the release of the CRDs the objects are validated against.
    const crdVersion = (crds[0].metadata.annotations as { [k: string]: string })['operator.prometheus.io/version'];
    const operator = byKind(synthChart(chart), 'Deployment').find(d => d.metadata.name === 'ml-monitoring-operator')!;
    expect(operator.spec.template.spec.containers[0].image).toBe(`quay.io/prometheus-operator/prometheus-operator:v${crdVersion}`);
  });
});

describe('MonitoringStack defaults', () => {
  test('restricted namespace, one replica each, no NetworkPolicies, kubelet and cAdvisor scraped with honoured labels', () => {
    const chart = testChart();
    new MonitoringStack(chart, 'stack', { grafana: { adminPassword: SecretKey.of('grafana-admin', 'password') } });
    const docs = synthChart(chart);
    validateAll(docs);
    expect(byKind(docs, 'Namespace')[0].metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(byKind(docs, 'NetworkPolicy')).toEqual([]);
    expect(byKind(docs, 'DaemonSet')).toEqual([]);
    expect(byKind(docs, 'PodDisruptionBudget')).toEqual([]); // one replica each
    const p = byKind(docs, 'Prometheus')[0];
    expect(p.spec).toMatchObject({ replicas: 1, retention: '15d', scrapeInterval: '30s', evaluationInterval: '30s' });
    expect(p.spec.storage).toBeUndefined();
    const kubelet = docs.find(d => d.metadata.name === 'ml-monitoring-kubelet')!;
    expect(kubelet.spec.namespaceSelector).toEqual({ matchNames: ['kube-system'] });
    expect(kubelet.spec.endpoints.map((e: any) => [e.path, e.honorLabels, e.scheme])).toEqual([['/metrics', true, 'https'], ['/metrics/cadvisor', true, 'https']]);
    const op = docs.find(d => d.kind === 'Deployment' && d.metadata.name === 'ml-monitoring-operator')!;
    expect(op.spec.template.spec.containers[0].args).toContain('--kubelet-service=kube-system/monitoring-ml-monitoring-kubelet');
    const ksm = docs.find(d => d.kind === 'ServiceMonitor' && d.metadata.name === 'ml-monitoring-kube-state-metrics')!;
    expect(ksm.spec.endpoints[0].honorLabels).toBe(true);
    // The routing's default receiver drops what matches no route, as kube-prometheus-stack's does.
    const secret = docs.find(d => d.kind === 'Secret')!;
    expect(YAML.parse(secret.stringData['alertmanager.yaml']).route.receiver).toBe('null');
  });

  test('bad input names the construct, the prop, the value and the accepted form', () => {
    const pw = { adminPassword: SecretKey.of('grafana-admin', 'password') };
    const cases: [any, RegExp][] = [
      [{}, /test\/stack grafana: invalid adminPassword \(undefined\): a SecretKey of an existing Secret.*no default password/],
      [{ grafana: pw, prometheus: { replicas: 0 } }, /prometheus: invalid replicas 0: a whole number, 1 or more/],
      [{ grafana: pw, prometheus: { shards: 1.5 } }, /invalid shards 1.5/],
      [{ grafana: pw, alertmanager: { replicas: -1 } }, /alertmanager: invalid replicas -1/],
      [{ grafana: pw, prometheus: { retention: Duration.seconds(0) } }, /invalid retention/],
      [{ grafana: pw, prometheus: { retentionSize: Size.mebibytes(0) } }, /invalid retentionSize "0 KiB": a whole number of mebibytes/],
      [{ grafana: pw, prometheus: { nodePort: 9090 } }, /prometheus: invalid nodePort 9090: a NodePort in the cluster's default range 30000-32767/],
      [{ grafana: { ...pw, nodePort: 32768 } }, /grafana: invalid nodePort 32768/],
      [{ grafana: pw, prometheus: { image: 'quay.io/prometheus/prometheus:latest' } }, /invalid image "quay.io\/prometheus\/prometheus:latest": an image pinned/],
      [{ grafana: pw, prometheus: { image: 'prom/prometheus' } }, /invalid image "prom\/prometheus"/],
      [{ grafana: pw, prometheus: { remoteWrite: [{ url: 'mimir:9009' }] } }, /invalid remoteWrite\[0\].url "mimir:9009": an absolute http/],
      [{ grafana: pw, prometheus: { remoteWrite: [{ url: 'https://u:p@mimir.example.com/push' }] } }, /invalid remoteWrite\[0\].url https:\/\/mimir.example.com\/… \(the rest not repeated: it could hold a credential\): a URL that carries no credential, but this one carries a user name or password/],
      [{ grafana: pw, prometheus: { remoteWrite: [{ url: 'https://m.example.com', headers: { Authorization: 'Bearer x' } }] } }, /invalid remoteWrite\[0\].headers\["Authorization"\] \(not repeated: it could hold a credential\): a header that carries no credential/],
      [{ grafana: pw, prometheus: { remoteWrite: [{ url: 'https://m.example.com', basicAuthUsername: SecretKey.of('a', 'b') }] } }, /basicAuthUsername and basicAuthPassword together/],
      [{ grafana: pw, prometheus: { storage: { size: Size.gibibytes(0) } } }, /invalid storage.size/],
      [{ grafana: pw, name: 'ML_Stack' }, /invalid name "ML_Stack"/],
      [{ grafana: pw, namespace: 'Monitoring' }, /invalid namespace "Monitoring"/],
      [{ grafana: pw, selectorLabels: {} }, /invalid selectorLabels \{\}: at least one label/],
    ];
    for (const [props, message] of cases) {
      expect(() => new MonitoringStack(testChart(), 'stack', props)).toThrow(message);
    }
  });

  test('a dashboard outside the owned stack\'s namespace, or a clashing selector label, is refused', () => {
    const chart = testChart();
    const stack = new MonitoringStack(chart, 'stack', { grafana: { adminPassword: SecretKey.of('g', 'p') } });
    const d = new GrafanaDashboard(chart, 'dash', { title: 'x', namespace: 'tenant-a' });
    d.addPanel(Panel.stat({ title: 'up', queries: [{ expr: 'up' }] }));
    expect(() => stack.addDashboard(d)).toThrow(/test\/dash: invalid namespace "tenant-a": the stack's namespace "monitoring": the stack's Grafana mounts dashboard ConfigMaps from its own namespace/);
    expect(() => new MlInferenceMonitoring(chart, 'svc', {
      stack, namespace: 'a', selector: { app: 'a' }, runtime: InferenceRuntime.fastApi(), dashboard: { namespace: 'a' },
    })).toThrow(/invalid namespace "a": the stack's namespace "monitoring"/);
    expect(() => new MlInferenceMonitoring(chart, 'svc2', {
      stack, namespace: 'a', selector: { app: 'a' }, runtime: InferenceRuntime.fastApi(), selectorLabels: { 'ml-monitoring.cdk8s.io/stack': 'other' },
    })).toThrow(/invalid selectorLabels "ml-monitoring.cdk8s.io\/stack=other": labels that keep the stack's selector label/);
    expect(() => new MlInferenceMonitoring(chart, 'svc3', { stack: {} as any, namespace: 'a', selector: { app: 'a' }, runtime: InferenceRuntime.fastApi() }))
      .toThrow(/invalid stack \{\}: an IMonitoringStack/);
  });
});

describe('MonitoringStack.fromKubePrometheusStack (adopted)', () => {
  const chart = testChart();
  const stack = MonitoringStack.fromKubePrometheusStack(chart, 'kps', { release: 'kps', namespace: 'monitoring', grafanaUrl: 'https://grafana.example.com' });
  monitorThroughStack(chart, stack);
  outsideObjects(chart);
  const docs = synthChart(chart);

  test('emits no stack components, only the monitoring objects and an AlertmanagerConfig; all validate', () => {
    expect(docs.filter(d => ['Deployment', 'Prometheus', 'Alertmanager', 'ClusterRole'].includes(d.kind))).toEqual([]);
    proveAll(docs);
    const amc = byKind(docs, 'AlertmanagerConfig');
    // One in the release's namespace and, for the operator's default OnNamespace strategy, one per tenant.
    expect(amc.map(d => [d.metadata.namespace, d.metadata.name, d.metadata.labels])).toEqual(['monitoring', 'tenant-a', 'tenant-b'].map(ns => [ns, 'ml-monitoring', { release: 'kps' }]));
    expect(amc[0].spec.receivers.map((r: any) => r.name)).toEqual(['null', 'watchdog-discard', 'oncall', 'ml-team']);
  });

  test('the release\'s Prometheus (chart defaults) selects every object made through the stack and nothing made outside it', () => {
    const prom = kubePrometheusStackPrometheus('kps');
    const objects = docs.filter(d => SELECTED_KINDS.includes(d.kind));
    const outside = objects.filter(d => ['outside', 'outside-inference'].includes(d.metadata.name) || String(d.metadata.name).startsWith('test-outside-rules'));
    const through = objects.filter(d => !outside.includes(d));
    expect(through.length).toBeGreaterThanOrEqual(7);
    for (const d of through) {
      expect({ d: d.metadata.name, ok: selects(selectorFor(prom, d.kind).objects, d.metadata.labels) }).toEqual({ d: d.metadata.name, ok: true });
    }
    for (const d of outside) expect(selects(selectorFor(prom, d.kind).objects, d.metadata.labels)).toBe(false);
  });

  test('dashboards carry the sidecar label, alerts link to the adopted Grafana', () => {
    const dashboards = docs.filter(d => d.kind === 'ConfigMap' && Object.keys(d.data ?? {}).some(k => k.endsWith('.json')));
    expect(dashboards.filter(d => d.metadata.namespace === 'monitoring').length).toBe(4);
    for (const d of dashboards) expect(d.metadata.labels!.grafana_dashboard).toBe('1');
    const alert = docs.find(d => d.metadata.name === 'fraud-inference')!.spec.groups[0].rules.find((r: any) => r.alert === 'ModelErrorRatioHigh');
    expect(alert.annotations.dashboard_url).toBe('https://grafana.example.com/d/ml-inference-tenant-a-fraud');
  });

  test('bad input', () => {
    expect(() => MonitoringStack.fromKubePrometheusStack(testChart(), 'kps', { release: '', namespace: 'monitoring' }))
      .toThrow(/fromKubePrometheusStack\): invalid release "": the Helm release name/);
    expect(() => MonitoringStack.fromKubePrometheusStack(testChart(), 'kps', { release: 'kps', namespace: 'Mon' })).toThrow(/invalid namespace "Mon"/);
    expect(() => MonitoringStack.fromKubePrometheusStack(testChart(), 'kps', { release: 'kps', namespace: 'm', grafanaUrl: 'grafana' })).toThrow(/invalid grafanaUrl \(not repeated: it could hold a credential\): an absolute http/);
  });
});
