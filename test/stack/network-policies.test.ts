import { Chart, Testing } from 'cdk8s';
import { GlobalEvaluator, MonitoringStack, MonitoringStackProps, SecretKey } from '../../src';
import { Endpoint, Flow, Policy, allowed, podIn, selects } from '../util/network-policy';
import { byKind, synthChart } from '../util/synth';

/*
 * The stack's NetworkPolicies, judged by what they do: every flow the components need is allowed and every
 * other flow into the stack is denied, evaluated with NetworkPolicy semantics (test/util/network-policy.ts),
 * whose own cases come first.
 */

describe('the evaluator follows the NetworkPolicy semantics of the Kubernetes documentation', () => {
  const web = podIn('prod', 'web', { app: 'web' }, '10.244.0.2', { http: 8080 });
  const db = podIn('prod', 'db', { app: 'db' }, '10.244.0.3');
  const other = podIn('dev', 'tool', { app: 'web' }, '10.244.9.9');
  const outside = { name: 'internet', ip: '203.0.113.7' };
  const p = (spec: Policy['spec'], namespace = 'prod'): Policy => ({ metadata: { namespace }, spec });

  test('no policy: everything flows', () => expect(allowed([], { from: other, to: db, port: 5432 })).toBe(true));
  test('a default-deny ingress policy isolates every pod of its namespace, and only for ingress', () => {
    const deny = [p({ podSelector: {}, policyTypes: ['Ingress'] })];
    expect(allowed(deny, { from: web, to: db, port: 5432 })).toBe(false);
    expect(allowed(deny, { from: db, to: outside, port: 443 })).toBe(true);
  });
  test('policyTypes defaults to Ingress, plus Egress when egress rules are given', () => {
    expect(allowed([p({ podSelector: {}, ingress: [] })], { from: db, to: outside, port: 443 })).toBe(true);
    expect(allowed([p({ podSelector: {}, egress: [] })], { from: db, to: outside, port: 443 })).toBe(false);
  });
  test('podSelector alone is the policy namespace; with namespaceSelector in the same peer it is AND, in two peers OR', () => {
    const sameNs = [p({ podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })];
    expect(allowed(sameNs, { from: web, to: db, port: 5432 })).toBe(true);
    expect(allowed(sameNs, { from: other, to: db, port: 5432 })).toBe(false);
    const and = [p({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } }, podSelector: { matchLabels: { app: 'db' } } }] }] })];
    expect(allowed(and, { from: other, to: db, port: 1 })).toBe(false);
    const or = [p({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }, { podSelector: { matchLabels: { app: 'db' } } }] }] })];
    expect(allowed(or, { from: other, to: db, port: 1 })).toBe(true);
  });
  test('ports: TCP by default, named ports resolve on the destination, endPort is a range, UDP is apart', () => {
    const named = [p({ podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] })];
    expect(allowed(named, { from: other, to: web, port: 8080 })).toBe(true);
    expect(allowed(named, { from: other, to: web, port: 8080, protocol: 'UDP' })).toBe(false);
    expect(allowed(named, { from: other, to: db, port: 8080 })).toBe(false);
    const range = [p({ podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }] })];
    expect(allowed(range, { from: other, to: db, port: 32768 })).toBe(true);
    expect(allowed(range, { from: other, to: db, port: 31999 })).toBe(false);
  });
  test('ipBlock: the CIDR less its excepts, IPv4 and IPv6; it never matches by labels', () => {
    const block = [p({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }, { ipBlock: { cidr: 'fd00::/8' } }] }] })];
    expect(allowed(block, { from: outside, to: db, port: 1 })).toBe(true);
    expect(allowed(block, { from: { name: 'x', ip: '203.0.113.200' }, to: db, port: 1 })).toBe(false);
    expect(allowed(block, { from: { name: 'v6', ip: 'fd00::1' }, to: db, port: 1 })).toBe(true);
    expect(allowed(block, { from: web, to: db, port: 1 })).toBe(false);
  });
  test('policies add up, and a flow needs both ends', () => {
    const policies = [
      p({ podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
      p({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
    ];
    expect(allowed(policies, { from: web, to: db, port: 5432 })).toBe(false);
    expect(allowed([...policies, p({ podSelector: { matchLabels: { app: 'web' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }] })],
      { from: web, to: db, port: 5432 })).toBe(true);
  });
  test('selectors: matchExpressions In, NotIn, Exists, DoesNotExist', () => {
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, { tier: 'a' })).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] }, {})).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, {})).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { tier: 'b' })).toBe(false);
  });
});

const NETWORK_STACK: MonitoringStackProps = {
  namespace: 'monitoring',
  prometheus: { replicas: 2, shards: 2, nodePort: 30090, globalEvaluator: GlobalEvaluator.thanos() },
  alertmanager: { replicas: 3 },
  grafana: { adminPassword: SecretKey.of('grafana-admin', 'password') },
  networkPolicies: true,
  network: { nodePortSources: ['10.0.0.0/16'], kedaNamespace: 'keda' },
};

function stackPods(props: MonitoringStackProps) {
  const chart = new Chart(Testing.app(), 'net');
  new MonitoringStack(chart, 'stack', props);
  const docs = synthChart(chart);
  const policies = byKind(docs, 'NetworkPolicy') as unknown as Policy[];
  const operated = (kind: string) => byKind(docs, kind)[0].spec.podMetadata.labels;
  const deployed = (name: string) => byKind(docs, 'Deployment').find(d => d.metadata.name.endsWith(name))!.spec.template.metadata.labels;
  const pods = {
    prometheus: podIn('monitoring', 'prometheus-0', operated('Prometheus'), '10.244.1.10'),
    prometheusShard: podIn('monitoring', 'prometheus-shard-1-0', operated('Prometheus'), '10.244.1.11'),
    alertmanager: podIn('monitoring', 'alertmanager-0', operated('Alertmanager'), '10.244.1.20'),
    alertmanagerPeer: podIn('monitoring', 'alertmanager-1', operated('Alertmanager'), '10.244.1.21'),
    grafana: props.grafana?.enabled === false ? undefined : podIn('monitoring', 'grafana', deployed('grafana'), '10.244.1.30'),
    kubeStateMetrics: podIn('monitoring', 'kube-state-metrics', deployed('kube-state-metrics'), '10.244.1.40'),
    operator: podIn('monitoring', 'prometheus-operator', deployed('operator'), '10.244.1.50'),
    thanosQuery: byKind(docs, 'ThanosRuler').length ? podIn('monitoring', 'thanos-query', deployed('thanos-query'), '10.244.1.60') : undefined,
    thanosRuler: byKind(docs, 'ThanosRuler').length ? podIn('monitoring', 'thanos-ruler-0', operated('ThanosRuler'), '10.244.1.61') : undefined,
    keda: podIn('keda', 'keda-operator', { app: 'keda-operator' }, '10.244.3.5'),
    tenant: podIn('tenant-a', 'fraud-model', { app: 'fraud' }, '10.244.4.2'),
    ingress: podIn('ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' }, '10.244.5.2'),
    stranger: podIn('default', 'debug', { run: 'debug' }, '10.244.6.6'),
    otherMonitoringPod: podIn('monitoring', 'someone-else', { app: 'other' }, '10.244.1.99'),
    dns: podIn('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, '10.244.0.10'),
  };
  const outside = {
    apiServer: { name: 'API server', ip: '10.0.0.1' },
    node: { name: 'a node (NodePort, SNAT)', ip: '10.0.3.4' },
    internet: { name: 'an address outside nodePortSources', ip: '203.0.113.9' },
    slack: { name: 'a receiver (Slack)', ip: '34.120.0.1' },
    remoteWrite: { name: 'a remote-write endpoint', ip: '35.190.0.1' },
  };
  return { docs, policies, pods, outside };
}

describe('the stack\'s NetworkPolicies allow exactly the flows its components need', () => {
  const { docs, policies, pods: k, outside: x } = stackPods(NETWORK_STACK);
  const flow = (from: Endpoint | undefined, to: Endpoint | undefined, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): Flow => ({ from: from!, to: to!, port, protocol });
  const needed: Array<[string, Flow]> = [
    ['Grafana → Thanos Query :10902 (queries)', flow(k.grafana, k.thanosQuery, 10902)],
    ['Thanos Query → a Prometheus sidecar :10901 (store API)', flow(k.thanosQuery, k.prometheusShard, 10901)],
    ['Thanos Query → the Thanos Ruler :10901 (its recorded series)', flow(k.thanosQuery, k.thanosRuler, 10901)],
    ['Thanos Ruler → Thanos Query :10902 (rule queries)', flow(k.thanosRuler, k.thanosQuery, 10902)],
    ['Thanos Ruler → Alertmanager :9093 (global alerts)', flow(k.thanosRuler, k.alertmanager, 9093)],
    ['Thanos Query → DNS :53 UDP (SRV records of the shards)', flow(k.thanosQuery, k.dns, 53, 'UDP')],
    ['KEDA (namespace keda) → Thanos Query :10902 (scaler queries)', flow(k.keda, k.thanosQuery, 10902)],
    ['Grafana → Alertmanager :9093 (alert list, silences)', flow(k.grafana, k.alertmanager, 9093)],
    ['Prometheus → Prometheus peer :9090 (self-scrape of each replica)', flow(k.prometheus, k.prometheusShard, 9090)],
    ['Prometheus shard → Prometheus :9090', flow(k.prometheusShard, k.prometheus, 9090)],
    ['Prometheus → Alertmanager :9093 (alerts, scrape)', flow(k.prometheus, k.alertmanager, 9093)],
    ['Prometheus → kube-state-metrics :8080 (metrics)', flow(k.prometheus, k.kubeStateMetrics, 8080)],
    ['Prometheus → kube-state-metrics :8081 (self metrics)', flow(k.prometheus, k.kubeStateMetrics, 8081)],
    ['Prometheus → a model pod in a tenant namespace :8000', flow(k.prometheus, k.tenant, 8000)],
    ['Prometheus → the API server :443 (service discovery)', flow(k.prometheus, x.apiServer, 443)],
    ['Prometheus → a remote-write endpoint :443', flow(k.prometheus, x.remoteWrite, 443)],
    ['Alertmanager → Alertmanager peer :9094 TCP (cluster)', flow(k.alertmanager, k.alertmanagerPeer, 9094)],
    ['Alertmanager → Alertmanager peer :9094 UDP (gossip)', flow(k.alertmanager, k.alertmanagerPeer, 9094, 'UDP')],
    ['Alertmanager → a receiver :443', flow(k.alertmanager, x.slack, 443)],
    ['kube-state-metrics → the API server :443', flow(k.kubeStateMetrics, x.apiServer, 443)],
    ['prometheus-operator → the API server :6443', flow(k.operator, x.apiServer, 6443)],
    ['Grafana → DNS :53 UDP', flow(k.grafana, k.dns, 53, 'UDP')],
    ['kube-state-metrics → DNS :53 TCP', flow(k.kubeStateMetrics, k.dns, 53)],
    ['prometheus-operator → DNS :53 UDP', flow(k.operator, k.dns, 53, 'UDP')],
    ['an ingress controller → Grafana :3000 (the UI)', flow(k.ingress, k.grafana, 3000)],
    ['a node in nodePortSources → Prometheus :9090 (NodePort)', flow(x.node, k.prometheus, 9090)],
  ];
  const forbidden: Array<[string, Flow]> = [
    ['a tenant pod → Prometheus :9090 (every tenant\'s series)', flow(k.tenant, k.prometheus, 9090)],
    ['a tenant pod → Thanos Query :10902 (every tenant\'s series)', flow(k.tenant, k.thanosQuery, 10902)],
    ['a tenant pod → a Prometheus sidecar :10901', flow(k.tenant, k.prometheus, 10901)],
    ['Grafana → a Prometheus sidecar :10901 (past Thanos Query)', flow(k.grafana, k.prometheus, 10901)],
    ['a tenant pod → the Thanos Ruler :10901', flow(k.tenant, k.thanosRuler, 10901)],
    ['a pod in default → Prometheus :9090', flow(k.stranger, k.prometheus, 9090)],
    ['another pod of the monitoring namespace → Prometheus :9090', flow(k.otherMonitoringPod, k.prometheus, 9090)],
    ['an address outside nodePortSources → Prometheus :9090', flow(x.internet, k.prometheus, 9090)],
    ['a node → Alertmanager :9093 (no NodePort)', flow(x.node, k.alertmanager, 9093)],
    ['a tenant pod → Alertmanager :9093 (silences)', flow(k.tenant, k.alertmanager, 9093)],
    ['a tenant pod → Alertmanager :9094 (cluster)', flow(k.tenant, k.alertmanager, 9094)],
    ['Prometheus → Alertmanager :9094 (not its port)', flow(k.prometheus, k.alertmanager, 9094)],
    ['KEDA → Alertmanager :9093', flow(k.keda, k.alertmanager, 9093)],
    ['KEDA → Prometheus :8080 (the config reloader)', flow(k.keda, k.prometheus, 8080)],
    ['Grafana → kube-state-metrics :8080', flow(k.grafana, k.kubeStateMetrics, 8080)],
    ['Grafana → the internet :443', flow(k.grafana, x.slack, 443)],
    ['Grafana → a tenant pod :8000', flow(k.grafana, k.tenant, 8000)],
    ['a tenant pod → kube-state-metrics :8080', flow(k.tenant, k.kubeStateMetrics, 8080)],
    ['a tenant pod → prometheus-operator :8080', flow(k.tenant, k.operator, 8080)],
    ['Prometheus → prometheus-operator :8080 (not scraped)', flow(k.prometheus, k.operator, 8080)],
    ['prometheus-operator → a tenant pod :8000', flow(k.operator, k.tenant, 8000)],
    ['kube-state-metrics → a tenant pod :8000', flow(k.kubeStateMetrics, k.tenant, 8000)],
    ['an address outside nodePortSources → Grafana :3000', flow(x.internet, k.grafana, 3000)],
  ];

  test.each(needed)('allowed: %s', (_what, f) => expect(allowed(policies, f)).toBe(true));
  test.each(forbidden)('denied: %s', (_what, f) => expect(allowed(policies, f)).toBe(false));

  test('every policy selects pods of a component that exists, and every component has one', () => {
    const selected = (pod: Endpoint) => policies.filter(p => selects(p.spec.podSelector, pod.labels));
    for (const pod of [k.prometheus, k.alertmanager, k.grafana!, k.kubeStateMetrics, k.operator, k.thanosQuery!, k.thanosRuler!]) {
      expect({ pod: pod.name, policies: selected(pod).length }).toEqual({ pod: pod.name, policies: 1 });
    }
    expect(byKind(docs, 'NetworkPolicy').length).toBe(7);
  });

  test('apiServerCidrs narrow the API-server rule: kube-state-metrics and the operator reach nothing else on 443', () => {
    const narrowed = stackPods({ ...NETWORK_STACK, network: { ...NETWORK_STACK.network, apiServerCidrs: ['10.0.0.1/32'] } });
    const ksm = narrowed.pods.kubeStateMetrics;
    expect(allowed(narrowed.policies, { from: ksm, to: narrowed.outside.apiServer, port: 443 })).toBe(true);
    expect(allowed(narrowed.policies, { from: ksm, to: narrowed.outside.slack, port: 443 })).toBe(false);
    expect(allowed(narrowed.policies, { from: narrowed.pods.operator, to: narrowed.outside.slack, port: 443 })).toBe(false);
    // Without it, any address on 443 and 6443 (the API server's address is not known at synth time).
    expect(allowed(policies, { from: ksm, to: x.slack, port: 443 })).toBe(true);
  });

  test('grafanaClientNamespaces narrow Grafana to the given namespaces; another KEDA namespace moves the scaler\'s access', () => {
    const narrowed = stackPods({ ...NETWORK_STACK, network: { ...NETWORK_STACK.network, grafanaClientNamespaces: ['ingress-nginx'], kedaNamespace: 'autoscaling' } });
    expect(allowed(narrowed.policies, { from: narrowed.pods.ingress, to: narrowed.pods.grafana!, port: 3000 })).toBe(true);
    expect(allowed(narrowed.policies, { from: narrowed.pods.tenant, to: narrowed.pods.grafana!, port: 3000 })).toBe(false);
    expect(allowed(narrowed.policies, { from: narrowed.pods.keda, to: narrowed.pods.thanosQuery!, port: 10902 })).toBe(false);
    const moved = podIn('autoscaling', 'keda-operator', { app: 'keda-operator' }, '10.244.7.7');
    expect(allowed(narrowed.policies, { from: moved, to: narrowed.pods.thanosQuery!, port: 10902 })).toBe(true);
  });

  test('without Grafana the flows that need it are gone, and nothing else changes', () => {
    const bare = stackPods({ ...NETWORK_STACK, grafana: { enabled: false } });
    expect(byKind(bare.docs, 'NetworkPolicy').map(d => d.metadata.name)).not.toContain('ml-monitoring-grafana');
    expect(allowed(bare.policies, { from: bare.pods.keda, to: bare.pods.thanosQuery!, port: 10902 })).toBe(true);
    expect(allowed(bare.policies, { from: bare.pods.tenant, to: bare.pods.prometheus, port: 9090 })).toBe(false);
  });

  test('one Prometheus (no global evaluator): Grafana and KEDA query it on 9090, and nothing of Thanos is written', () => {
    const one = stackPods({ ...NETWORK_STACK, prometheus: { replicas: 2, nodePort: 30090 } });
    expect(byKind(one.docs, 'NetworkPolicy').map(d => d.metadata.name).filter(n => n.includes('thanos'))).toEqual([]);
    expect(allowed(one.policies, { from: one.pods.grafana!, to: one.pods.prometheus, port: 9090 })).toBe(true);
    expect(allowed(one.policies, { from: one.pods.keda, to: one.pods.prometheus, port: 9090 })).toBe(true);
    expect(allowed(one.policies, { from: one.pods.grafana!, to: one.pods.prometheus, port: 10901 })).toBe(false);
    expect(allowed(one.policies, { from: one.pods.tenant, to: one.pods.prometheus, port: 9090 })).toBe(false);
  });

  test('a remote-write store: Grafana reaches its query port, and no longer the Prometheus', () => {
    const mimir = stackPods({
      ...NETWORK_STACK,
      prometheus: {
        shards: 2,
        nodePort: 30090,
        globalEvaluator: GlobalEvaluator.remoteWriteRuler({ remoteWrite: { url: 'https://mimir.example.com/api/v1/push' }, queryUrl: 'http://mimir-query-frontend.mimir.svc:8080/prometheus' }),
      },
    });
    const frontend = podIn('mimir', 'query-frontend', { app: 'mimir-query-frontend' }, '10.244.8.8');
    expect(allowed(mimir.policies, { from: mimir.pods.grafana!, to: frontend, port: 8080 })).toBe(true);
    expect(allowed(mimir.policies, { from: mimir.pods.grafana!, to: mimir.pods.prometheus, port: 9090 })).toBe(false);
    expect(allowed(mimir.policies, { from: mimir.pods.prometheus, to: mimir.outside.remoteWrite, port: 443 })).toBe(true);
  });
});

describe('NodePort exposure is opt-in with explicit sources', () => {
  const make = (props: Partial<MonitoringStackProps>) => () => new MonitoringStack(new Chart(Testing.app(), 'c'), 'stack', { ...NETWORK_STACK, ...props });
  test('a NodePort with network policies and no sources is an Error naming network.nodePortSources', () => {
    expect(make({ network: {} })).toThrow(/c\/stack network: invalid nodePortSources \(undefined\): the CIDRs allowed through the NodePorts/);
  });
  test('sources without a NodePort are an Error', () => {
    expect(make({ prometheus: { replicas: 2 } })).toThrow(/invalid nodePortSources \["10.0.0.0\/16"\]: no sources: no component has a nodePort/);
  });
  test.each(['10.0.0.0', '10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'any', '10.0.0.0/8/1'])('a CIDR the API server refuses: %s', cidr => {
    expect(make({ network: { nodePortSources: [cidr] } })).toThrow(/invalid nodePortSources\[0\] .*a CIDR: an IPv4 or IPv6 address and a prefix length/);
  });
  test('IPv6 sources are accepted', () => expect(make({ network: { nodePortSources: ['fd00::/8', '2001:db8::/32'] } })).not.toThrow());
  test('one NodePort for two Services is an Error naming the second', () => {
    expect(make({ alertmanager: { nodePort: 30090 } })).toThrow(/invalid alertmanager.nodePort 30090: a NodePort of its own \(prometheus.nodePort has it/);
    expect(make({ grafana: { adminPassword: SecretKey.of('g', 'p'), nodePort: 30090 } })).toThrow(/invalid grafana.nodePort 30090/);
  });
});
