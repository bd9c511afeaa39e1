import { Duration } from 'cdk8s';
import { AlertTuning } from './alert-tuning';
import { Ratio } from '../common/ratio';

/** The latency alert: a quantile from the runtime's histogram, or the average for counter-only runtimes. */
export interface LatencyAlertOptions extends AlertTuning {
  /**
   * Fire when the latency quantile (or the average) is above this.
   * @default Duration.seconds(5)
   */
  readonly maxLatency?: Duration;
  /**
   * The quantile, between 0 and 1 exclusive. Ignored for runtimes that only export an average.
   * @default 0.95
   */
  readonly quantile?: number;
}

/** The error-ratio alert, guarded against idle and tiny traffic. */
export interface ErrorRatioAlertOptions extends AlertTuning {
  /**
   * Fire when the share of failed requests is above this.
   * @default Ratio.percent(5)
   */
  readonly maxErrorRatio?: Ratio;
}

/** The pod-restart alert. */
export interface PodRestartAlertOptions extends AlertTuning {
  /**
   * Fire when a pod's containers restarted more than this many times within `window`.
   * @default 3
   */
  readonly maxRestarts?: number;
  /**
   * The window the restarts are counted over.
   * @default Duration.minutes(10)
   */
  readonly window?: Duration;
}

/** The CPU alert: absolute cores, or a share of the pod's CPU limit. */
export interface CpuAlertOptions extends AlertTuning {
  /**
   * Fire when a pod uses more than this many cores. Exclusive with `maxLimitRatio`.
   * @default 0.8
   */
  readonly maxCores?: number;
  /**
   * Fire when a pod uses more than this share of its CPU limit (pods without a limit are skipped).
   * Exclusive with `maxCores`.
   * @default - the `maxCores` threshold is used
   */
  readonly maxLimitRatio?: Ratio;
}

/** The memory alert: a share of the pod's memory limit (pods without a limit are skipped). */
export interface MemoryAlertOptions extends AlertTuning {
  /**
   * Fire when a pod's working set is above this share of its memory limit.
   * @default Ratio.percent(90)
   */
  readonly maxLimitRatio?: Ratio;
}

/** Traffic far below its usual level. */
export interface TrafficDropAlertOptions extends AlertTuning {
  /**
   * Fire when the request rate falls below this share of the rate one `baseline` earlier.
   * @default Ratio.percent(20)
   */
  readonly minRatio?: Ratio;
  /**
   * How far back the usual level is read (a week covers weekly seasonality).
   * @default Duration.days(7)
   */
  readonly baseline?: Duration;
}

/** The time-to-first-token alert (LLM runtimes that export it). */
export interface TimeToFirstTokenAlertOptions extends AlertTuning {
  /**
   * Fire when the time-to-first-token quantile is above this.
   * @default Duration.seconds(3)
   */
  readonly maxTimeToFirstToken?: Duration;
  /**
   * The quantile, between 0 and 1 exclusive.
   * @default 0.95
   */
  readonly quantile?: number;
}

/** The inter-token latency alert (LLM runtimes that export it). */
export interface InterTokenLatencyAlertOptions extends AlertTuning {
  /**
   * Fire when the inter-token latency quantile is above this: streamed text comes slower than people read.
   * @default Duration.millis(200)
   */
  readonly maxInterTokenLatency?: Duration;
  /**
   * The quantile, between 0 and 1 exclusive.
   * @default 0.95
   */
  readonly quantile?: number;
}

/** A gauge above a share of its capacity (KV cache, GPU). */
export interface SaturationAlertOptions extends AlertTuning {
  /**
   * Fire above this share of capacity.
   * @default - Ratio.percent(95) for KV cache and GPU utilisation, Ratio.percent(90) for GPU memory
   */
  readonly maxRatio?: Ratio;
}

/** The queue alert. */
export interface QueueAlertOptions extends AlertTuning {
  /**
   * Fire when more requests than this wait in the queue.
   * @default 50
   */
  readonly maxQueued?: number;
}

/**
 * The missing-series alert (`ModelMetricsMissing`, label `ml_signal="monitoring"`): a metric family that
 * an enabled alert or panel reads is absent from a pod that Prometheus scrapes. Families the runtime writes
 * from start are checked at once; those it writes on first use, once the pod has served requests; the
 * request counter itself, when the runtime writes it only on the first request and no family written from
 * start is read (those would already tell a wrong preset), once the pod has been scraped for
 * `idleAllowance` without one (it cannot be told from an idle service sooner).
 */
export interface MetricsMissingAlertOptions extends AlertTuning {
  /**
   * How long a pod may be scraped without a request counter (for runtimes that write it on the first
   * request) before the counter counts as missing.
   * @default Duration.hours(6)
   */
  readonly idleAllowance?: Duration;
}

/** Every alert of `MlInferenceMonitoring`, each tunable (`AlertTuning`: name, pending period, severity, labels) or disabled. */
export interface InferenceAlerts {
  /**
   * Latency quantile (or average) too high. Default for 2m, warning.
   * @default - enabled: p95 above 5s for 2m
   */
  readonly latency?: LatencyAlertOptions;
  /**
   * Error ratio too high. Default for 5m, critical.
   * @default - enabled: above 5 % for 5m, with at least `minRequestRate` traffic
   */
  readonly errorRatio?: ErrorRatioAlertOptions;
  /**
   * `ModelPodLatencyHigh`: the latency quantile of each pod, beside the service's: one slow pod (a bad node,
   * a cold cache, a noisy neighbour) that the service's quantile averages away. Runtimes with a latency
   * histogram only (an Error otherwise). Default for 2m, warning, with the traffic guard per pod.
   * @default - off; given (even as `{}`), on: p95 above 5s for 2m
   */
  readonly latencyPerPod?: LatencyAlertOptions;
  /**
   * `ModelPodErrorRatioHigh`: the error ratio of each pod, beside the service's: one pod that fails while the
   * others serve. Runtimes that count failed requests only (an Error otherwise). Default for 5m, warning,
   * with the traffic guard per pod.
   * @default - off; given (even as `{}`), on: above 5 % for 5m
   */
  readonly errorRatioPerPod?: ErrorRatioAlertOptions;
  /**
   * `ModelHandlerLatencyHigh`: the latency quantile of each endpoint (handler, route) of the service: one slow
   * endpoint that the others' traffic averages away. Runtimes whose latency histogram names the endpoint only
   * (bentoMl: `endpoint`, rayServe: `route`; an Error otherwise). Default for 2m, warning, with the traffic
   * guard per endpoint.
   * @default - off; given (even as `{}`), on: p95 above 5s for 2m
   */
  readonly latencyPerHandler?: LatencyAlertOptions;
  /**
   * `ModelHandlerErrorRatioHigh`: the error ratio of each endpoint (handler, route) of the service. Runtimes
   * whose request counters name the endpoint only (fastApi and vllm: `handler`, bentoMl: `endpoint`,
   * rayServe: `route`; an Error otherwise). Default for 5m, warning, with the traffic guard per endpoint.
   * @default - off; given (even as `{}`), on: above 5 % for 5m
   */
  readonly errorRatioPerHandler?: ErrorRatioAlertOptions;
  /**
   * Pod restarting. Default warning, no pending period.
   * @default - enabled: more than 3 restarts in 10m
   */
  readonly podRestarts?: PodRestartAlertOptions;
  /**
   * Pod not ready. Default for 5m, warning.
   * @default - enabled
   */
  readonly podNotReady?: AlertTuning;
  /**
   * CPU too high. Default for 10m, warning.
   * @default - enabled: above 0.8 cores
   */
  readonly cpu?: CpuAlertOptions;
  /**
   * Memory near the limit. Default for 5m, warning.
   * @default - enabled: above 90 % of the limit
   */
  readonly memory?: MemoryAlertOptions;
  /**
   * A scrape target is down. Default for 5m, warning.
   * @default - enabled
   */
  readonly targetDown?: AlertTuning;
  /**
   * No target reports at all in a namespace (all pods gone, or the monitor selects nothing). Default for 10m, warning.
   * @default - enabled
   */
  readonly metricsAbsent?: AlertTuning;
  /**
   * Traffic far below its usual level. Default for 15m, warning.
   * @default - enabled: below 20 % of the rate a week earlier
   */
  readonly trafficDrop?: TrafficDropAlertOptions;
  /**
   * Time to first token too high (runtimes that export it). Default for 5m, warning.
   * @default - enabled where available: p95 above 3s
   */
  readonly timeToFirstToken?: TimeToFirstTokenAlertOptions;
  /**
   * Inter-token latency high (LLM runtimes that export it). Default for 5m, warning.
   * @default - enabled where available: p95 above 200 ms
   */
  readonly interTokenLatency?: InterTokenLatencyAlertOptions;
  /**
   * KV cache near full (runtimes that export it). Default for 5m, warning.
   * @default - enabled where available: above 95 %
   */
  readonly kvCache?: SaturationAlertOptions;
  /**
   * Requests backing up in the queue (runtimes that export it). Default for 5m, warning.
   * @default - enabled where available: more than 50 waiting
   */
  readonly queue?: QueueAlertOptions;
  /**
   * GPU utilisation saturated (runtimes that export it). Default for 15m, warning.
   * @default - enabled where available: above 95 %
   */
  readonly gpuUtilization?: SaturationAlertOptions;
  /**
   * GPU memory near full (runtimes that export it). Default for 10m, warning.
   * @default - enabled where available: above 90 %
   */
  readonly gpuMemory?: SaturationAlertOptions;
  /**
   * A family an enabled alert or panel reads is missing from a scraped pod (wrong preset, renamed metric,
   * exporter switched off); labelled `ml_signal="monitoring"`, routed to the platform, not the tenant.
   * @default - enabled: for 10m
   */
  readonly metricsMissing?: MetricsMissingAlertOptions;
  /**
   * A latency histogram cannot measure a quantile an alert reads: its threshold is above the highest
   * finite bucket, or over the last hour the quantile sat in +Inf; `ml_signal="monitoring"`.
   * @default - enabled where a quantile alert is: for 15m
   */
  readonly histogramTooCoarse?: AlertTuning;
}
