import { BlockList, isIP } from 'net';

/*
 * A NetworkPolicy evaluator with the semantics of the Kubernetes API (networking.k8s.io/v1, as documented in
 * "Network Policies" and the NetworkPolicySpec reference):
 * - a pod is isolated for a direction when any policy in its namespace selects it and lists that direction
 *   in policyTypes (policyTypes defaults to Ingress, plus Egress when the policy has egress rules);
 * - an isolated pod allows a connection when any rule of any policy that selects it allows it; policies are
 *   additive, and a connection needs both the source's egress and the destination's ingress;
 * - a rule with no (or empty) from/to allows every peer, with no (or empty) ports every port;
 * - a peer with podSelector alone means pods of the policy's namespace, namespaceSelector alone every pod of
 *   the selected namespaces, both together the selected pods of the selected namespaces, ipBlock addresses
 *   in the CIDR but not in its excepts;
 * - a port with no protocol is TCP, a port with no number every port of the protocol, a named port the
 *   destination pod's container port of that name, endPort a range.
 */

export interface LabelSelector {
  readonly matchLabels?: { [key: string]: string };
  readonly matchExpressions?: ReadonlyArray<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/** A pod, or an address outside the cluster (no namespace). */
export interface Endpoint {
  readonly name: string;
  readonly ip: string;
  readonly namespace?: string;
  readonly namespaceLabels?: { [key: string]: string };
  readonly labels?: { [key: string]: string };
  /** Named container ports. */
  readonly ports?: { [name: string]: number };
}

export interface Flow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface Policy {
  readonly metadata: { readonly namespace: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: string[];
    readonly ingress?: Rule[];
    readonly egress?: Rule[];
  };
}

interface Rule {
  readonly from?: Peer[];
  readonly to?: Peer[];
  readonly ports?: Array<{ protocol?: string; port?: number | string; endPort?: number }>;
}

interface Peer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { cidr: string; except?: string[] };
}

export function selects(selector: LabelSelector, labels: { [key: string]: string } = {}): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const family = isIP(net) === 6 ? 'ipv6' : 'ipv4';
  if ((isIP(ip) === 6 ? 'ipv6' : 'ipv4') !== family) return false;
  const list = new BlockList();
  list.addSubnet(net, Number(bits), family);
  return list.check(ip, family);
}

function peerMatches(peer: Peer, policyNamespace: string, e: Endpoint): boolean {
  if (peer.ipBlock) return inCidr(e.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some(x => inCidr(e.ip, x));
  if (e.namespace === undefined) return false; // selectors match pods only
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, e.namespaceLabels) : e.namespace === policyNamespace;
  const podOk = peer.podSelector ? selects(peer.podSelector, e.labels) : true;
  return nsOk && podOk;
}

function portMatches(rule: Rule, flow: Flow): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  const protocol = flow.protocol ?? 'TCP';
  return rule.ports.some(p => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : flow.to.ports?.[p.port];
    if (number === undefined) return false;
    return p.endPort !== undefined ? flow.port >= number && flow.port <= p.endPort : flow.port === number;
  });
}

function types(p: Policy): string[] {
  return p.spec.policyTypes ?? ['Ingress', ...(p.spec.egress !== undefined ? ['Egress'] : [])];
}

function direction(policies: ReadonlyArray<Policy>, pod: Endpoint, kind: 'Ingress' | 'Egress', peer: Endpoint, flow: Flow): boolean {
  if (pod.namespace === undefined) return true; // not a pod: no policy applies
  const applying = policies.filter(p => p.metadata.namespace === pod.namespace && selects(p.spec.podSelector, pod.labels) && types(p).includes(kind));
  if (applying.length === 0) return true;
  return applying.some(p => ((kind === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some(rule => {
    const peers = kind === 'Ingress' ? rule.from : rule.to;
    const peerOk = !peers || peers.length === 0 || peers.some(x => peerMatches(x, p.metadata.namespace, peer));
    return peerOk && portMatches(rule, flow);
  }));
}

/** Whether the policies let `flow` through: the source's egress and the destination's ingress. */
export function allowed(policies: ReadonlyArray<Policy>, flow: Flow): boolean {
  return direction(policies, flow.from, 'Egress', flow.to, flow) && direction(policies, flow.to, 'Ingress', flow.from, flow);
}

/** A pod endpoint in `namespace`, with the label every namespace has since Kubernetes 1.22. */
export function podIn(namespace: string, name: string, labels: { [key: string]: string }, ip: string, ports?: { [name: string]: number }): Endpoint {
  return { name, ip, namespace, namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, labels, ports };
}
