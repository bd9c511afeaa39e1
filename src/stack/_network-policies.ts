import { isIP } from 'net';
import * as kplus from 'cdk8s-plus-28';
import { StackContext, componentLabels, podSelector } from './_common';
import { StackNetworkOptions } from './stack-options';
import { invalidProp } from '../common/_errors';
import { validateNamespace } from '../common/_names';

interface Flags {
  readonly grafana: boolean;
  readonly kubeStateMetrics: boolean;
  readonly prometheusNodePort: boolean;
  readonly alertmanagerNodePort: boolean;
  readonly grafanaNodePort: boolean;
  /** Thanos beside the shards: the sidecars, Thanos Query and the Thanos Ruler. */
  readonly thanos: boolean;
  /** A remote-write store's query endpoint that Grafana reads (its port), instead of the Prometheus. */
  readonly externalQueryPort?: number;
}

type Port = kplus.k8s.NetworkPolicyPort;
type Peer = kplus.k8s.NetworkPolicyPeer;

const port = (protocol: 'TCP' | 'UDP', p: number): Port => ({ protocol, port: kplus.k8s.IntOrString.fromNumber(p) });
const tcp = (...ports: number[]): Port[] => ports.map(p => port('TCP', p));
const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

/** A CIDR as the API server accepts it in an ipBlock: an IPv4 or IPv6 address and a prefix length. @internal */
export function validateCidr(where: string, prop: string, value: string): string {
  const [address, bits, extra] = typeof value === 'string' ? value.split('/') : [];
  const family = address !== undefined ? isIP(address) : 0;
  const max = family === 4 ? 32 : 128;
  if (family === 0 || extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits) || Number(bits) > max) {
    throw invalidProp(where, prop, value, 'a CIDR: an IPv4 or IPv6 address and a prefix length, e.g. "10.0.0.0/8" or "fd00::/8"');
  }
  return value;
}

/**
 * NetworkPolicies for the stack's pods that allow exactly the flows its components need, and deny the
 * rest (each policy selects one component and names both directions):
 *
 * | from | to | port |
 * | --- | --- | --- |
 * | Grafana | Prometheus, Alertmanager | 9090, 9093 |
 * | Prometheus (any replica or shard) | Prometheus (self-scrape of each peer) | 9090 |
 * | Prometheus | Alertmanager (alerts, scrape) | 9093 |
 * | Prometheus | kube-state-metrics | 8080, 8081 |
 * | Prometheus | its targets, remote write, the API server | any (egress open) |
 * | KEDA's namespace | Prometheus | 9090 |
 * | Alertmanager | Alertmanager (cluster gossip) | 9094 TCP and UDP |
 * | Alertmanager | receivers | any (egress open) |
 * | kube-state-metrics, the operator | the API server, DNS | 443, 6443, 53 |
 * | Grafana's client namespaces | Grafana | 3000 |
 * | `nodePortSources` | a component with a NodePort | its web port |
 *
 * With Thanos beside the shards (`GlobalEvaluator.thanos()`), Grafana and KEDA query Thanos Query instead:
 *
 * | from | to | port |
 * | --- | --- | --- |
 * | Grafana, KEDA's namespace, the Thanos Ruler | Thanos Query | 10902 |
 * | Thanos Query | the Prometheus sidecars, the Thanos Ruler (store API) | 10901 |
 * | Thanos Query, the Thanos Ruler | DNS (the governing Services' SRV records) | 53 |
 * | the Thanos Ruler | Alertmanager | 9093 |
 *
 * With a remote-write store (`GlobalEvaluator.remoteWriteRuler()`), Grafana reaches any address on its
 * query URL's port (the store is outside the stack); the shards' egress is open already.
 *
 * node-exporter runs in the host's network, where NetworkPolicies do not apply.
 */
export function addNetworkPolicies(ctx: StackContext, where: string, o: StackNetworkOptions, f: Flags): void {
  const kedaNamespace = validateNamespace(where, 'kedaNamespace', o.kedaNamespace ?? 'keda');
  const grafanaClients = o.grafanaClientNamespaces?.map((ns, i) => validateNamespace(where, `grafanaClientNamespaces[${i}]`, ns));
  const sources = (o.nodePortSources ?? []).map((c, i) => validateCidr(where, `nodePortSources[${i}]`, c));
  const apiServer = o.apiServerCidrs?.map((c, i) => validateCidr(where, `apiServerCidrs[${i}]`, c));
  if (apiServer !== undefined && apiServer.length === 0) throw invalidProp(where, 'apiServerCidrs', [], 'at least one CIDR, or leave it out for any address');
  const nodePorts = [f.prometheusNodePort, f.alertmanagerNodePort, f.grafanaNodePort].some(x => x);
  if (nodePorts && sources.length === 0) {
    throw invalidProp(where, 'nodePortSources', o.nodePortSources,
      'the CIDRs allowed through the NodePorts (a component has a nodePort and network policies are on), e.g. ["10.0.0.0/16"] for the nodes and clients; with no sources nothing could reach them');
  }
  if (!nodePorts && sources.length > 0) {
    throw invalidProp(where, 'nodePortSources', o.nodePortSources, 'no sources: no component has a nodePort');
  }

  const pod = (component: string): Peer => ({ podSelector: { matchLabels: podSelector(ctx, component) } });
  const namespace = (name: string): Peer => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: name } } });
  const external = sources.map(cidr => ({ ipBlock: { cidr } }));
  const dns: kplus.k8s.NetworkPolicyEgressRule = { ports: [port('UDP', 53), port('TCP', 53)] };
  const apiServerRule: kplus.k8s.NetworkPolicyEgressRule = {
    to: apiServer?.map(cidr => ({ ipBlock: { cidr } })),
    ports: tcp(443, 6443),
  };
  const policy = (component: string, ingress: kplus.k8s.NetworkPolicyIngressRule[], egress: kplus.k8s.NetworkPolicyEgressRule[]) =>
    new kplus.k8s.KubeNetworkPolicy(ctx.scope, component, {
      metadata: { name: `${ctx.name}-${component}`, namespace: ctx.namespace, labels: componentLabels(ctx, component) },
      spec: { podSelector: { matchLabels: podSelector(ctx, component) }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
    });

  // Who queries: Grafana and KEDA ask Thanos Query when there is one, else the Prometheus.
  const queriers = [...(f.grafana ? [pod('grafana')] : []), namespace(kedaNamespace)];
  policy('prometheus', [
    { from: [pod('prometheus'), ...(f.thanos ? [] : queriers)], ports: tcp(9090) },
    ...(f.thanos ? [{ from: [pod('thanos-query')], ports: tcp(10901) }] : []),
    ...(f.prometheusNodePort ? [{ from: external, ports: tcp(9090) }] : []),
  ], [{}]);
  if (f.thanos) {
    policy('thanos-query', [{ from: [...queriers, pod('thanos-ruler')], ports: tcp(10902) }], [
      { to: [pod('prometheus'), pod('thanos-ruler')], ports: tcp(10901) },
      dns,
    ]);
    policy('thanos-ruler', [{ from: [pod('thanos-query')], ports: tcp(10901) }], [
      { to: [pod('thanos-query')], ports: tcp(10902) },
      { to: [pod('alertmanager')], ports: tcp(9093) },
      dns,
    ]);
  }
  policy('alertmanager', [
    { from: [pod('prometheus'), ...(f.thanos ? [pod('thanos-ruler')] : []), ...(f.grafana ? [pod('grafana')] : [])], ports: tcp(9093) },
    { from: [pod('alertmanager')], ports: [port('TCP', 9094), port('UDP', 9094)] },
    ...(f.alertmanagerNodePort ? [{ from: external, ports: tcp(9093) }] : []),
  ], [{}]);
  if (f.grafana) {
    policy('grafana', [
      { from: grafanaClients === undefined ? [{ namespaceSelector: {} }] : grafanaClients.map(namespace), ports: tcp(3000) },
      ...(f.grafanaNodePort ? [{ from: external, ports: tcp(3000) }] : []),
    ], [
      f.thanos ? { to: [pod('thanos-query')], ports: tcp(10902) }
        : f.externalQueryPort !== undefined ? { ports: tcp(f.externalQueryPort) } : { to: [pod('prometheus')], ports: tcp(9090) },
      { to: [pod('alertmanager')], ports: tcp(9093) },
      dns,
    ]);
  }
  if (f.kubeStateMetrics) {
    policy('kube-state-metrics', [{ from: [pod('prometheus')], ports: tcp(8080, 8081) }], [apiServerRule, dns]);
  }
  // Nothing calls the operator (no admission webhook is deployed, and it is not scraped).
  policy('prometheus-operator', [], [apiServerRule, dns]);
}
