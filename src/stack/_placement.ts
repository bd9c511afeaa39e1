import { IMonitoringStack } from './i-monitoring-stack';
import { AlertRouting } from '../alerting/alert-routing';
import { invalidProp } from '../common/_errors';
import { validateKubeLabels } from '../common/_names';

/** Where the objects of a monitoring construct go, given its stack (if any) and its own props. */
export interface Placement {
  readonly stack?: IMonitoringStack;
  /** The stack's selector labels merged with the construct's own. */
  readonly selectorLabels: { [key: string]: string };
  /** The dashboard namespace, when the stack decides it. */
  readonly dashboardNamespace?: string;
  /** The dashboard labels, when the stack decides them. */
  readonly dashboardLabels?: { [key: string]: string };
  /** Grafana's URL from the stack. */
  readonly grafanaUrl?: string;
}

/** Checks that `stack` is an IMonitoringStack and merges its placement with the construct's own labels. */
export function placement(where: string, stack: IMonitoringStack | undefined, selectorLabels: { [key: string]: string } | undefined): Placement {
  const own = validateKubeLabels(where, 'selectorLabels', selectorLabels);
  if (stack === undefined) return { selectorLabels: own };
  if (typeof stack !== 'object' || stack === null || !(stack.alerting instanceof AlertRouting) || typeof stack.addDashboard !== 'function') {
    throw invalidProp(where, 'stack', stack, 'an IMonitoringStack: new MonitoringStack(...) or MonitoringStack.fromKubePrometheusStack(...)');
  }
  for (const [k, v] of Object.entries(own)) {
    if (k in stack.selectorLabels && stack.selectorLabels[k] !== v) {
      throw invalidProp(where, 'selectorLabels', `${k}=${v}`, `labels that keep the stack's selector label ${k}=${stack.selectorLabels[k]} (the stack's Prometheus would not select the objects)`);
    }
  }
  return {
    stack,
    selectorLabels: { ...own, ...stack.selectorLabels },
    dashboardNamespace: stack.dashboardNamespace,
    dashboardLabels: stack.dashboardLabels,
    grafanaUrl: stack.grafanaUrl,
  };
}
