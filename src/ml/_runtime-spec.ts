import { LabelMatcher } from '../common/_promql';
import { MonitorKind, ScrapeEndpointOptions } from '../scrape/scrape-options';

/** A counter (or the `_count`/`_sum` of a histogram) and the matchers that narrow it. @internal */
export interface CounterSignal {
  readonly metric: string;
  readonly matchers?: LabelMatcher[];
  /** Whether the series carry the runtime's model label. */
  readonly byModel: boolean;
  /**
   * The runtime writes these series as soon as it serves metrics (an unlabelled metric, or labelled
   * children it creates at start), not only after its first request: their absence on a scraped target
   * means a wrong preset or a renamed metric, at once.
   */
  readonly atStart?: boolean;
}

/** A histogram by its base name (`<base>_bucket`, `_sum`, `_count`). @internal */
export interface HistogramSignal {
  readonly base: string;
  readonly matchers?: LabelMatcher[];
  /** Seconds per unit of the histogram's values and `le` (1 for seconds, 0.001 for ms). */
  readonly unitSeconds: number;
  readonly byModel: boolean;
  /**
   * The finite bucket bounds the runtime writes (in its unit, ascending), when known: a quantile never
   * exceeds the highest, and an SLI can only count requests at one of them.
   */
  readonly buckets?: number[];
  /** The runtime truncates observations to whole seconds (Knative 1.19 and 1.20). */
  readonly wholeSeconds?: boolean;
  /** Older names of the same histogram, read where the current name is absent (a runtime's rename). */
  readonly formerBases?: string[];
  /** Where the buckets come from, for error messages, e.g. `prometheus-fastapi-instrumentator 8.0.2 default`. */
  readonly bucketsSource?: string;
  /**
   * The runtime writes these series as soon as it serves metrics (an unlabelled metric, or labelled
   * children it creates at start), not only after its first request: their absence on a scraped target
   * means a wrong preset or a renamed metric, at once.
   */
  readonly atStart?: boolean;
}

/** A gauge. @internal */
export interface GaugeSignal {
  readonly metric: string;
  readonly matchers?: LabelMatcher[];
  /** The value that means "full" (1 for a 0..1 gauge, 100 for a percent gauge). */
  readonly scale?: number;
  readonly byModel: boolean;
  /** Older names of the same gauge, read where the current name is absent (a runtime's rename). */
  readonly formerMetrics?: string[];
  /**
   * The "gauge" is a histogram of the value observed at each event (MLServer's `parallel_request_queue`):
   * it is read as the mean observed value, `rate(_sum) / rate(_count)`, per series, and `metric` is the
   * histogram's base name.
   */
  readonly histogramMean?: boolean;
  /**
   * The runtime writes these series as soon as it serves metrics (an unlabelled metric, or labelled
   * children it creates at start), not only after its first request: their absence on a scraped target
   * means a wrong preset or a renamed metric, at once.
   */
  readonly atStart?: boolean;
}

/**
 * What a serving runtime exposes, in its own metric and label names and units. Everything the library
 * emits is computed from this, and converted to seconds.
 * @internal
 */
export interface RuntimeSpec {
  readonly name: string;
  readonly kind: MonitorKind;
  readonly port?: string;
  readonly portNumber?: number;
  readonly path: string;
  /** The model label, if the runtime has one. */
  readonly modelLabel?: string;
  /** The model-version label, if the runtime has one. */
  readonly versionLabel?: string;
  /** Requests. When `errorsAreExtra`, these are the successes and total = requests + errors. */
  readonly requests: CounterSignal;
  /** Failed requests, unless the runtime counts none (KServe's model server in Standard mode). */
  readonly errors?: CounterSignal;
  readonly errorsAreExtra: boolean;
  /** A latency histogram, when the runtime has one. */
  readonly latency?: HistogramSignal;
  /** Otherwise average latency from cumulative counters: sum (in unitSeconds) over count. */
  readonly averageLatency?: {
    readonly sum: CounterSignal;
    readonly count: CounterSignal;
    readonly unitSeconds: number;
    /**
     * Counters of requests that `count` includes but `sum` does not time (TorchServe times only successful
     * requests): subtracted from `count`, so that failures do not pull the average down.
     */
    readonly untimed?: CounterSignal[];
  };
  /** LLM serving signals. */
  readonly timeToFirstToken?: HistogramSignal;
  /** The time between two generated tokens of one request (vLLM). */
  readonly interTokenLatency?: HistogramSignal;
  readonly kvCacheUsage?: GaugeSignal;
  readonly queueLength?: GaugeSignal;
  readonly promptTokens?: CounterSignal;
  readonly generationTokens?: CounterSignal;
  /**
   * Label values the runtime writes (from its source), tried first when a generated test needs a value that
   * a regex matcher of the preset accepts (e.g. the instrumentator's grouped `status="5xx"`, not `500`).
   */
  readonly exampleLabels?: { readonly [label: string]: ReadonlyArray<string> };
  /**
   * The label that names the endpoint (handler, route) a request went to, on the request and error counters,
   * and on the latency histogram when `onLatency`; `example` is a value the runtime writes (from its source),
   * for generated tests.
   */
  readonly handler?: { readonly label: string; readonly example: string; readonly onLatency: boolean };
  /** GPU signals exposed by the runtime itself. */
  readonly gpuUtilization?: GaugeSignal;
  readonly gpuMemoryUsed?: GaugeSignal;
  readonly gpuMemoryTotal?: GaugeSignal;
}

/**
 * The scrape endpoint of a runtime with the user's overrides: a port given by name or number replaces
 * both of the runtime's (they are one choice); everything else overrides field by field. The one place
 * presets and user scrape options meet.
 * @internal
 */
export function scrapeEndpoint(spec: RuntimeSpec, scrape: ScrapeEndpointOptions): ScrapeEndpointOptions {
  const overridePort = scrape.port !== undefined || scrape.portNumber !== undefined;
  return {
    ...scrape,
    kind: scrape.kind ?? spec.kind,
    port: overridePort ? scrape.port : spec.port,
    portNumber: overridePort ? scrape.portNumber : spec.portNumber,
    path: scrape.path ?? spec.path,
  };
}
