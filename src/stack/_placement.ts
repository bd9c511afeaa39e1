import { IConstruct } from 'constructs';
import { IMonitoringStack } from './i-monitoring-stack';
import { AlertRouting } from '../alerting/alert-routing';
import { AppRegistry } from '../common/_app-registry';
import { invalidProp } from '../common/_errors';
import { validateKubeLabels } from '../common/_names';
import { RulePlacement } from '../rules/rule-options';

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
  /** How the stack splits rules between its shards and its global evaluator. */
  readonly rulePlacement?: RulePlacement;
}

/** The registry kind the stacks of an app are noted under. @internal */
export const STACK_KIND = 'monitoring stack';

/**
 * The placement of a monitoring construct. `stack` when given; else, with no `selectorLabels`, the one
 * stack of the app (an Error when there is none or several: objects without the labels of a Prometheus
 * are selected by none); `selectorLabels` alone are the documented way to place objects for a Prometheus
 * this app does not describe.
 */
export function placement(scope: IConstruct, where: string, stack: IMonitoringStack | undefined,
  selectorLabels: { [key: string]: string } | undefined): Placement {
  const own = validateKubeLabels(where, 'selectorLabels', selectorLabels);
  if (stack === undefined && selectorLabels !== undefined) {
    if (Object.keys(own).length === 0) {
      throw invalidProp(where, 'selectorLabels', selectorLabels, 'at least one label your Prometheus selects monitors and rules by (an object without one is selected by no Prometheus), or a stack');
    }
    return { selectorLabels: own };
  }
  if (stack === undefined) stack = discoverStack(scope, where);
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
    rulePlacement: stack.rulePlacement,
  };
}

/** The one monitoring stack of the app `scope` is in. */
export function discoverStack(scope: IConstruct, where: string): IMonitoringStack {
  const stacks = AppRegistry.of(scope).all(STACK_KIND) as IMonitoringStack[];
  if (stacks.length === 1) return stacks[0];
  if (stacks.length === 0) {
    throw invalidProp(where, 'stack', undefined, 'a monitoring stack: give `stack` (new MonitoringStack(...) or MonitoringStack.fromKubePrometheusStack(...), '
      + 'made before this construct), or `selectorLabels` that your own Prometheus selects monitors and rules by; without either no Prometheus would select them');
  }
  throw invalidProp(where, 'stack', undefined, `one of the app's ${stacks.length} monitoring stacks (${stacks.map(x => x.node.path).join(', ')}): give \`stack\` to say which`);
}
