import { SignalCatalog } from './_catalog';
import { InferenceSignals } from './_inference-signals';
import { Series } from './_series';
import { formatNumber } from '../../common/_number';
import { RuleGroup } from '../../rules/rule-group';
import { SERVICE_LABEL } from '../_inference-queries';

/** Unit prices per hour, in one currency. @internal */
export interface Prices {
  readonly cpuCoreHour: number;
  readonly memoryGibHour: number;
  readonly gpuHour?: number;
}

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
        this.term('cpu', `(${this.reserved(this.s.podRequest('cpu'), this.s.podCpu())}) * ${formatNumber(this.p.cpuCoreHour)}`),
        this.term('memory', `(${this.reserved(this.s.podRequest('memory'), this.s.podMemory())}) / ${GIB} * ${formatNumber(this.p.memoryGibHour)}`),
        ...(this.p.gpuHour !== undefined ? [this.term('gpu', `${this.s.podRequest('gpu').select()} * ${formatNumber(this.p.gpuHour)}`)] : []),
      ];
      return `sum by (namespace, ${SERVICE_LABEL}) (\n${terms.join('\nor\n')}\n)`;
    });
  }

  /** What is reserved but not used, per hour: CPU and memory requested above their use. */
  public idleCostPerHour(): Series {
    return this.signal('idle', 'ml_service:idle_cost_per_hour:sum', ['namespace', SERVICE_LABEL], this.priced(), () => {
      const idle = (request: Series, use: Series) => `clamp_min(${request.select()} - ${use.select()}, 0)`;
      const terms = [
        this.term('cpu', `${idle(this.s.podRequest('cpu'), this.s.podCpu())} * ${formatNumber(this.p.cpuCoreHour)}`),
        this.term('memory', `${idle(this.s.podRequest('memory'), this.s.podMemory())} / ${GIB} * ${formatNumber(this.p.memoryGibHour)}`),
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
