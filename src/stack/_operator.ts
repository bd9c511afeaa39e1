import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IMAGES, StackContext, bindClusterRole, componentLabels, res, resources, stackDeployment, stackService, stackServiceAccount, validateImage } from './_common';
import { ComponentParts } from './stack-component';
import { OperatorOptions } from './stack-options';

const COMPONENT = 'prometheus-operator';
const CRUD = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * The prometheus-operator: Deployment, ServiceAccount, least-privilege ClusterRole and a metrics Service.
 * It also keeps a Service and Endpoints of every kubelet in `kubeletService`, for cAdvisor scraping.
 */
export function addOperator(ctx: StackContext, o: OperatorOptions, kubeletService: string | undefined): ComponentParts {
  const where = `${ctx.where} operator`;
  const name = `${ctx.name}-operator`;
  const image = validateImage(where, 'image', o.image ?? IMAGES.operator);
  const reloader = validateImage(where, 'configReloaderImage', o.configReloaderImage ?? IMAGES.configReloader);
  const sa = stackServiceAccount(ctx, 'ServiceAccount', COMPONENT, name, true);

  const role = new kplus.ClusterRole(ctx.scope, 'ClusterRole', { metadata: { name: `${ctx.clusterPrefix}-operator`, labels: componentLabels(ctx, COMPONENT) } });
  const mon = (r: string) => res('monitoring.coreos.com', r);
  role.allow(CRUD, ...['alertmanagers', 'alertmanagers/finalizers', 'alertmanagers/status', 'alertmanagerconfigs',
    'prometheuses', 'prometheuses/finalizers', 'prometheuses/status', 'prometheusagents', 'prometheusagents/finalizers',
    'prometheusagents/status', 'thanosrulers', 'thanosrulers/finalizers', 'thanosrulers/status', 'scrapeconfigs',
    'servicemonitors', 'servicemonitors/status', 'podmonitors', 'probes', 'prometheusrules'].map(mon));
  role.allow(CRUD, res('apps', 'statefulsets'));
  role.allow(CRUD, res('', 'configmaps'), res('', 'secrets'));
  role.allow(['list', 'delete'], res('', 'pods'));
  role.allow(['get', 'list', 'watch', 'create', 'update', 'delete'], res('', 'services'), res('', 'services/finalizers'), res('', 'endpoints'));
  role.allow(['get', 'list', 'watch', 'create', 'update', 'delete'], res('discovery.k8s.io', 'endpointslices'));
  role.allow(['list', 'watch'], res('', 'nodes'));
  role.allow(['get', 'list', 'watch'], res('', 'namespaces'));
  role.allow(['create', 'patch'], res('', 'events'), res('events.k8s.io', 'events'));
  role.allow(['get', 'list', 'watch'], res('networking.k8s.io', 'ingresses'));
  role.allow(['get'], res('storage.k8s.io', 'storageclasses'));
  bindClusterRole(ctx, 'ClusterRoleBinding', COMPONENT, role, sa);

  const { deployment } = stackDeployment(ctx, 'Deployment', COMPONENT, name, 65534, sa, {
    name: 'prometheus-operator',
    image,
    args: [
      `--prometheus-config-reloader=${reloader}`,
      ...(kubeletService ? [`--kubelet-service=${kubeletService}`] : []),
      // Only this stack's Prometheus and Alertmanager: another stack's operator in the cluster manages its own.
      `--prometheus-instance-namespaces=${ctx.namespace}`,
      `--alertmanager-instance-namespaces=${ctx.namespace}`,
      `--thanos-ruler-instance-namespaces=${ctx.namespace}`,
      `--prometheus-instance-selector=app.kubernetes.io/instance=${ctx.name}`,
      `--alertmanager-instance-selector=app.kubernetes.io/instance=${ctx.name}`,
      '--log-format=json',
    ],
    ports: [{ number: 8080, name: 'http' }],
    resources: o.resources ?? resources('100m', 128, 256),
    readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
  });
  const service = stackService(ctx, 'Service', COMPONENT, name, [{ name: 'http', port: 8080 }]);
  return { resource: ApiObject.of(deployment), service, serviceAccount: sa, url: `http://${name}.${ctx.namespace}.svc:8080` };
}
