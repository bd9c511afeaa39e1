import { LabelMatcher } from '../common/_promql';
import { MonitorKind, ScrapeEndpointOptions } from '../scrape/scrape-options';

/** A counter (or the `_count`/`_sum` of a histogram) and the matchers that narrow it. @internal */
export interface CounterSignal {
  readonly metric: string;
  readonly matchers?: LabelMatcher[];
  /** Whether the series carry the runtime's model label. */
  readonly byModel: boolean;
}

/** A histogram by its base name (`<base>_bucket`, `_sum`, `_count`). @internal */
export interface HistogramSignal {
  readonly base: string;
  readonly matchers?: LabelMatcher[];
  /** Seconds per unit of the histogram's values and `le` (1 for seconds, 0.001 for ms). */
  readonly unitSeconds: number;
  readonly byModel: boolean;
}

/** A gauge. @internal */
export interface GaugeSignal {
  readonly metric: string;
  readonly matchers?: LabelMatcher[];
  /** The value that means "full" (1 for a 0..1 gauge, 100 for a percent gauge). */
  readonly scale?: number;
  readonly byModel: boolean;
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
  readonly errors: CounterSignal;
  readonly errorsAreExtra: boolean;
  /** A latency histogram, when the runtime has one. */
  readonly latency?: HistogramSignal;
  /** Otherwise average latency from cumulative counters: sum (in unitSeconds) over count. */
  readonly averageLatency?: { readonly sum: CounterSignal; readonly count: CounterSignal; readonly unitSeconds: number };
  /** LLM serving signals. */
  readonly timeToFirstToken?: HistogramSignal;
  readonly kvCacheUsage?: GaugeSignal;
  readonly queueLength?: GaugeSignal;
  readonly promptTokens?: CounterSignal;
  readonly generationTokens?: CounterSignal;
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
