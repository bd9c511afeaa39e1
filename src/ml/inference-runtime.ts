import { CounterSignal, HistogramSignal, RuntimeSpec, scrapeEndpoint } from './_runtime-spec';
import { invalidProp } from '../common/_errors';
import { validateMetricName, validatePromLabelName } from '../common/_names';
import { LabelMatcher } from '../common/_promql';
import { validateRe2 } from '../common/_regex';
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
   * @default - the runtime's usual port name: `http` for fastApi, bentoMl, vllm and tgi; `metrics` for triton,
   * mlServer, seldonCoreV2, torchServe and rayServe (README.md lists each preset's monitor, port and path)
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

/** Options of a preset whose latency histogram's buckets the runtime lets you change. */
export interface HistogramRuntimeOptions extends RuntimeScrapeOptions {
  /**
   * The latency histogram's finite bucket bounds as the runtime is configured, in the runtime's unit
   * (seconds; milliseconds for Ray Serve), ascending. Latency thresholds are checked against them: a
   * quantile never exceeds the highest bound, and a latency SLI counts requests only at a bound.
   * @default - the runtime's default buckets (named in the preset's documentation)
   */
  readonly latencyBuckets?: number[];
}

/** Which generation of Knative's queue-proxy metrics a KServe serverless deployment exports. */
export enum KnativeMetrics {
  /**
   * Knative 1.21 and later: `kn_serving_invocation_duration_seconds` and `kn_serving_queue_depth`
   * (OpenTelemetry, seconds). The service's name is a resource attribute, so the series carry no model label.
   */
  OPEN_TELEMETRY = 'otel',
  /**
   * Knative 1.19 and 1.20: `kn_queueproxy_app_duration_seconds` and `kn_queueproxy_depth`. These releases
   * record each duration truncated to whole seconds, so latency thresholds below 1 s cannot be observed.
   */
  OPEN_TELEMETRY_1_19 = 'otel-1.19',
  /** Knative 1.18 and earlier: OpenCensus names (`revision_request_count`, `revision_request_latencies` in ms). */
  OPEN_CENSUS = 'opencensus',
}

/** How KServe runs an InferenceService. */
export enum KServeDeploymentMode {
  /** Serverless (Knative): requests are measured by the queue-proxy sidecar. KServe's default. */
  SERVERLESS = 'serverless',
  /**
   * Standard (formerly RawDeployment): no queue-proxy; the KServe Python model server's own
   * `request_predict_seconds{model_name}` histogram is read. It counts no failures, so there is no
   * error-ratio alert or availability SLI in this mode.
   */
  STANDARD = 'standard',
}

/** Options of the KServe preset. */
export interface KServeRuntimeOptions extends RuntimeScrapeOptions {
  /**
   * How the InferenceService is deployed.
   * @default KServeDeploymentMode.SERVERLESS
   */
  readonly deploymentMode?: KServeDeploymentMode;
  /**
   * Serverless mode: the Knative release's generation of queue-proxy metric names.
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
  /**
   * The histogram's finite bucket bounds, in its unit, ascending: latency thresholds are checked against them.
   * @default - unknown: thresholds are not checked against buckets
   */
  readonly buckets?: number[];
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
   * @default - no latency alert, latency panel or latency SLI
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

/** prometheus_client's default histogram buckets (seconds), used where a runtime keeps them. */
const PROMETHEUS_CLIENT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Finite, positive, strictly ascending bucket bounds. */
function validateBuckets(where: string, prop: string, buckets: number[]): number[] {
  const ok = Array.isArray(buckets) && buckets.length > 0
    && buckets.every((b, i) => typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]));
  if (!ok) throw invalidProp(where, prop, buckets, 'the finite bucket bounds, positive and ascending, without +Inf, e.g. [0.1, 0.5, 1, 2.5, 5, 10]');
  return [...buckets];
}

/** TGI's duration buckets, computed as the router computes them (`value *= 1.5`, 35 times, from 0.0001). */
const TGI_BUCKETS: number[] = [];
for (let i = 0, v = 0.0001; i < 35; i++) TGI_BUCKETS.push(v *= 1.5);

function m(name: string, op: LabelMatcher['op'], value: string): LabelMatcher {
  return { name, op, value };
}

/**
 * A serving runtime preset: what the runtime exports (metric names, label names, units, histogram
 * buckets) and where it is scraped. Static factories for the popular runtimes, `custom()` for your own.
 * Each factory's documentation names the runtime versions it was checked against and what must be
 * switched on for the runtime to export anything.
 */
export class InferenceRuntime {
  /**
   * A FastAPI service instrumented with prometheus-fastapi-instrumentator (checked against 8.0.2, default
   * `Instrumentator().instrument(app).expose(app)`). Requests and errors from
   * `http_requests_total{handler, method, status}` (status grouped as "2xx"/"5xx"), without the `/metrics`
   * and probe handlers. Latency quantiles and the latency SLI from `http_request_duration_highr_seconds`
   * (buckets 0.01 ... 60 s, no labels): the per-handler `http_request_duration_seconds` has only the buckets
   * 0.1, 0.5 and 1 s, so no quantile read from it ever exceeds 1 s. The high-resolution histogram also
   * times requests to `/metrics` and probes unless the instrumentator's `excluded_handlers` lists them.
   * No model label. Scraped by a ServiceMonitor on the Service port named `http`, path `/metrics`.
   */
  public static fastApi(options: HistogramRuntimeOptions = {}): InferenceRuntime {
    const notMetrics = m('handler', '!~', '/metrics|/health.*|/ready.*|/live.*');
    return InferenceRuntime.build(options, {
      name: 'fastapi',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'http',
      path: '/metrics',
      requests: { metric: 'http_requests_total', matchers: [notMetrics], byModel: false },
      errors: { metric: 'http_requests_total', matchers: [notMetrics, m('status', '=~', STATUS_5XX)], byModel: false },
      // The route template the request matched (instrumentator.py); the high-resolution histogram has no labels.
      handler: { label: 'handler', example: '/predict', onLatency: false },
      // The instrumentator groups status codes by default (should_group_status_codes=True in instrumentation.py).
      exampleLabels: { status: ['2xx', '5xx'] },
      errorsAreExtra: false,
      latency: {
        base: 'http_request_duration_highr_seconds',
        unitSeconds: 1,
        byModel: false,
        // No labels: prometheus_client writes its zero buckets from start (instrumentator metrics.py LATENCY_HIGHR).
        atStart: true,
        buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 7.5, 10, 30, 60],
        bucketsSource: 'prometheus-fastapi-instrumentator\'s default latency_highr_buckets',
      },
    });
  }

  /**
   * NVIDIA Triton Inference Server (checked against core `73aad7c`, server 2.73): success/failure counters,
   * average latency from the cumulative `nv_inference_request_duration_us` counter (µs, successes only),
   * queue and GPU gauges; labels `model`, `version`. Metrics on port 8002 (`--allow-metrics`, on by
   * default). An ensemble counts a failed request once for itself and once per failing composing model.
   */
  public static triton(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'triton',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'metrics',
      path: '/metrics',
      modelLabel: 'model',
      versionLabel: 'version',
      // Triton creates a model's counters and gauges when it loads the model (metric_model_reporter.cc).
      requests: { metric: 'nv_inference_request_success', byModel: true, atStart: true },
      errors: { metric: 'nv_inference_request_failure', byModel: true },
      errorsAreExtra: true,
      averageLatency: {
        sum: { metric: 'nv_inference_request_duration_us', byModel: true, atStart: true },
        count: { metric: 'nv_inference_request_success', byModel: true, atStart: true },
        unitSeconds: UNIT_SECONDS[LatencyUnit.MICROSECONDS],
      },
      queueLength: { metric: 'nv_inference_pending_request_count', byModel: true, atStart: true },
      gpuUtilization: { metric: 'nv_gpu_utilization', scale: 1, byModel: false, atStart: true },
      gpuMemoryUsed: { metric: 'nv_gpu_memory_used_bytes', byModel: false, atStart: true },
      gpuMemoryTotal: { metric: 'nv_gpu_memory_total_bytes', byModel: false, atStart: true },
    });
  }

  /**
   * Seldon MLServer (checked against 1.7.0.dev0 `a325e52`; metrics server on port 8082): the
   * `model_infer_request_success`/`_failure` counters, labelled `model` and `version`; the REST latency
   * histogram `rest_server_request_duration_seconds` (starlette_exporter, buckets 0.005 ... 10 s, no model
   * label; gRPC requests are not in it); the queue as the mean number of in-flight requests observed by
   * the `parallel_request_queue` histogram at each dispatch (parallel workers are on by default).
   */
  public static mlServer(options: RuntimeScrapeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'mlserver',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'metrics',
      path: '/metrics',
      modelLabel: 'model',
      versionLabel: 'version',
      requests: { metric: 'model_infer_request_success_total', byModel: true },
      errors: { metric: 'model_infer_request_failure_total', byModel: true },
      errorsAreExtra: true,
      latency: {
        base: 'rest_server_request_duration_seconds',
        unitSeconds: 1,
        byModel: false,
        buckets: PROMETHEUS_CLIENT_BUCKETS,
        bucketsSource: 'starlette_exporter\'s default buckets',
      },
      // Unlabelled, registered when the parallel dispatcher starts (dispatcher.py): written from start.
      queueLength: { metric: 'parallel_request_queue', byModel: false, histogramMean: true, atStart: true },
    });
  }

  /**
   * Seldon Core v2 (checked against branch v2 `7b77f8b`; agent sidecar port 9006, scraped with a
   * PodMonitor): `seldon_model_infer_total{model, code}`, latency histogram `seldon_model_infer_api_seconds`
   * (buckets 0.005 ... 10 s, no model label).
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
      latency: {
        base: 'seldon_model_infer_api_seconds',
        unitSeconds: 1,
        byModel: false,
        buckets: PROMETHEUS_CLIENT_BUCKETS,
        bucketsSource: 'the Seldon Core v2 agent\'s DefaultHistogramBuckets',
      },
    });
  }

  /**
   * KServe (checked against 0.20.0-rc0 and Knative 1.18 to 1.23).
   *
   * Serverless mode (the default) reads Knative's queue-proxy on port 9091 with a PodMonitor. **Knative
   * 1.19 and later serve nothing there unless the `config-observability` ConfigMap of knative-serving sets
   * `request-metrics-protocol: prometheus`** (the default is `none`; without it every pod's target is down).
   * Pick the names of your Knative release with `knative`. The queue depth is exported only by revisions with
   * `containerConcurrency` of 1 or more (KServe's default, 0, exports none). On Knative 1.19 and later the
   * series carry no model label (the service's name is only on `target_info`): one series per namespace and
   * service, with the `model` prop naming the model if you wish.
   *
   * Standard mode (RawDeployment) reads the KServe Python model server on its HTTP port 8080:
   * `request_predict_seconds{model_name}` (buckets 0.005 ... 10 s), which counts requests and their latency
   * but not failures.
   */
  public static kserve(options: KServeRuntimeOptions = {}): InferenceRuntime {
    const where = 'InferenceRuntime.kserve';
    const mode = options.deploymentMode ?? KServeDeploymentMode.SERVERLESS;
    if (mode !== KServeDeploymentMode.SERVERLESS && mode !== KServeDeploymentMode.STANDARD) {
      throw invalidProp(where, 'deploymentMode', mode, 'a KServeDeploymentMode value');
    }
    if (mode === KServeDeploymentMode.STANDARD) {
      if (options.knative !== undefined) {
        throw invalidProp(where, 'knative', options.knative, 'no knative option in Standard mode, which has no queue-proxy');
      }
      return InferenceRuntime.build(options, {
        name: 'kserve',
        kind: MonitorKind.POD_MONITOR,
        portNumber: 8080,
        path: '/metrics',
        modelLabel: 'model_name',
        requests: { metric: 'request_predict_seconds_count', byModel: true },
        errorsAreExtra: false,
        latency: {
          base: 'request_predict_seconds',
          unitSeconds: 1,
          byModel: true,
          buckets: PROMETHEUS_CLIENT_BUCKETS,
          bucketsSource: 'the KServe model server\'s (prometheus_client) default buckets',
        },
      });
    }
    const knative = options.knative ?? KnativeMetrics.OPEN_TELEMETRY;
    const knBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
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
        latency: {
          base: 'revision_request_latencies',
          unitSeconds: UNIT_SECONDS[LatencyUnit.MILLISECONDS],
          byModel: true,
          buckets: [5, 10, 20, 40, 60, 80, 100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 2000, 5000, 10000, 20000, 50000,
            100000],
          bucketsSource: 'Knative 1.18\'s queue-proxy latency distribution',
        },
        queueLength: { metric: 'revision_queue_depth', byModel: true },
      });
    }
    const names = knative === KnativeMetrics.OPEN_TELEMETRY
      ? { duration: 'kn_serving_invocation_duration_seconds', depth: 'kn_serving_queue_depth', release: 'Knative 1.21+' }
      : knative === KnativeMetrics.OPEN_TELEMETRY_1_19
        ? { duration: 'kn_queueproxy_app_duration_seconds', depth: 'kn_queueproxy_depth', release: 'Knative 1.19/1.20' }
        : undefined;
    if (!names) throw invalidProp(where, 'knative', knative, 'a KnativeMetrics value');
    return InferenceRuntime.build(options, {
      name: 'kserve',
      kind: MonitorKind.POD_MONITOR,
      portNumber: 9091,
      path: '/metrics',
      requests: { metric: `${names.duration}_count`, byModel: false },
      errors: { metric: `${names.duration}_count`, matchers: [m('http_response_status_code', '=~', '5..')], byModel: false },
      errorsAreExtra: false,
      latency: {
        base: names.duration,
        unitSeconds: 1,
        byModel: false,
        buckets: knBuckets,
        bucketsSource: `${names.release} queue-proxy buckets`,
        wholeSeconds: knative === KnativeMetrics.OPEN_TELEMETRY_1_19,
      },
      queueLength: { metric: names.depth, byModel: false },
    });
  }

  /**
   * TorchServe (checked against 0.12.0, the last release; metrics API port 8082): requires
   * `metrics_mode=prometheus` in config.properties (the default, `log`, exports nothing).
   * `ts_inference_requests_total`, `Requests5XX` (REST only, no model label), average latency from
   * `ts_inference_latency_microseconds` (µs; it times successful REST requests only, so the 5xx responses
   * are taken out of the request count it is divided by, and the average is per service, not per model);
   * label `model_name`.
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
        untimed: [{ metric: 'Requests5XX', byModel: false }],
        unitSeconds: UNIT_SECONDS[LatencyUnit.MICROSECONDS],
      },
    });
  }

  /**
   * BentoML 1.2 and later (checked against 1.4.38): `bentoml_service_request_total{endpoint,
   * http_response_code}`, histogram `bentoml_service_request_duration_seconds` (buckets 0.005 ... 180 s, or
   * the `api_server.metrics.duration` configuration); model label `service_name`, version
   * `service_version`. BentoML counts the kubelet's probes (`/livez`, `/readyz`, `/healthz`) as requests:
   * they are left out of traffic, errors and latency here.
   */
  public static bentoMl(options: HistogramRuntimeOptions = {}): InferenceRuntime {
    const notProbes = m('endpoint', '!~', '/livez|/readyz|/healthz|/metrics');
    return InferenceRuntime.build(options, {
      name: 'bentoml',
      kind: MonitorKind.SERVICE_MONITOR,
      port: 'http',
      path: '/metrics',
      modelLabel: 'service_name',
      versionLabel: 'service_version',
      requests: { metric: 'bentoml_service_request_total', matchers: [notProbes], byModel: true },
      errors: { metric: 'bentoml_service_request_total', matchers: [notProbes, m('http_response_code', '=~', '5..')], byModel: true },
      // The endpoint label of the request counter and the duration histogram (test/fixtures/runtimes/bentoml.prom).
      handler: { label: 'endpoint', example: '/summarize', onLatency: true },
      errorsAreExtra: false,
      latency: {
        base: 'bentoml_service_request_duration_seconds',
        matchers: [notProbes],
        unitSeconds: 1,
        byModel: true,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 180],
        bucketsSource: 'BentoML\'s default duration buckets',
      },
    });
  }

  /**
   * Ray Serve (checked against Ray 2.4x; every Ray node's metrics export port, PodMonitor):
   * `ray_serve_num_http_requests_total`, errors from `ray_serve_num_http_error_requests_total` with a 5xx
   * `error_code` only (Ray counts 4xx there too: a client's bad input or a 404 scan is not the model's
   * failure), histogram `ray_serve_http_request_latency_ms` (ms; buckets 1 ms ... 600 s, or
   * `RAY_SERVE_REQUEST_LATENCY_BUCKETS_MS`; releases before 2.10 stop at 5000 ms: give `latencyBuckets`
   * there); model label `application`.
   */
  public static rayServe(options: HistogramRuntimeOptions = {}): InferenceRuntime {
    return InferenceRuntime.build(options, {
      name: 'ray-serve',
      kind: MonitorKind.POD_MONITOR,
      port: 'metrics',
      path: '/metrics',
      modelLabel: 'application',
      requests: { metric: 'ray_serve_num_http_requests_total', byModel: true },
      errors: { metric: 'ray_serve_num_http_error_requests_total', matchers: [m('error_code', '=~', '5..')], byModel: true },
      // The route label of the request and error counters and the latency histogram (test/fixtures/runtimes/ray-serve.prom).
      handler: { label: 'route', example: '/translate', onLatency: true },
      errorsAreExtra: false,
      latency: {
        base: 'ray_serve_http_request_latency_ms',
        unitSeconds: UNIT_SECONDS[LatencyUnit.MILLISECONDS],
        byModel: true,
        buckets: [1, 2, 5, 10, 20, 50, 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 60000, 120000, 300000, 600000],
        bucketsSource: 'Ray Serve\'s DEFAULT_LATENCY_BUCKET_MS',
      },
      queueLength: { metric: 'ray_serve_deployment_queued_queries', byModel: true },
    });
  }

  /**
   * vLLM's OpenAI server (checked against 0.10; V1 engine): HTTP requests and 5xx from its embedded
   * instrumentator, end-to-end latency `vllm:e2e_request_latency_seconds` (buckets 0.3 ... 7680 s), time to
   * first token, inter-token latency (`vllm:inter_token_latency_seconds`, or the older
   * `vllm:time_per_output_token_seconds`), KV-cache usage (`vllm:kv_cache_usage_perc`, or the older
   * `vllm:gpu_cache_usage_perc` of vLLM 0.9 and earlier), waiting requests and token counters; model label
   * `model_name`.
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
      // The instrumentator's handler label; the e2e latency histogram has none (test/fixtures/runtimes/vllm.prom).
      handler: { label: 'handler', example: '/v1/chat/completions', onLatency: false },
      // vLLM's OpenAI server instruments its routes with the instrumentator's defaults, grouped status codes
      // (vllm/entrypoints/serve/instrumentator/metrics.py @ 02a69ad).
      exampleLabels: { handler: ['/v1/chat/completions', '/v1/completions'], status: ['2xx', '5xx'] },
      errorsAreExtra: false,
      latency: {
        base: 'vllm:e2e_request_latency_seconds',
        unitSeconds: 1,
        // The engine's metrics are made per engine and model when the logger starts (v1/metrics/loggers.py make_per_engine).
        atStart: true,
        byModel: true,
        buckets: [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680],
        bucketsSource: 'vLLM\'s request latency buckets',
      },
      timeToFirstToken: {
        base: 'vllm:time_to_first_token_seconds',
        unitSeconds: 1,
        atStart: true,
        byModel: true,
        buckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560],
        bucketsSource: 'vLLM\'s time-to-first-token buckets',
      },
      interTokenLatency: {
        base: 'vllm:inter_token_latency_seconds',
        formerBases: ['vllm:time_per_output_token_seconds'],
        unitSeconds: 1,
        atStart: true,
        byModel: true,
        buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80],
        bucketsSource: 'vLLM\'s per-output-token buckets',
      },
      kvCacheUsage: { metric: 'vllm:kv_cache_usage_perc', formerMetrics: ['vllm:gpu_cache_usage_perc'], scale: 1, byModel: true, atStart: true },
      queueLength: { metric: 'vllm:num_requests_waiting', byModel: true, atStart: true },
      promptTokens: { metric: 'vllm:prompt_tokens_total', byModel: true, atStart: true },
      generationTokens: { metric: 'vllm:generation_tokens_total', byModel: true, atStart: true },
    });
  }

  /**
   * Hugging Face Text Generation Inference (checked against 3.3.7): `tgi_request_count`,
   * `tgi_request_failure{err}` (validation failures are the client's), histogram `tgi_request_duration`
   * (s, buckets up to about 145 s), queue size. One model per process, so no model label, and no time to
   * first token.
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
      latency: {
        base: 'tgi_request_duration',
        unitSeconds: 1,
        byModel: false,
        buckets: TGI_BUCKETS,
        bucketsSource: 'TGI\'s request duration buckets (0.0001 x 1.5^n)',
      },
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
      validateRe2(where, `errorLabelMatchers["${label}"]`, regex);
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
      const buckets = options.latencyHistogram.buckets !== undefined ? validateBuckets(where, 'latencyHistogram.buckets', options.latencyHistogram.buckets) : undefined;
      latency = { base, unitSeconds: UNIT_SECONDS[unit], byModel: modelLabel !== undefined, buckets, bucketsSource: buckets ? 'the buckets given to custom()' : undefined };
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

  private static build(options: HistogramRuntimeOptions, spec: RuntimeSpec): InferenceRuntime {
    const where = `InferenceRuntime.${spec.name}`;
    if (options.port !== undefined && options.portNumber !== undefined) {
      throw invalidProp(where, 'portNumber', options.portNumber, 'either port (a name) or portNumber, not both');
    }
    let latency = spec.latency;
    if (options.latencyBuckets !== undefined && latency) {
      latency = { ...latency, buckets: validateBuckets(where, 'latencyBuckets', options.latencyBuckets), bucketsSource: 'the configured latencyBuckets' };
    }
    const endpoint = scrapeEndpoint(spec, options);
    const placed = { kind: endpoint.kind!, port: endpoint.port, portNumber: endpoint.portNumber, path: endpoint.path! };
    return new InferenceRuntime({ ...spec, latency, ...placed });
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
