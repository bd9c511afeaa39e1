import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StorageOptions } from './stack-options';
import { invalidProp } from '../common/_errors';
import { definedOnly } from '../common/_object';
import { Relabeling } from '../scrape/scrape-options';
import { ScrapeTarget } from '../scrape/scrape-target';

/** Default images, pinned. The operator's matches the CRDs the bindings were generated from. */
export const IMAGES = {
  operator: 'quay.io/prometheus-operator/prometheus-operator:v0.93.0',
  configReloader: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.93.0',
  prometheus: 'quay.io/prometheus/prometheus:v3.14.0',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.34.0',
  grafana: 'docker.io/grafana/grafana:12.3.0',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0',
  nodeExporter: 'quay.io/prometheus/node-exporter:v1.10.2',
  thanos: 'quay.io/thanos/thanos:v0.39.2',
};

/** What every part of an owned stack knows about the stack. */
export interface StackContext {
  readonly scope: Construct;
  readonly where: string;
  /** The stack's name: prefix of object names and value of its selector label. */
  readonly name: string;
  readonly namespace: string;
  readonly selectorLabels: { [key: string]: string };
  /**
   * The stack's identity in names outside its namespace (cluster-scoped objects, the kubelet Service in
   * kube-system): its namespace and name, so two stacks never write one ClusterRole or Service.
   */
  readonly clusterPrefix: string;
}

/** The recommended labels of one component. */
export function componentLabels(ctx: StackContext, component: string): { [key: string]: string } {
  return {
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/instance': ctx.name,
    'app.kubernetes.io/part-of': 'ml-monitoring',
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** The labels that select one component's pods. */
export function podSelector(ctx: StackContext, component: string): { [key: string]: string } {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/instance': ctx.name };
}

/** A container security context that meets the restricted Pod Security Standard. */
export function restrictedContainer(user: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user,
    group: user,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/** The pod security context of a Prometheus or Alertmanager object (the operator builds the pods). */
export function restrictedOperatedPod(): { [key: string]: unknown } {
  return { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } };
}

/** `ContainerResources` as the plain requirements of an operator object. */
export function kubeResources(r: kplus.ContainerResources): { [key: string]: { [key: string]: string } } {
  const out: { [key: string]: { [key: string]: string } } = {};
  const put = (kind: 'requests' | 'limits', resource: string, v: string | undefined) => {
    if (v === undefined) return;
    (out[kind] ??= {})[resource] = v;
  };
  put('requests', 'cpu', r.cpu?.request?.amount);
  put('limits', 'cpu', r.cpu?.limit?.amount);
  put('requests', 'memory', r.memory?.request && mebibytes(r.memory.request));
  put('limits', 'memory', r.memory?.limit && mebibytes(r.memory.limit));
  return out;
}

/** A Size as a Kubernetes quantity in Mi. */
export function mebibytes(s: Size): string {
  return `${s.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR })}Mi`;
}

export function resources(cpuRequest: string, memRequestMi: number, memLimitMi: number): kplus.ContainerResources {
  return {
    cpu: { request: kplus.Cpu.millis(Number(cpuRequest.replace('m', ''))) },
    memory: { request: Size.mebibytes(memRequestMi), limit: Size.mebibytes(memLimitMi) },
  };
}

export function validateReplicas(where: string, prop: string, n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw invalidProp(where, prop, n, 'a whole number, 1 or more');
  return n;
}

export function validateNodePort(where: string, prop: string, port: number | undefined): number | undefined {
  if (port === undefined) return undefined;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 30000 || port > 32767) {
    throw invalidProp(where, prop, port, 'a NodePort in the cluster\'s default range 30000-32767');
  }
  return port;
}

/** An image reference pinned to a version tag or digest (never `latest`). */
export function validateImage(where: string, prop: string, image: string): string {
  const tag = typeof image === 'string' ? /^[^\s@]+?(?::([\w][\w.-]{0,127}))?(?:@sha256:[a-f0-9]{64})?$/.exec(image) : null;
  const pinned = tag !== null && ((tag[1] !== undefined && tag[1] !== 'latest') || image.includes('@sha256:'));
  if (!pinned) throw invalidProp(where, prop, image, 'an image pinned to a version tag or digest, e.g. "quay.io/prometheus/prometheus:v3.14.0"');
  return image;
}

/** The version tag of an image (the operator needs it to know the component's flags). */
export function imageVersion(image: string): string | undefined {
  const m = /:(v?\d+\.\d+\.\d+[\w.-]*)(@sha256:[a-f0-9]{64})?$/.exec(image);
  return m ? m[1].replace(/-distroless$/, '') : undefined;
}

/** A positive Size. */
export function validateSize(where: string, prop: string, s: Size | undefined): Size | undefined {
  if (s === undefined) return undefined;
  if (!(s instanceof Size)) throw invalidProp(where, prop, s, 'a Size, e.g. Size.gibibytes(50)');
  let kib: number;
  try {
    kib = s.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  } catch {
    kib = NaN;
  }
  // Sizes are written in whole mebibytes ("50Mi", "45MiB"): anything else would be rounded, 1 KiB to 0 (no limit).
  if (!Number.isFinite(kib) || kib < 1024 || kib % 1024 !== 0) {
    throw invalidProp(where, prop, Number.isFinite(kib) ? `${kib} KiB` : '(not a finite size)',
      'a whole number of mebibytes, at least 1 MiB, e.g. Size.gibibytes(50) (it is written in Mi; a smaller or fractional size would be rounded, to 0 below 1 MiB)');
  }
  return s;
}

/** One port of a stack Service. */
export interface StackPort {
  readonly name: string;
  readonly port: number;
  readonly nodePort?: number;
}

/** A Service that selects a component's pods by their stable labels. */
export function stackService(ctx: StackContext, id: string, component: string, name: string, ports: StackPort[]): kplus.Service {
  const service = new kplus.Service(ctx.scope, id, {
    metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx, component) },
    type: ports.some(p => p.nodePort !== undefined) ? kplus.ServiceType.NODE_PORT : kplus.ServiceType.CLUSTER_IP,
    ports: ports.map(p => ({ name: p.name, port: p.port, targetPort: p.port, nodePort: p.nodePort })),
  });
  for (const [k, v] of Object.entries(podSelector(ctx, component))) service.selectLabel(k, v);
  return service;
}

/** A ServiceAccount of the stack. */
export function stackServiceAccount(ctx: StackContext, id: string, component: string, name: string, automountToken: boolean): kplus.ServiceAccount {
  return new kplus.ServiceAccount(ctx.scope, id, {
    metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx, component) },
    automountToken,
  });
}

/** A Kubernetes API resource for RBAC rules. */
export function res(apiGroup: string, resourceType: string): kplus.ApiResource {
  return kplus.ApiResource.custom({ apiGroup, resourceType });
}

/** Binds a ClusterRole to a ServiceAccount under the role's own name (readable, no hash). */
export function bindClusterRole(ctx: StackContext, id: string, component: string, role: kplus.ClusterRole, sa: kplus.ServiceAccount): void {
  const binding = new kplus.ClusterRoleBinding(ctx.scope, id, { metadata: { name: role.name, labels: componentLabels(ctx, component) }, role });
  binding.addSubjects(sa);
}

/** The ServiceMonitor of one of the stack's own components, selected by the stack's Prometheus. */
export function stackScrape(ctx: StackContext, id: string, component: string, name: string, port: string,
  extra: { honorLabels?: boolean; relabelings?: Relabeling[] } = {}): ScrapeTarget {
  return new ScrapeTarget(ctx.scope, id, {
    namespace: ctx.namespace,
    name,
    selector: componentLabels(ctx, component),
    port,
    ...extra,
    // The stack's own exporters (kube-state-metrics) label series with the namespace they describe.
    trustTargetLabels: extra.honorLabels,
    labels: ctx.selectorLabels,
  });
}

/**
 * Labels a workload's pods with the component's stable labels and selects them by those alone: a selector
 * is immutable once applied, so it must not depend on where the workload sits in the construct tree (as
 * cdk8s-plus's own `cdk8s.io/metadata.addr` selector does).
 */
export function selectComponentPods(workload: kplus.Workload, ctx: StackContext, component: string): void {
  const labels = podSelector(ctx, component);
  for (const [k, v] of Object.entries(labels)) workload.podMetadata.addLabel(k, v);
  workload.select(kplus.LabelSelector.of({ labels }));
}

/**
 * A Deployment of one of the stack's components: one replica, non-root as `user`, its pods labelled for
 * the component's Service and NetworkPolicy, its container restricted and pinned.
 */
export function stackDeployment(ctx: StackContext, id: string, component: string, name: string, user: number,
  sa: kplus.ServiceAccount | undefined, container: kplus.ContainerProps): { deployment: kplus.Deployment; container: kplus.Container } {
  const deployment = new kplus.Deployment(ctx.scope, id, {
    metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx, component) },
    replicas: 1,
    serviceAccount: sa,
    automountServiceAccountToken: sa !== undefined,
    securityContext: { ensureNonRoot: true, user, group: user, fsGroup: user },
    select: false,
  });
  selectComponentPods(deployment, ctx, component);
  const added = deployment.addContainer({
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, securityContext: restrictedContainer(user), ...container,
  });
  return { deployment, container: added };
}

/** With more than one replica, at most one of a component's pods is evicted at a time (node drains, upgrades). */
export function stackDisruptionBudget(ctx: StackContext, id: string, component: string, name: string, replicas: number): void {
  if (replicas < 2) return;
  new kplus.k8s.KubePodDisruptionBudget(ctx.scope, id, {
    metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx, component) },
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: podSelector(ctx, component) } },
  });
}

/** A volume claim template for an operator object's `storage`. */
export function storage(where: string, prop: string, s: StorageOptions): { [key: string]: unknown } {
  validateSize(where, `${prop}.size`, s.size);
  if (s.size === undefined) throw invalidProp(where, `${prop}.size`, s.size, 'a Size, e.g. Size.gibibytes(50)');
  return {
    volumeClaimTemplate: {
      spec: definedOnly({
        accessModes: ['ReadWriteOnce'],
        storageClassName: s.storageClassName,
        resources: { requests: { storage: mebibytes(s.size) } },
      }),
    },
  };
}
