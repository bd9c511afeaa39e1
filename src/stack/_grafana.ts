import { ApiObject, Chart, Lazy, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  IMAGES, StackContext, componentLabels, resources, stackDeployment, stackService, validateImage, validateNodePort,
} from './_common';
import { GrafanaOptions } from './stack-options';
import { invalidProp } from '../common/_errors';
import { secretKeySelector } from '../common/secret-key';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';

const COMPONENT = 'grafana';
const DASHBOARDS_ROOT = '/var/lib/grafana-dashboards';
const USER = 472;

/**
 * Grafana as a cdk8s-plus Deployment: admin credentials from an existing Secret, the Prometheus and
 * Alertmanager datasources provisioned, and every dashboard made through the stack mounted from its
 * ConfigMap and provisioned into its folder. No sidecar, so no read access to ConfigMaps cluster-wide.
 */
export class OwnedGrafana {
  public readonly service: kplus.Service;
  public readonly deployment: kplus.Deployment;
  private readonly container: kplus.Container;
  private readonly dashboards: { uid: string; folder?: string; volume: string }[] = [];

  /** `url` is Grafana's external URL, validated by the stack. */
  constructor(private readonly ctx: StackContext, o: GrafanaOptions, url: string | undefined, prometheusUrl: string, alertmanagerUrl: string) {
    const where = `${ctx.where} grafana`;
    const name = `${ctx.name}-grafana`;
    if (o.adminPassword === undefined) {
      throw invalidProp(where, 'adminPassword', undefined,
        'a SecretKey of an existing Secret holding the admin password, e.g. SecretKey.of("grafana-admin", "password") (there is no default password), or enabled: false');
    }
    secretKeySelector(where, 'adminPassword', o.adminPassword);
    if (o.adminUser) secretKeySelector(where, 'adminUser', o.adminUser);
    const image = validateImage(where, 'image', o.image ?? IMAGES.grafana);
    const nodePort = validateNodePort(where, 'nodePort', o.nodePort);
    const labels = componentLabels(ctx, COMPONENT);

    const datasources = new ApiObject(ctx.scope, 'Datasources', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-datasources`, namespace: ctx.namespace, labels },
      data: {
        'datasources.yaml': Yaml.stringify({
          apiVersion: 1,
          datasources: [
            { name: 'Prometheus', uid: 'prometheus', type: 'prometheus', access: 'proxy', url: prometheusUrl, isDefault: true, editable: false, jsonData: { httpMethod: 'POST' } },
            ...[{
              name: 'Alertmanager',
              uid: 'alertmanager',
              type: 'alertmanager',
              access: 'proxy',
              url: alertmanagerUrl,
              editable: false,
              jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
            }],
          ],
        }),
      },
    });
    const providers = new ApiObject(ctx.scope, 'DashboardProviders', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-dashboard-providers`, namespace: ctx.namespace, labels },
      data: Lazy.any({
        produce: () => ({
          'providers.yaml': Yaml.stringify({
            apiVersion: 1,
            providers: this.dashboards.map(d => ({
              name: d.uid,
              orgId: 1,
              folder: d.folder ?? '',
              type: 'file',
              disableDeletion: true,
              allowUiUpdates: false,
              updateIntervalSeconds: 30,
              options: { path: `${DASHBOARDS_ROOT}/${d.volume}` },
            })),
          }),
        }),
      }),
    });

    const secretOf = (id: string, secretName: string) => kplus.Secret.fromSecretName(ctx.scope, id, secretName);
    const { deployment, container } = stackDeployment(ctx, 'Deployment', COMPONENT, name, USER, undefined, {
      name: 'grafana',
      image,
      ports: [{ number: 3000, name: 'http' }],
      resources: o.resources ?? resources('100m', 256, 512),
      readiness: kplus.Probe.fromHttpGet('/api/health', { port: 3000 }),
      envVariables: {
        GF_SECURITY_ADMIN_USER: o.adminUser
          ? kplus.EnvValue.fromSecretValue({ secret: secretOf('AdminUserSecret', o.adminUser.secretName), key: o.adminUser.key })
          : kplus.EnvValue.fromValue('admin'),
        GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: secretOf('AdminPasswordSecret', o.adminPassword.secretName), key: o.adminPassword.key }),
        GF_PATHS_PROVISIONING: kplus.EnvValue.fromValue('/etc/grafana/provisioning'),
        GF_USERS_ALLOW_SIGN_UP: kplus.EnvValue.fromValue('false'),
        GF_AUTH_ANONYMOUS_ENABLED: kplus.EnvValue.fromValue('false'),
        GF_ANALYTICS_REPORTING_ENABLED: kplus.EnvValue.fromValue('false'),
        GF_ANALYTICS_CHECK_FOR_UPDATES: kplus.EnvValue.fromValue('false'),
        GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: kplus.EnvValue.fromValue('false'),
        ...(url ? { GF_SERVER_ROOT_URL: kplus.EnvValue.fromValue(url) } : {}),
      },
    });
    this.deployment = deployment;
    this.container = container;
    // A read-only root filesystem: Grafana writes its database and plugins to an emptyDir.
    this.container.mount('/var/lib/grafana', kplus.Volume.fromEmptyDir(ctx.scope, 'DataVolume', 'data'));
    this.container.mount('/tmp', kplus.Volume.fromEmptyDir(ctx.scope, 'TmpVolume', 'tmp'));
    this.container.mount('/etc/grafana/provisioning/datasources', kplus.Volume.fromConfigMap(ctx.scope, 'DatasourcesVolume',
      kplus.ConfigMap.fromConfigMapName(ctx.scope, 'DatasourcesRef', datasources.name), { name: 'datasources' }), { readOnly: true });
    this.container.mount('/etc/grafana/provisioning/dashboards', kplus.Volume.fromConfigMap(ctx.scope, 'ProvidersVolume',
      kplus.ConfigMap.fromConfigMapName(ctx.scope, 'ProvidersRef', providers.name), { name: 'dashboard-providers' }), { readOnly: true });
    this.service = stackService(ctx, 'Service', COMPONENT, name, [{ name: 'http', port: 3000, nodePort }]);
  }

  /** Mounts a dashboard's ConfigMap and provisions it into its folder. */
  public addDashboard(d: GrafanaDashboard): void {
    const ns = d.resource.metadata.namespace ?? Chart.of(d).namespace;
    if (ns !== this.ctx.namespace) {
      throw invalidProp(d.node.path, 'namespace', ns ?? '(the chart\'s, none)',
        `the stack's namespace "${this.ctx.namespace}": the stack's Grafana mounts dashboard ConfigMaps from its own namespace`);
    }
    if (this.dashboards.some(x => x.uid === d.uid)) throw invalidProp(d.node.path, 'uid', d.uid, 'a dashboard uid not already used in this stack');
    const base = `db-${d.uid.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 60).replace(/-+$/, '');
    let volume = base;
    for (let i = 2; this.dashboards.some(x => x.volume === volume); i++) volume = `${base.slice(0, 56)}-${i}`;
    this.dashboards.push({ uid: d.uid, folder: d.folder, volume });
    const id = `Dashboard-${volume}`;
    this.container.mount(`${DASHBOARDS_ROOT}/${volume}`, kplus.Volume.fromConfigMap(this.ctx.scope, `${id}-Volume`,
      kplus.ConfigMap.fromConfigMapName(this.ctx.scope, `${id}-Ref`, d.resource.name), { name: volume }), { readOnly: true });
  }
}
