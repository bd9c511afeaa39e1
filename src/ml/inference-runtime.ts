import { CounterSignal, HistogramSignal, RuntimeSpec, scrapeEndpoint } from './_runtime-spec';
import { invalidProp } from '../common/_errors';
import { validateMetricName, validatePromLabelName } from '../common/_names';
import { LabelMatcher } from '../common/_promql';
import { MonitorKind } from '../scrape/scrape-options';

/** The unit of a runtime's latency metric. Everything this library emits is in seconds. */
export enum LatencyUnit {
  /** Seconds. */
  SECONDS = 'seconds',
  /** Milliseconds (Ray Serve, Knative before 1.19). */
  MILLISECONDS = 'milliseconds',
  /** Microseconds (Triton and TorchServe cumulative counters). */
  MICROSECONDS = 'microseconds',
}

const UNIT_SECONDS: { [unit: string]: number } = {
  [LatencyUnit.SECONDS]: 1,
  [LatencyUnit.MILLISECONDS]: 0.001,
  [LatencyUnit.MICROSECONDS]: 0.000001,
};

/** Where a runtime's metrics are scraped, when its defaults do not fit the deployment. */
export interface RuntimeScrapeOptions {
  /**
   * The metrics port name (a Service port name for a ServiceMonitor, a container port name for a PodMonitor).
   * @default - the runtime's usual port name
   */
  readonly port?: string;
  /**
   * The metrics port number, instead of a name.
   * @default - the port name is used
   */
  readonly portNumber?: number;
  /**
   * The metrics path.
   * @default - the runtime's usual path
   */
  readonly path?: string;
  /**
   * The kind of monitor.
   * @default - the runtime's usual kind (PodMonitor for Seldon Core v2, KServe/Knative and Ray Serve; ServiceMonitor otherwise)
   */
  readonly kind?: MonitorKind;
}

/** Which names Knative's queue-proxy uses for KServe serverless deployments. */
export enum KnativeMetrics {
  /** Knative 1.19 and later: OpenTelemetry names (`kn_serving_invocation_duration_seconds`, seconds). */
  OPEN_TELEMETRY = 'otel',
  /** Knative 1.18 and earlier: OpenCensus names (`revision_request_latencies`, milliseconds). */
  OPEN_CENSUS = 'opencensus',
}

/** Options of the KServe preset. */
export interface KServeRuntimeOptions extends RuntimeScrapeOptions {
  /**
   * The Knative generation whose queue-proxy metric names to read.
   * @default KnativeMetrics.OPEN_TELEMETRY
   */
  readonly knative?: KnativeMetrics;
}

/** A latency histogram named by a custom runtime. */
export interface CustomLatencyHistogram {
  /** The histogram's base name: the series are `<name>_bucket`, `<name>_sum` and `<name>_count`. */
  readonly name: string;
  /**
   * The unit of the histogram's values and buckets.
   * @default LatencyUnit.SECONDS
   */
  readonly unit?: LatencyUnit;
}

/** Options of a custom runtime: the metric and label names your service exports. */
export interface CustomRuntimeOptions extends RuntimeScrapeOptions {
  /** A short name for messages and dashboard titles, e.g. `my-server`. */
  readonly name: string;
  /** The counter of all requests, e.g. `predict_requests_total`. */
  readonly requestsCounter: string;
  /**
   * A separate counter of failed requests. Give this or `errorLabelMatchers`.
   * @default - errors are selected from the request counter with `errorLabelMatchers`
   */
  readonly errorsCounter?: string;
  /**
   * Regular-expression matchers that select failed requests from `requestsCounter`, e.g. `{ code: '5..' }`.
   * @default - errors come from `errorsCounter`
   */
  readonly errorLabelMatchers?: { [label: string]: string };
  /**
   * The latency histogram.
   * @default - no latency alert or panel, unless `averageLatency` is given
   */
  readonly latencyHistogram?: CustomLatencyHistogram;
  /**
   * The label that names the model.
   * @default - none: the construct's `model` prop names it
   */
  readonly modelLabel?: string;
  /**
   * The label that names the model version.
   * @default - none
   */
  readonly versionLabel?: string;
}

const STATUS_5XX = '5..|5xx';

function m(name: string, op: LabelMatcher['op'], value: string): LabelMatcher {
  return { name, op, value };
}

/**
 * A serving runtime preset: what the runtime exports (metric names, label names, units) and where it is
 * scraped. Static factories for the popular runtimes, `custom()` for your own.
 */
export class InferenceRuntime {
  /**
   * A FastAPI service instrumented with prometheus-fastapi-instrumentator: `http_requests_total{handler,
   * status, method}`, `http_request_duration_seconds` histogram. No model label.
   */
  public static fastApi(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    const notMetrics = m('handler', '!~', '/metrics|/health.*|/ready.*|/live.*');
    return InferenceRuntime.build(options, {
      name: 'fastapi',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'http',
      path: '/metrics',
      requests: { metric: 'http_requests_total', matchers: [notMetrics], byModel: false },
      errors: { metric: 'http_requests_total', matchers: [notMetrics, m('status', '=~', STATUS_5XX)], byModel: false },
      errorsAreExtra: false,
      latency: { base: 'http_request_duration_seconds', matchers: [notMetrics], unitSeconds: 1, byModel: false },
    });
  }

  /**
   * NVIDIA Triton Inference Server: success/failure counters, average latency from the cumulative
   * `nv_inference_request_duration_us` counter (µs), queue and GPU gauges; labels `model`, `version`.
   */
  public static triton(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'triton',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'metrics',
      path: '/metrics',
      modelLabel: 'model',
      versionLabel: 'version',
      requests: { metric: 'nv_inference_request_success', byModel: true },
      errors: { metric: 'nv_inference_request_failure', byModel: true },
      errorsAreExtra: true,
      averageLatency: {
        sum: { metric: 'nv_inference_request_duration_us', byModel: true },
        count: { metric: 'nv_inference_request_success', byModel: true },
        unitSeconds: UNIT_SECONDS[LatencyUnit.MICROSECONDS],
      },
      queueLength: { metric: 'nv_inference_pending_request_count', byModel: true },
      gpuUtilization: { metric: 'nv_gpu_utilization', scale: 1, byModel: false },
      gpuMemoryUsed: { metric: 'nv_gpu_memory_used_bytes', byModel: false },
      gpuMemoryTotal: { metric: 'nv_gpu_memory_total_bytes', byModel: false },
    });
  }

  /**
   * Seldon MLServer: `model_infer_request_success`/`_failure` counters (labels `model_name`,
   * `model_version`), REST latency histogram `rest_server_request_duration_seconds` (no model label).
   */
  public static mlServer(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'mlserver',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'metrics',
      path: '/metrics',
      modelLabel: 'model_name',
      versionLabel: 'model_version',
      requests: { metric: 'model_infer_request_success_total', byModel: true },
      errors: { metric: 'model_infer_request_failure_total', byModel: true },
      errorsAreExtra: true,
      latency: { base: 'rest_server_request_duration_seconds', unitSeconds: 1, byModel: false },
      queueLength: { metric: 'parallel_request_queue_count', byModel: true },
    });
  }

  /**
   * Seldon Core v2 (agent sidecar, scraped with a PodMonitor): `seldon_model_infer_total{model, code}`,
   * latency histogram `seldon_model_infer_api_seconds` (no model label).
   */
  public static seldonCoreV2(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'seldon-core-v2',
      kind: MonitorKind.POD_MONITOR,
      port: 'metrics',
      path: '/metrics',
      modelLabel: 'model',
      requests: { metric: 'seldon_model_infer_total', byModel: true },
      errors: { metric: 'seldon_model_infer_total', matchers: [m('code', '=~', '5..|Unknown|Internal|Unavailable|DeadlineExceeded|ResourceExhausted|DataLoss')], byModel: true },
      errorsAreExtra: false,
      latency: { base: 'seldon_model_infer_api_seconds', unitSeconds: 1, byModel: false },
    });
  }

  /**
   * KServe serverless, read from Knative's queue-proxy (PodMonitor, port 9091): the OpenTelemetry names
   * of Knative 1.19+ by default, or the OpenCensus names (milliseconds) of earlier releases.
   */
  public static kserve(options: KServeRuntimeOptions = {}): InferenceRuntime {
    const knative = options.knative ?? KnativeMetrics.OPEN_TELEMETRY;
    if (knative === KnativeMetrics.OPEN_CENSUS) {
      return InferenceRuntime.build(options, {
        name: 'kserve',
        kind: MonitorKind.POD_MONITOR,
        portNumber: 9091,
        path: '/metrics',
        modelLabel: 'service_name',
        requests: { metric: 'revision_request_count', byModel: true },
        errors: { metric: 'revision_request_count', matchers: [m('response_code_class', '=', '5xx')], byModel: true },
        errorsAreExtra: false,
        latency: { base: 'revision_request_latencies', unitSeconds: UNIT_SECONDS[LatencyUnit.MILLISECONDS], byModel: true },
        queueLength: { metric: 'revision_queue_depth', byModel: true },
      });
    }
    if (knative !== KnativeMetrics.OPEN_TELEMETRY) throw invalidProp('InferenceRuntime.kserve', 'knative', knative, 'a KnativeMetrics value');
    return InferenceRuntime.build(options, {
      name: 'kserve',
      kind: MonitorKind.POD_MONITOR,
      portNumber: 9091,
      path: '/metrics',
      modelLabel: 'kn_service_name',
      requests: { metric: 'kn_serving_invocation_duration_seconds_count', byModel: true },
      errors: { metric: 'kn_serving_invocation_duration_seconds_count', matchers: [m('http_response_status_code', '=~', '5..')], byModel: true },
      errorsAreExtra: false,
      latency: { base: 'kn_serving_invocation_duration_seconds', unitSeconds: 1, byModel: true },
      queueLength: { metric: 'kn_serving_queue_depth', byModel: true },
    });
  }

  /**
   * TorchServe (metrics API port 8082, `metrics_mode=prometheus`): `ts_inference_requests_total`,
   * `Requests5XX`, average latency from `ts_inference_latency_microseconds` (µs); label `model_name`.
   */
  public static torchServe(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'torchserve',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'metrics',
      path: '/metrics',
      modelLabel: 'model_name',
      versionLabel: 'model_version',
      requests: { metric: 'ts_inference_requests_total', byModel: true },
      errors: { metric: 'Requests5XX', byModel: false },
      errorsAreExtra: false,
      averageLatency: {
        sum: { metric: 'ts_inference_latency_microseconds', byModel: true },
        count: { metric: 'ts_inference_requests_total', byModel: true },
        unitSeconds: UNIT_SECONDS[LatencyUnit.MICROSECONDS],
      },
    });
  }

  /**
   * BentoML 1.2+: `bentoml_service_request_total{http_response_code}`, histogram
   * `bentoml_service_request_duration_seconds`; model label `service_name`, version `service_version`.
   */
  public static bentoMl(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'bentoml',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'http',
      path: '/metrics',
      modelLabel: 'service_name',
      versionLabel: 'service_version',
      requests: { metric: 'bentoml_service_request_total', byModel: true },
      errors: { metric: 'bentoml_service_request_total', matchers: [m('http_response_code', '=~', '5..')], byModel: true },
      errorsAreExtra: false,
      latency: { base: 'bentoml_service_request_duration_seconds', unitSeconds: 1, byModel: true },
    });
  }

  /**
   * Ray Serve (every Ray node, PodMonitor): `ray_serve_num_http_requests_total`, the separate
   * `ray_serve_num_http_error_requests_total`, histogram `ray_serve_http_request_latency_ms` (ms);
   * model label `application`.
   */
  public static rayServe(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'ray-serve',
      kind: MonitorKind.POD_MONITOR,
      port: 'metrics',
      path: '/metrics',
      modelLabel: 'application',
      requests: { metric: 'ray_serve_num_http_requests_total', byModel: true },
      errors: { metric: 'ray_serve_num_http_error_requests_total', byModel: true },
      errorsAreExtra: false,
      latency: { base: 'ray_serve_http_request_latency_ms', unitSeconds: UNIT_SECONDS[LatencyUnit.MILLISECONDS], byModel: true },
      queueLength: { metric: 'ray_serve_deployment_queued_queries', byModel: true },
    });
  }

  /**
   * vLLM's OpenAI server: HTTP requests and 5xx from its embedded instrumentator, end-to-end latency
   * `vllm:e2e_request_latency_seconds`, time to first token, KV-cache usage, waiting requests and
   * token counters; model label `model_name`.
   */
  public static vllm(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    const api = m('handler', '=~', '/v1/.*');
    return InferenceRuntime.build(options, {
      name: 'vllm',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'http',
      path: '/metrics',
      modelLabel: 'model_name',
      requests: { metric: 'http_requests_total', matchers: [api], byModel: false },
      errors: { metric: 'http_requests_total', matchers: [api, m('status', '=~', STATUS_5XX)], byModel: false },
      errorsAreExtra: false,
      latency: { base: 'vllm:e2e_request_latency_seconds', unitSeconds: 1, byModel: true },
      timeToFirstToken: { base: 'vllm:time_to_first_token_seconds', unitSeconds: 1, byModel: true },
      kvCacheUsage: { metric: 'vllm:kv_cache_usage_perc', scale: 1, byModel: true },
      queueLength: { metric: 'vllm:num_requests_waiting', byModel: true },
      promptTokens: { metric: 'vllm:prompt_tokens_total', byModel: true },
      generationTokens: { metric: 'vllm:generation_tokens_total', byModel: true },
    });
  }

  /**
   * Hugging Face Text Generation Inference: `tgi_request_count`, `tgi_request_failure{err}`, histogram
   * `tgi_request_duration` (s), queue size. One model per process, so no model label.
   */
  public static tgi(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'tgi',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'http',
      path: '/metrics',
      requests: { metric: 'tgi_request_count', byModel: false },
      errors: { metric: 'tgi_request_failure', matchers: [m('err', '!=', 'validation')], byModel: false },
      errorsAreExtra: false,
      latency: { base: 'tgi_request_duration', unitSeconds: 1, byModel: false },
      queueLength: { metric: 'tgi_queue_size', byModel: false },
    });
  }

  /** A runtime of your own: name its request counter, how errors are told apart, its latency histogram and labels. */
  public static custom(options: CustomRuntimeOptions): InferenceRuntime {
    const where = 'InferenceRuntime.custom';
    if (typeof options.name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.name)) {
      throw invalidProp(where, 'name', options.name, 'a short lower-case name such as "my-server"');
    }
    validateMetricName(where, 'requestsCounter', options.requestsCounter);
    if ((options.errorsCounter === undefined) === (options.errorLabelMatchers === undefined)) {
      throw invalidProp(where, 'errorsCounter', options.errorsCounter, 'exactly one of errorsCounter or errorLabelMatchers');
    }
    if (options.errorsCounter !== undefined) validateMetricName(where, 'errorsCounter', options.errorsCounter);
    const errorMatchers: LabelMatcher[] = [];
    for (const [label, regex] of Object.entries(options.errorLabelMatchers ?? {})) {
      validatePromLabelName(where, 'errorLabelMatchers key', label);
      try {
        new RegExp(regex);
      } catch {
        throw invalidProp(where, `errorLabelMatchers["${label}"]`, regex, 'a regular expression');
      }
      errorMatchers.push(m(label, '=~', regex));
    }
    if (options.errorLabelMatchers !== undefined && errorMatchers.length === 0) {
      throw invalidProp(where, 'errorLabelMatchers', options.errorLabelMatchers, 'at least one label matcher, e.g. { code: "5.." }');
    }
    const modelLabel = options.modelLabel !== undefined ? validatePromLabelName(where, 'modelLabel', options.modelLabel) : undefined;
    const versionLabel = options.versionLabel !== undefined ? validatePromLabelName(where, 'versionLabel', options.versionLabel) : undefined;
    let latency: HistogramSignal | undefined;
    if (options.latencyHistogram) {
      const base = validateMetricName(where, 'latencyHistogram.name', options.latencyHistogram.name);
      if (/_(bucket|sum|count)$/.test(base)) {
        throw invalidProp(where, 'latencyHistogram.name', base, 'the histogram\'s base name, without the _bucket, _sum or _count suffix');
      }
      const unit = options.latencyHistogram.unit ?? LatencyUnit.SECONDS;
      if (UNIT_SECONDS[unit] === undefined) throw invalidProp(where, 'latencyHistogram.unit', unit, 'a LatencyUnit');
      latency = { base, unitSeconds: UNIT_SECONDS[unit], byModel: modelLabel !== undefined };
    }
    const requests: CounterSignal = { metric: options.requestsCounter, byModel: modelLabel !== undefined };
    return InferenceRuntime.build(options, {
      name: options.name,
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'http',
      path: '/metrics',
      modelLabel,
      versionLabel,
      requests,
      errors: options.errorsCounter !== undefined
        ? { metric: options.errorsCounter, byModel: modelLabel !== undefined }
        : { metric: options.requestsCounter, matchers: errorMatchers, byModel: modelLabel !== undefined },
      errorsAreExtra: false,
      latency,
    });
  }

  private static build(options: RuntimeScrapeOptions, spec: RuntimeSpec): InferenceRuntime {
    const where = `InferenceRuntime.${spec.name}`;
    if (options.port !== undefined && options.portNumber !== undefined) {
      throw invalidProp(where, 'portNumber', options.portNumber, 'either port (a name) or portNumber, not both');
    }
    const endpoint = scrapeEndpoint(spec, options);
    return new InferenceRuntime({ ...spec, kind: endpoint.kind!, port: endpoint.port, portNumber: endpoint.portNumber, path: endpoint.path! });
  }

  /** The runtime's short name, e.g. `fastapi` or `vllm`. */
  public readonly name: string;
  /** The label that names the model, if the runtime has one. */
  public readonly modelLabel?: string;
  /** Whether latency comes from a histogram (quantiles) rather than cumulative counters (average only). */
  public readonly hasLatencyHistogram: boolean;

  /** @internal */
  public readonly _spec: RuntimeSpec;

  private constructor(spec: RuntimeSpec) {
    this._spec = spec;
    this.name = spec.name;
    this.modelLabel = spec.modelLabel;
    this.hasLatencyHistogram = spec.latency !== undefined;
  }
}
