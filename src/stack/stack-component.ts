import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** What a component's builder made. @internal */
export interface ComponentParts {
  readonly resource: ApiObject;
  readonly service?: kplus.Service;
  readonly serviceAccount?: kplus.ServiceAccount;
  readonly url?: string;
}

/**
 * One component of an owned `MonitoringStack` (its Prometheus, Alertmanager, Grafana, operator,
 * kube-state-metrics, node-exporter, kubelet scraping): a construct whose children are the component's
 * objects, with its main object reachable as an escape hatch. What the library does not offer as a prop
 * can be set on `resource` with `addJsonPatch`, e.g.
 * `stack.prometheus.resource.addJsonPatch(JsonPatch.add('/spec/priorityClassName', 'monitoring'))`.
 */
export class StackComponent extends Construct {
  /** @internal */
  public static _build(scope: Construct, id: string, build: (scope: Construct) => ComponentParts): StackComponent {
    return new StackComponent(scope, id, build);
  }

  /**
   * The component's main object: the `Prometheus` or `Alertmanager` object (the operator makes the pods
   * from it), the Deployment of Grafana, the operator and kube-state-metrics, the DaemonSet of
   * node-exporter, the ServiceMonitor of the kubelets.
   */
  public readonly resource: ApiObject;
  /**
   * The Service in front of the component.
   * @default - none (the kubelet scraping has no Service of the stack's own)
   */
  public readonly service?: kplus.Service;
  /**
   * The ServiceAccount the component runs as.
   * @default - none (Grafana, node-exporter and the kubelet scraping run without one of their own)
   */
  public readonly serviceAccount?: kplus.ServiceAccount;
  /**
   * The in-cluster URL of the component's Service.
   * @default - none for components that serve no one but Prometheus
   */
  public readonly url?: string;

  private constructor(scope: Construct, id: string, build: (scope: Construct) => ComponentParts) {
    super(scope, id);
    const parts = build(this);
    this.resource = parts.resource;
    this.service = parts.service;
    this.serviceAccount = parts.serviceAccount;
    this.url = parts.url;
  }
}
