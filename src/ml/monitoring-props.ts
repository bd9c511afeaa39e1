import { IMonitoringStack } from '../stack/i-monitoring-stack';

/** The dashboard of a monitoring construct: the same options on `MlInferenceMonitoring`, `SloAlert` and `ModelQualityMonitoring`. */
export interface DashboardOptions {
  /**
   * Whether the dashboard is emitted.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The dashboard title.
   * @default - a title that names the construct's kind and subject, e.g. "ML inference: fraud"
   */
  readonly title?: string;
  /**
   * The namespace of the dashboard ConfigMap (the Grafana sidecar or the stack's Grafana must read it).
   * @default - the stack's dashboard namespace, else the rules namespace
   */
  readonly namespace?: string;
  /**
   * Labels that make Grafana's sidecar load the dashboard.
   * @default - the stack's dashboard labels, else { grafana_dashboard: "1" }
   */
  readonly sidecarLabels?: { [key: string]: string };
  /**
   * The Grafana folder (the sidecar's `grafana_folder` annotation).
   * @default - the sidecar's default folder
   */
  readonly folder?: string;
}

/**
 * Where a monitoring construct's objects go and how its alerts are labelled: shared by
 * `MlInferenceMonitoring`, `SloAlert` and `ModelQualityMonitoring`. `namespace` never appears here:
 * on every construct it means where the monitored thing runs; `rulesNamespace` is where rules go.
 */
export interface MonitoringPlacementProps {
  /**
   * The monitoring stack whose Prometheus selects the rules and monitors and whose Grafana loads the dashboard.
   * @default - the one stack of the app (a `MonitoringStack` or `MonitoringStack.fromKubePrometheusStack`
   * made before this construct); an Error when the app has none or several, unless `selectorLabels` are given
   */
  readonly stack?: IMonitoringStack;
  /**
   * Labels on the monitors and PrometheusRules that make the Prometheus select them (added to the
   * stack's), e.g. `{ release: 'kube-prometheus-stack' }`. Given without `stack`, they place the objects
   * for a Prometheus this app does not describe, and no stack is looked for.
   * @default - the stack's labels only
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * The namespace of the PrometheusRules.
   * @default - the construct's own default (see each construct)
   */
  readonly rulesNamespace?: string;
  /**
   * Extra labels on every alert, for routing (e.g. `{ team: 'ml-platform' }`).
   * @default - none
   */
  readonly alertLabels?: { [key: string]: string };
  /**
   * The base URL of the runbooks; each alert links to `<base>#<alertname lower-cased>`.
   * @default - this library's README, which has a runbook section per alert
   */
  readonly runbookBaseUrl?: string;
  /**
   * Grafana's external URL; when set, alerts carry a `dashboard_url` annotation to the construct's dashboard.
   * @default - the stack's Grafana URL, else no dashboard_url annotation
   */
  readonly grafanaUrl?: string;
  /**
   * The dashboard.
   * @default - emitted, with the defaults of `DashboardOptions`
   */
  readonly dashboard?: DashboardOptions;
}
