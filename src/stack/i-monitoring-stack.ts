import { IConstruct } from 'constructs';
import { AlertRouting } from '../alerting/alert-routing';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';
import { RulePlacement } from '../rules/rule-options';

/**
 * The contract between the constructs that monitor something and the stack that does the monitoring:
 * where rules, monitors, dashboards and alert routes go, and which labels make the stack's Prometheus and
 * Grafana pick them up. `MonitoringStack` (a stack this app owns) and
 * `MonitoringStack.fromKubePrometheusStack()` (one installed by Helm) both implement it.
 */
export interface IMonitoringStack extends IConstruct {
  /** The namespace of the stack's Prometheus, Alertmanager and Grafana. */
  readonly namespace: string;
  /**
   * Labels that make the stack's Prometheus select a ServiceMonitor, PodMonitor or PrometheusRule, in any
   * namespace. Every such object made through the stack carries them.
   */
  readonly selectorLabels: { [key: string]: string };
  /** Labels that make the stack's Grafana load a dashboard ConfigMap. */
  readonly dashboardLabels: { [key: string]: string };
  /** The namespace dashboards made through the stack are written to. */
  readonly dashboardNamespace: string;
  /**
   * Grafana's external URL: when known, alerts link to their dashboard.
   * @default - unknown: alerts carry no dashboard link
   */
  readonly grafanaUrl?: string;
  /**
   * The in-cluster URL of the stack's Prometheus, for responses that query it (autoscalers).
   * @default - unknown
   */
  readonly prometheusUrl?: string;
  /**
   * How the rules made for the stack are split between its Prometheus shards and its global evaluator.
   * @default - not split: the stack's Prometheus evaluates every rule
   */
  readonly rulePlacement?: RulePlacement;
  /** The routing tree of the stack's Alertmanager: add receivers, routes and inhibitions to it. */
  readonly alerting: AlertRouting;
  /**
   * Makes the stack's Grafana load a dashboard. Throws when the dashboard's ConfigMap is where that
   * Grafana cannot read it.
   */
  addDashboard(dashboard: GrafanaDashboard): void;
}
