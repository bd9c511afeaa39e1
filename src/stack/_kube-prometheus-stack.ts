import { Construct } from 'constructs';
import { STACK_KIND } from './_placement';
import { addWatchdog } from './_stack-alerts';
import { IMonitoringStack } from './i-monitoring-stack';
import type { KubePrometheusStackOptions } from './monitoring-stack';
import { AlertmanagerConfigMatcherStrategy } from './stack-options';
import { AlertRouting, RoutingOutput } from '../alerting/alert-routing';
import { AppRegistry } from '../common/_app-registry';
import { invalidProp } from '../common/_errors';
import { DEFAULT_RUNBOOK_BASE_URL } from '../common/_monitoring';
import { validateKubeLabels, validateLabelValue, validateNamespace, validateObjectName, validateUrl } from '../common/_names';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';
import { PrometheusRules } from '../rules/prometheus-rules';
import { RulePlacement } from '../rules/rule-options';

/** A kube-prometheus-stack installed by Helm, adopted: see `MonitoringStack.fromKubePrometheusStack`. */
export class AdoptedKubePrometheusStack extends Construct implements IMonitoringStack {
  public readonly namespace: string;
  public readonly selectorLabels: { [key: string]: string };
  public readonly dashboardLabels: { [key: string]: string };
  public readonly dashboardNamespace: string;
  public readonly grafanaUrl?: string;
  public readonly prometheusUrl?: string;
  public readonly rulePlacement?: RulePlacement;
  public readonly alerting: AlertRouting;

  constructor(scope: Construct, id: string, o: KubePrometheusStackOptions) {
    super(scope, id);
    AppRegistry.of(this).add(STACK_KIND, this);
    const where = `${this.node.path} (MonitoringStack.fromKubePrometheusStack)`;
    if (o === undefined || typeof o.release !== 'string' || o.release === '') {
      throw invalidProp(where, 'release', o?.release, 'the Helm release name of the kube-prometheus-stack, e.g. "kube-prometheus-stack"');
    }
    validateLabelValue(where, 'release', o.release);
    this.namespace = validateNamespace(where, 'namespace', o.namespace);
    this.selectorLabels = validateKubeLabels(where, 'selectorLabels', o.selectorLabels ?? { release: o.release });
    if (Object.keys(this.selectorLabels).length === 0) {
      throw invalidProp(where, 'selectorLabels', o.selectorLabels, 'at least one label the release\'s Prometheus selects by');
    }
    this.dashboardLabels = validateKubeLabels(where, 'dashboardLabels', o.dashboardLabels ?? { grafana_dashboard: '1' });
    if (Object.keys(this.dashboardLabels).length === 0) throw invalidProp(where, 'dashboardLabels', o.dashboardLabels, 'the label the Grafana sidecar watches');
    this.dashboardNamespace = validateNamespace(where, 'dashboardNamespace', o.dashboardNamespace ?? this.namespace);
    this.grafanaUrl = o.grafanaUrl !== undefined ? validateUrl(where, 'grafanaUrl', o.grafanaUrl).replace(/\/+$/, '') : undefined;
    const fullname = (o.release.includes('kube-prometheus-stack') ? o.release : `${o.release}-kube-prometheus-stack`).slice(0, 26).replace(/-+$/, '');
    this.prometheusUrl = o.prometheusUrl !== undefined
      ? validateUrl(where, 'prometheusUrl', o.prometheusUrl)
      : `http://${fullname}-prometheus.${this.namespace}.svc:9090`;
    if (o.rulePlacement !== undefined) {
      if (typeof o.rulePlacement !== 'object' || o.rulePlacement === null) {
        throw invalidProp(where, 'rulePlacement', o.rulePlacement, 'a RulePlacement: { globalLabels: {...}, localLabels: {...} }');
      }
      this.rulePlacement = {
        globalLabels: validateKubeLabels(where, 'rulePlacement.globalLabels', o.rulePlacement.globalLabels),
        localLabels: validateKubeLabels(where, 'rulePlacement.localLabels', o.rulePlacement.localLabels),
      };
    }
    const strategy = o.alertmanagerConfigMatcherStrategy ?? AlertmanagerConfigMatcherStrategy.ON_NAMESPACE;
    if (!Object.values(AlertmanagerConfigMatcherStrategy).includes(strategy)) {
      throw invalidProp(where, 'alertmanagerConfigMatcherStrategy', strategy, 'an AlertmanagerConfigMatcherStrategy, e.g. AlertmanagerConfigMatcherStrategy.ON_NAMESPACE');
    }
    this.alerting = new AlertRouting(this, 'Alerting', {
      ...o.alerting,
      output: RoutingOutput.ALERTMANAGER_CONFIG,
      perNamespace: strategy === AlertmanagerConfigMatcherStrategy.ON_NAMESPACE,
      name: validateObjectName(where, 'alertmanagerConfigName', o.alertmanagerConfigName ?? 'ml-monitoring'),
      namespace: this.namespace,
      labels: this.selectorLabels,
    });
    // The release has a Watchdog, but its AlertmanagerConfig routes cannot see it (no namespace label) and the
    // chart routes it nowhere: with a dead man's switch, a heartbeat of our own that the routing sends there.
    if (o.alerting?.deadMansSwitch !== undefined) {
      const rules = new PrometheusRules(this, 'Heartbeat', {
        name: `${this.alerting.resource.name}-heartbeat`, namespace: this.namespace, labels: this.selectorLabels, placement: this.rulePlacement,
      });
      addWatchdog(rules.addGroup('ml-monitoring.heartbeat'), this.namespace, DEFAULT_RUNBOOK_BASE_URL);
    }
  }

  public addDashboard(dashboard: GrafanaDashboard): void {
    if (!(dashboard instanceof GrafanaDashboard)) throw invalidProp(this.node.path, 'dashboard', dashboard, 'a GrafanaDashboard');
    // The sidecar finds it by its labels, in any namespace.
    for (const [k, v] of Object.entries(this.dashboardLabels)) {
      if (dashboard.resource.metadata.getLabel(k) !== v) {
        throw invalidProp(dashboard.node.path, 'sidecarLabels', k, `the sidecar label ${k}=${v} of the adopted stack`);
      }
    }
  }
}
