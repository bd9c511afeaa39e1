import { Duration } from 'cdk8s';
import { AlertTuning } from './alert-tuning';
import { Ratio } from '../common/ratio';

/** The cost alerts of an inference service, each tunable or disabled. */
export interface CostAlerts {
  /**
   * `ModelCostPerPredictionHigh`: the cost of 1,000 predictions over `window` above `maxCostPer1kPredictions`.
   * Default warning, pending 30 minutes.
   * @default - enabled with `maxCostPer1kPredictions`
   */
  readonly costPerPrediction?: AlertTuning;
  /**
   * `ModelCostBudgetBurn`: at the cost per hour of the last day, and of the last hour, a month costs more
   * than `monthlyBudget`. Default warning, pending 15 minutes.
   * @default - enabled with `monthlyBudget`
   */
  readonly budgetBurn?: AlertTuning;
  /**
   * `ModelGpuIdle`: a GPU of the service's pods used less than `minGpuUtilization` while allocated.
   * Default warning, pending 1 hour.
   * @default - enabled where the service has GPU utilisation (`gpu`, or Triton)
   */
  readonly gpuIdle?: AlertTuning;
}

/** The prices of one node type, per hour. */
export interface NodeTypePrices {
  /** The node type: the value of the nodes' `node.kubernetes.io/instance-type` label, e.g. `g5.xlarge`. */
  readonly nodeType: string;
  /** The price of one CPU core for one hour on this node type. */
  readonly cpuCoreHour: number;
  /** The price of one GiB of memory for one hour on this node type. */
  readonly memoryGibHour: number;
  /**
   * The price of one GPU for one hour on this node type.
   * @default - the service's `gpuHour`
   */
  readonly gpuHour?: number;
}

/**
 * What running the service costs, from its pods' reservations and usage priced by your unit prices: per
 * pod, each resource costs the larger of its request and its use (a reservation is paid for used or not),
 * from kube-state-metrics (`kube_pod_container_resource_requests`, GPUs as `nvidia_com_gpu`) and cAdvisor.
 * The idle cost is what is reserved but not used. Prices are in any one currency, per hour.
 */
export interface CostOptions {
  /** The price of one CPU core for one hour, e.g. 0.04. */
  readonly cpuCoreHour: number;
  /** The price of one GiB of memory for one hour, e.g. 0.005. */
  readonly memoryGibHour: number;
  /**
   * The price of one GPU (`nvidia.com/gpu` requested) for one hour, e.g. 2.5.
   * @default - GPUs are not priced
   */
  readonly gpuHour?: number;
  /**
   * Prices per node type: a pod on a node whose `node.kubernetes.io/instance-type` is listed is priced at
   * that type's prices, any other pod at the prices above. Reads `kube_pod_info` (the pod's node) and
   * `kube_node_labels`, which carries the node label only when kube-state-metrics is told to
   * (`--metric-labels-allowlist=nodes=[node.kubernetes.io/instance-type]`, as the owned stack's is).
   * @default - the same prices on every node
   */
  readonly nodeTypePrices?: NodeTypePrices[];
  /**
   * The currency, for the panels and alert texts.
   * @default "USD"
   */
  readonly currency?: string;
  /**
   * The window the cost of 1,000 predictions is averaged over.
   * @default Duration.hours(1)
   */
  readonly window?: Duration;
  /**
   * Alert when 1,000 predictions cost more than this over `window`.
   * @default - no cost-per-prediction alert
   */
  readonly maxCostPer1kPredictions?: number;
  /**
   * The service's monthly budget (per namespace it runs in): alert when the month's cost at the current
   * burn (the last day's, confirmed by the last hour's) exceeds it.
   * @default - no budget alert
   */
  readonly monthlyBudget?: number;
  /**
   * Alert when a GPU is used less than this while allocated.
   * @default Ratio.percent(10)
   */
  readonly minGpuUtilization?: Ratio;
  /**
   * Tuning of the cost alerts.
   * @default - each cost alert whose threshold is given, with its defaults
   */
  readonly alerts?: CostAlerts;
}
