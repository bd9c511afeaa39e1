import { SignalCatalog } from './_catalog';
import { InferenceSignals } from './_inference-signals';
import { Series } from './_series';
import { formatNumber } from '../../common/_number';
import { RuleGroup } from '../../rules/rule-group';
import { SERVICE_LABEL } from '../_inference-queries';

/** Unit prices per hour, in one currency. @internal */
export interface UnitPrices {
  readonly cpuCoreHour: number;
  readonly memoryGibHour: number;
  readonly gpuHour?: number;
}

/** The service's prices: one set, and optionally one per node type. @internal */
export interface Prices extends UnitPrices {
  readonly byNodeType: ReadonlyArray<UnitPrices & { readonly nodeType: string }>;
}

/** kube-state-metrics' name of the `node.kubernetes.io/instance-type` label in `kube_node_labels`. */
const NODE_TYPE_LABEL = 'label_node_kubernetes_io_instance_type';

type Resource = 'cpu' | 'memory' | 'gpu';
const PRICE_OF: { [r in Resource]: keyof UnitPrices } = { cpu: 'cpuCoreHour', memory: 'memoryGibHour', gpu: 'gpuHour' };

const GIB = 2 ** 30;

/**
 * The cost signals of one inference service, priced from its pods' requests and usage: its identity is the
 * service's (`ml_service` and its namespaces), and every series is per namespace and service. @internal
 */
export class CostSignals extends SignalCatalog {
  constructor(private readonly s: InferenceSignals, private readonly p: Prices, group: RuleGroup, staticLabels: { [key: string]: string }) {
    super({ group, identity: s.q.identity, staticLabels });
  }

  /**
   * The cost per hour: per pod, each resource at the larger of its request and its use (a pod without a
   * request pays for its use); GPUs by their request. Summed per namespace and service, each resource
   * told apart by a label of its own before the sum, so that a pod missing one resource's series still
   * counts the others.
   */
  public costPerHour(): Series {
    return this.signal('cost', 'ml_service:cost_per_hour:sum', ['namespace', SERVICE_LABEL], this.priced(), () => {
      const terms = [
        this.term('cpu', `(${this.reserved(this.s.podRequest('cpu'), this.s.podCpu())}) * ${this.price('cpu')}`),
        this.term('memory', `(${this.reserved(this.s.podRequest('memory'), this.s.podMemory())}) / ${GIB} * ${this.price('memory')}`),
        ...(this.p.gpuHour !== undefined ? [this.term('gpu', `${this.s.podRequest('gpu').select()} * ${this.price('gpu')}`)] : []),
      ];
      return `sum by (namespace, ${SERVICE_LABEL}) (\n${terms.join('\nor\n')}\n)`;
    });
  }

  /** What is reserved but not used, per hour: CPU and memory requested above their use. */
  public idleCostPerHour(): Series {
    return this.signal('idle', 'ml_service:idle_cost_per_hour:sum', ['namespace', SERVICE_LABEL], this.priced(), () => {
      const idle = (request: Series, use: Series) => `clamp_min(${request.select()} - ${use.select()}, 0)`;
      const terms = [
        this.term('cpu', `${idle(this.s.podRequest('cpu'), this.s.podCpu())} * ${this.price('cpu')}`),
        this.term('memory', `${idle(this.s.podRequest('memory'), this.s.podMemory())} / ${GIB} * ${this.price('memory')}`),
      ];
      return `sum by (namespace, ${SERVICE_LABEL}) (\n${terms.join('\nor\n')}\n)`;
    });
  }

  /** The cost of 1,000 predictions over `window`: the average cost per hour over the predictions per hour, in thousands. */
  public costPer1k(window: string): Series {
    return this.signal(`per1k:${window}`, `ml_service:cost_per_1k_predictions:avg${window}`, ['namespace', SERVICE_LABEL],
      [...this.priced(), ...this.s.requestRate().families], () => {
        const requests = `sum by (namespace, ${SERVICE_LABEL}) (avg_over_time(${this.s.requestRate().range(window)}))`;
        return `avg_over_time(${this.costPerHour().range(window)})\n/ on (namespace, ${SERVICE_LABEL}) (${requests} * 3.6 > 0)`;
      });
  }

  /**
   * The price of one unit of `resource` for an hour: a number, or with prices per node type the recorded
   * price of each pod (its node's type's price, the default price on any other node).
   */
  private price(resource: Resource): string {
    const base = this.p[PRICE_OF[resource]]!;
    if (this.p.byNodeType.length === 0) return formatNumber(base);
    return this.signal(`price:${resource}`, `ml_service_pod:${resource}_price:per_hour`, ['namespace', SERVICE_LABEL, 'pod'],
      ['kube_pod_info', 'kube_node_labels', 'up'], () => {
        const prices = this.p.byNodeType.map(t => `label_replace(vector(${formatNumber(t[PRICE_OF[resource]] ?? base)}), "node_type", ${JSON.stringify(t.nodeType)}, "", "")`);
        const pods = this.s.podUp().select();
        return `max by (namespace, pod) (\n  group by (namespace, pod, node) (${this.s.q.nsSel('kube_pod_info')})\n`
          + `  * on (node) group_left (node_type) group by (node, node_type) (label_replace(kube_node_labels, "node_type", "$1", "${NODE_TYPE_LABEL}", "(.+)"))\n`
          + `  * on (node_type) group_left () (${prices.join(' or ')})\n)\n`
          + `and on (namespace, pod) ${pods}\nor\nmax by (namespace, pod) (${pods}) * 0 + ${formatNumber(base)}`;
      }, { [SERVICE_LABEL]: this.s.service }).select();
  }

  /** A pod's use of a resource, or its request where that is larger, or whichever of the two exists. */
  private reserved(request: Series, use: Series): string {
    return `(${request.select()} > ${use.select()}) or ${use.select()} or ${request.select()}`;
  }

  private term(resource: string, expr: string): string {
    return `label_replace(${expr}, "resource", "${resource}", "", "")`;
  }

  private priced(): string[] {
    return ['kube_pod_container_resource_requests', 'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'up'];
  }
}
