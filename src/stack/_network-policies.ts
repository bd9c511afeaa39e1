import * as kplus from 'cdk8s-plus-28';
import { StackContext, componentLabels, podSelector } from './_common';

interface Flags {
  readonly grafana: boolean;
  readonly kubeStateMetrics: boolean;
  readonly prometheusNodePort: boolean;
  readonly alertmanagerNodePort: boolean;
}

const DNS = { ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(53) }] };
const API_SERVER = { ports: [443, 6443].map(p => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(p) })) };

/**
 * NetworkPolicies for the stack's pods: only Grafana reaches Prometheus, only Prometheus reaches
 * Alertmanager and the exporters, Alertmanager replicas reach each other; Prometheus may reach any target
 * and Alertmanager any receiver. A component with a NodePort also accepts traffic on its web port from
 * anywhere, since NodePort traffic arrives from outside the pod network.
 */
export function addNetworkPolicies(ctx: StackContext, f: Flags): void {
  const from = (component: string) => ({ podSelector: { matchLabels: podSelector(ctx, component) } });
  const tcp = (...ports: number[]) => ports.map(p => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(p) }));
  const policy = (component: string, ingress: kplus.k8s.NetworkPolicyIngressRule[], egress: kplus.k8s.NetworkPolicyEgressRule[]) =>
    new kplus.k8s.KubeNetworkPolicy(ctx.scope, `NetworkPolicy-${component}`, {
      metadata: { name: `${ctx.name}-${component}`, namespace: ctx.namespace, labels: componentLabels(ctx, component) },
      spec: { podSelector: { matchLabels: podSelector(ctx, component) }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
    });

  policy('prometheus', [
    ...(f.grafana ? [{ from: [from('grafana')], ports: tcp(9090) }] : []),
    ...(f.prometheusNodePort ? [{ ports: tcp(9090) }] : []),
  ], [{}]);
  policy('alertmanager', [
    { from: [from('prometheus')], ports: tcp(9093) },
    ...(f.grafana ? [{ from: [from('grafana')], ports: tcp(9093) }] : []),
    { from: [from('alertmanager')], ports: [...tcp(9094), { protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(9094) }] },
    ...(f.alertmanagerNodePort ? [{ ports: tcp(9093) }] : []),
  ], [{}]);
  if (f.grafana) {
    policy('grafana', [{ ports: tcp(3000) }], [
      { to: [from('prometheus')], ports: tcp(9090) },
      { to: [from('alertmanager')], ports: tcp(9093) },
      DNS,
    ]);
  }
  if (f.kubeStateMetrics) {
    policy('kube-state-metrics', [{ from: [from('prometheus')], ports: tcp(8080, 8081) }], [API_SERVER, DNS]);
  }
  policy('prometheus-operator', [{ from: [from('prometheus')], ports: tcp(8080) }], [API_SERVER, DNS]);
}
