import { Construct } from 'constructs';
import { MonitoringPlacementProps } from './monitoring-props';
import { invalidProp } from '../common/_errors';
import { literalText } from '../common/_go-template';
import { DEFAULT_RUNBOOK_BASE_URL } from '../common/_monitoring';
import { validateKubeLabels, validateNamespace, validatePromLabels, validateUrl } from '../common/_names';
import { GrafanaDashboard, GrafanaDashboardProps } from '../dashboards/grafana-dashboard';
import { PrometheusRules } from '../rules/prometheus-rules';
import { RulePlacement } from '../rules/rule-options';
import { placement } from '../stack/_placement';
import { IMonitoringStack } from '../stack/i-monitoring-stack';
import { MonitoringStack } from '../stack/monitoring-stack';

/** `MonitoringPlacementProps` resolved: defaults applied and validated, once. @internal */
export interface PlacementSettings {
  readonly stack?: IMonitoringStack;
  readonly selectorLabels: { [key: string]: string };
  readonly rulesNamespace?: string;
  readonly alertLabels: { [key: string]: string };
  readonly runbookBaseUrl: string;
  readonly grafanaUrl?: string;
  /** How the stack splits the construct's rules between its shards and its global evaluator. */
  readonly rulePlacement?: RulePlacement;
  readonly dashboard: {
    readonly enabled: boolean;
    readonly title?: string;
    readonly namespace?: string;
    readonly sidecarLabels?: { [key: string]: string };
    readonly folder?: string;
  };
}

/**
 * Resolves the placement props of a monitoring construct. `reservedAlertLabels` are the labels the
 * construct's alerts set themselves; `defaultRulesNamespace` applies when the user gives none.
 * @internal
 */
export function resolvePlacement(scope: Construct, props: MonitoringPlacementProps, reservedAlertLabels: ReadonlyArray<string>,
  defaultRulesNamespace?: string): PlacementSettings {
  const where = scope.node.path;
  const place = placement(scope, where, props.stack, props.selectorLabels);
  const alertLabels = validatePromLabels(where, 'alertLabels', props.alertLabels);
  for (const reserved of reservedAlertLabels) {
    if (reserved in alertLabels) throw invalidProp(where, 'alertLabels', reserved, `labels other than ${reservedAlertLabels.join(', ')}, which the alerts set`);
  }
  const rulesNamespace = props.rulesNamespace !== undefined ? validateNamespace(where, 'rulesNamespace', props.rulesNamespace) : defaultRulesNamespace;
  const d = props.dashboard ?? {};
  if (typeof d !== 'object' || d === null) throw invalidProp(where, 'dashboard', d, 'DashboardOptions, e.g. { enabled: false }');
  return {
    stack: place.stack,
    selectorLabels: place.selectorLabels,
    rulesNamespace,
    alertLabels,
    runbookBaseUrl: validateUrl(where, 'runbookBaseUrl', props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL),
    grafanaUrl: props.grafanaUrl !== undefined ? validateUrl(where, 'grafanaUrl', props.grafanaUrl).replace(/\/+$/, '') : place.grafanaUrl,
    rulePlacement: place.rulePlacement,
    dashboard: {
      enabled: d.enabled ?? true,
      title: d.title,
      namespace: d.namespace !== undefined ? validateNamespace(where, 'dashboard.namespace', d.namespace) : place.dashboardNamespace ?? rulesNamespace,
      sidecarLabels: d.sidecarLabels !== undefined ? validateKubeLabels(where, 'dashboard.sidecarLabels', d.sidecarLabels) : place.dashboardLabels,
      folder: d.folder,
    },
  };
}

/** The `dashboard_url` annotation of a construct's alerts, when Grafana's URL is known and the dashboard exists. @internal */
export function dashboardAnnotations(p: PlacementSettings, uid: string): { [key: string]: string } {
  return p.grafanaUrl && p.dashboard.enabled ? { dashboard_url: literalText(`${p.grafanaUrl}/d/${uid}`) } : {};
}

/** Makes the construct's dashboard where the placement says, and hands it to the stack. @internal */
export function placeDashboard(scope: Construct, p: PlacementSettings,
  props: Omit<GrafanaDashboardProps, 'namespace' | 'sidecarLabels' | 'folder' | 'title'> & { readonly title: string }): GrafanaDashboard {
  const d = new GrafanaDashboard(scope, 'Dashboard', {
    ...props,
    title: p.dashboard.title ?? props.title,
    namespace: p.dashboard.namespace,
    sidecarLabels: p.dashboard.sidecarLabels,
    folder: p.dashboard.folder,
  });
  p.stack?.addDashboard(d);
  return d;
}

/**
 * Hands a PrometheusRule the library wrote to an owned stack, whose Prometheus then leaves its scope to
 * the library (namespace-label enforcement would confine a rule to its own namespace). @internal
 */
export function placeRules(p: PlacementSettings, rules: PrometheusRules): void {
  const stack = p.stack;
  if (stack instanceof MonitoringStack) rules._onEachObject(o => stack._trustRules(o));
}

/**
 * Tells the stack's routing which namespaces the construct's alerts carry, so that a routing emitted per
 * namespace (an adopted stack under the operator's OnNamespace strategy) routes them. @internal
 */
export function routeTenants(p: PlacementSettings, namespaces: ReadonlyArray<string | undefined>): void {
  for (const ns of namespaces) if (ns !== undefined) p.stack?.alerting._routeNamespace(ns);
}
