import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IMAGES, StackContext, bindClusterRole, componentLabels, stackDeployment, res, resources, restrictedContainer, selectComponentPods, stackScrape, stackService, stackServiceAccount, validateImage } from './_common';
import { ComponentParts } from './stack-component';
import { KubeStateMetricsOptions, NodeExporterOptions } from './stack-options';
import { GVK } from '../common/_gvk';
import { definedOnly } from '../common/_object';

/** The resources kube-state-metrics watches: what the pod and workload alerts read, nothing more. */
const KSM_RESOURCES: [string, string, string][] = [
  ['', 'pods', 'pods'], ['', 'nodes', 'nodes'], ['', 'namespaces', 'namespaces'], ['', 'services', 'services'],
  ['', 'persistentvolumeclaims', 'persistentvolumeclaims'],
  ['apps', 'deployments', 'deployments'], ['apps', 'replicasets', 'replicasets'], ['apps', 'statefulsets', 'statefulsets'],
  ['apps', 'daemonsets', 'daemonsets'], ['autoscaling', 'horizontalpodautoscalers', 'horizontalpodautoscalers'],
];

/** kube-state-metrics: Deployment, ServiceAccount, list/watch-only ClusterRole, Service and ServiceMonitor. */
export function addKubeStateMetrics(ctx: StackContext, o: KubeStateMetricsOptions): ComponentParts {
  const component = 'kube-state-metrics';
  const where = `${ctx.where} kubeStateMetrics`;
  const name = `${ctx.name}-kube-state-metrics`;
  const image = validateImage(where, 'image', o.image ?? IMAGES.kubeStateMetrics);
  const sa = stackServiceAccount(ctx, 'ServiceAccount', component, name, true);
  const role = new kplus.ClusterRole(ctx.scope, 'ClusterRole', { metadata: { name: `${ctx.clusterPrefix}-kube-state-metrics`, labels: componentLabels(ctx, component) } });
  role.allow(['list', 'watch'], ...KSM_RESOURCES.map(([g, r]) => res(g, r)));
  bindClusterRole(ctx, 'ClusterRoleBinding', component, role, sa);
  const { deployment } = stackDeployment(ctx, 'Deployment', component, name, 65534, sa, {
    name: 'kube-state-metrics',
    image,
    // The node type label, for cost priced per node type (kube_node_labels{label_node_kubernetes_io_instance_type}).
    args: ['--port=8080', '--telemetry-port=8081', `--resources=${KSM_RESOURCES.map(r => r[2]).join(',')}`, '--metric-labels-allowlist=nodes=[node.kubernetes.io/instance-type]'],
    ports: [{ number: 8080, name: 'http-metrics' }, { number: 8081, name: 'telemetry' }],
    resources: o.resources ?? resources('50m', 128, 256),
    readiness: kplus.Probe.fromHttpGet('/readyz', { port: 8081 }),
    liveness: kplus.Probe.fromHttpGet('/livez', { port: 8080 }),
  });
  const service = stackService(ctx, 'Service', component, name, [{ name: 'http-metrics', port: 8080 }, { name: 'telemetry', port: 8081 }]);
  // Its series describe other pods: their namespace and pod labels must win over the target's.
  stackScrape(ctx, 'Scrape', component, name, 'http-metrics', { honorLabels: true });
  return { resource: ApiObject.of(deployment), service, serviceAccount: sa, url: `http://${name}.${ctx.namespace}.svc:8080` };
}

/**
 * Kubelet and cAdvisor scraping, through the Service and Endpoints of every kubelet that the operator keeps
 * in kube-system (`--kubelet-service`). cAdvisor's series carry the namespace, pod and container they
 * describe, so labels are honoured.
 */
export function addKubeletScrape(ctx: StackContext, kubeletService: string): ComponentParts {
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
  const [ns, service] = kubeletService.split('/');
  const endpoint = (path: string) => ({
    port: 'https-metrics',
    scheme: 'https',
    path,
    interval: '30s',
    honorLabels: true,
    honorTimestamps: path === '/metrics/cadvisor' ? false : undefined,
    bearerTokenFile: `${sa}/token`,
    // Kubelet serving certificates are signed by the cluster CA on some clusters and self-signed on others.
    tlsConfig: { caFile: `${sa}/ca.crt`, insecureSkipVerify: true },
    relabelings: [
      // Only this stack's kubelet Service: another stack's operator keeps one with the same labels.
      { action: 'keep', sourceLabels: ['__meta_kubernetes_service_name'], regex: service },
      { action: 'replace', sourceLabels: ['__metrics_path__'], targetLabel: 'metrics_path' },
    ],
  });
  const resource = new ApiObject(ctx.scope, 'Scrape', {
    ...GVK.serviceMonitor,
    metadata: { name: `${ctx.name}-kubelet`, namespace: ctx.namespace, labels: { ...componentLabels(ctx, 'kubelet'), ...ctx.selectorLabels } },
    spec: {
      jobLabel: 'k8s-app',
      namespaceSelector: { matchNames: [ns] },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'kubelet', 'k8s-app': 'kubelet' } },
      endpoints: [endpoint('/metrics'), endpoint('/metrics/cadvisor')].map(e => definedOnly(e)),
    },
  });
  return { resource };
}

/**
 * node-exporter as a DaemonSet on every node. It reads the host's /proc, /sys and root filesystem read-only
 * and shares the host's PID and network namespaces, so it cannot meet the restricted Pod Security Standard;
 * it still runs as a non-root user with no capabilities and no privilege escalation.
 */
export function addNodeExporter(ctx: StackContext, o: NodeExporterOptions): ComponentParts {
  const component = 'node-exporter';
  const where = `${ctx.where} nodeExporter`;
  const name = `${ctx.name}-node-exporter`;
  const image = validateImage(where, 'image', o.image ?? IMAGES.nodeExporter);
  const ds = new kplus.DaemonSet(ctx.scope, 'DaemonSet', {
    metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx, component) },
    automountServiceAccountToken: false,
    hostNetwork: true,
    securityContext: { ensureNonRoot: true, user: 65534, group: 65534 },
    select: false,
  });
  selectComponentPods(ds, ctx, component);
  ds.scheduling.tolerate(new kplus.TaintedNode([kplus.NodeTaintQuery.any()]));
  const c = ds.addContainer({
    name: 'node-exporter',
    image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    args: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root', '--web.listen-address=:9100'],
    ports: [{ number: 9100, name: 'http-metrics' }],
    securityContext: restrictedContainer(65534),
    resources: o.resources ?? resources('50m', 64, 128),
  });
  for (const [vol, path] of [['proc', '/proc'], ['sys', '/sys'], ['root', '/']]) {
    c.mount(`/host/${vol}`, kplus.Volume.fromHostPath(ctx.scope, `Volume-${vol}`, vol, { path }), { readOnly: true });
  }
  // cdk8s-plus has no hostPID. The patch applies to the props before the generated KubeDaemonSet turns them
  // into the manifest, and that conversion keeps only the fields it knows by their camelCase names: a patch
  // of "hostPID" was silently dropped, "hostPid" becomes hostPID (the stack test reads it in the YAML).
  ApiObject.of(ds).addJsonPatch(JsonPatch.add('/spec/template/spec/hostPid', true));
  const service = stackService(ctx, 'Service', component, name, [{ name: 'http-metrics', port: 9100 }]);
  stackScrape(ctx, 'Scrape', component, name, 'http-metrics', { relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'instance' }] });
  return { resource: ApiObject.of(ds), service, url: `http://${name}.${ctx.namespace}.svc:9100` };
}
