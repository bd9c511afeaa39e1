import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { addInferencePanels, inferenceVariables } from './_inference-dashboard';
import { InferenceQueries, SERVICE_LABEL } from './_inference-queries';
import { addInferenceRules } from './_inference-rules';
import { InferenceAlerts } from './inference-alerts';
import { InferenceRuntime } from './inference-runtime';
import { Sli } from './sli';
import { promDuration, toMillis } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { validateKubeLabels, validateLabelValue, validateNamespace, validatePromLabels, validateUrl } from '../common/_names';
import { formatNumber } from '../common/_number';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';
import { PrometheusRules } from '../rules/prometheus-rules';
import { ScrapeEndpointOptions } from '../scrape/scrape-options';
import { ScrapeTarget } from '../scrape/scrape-target';
import { placement } from '../stack/_placement';
import { IMonitoringStack } from '../stack/i-monitoring-stack';

/** Where the runbooks of the default alerts live (one anchor per alert name, lower-cased). */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/cdk8s-ml-monitoring/cdk8s-ml-monitoring/blob/main/README.md';

/** Dashboard options of `MlInferenceMonitoring`. */
export interface InferenceDashboardOptions {
  /**
   * Whether the dashboard is emitted.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The dashboard title.
   * @default "ML inference: <serviceName>"
   */
  readonly title?: string;
  /**
   * The namespace of the dashboard ConfigMap (the Grafana sidecar must watch it).
   * @default - the stack's dashboard namespace, else the rules namespace
   */
  readonly namespace?: string;
  /**
   * Labels that make Grafana's sidecar load the dashboard.
   * @default - the stack's dashboard labels, else { grafana_dashboard: "1" }
   */
  readonly sidecarLabels?: { [key: string]: string };
  /**
   * The Grafana folder (the sidecar's `grafana_folder` annotation).
   * @default - the sidecar's default folder
   */
  readonly folder?: string;
}

/** Which part of a monitored service an SLI covers. */
export interface InferenceSliOptions {
  /**
   * One namespace (tenant) of the service: an SLI, and so an SLO, per tenant.
   * @default - every namespace of the service, one SLO series per namespace
   */
  readonly namespace?: string;
}

/** Props of `MlInferenceMonitoring`. */
export interface MlInferenceMonitoringProps {
  /** The serving runtime: what the service exports and where it is scraped. */
  readonly runtime: InferenceRuntime;
  /** Labels of the model service's Services (ServiceMonitor) or Pods (PodMonitor). At least one. */
  readonly selector: { [key: string]: string };
  /**
   * The namespace the service runs in. Give this or `namespaces`.
   * @default - `namespaces`
   */
  readonly namespace?: string;
  /**
   * The namespaces the service runs in, one per tenant. Give this or `namespace`.
   * @default - `namespace`
   */
  readonly namespaces?: string[];
  /**
   * The service's name: the value of the `ml_service` label that every scraped series, recorded series
   * and alert carries, and the base of object names.
   * @default - the construct id
   */
  readonly serviceName?: string;
  /**
   * A model name, written as a `model` label on recorded series and alerts, for runtimes that export no
   * model label (FastAPI, TGI, custom without modelLabel).
   * @default - none
   */
  readonly model?: string;
  /**
   * How the metrics endpoint is scraped; overrides the runtime's defaults.
   * @default - the runtime's port, path and monitor kind; 30s interval
   */
  readonly scrape?: ScrapeEndpointOptions;
  /**
   * The alerts, each tunable or disabled.
   * @default - every alert the runtime supports, with its defaults
   */
  readonly alerts?: InferenceAlerts;
  /**
   * The window of the recorded rates, error ratios and latency quantiles that the alerts and panels read
   * (it is part of the recorded series' names, e.g. `ml_service:requests:rate5m`). Shorter windows react
   * faster and are noisier; at least two scrape intervals.
   * @default Duration.minutes(5)
   */
  readonly rateWindow?: Duration;
  /**
   * The least traffic, in requests per second, at which the latency, error-ratio and traffic-drop
   * alerts judge the service: below it, one failure out of two requests pages no one.
   * @default 0.1
   */
  readonly minRequestRate?: number;
  /**
   * The monitoring stack whose Prometheus selects these rules and monitors and whose Grafana loads the dashboard.
   * @default - none: give `selectorLabels` (and dashboard labels) that your Prometheus and Grafana select
   */
  readonly stack?: IMonitoringStack;
  /**
   * Labels on the monitors and PrometheusRule that make the Prometheus select them (added to the
   * stack's), e.g.
   * `{ release: 'kube-prometheus-stack' }`.
   * @default - none
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * The namespace of the PrometheusRule.
   * @default - the first namespace
   */
  readonly rulesNamespace?: string;
  /**
   * Extra labels on every alert, for routing (e.g. `{ team: 'ml-platform' }`).
   * @default - none
   */
  readonly alertLabels?: { [key: string]: string };
  /**
   * The base URL of the runbooks; each alert links to `<base>#<alertname lower-cased>`.
   * @default DEFAULT_RUNBOOK_BASE_URL (this library's README)
   */
  readonly runbookBaseUrl?: string;
  /**
   * Grafana's external URL; when set, alerts carry a `dashboard_url` annotation to the dashboard.
   * @default - the stack's Grafana URL, else no dashboard_url annotation
   */
  readonly grafanaUrl?: string;
  /**
   * The dashboard.
   * @default - emitted, in the rules namespace
   */
  readonly dashboard?: InferenceDashboardOptions;
}

/**
 * Monitoring for one ML model service: a ServiceMonitor or PodMonitor per namespace, recording rules for
 * request rate, error ratio, latency and pod resources, alerts on them, and a Grafana dashboard, all
 * computed from the serving runtime's own metric names and units.
 */
export class MlInferenceMonitoring extends Construct {
  /** The value of the `ml_service` label. */
  public readonly serviceName: string;
  /** The namespaces monitored. */
  public readonly namespaces: string[];
  /** The runtime preset. */
  public readonly runtime: InferenceRuntime;
  /** The PrometheusRule with the recording rules and alerts. */
  public readonly rules: PrometheusRules;
  /** One monitor per namespace. */
  public readonly scrapeTargets: ScrapeTarget[];
  /** The dashboard, unless disabled. */
  public readonly dashboard?: GrafanaDashboard;
  /** The names of the alerts emitted. */
  public readonly alertNames: string[];

  private readonly queries: InferenceQueries;

  constructor(scope: Construct, id: string, props: MlInferenceMonitoringProps) {
    super(scope, id);
    const where = this.node.path;
    if (!(props.runtime instanceof InferenceRuntime)) {
      throw invalidProp(where, 'runtime', props.runtime, 'an InferenceRuntime, e.g. InferenceRuntime.fastApi()');
    }
    this.runtime = props.runtime;
    const spec = props.runtime._spec;

    if ((props.namespace === undefined) === (props.namespaces === undefined)) {
      throw invalidProp(where, 'namespace', props.namespace ?? props.namespaces, 'exactly one of namespace or namespaces');
    }
    const namespaces = props.namespaces ?? [props.namespace!];
    if (namespaces.length === 0) throw invalidProp(where, 'namespaces', namespaces, 'at least one namespace');
    namespaces.forEach((ns, i) => validateNamespace(where, props.namespaces ? `namespaces[${i}]` : 'namespace', ns));
    if (new Set(namespaces).size !== namespaces.length) throw invalidProp(where, 'namespaces', namespaces, 'namespaces without repeats');
    this.namespaces = [...namespaces];

    this.serviceName = props.serviceName ?? id;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.serviceName) || this.serviceName.length > 63) {
      throw invalidProp(where, props.serviceName !== undefined ? 'serviceName' : 'id (the default serviceName)', this.serviceName,
        'a DNS-1123 label: at most 63 lower-case letters, digits and "-" (give serviceName when the construct id is not one)');
    }
    const selector = validateKubeLabels(where, 'selector', props.selector);
    if (Object.keys(selector).length === 0) {
      throw invalidProp(where, 'selector', props.selector, 'at least one label of the model service, e.g. { app: "ml-inference" }');
    }
    const place = placement(where, props.stack, props.selectorLabels);
    const selectorLabels = place.selectorLabels;
    const alertLabels = validatePromLabels(where, 'alertLabels', props.alertLabels);
    for (const reserved of [SERVICE_LABEL, 'namespace', 'severity']) {
      if (reserved in alertLabels) throw invalidProp(where, 'alertLabels', reserved, `labels other than ${SERVICE_LABEL}, namespace and severity, which the alerts set`);
    }
    const staticLabels: { [key: string]: string } = {};
    if (props.model !== undefined) {
      validateLabelValue(where, 'model', props.model);
      if (spec.modelLabel) {
        throw invalidProp(where, 'model', props.model, `no model prop: the ${spec.name} runtime names models in its "${spec.modelLabel}" label`);
      }
      staticLabels.model = props.model;
    }
    const minRequestRate = props.minRequestRate ?? 0.1;
    if (typeof minRequestRate !== 'number' || !Number.isFinite(minRequestRate) || minRequestRate < 0) {
      throw invalidProp(where, 'minRequestRate', minRequestRate, 'requests per second, 0 or more (e.g. 0.1)');
    }
    const rulesNamespace = props.rulesNamespace !== undefined ? validateNamespace(where, 'rulesNamespace', props.rulesNamespace) : namespaces[0];
    const runbookBaseUrl = validateUrl(where, 'runbookBaseUrl', props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL);
    const grafanaUrl = props.grafanaUrl !== undefined ? validateUrl(where, 'grafanaUrl', props.grafanaUrl).replace(/\/+$/, '') : place.grafanaUrl;

    // Scraping: one monitor per namespace (its Secrets live there), each stamping the identity label.
    const scrape = props.scrape ?? {};
    const overridePort = scrape.port !== undefined || scrape.portNumber !== undefined;
    this.scrapeTargets = namespaces.map(ns => new ScrapeTarget(this, `Scrape-${ns}`, {
      ...scrape,
      kind: scrape.kind ?? spec.kind,
      port: overridePort ? scrape.port : spec.port,
      portNumber: overridePort ? scrape.portNumber : spec.portNumber,
      path: scrape.path ?? spec.path,
      namespace: ns,
      name: this.serviceName,
      selector,
      labels: selectorLabels,
      targetLabels: { [SERVICE_LABEL]: this.serviceName },
    }));

    const window = props.rateWindow ?? Duration.minutes(5);
    const rateWindow = promDuration(window, where, 'rateWindow');
    const scrapeMs = toMillis(scrape.interval ?? Duration.seconds(30), where, 'scrape.interval');
    if (toMillis(window, where, 'rateWindow') < 2 * scrapeMs) {
      throw invalidProp(where, 'rateWindow', rateWindow, `a window of at least two scrape intervals (${formatNumber(2 * scrapeMs / 1000)}s): rate() needs two samples`);
    }
    const queries = new InferenceQueries(spec, this.serviceName, namespaces, rateWindow);
    this.queries = queries;
    const dashboardOptions = props.dashboard ?? {};
    const dashboardEnabled = dashboardOptions.enabled ?? true;
    const uid = `ml-inference-${this.serviceName}`.slice(0, 40);

    // Rules: recording rules first, then the alerts that read them, in one group.
    this.rules = new PrometheusRules(this, 'Rules', { name: `${this.serviceName}-inference`, namespace: rulesNamespace, labels: selectorLabels });
    const group = this.rules.addGroup(`ml-inference.${this.serviceName}`);
    const alerts = props.alerts ?? {};
    this.alertNames = addInferenceRules(group, queries, {
      where,
      alerts,
      minRequestRate,
      staticLabels,
      alertLabels,
      runbookBaseUrl,
      dashboardUrl: grafanaUrl && dashboardEnabled ? `${grafanaUrl}/d/${uid}` : undefined,
    });

    if (dashboardEnabled) {
      this.dashboard = new GrafanaDashboard(this, 'Dashboard', {
        title: dashboardOptions.title ?? `ML inference: ${this.serviceName}`,
        uid,
        description: `Requests, errors, latency and pods of ${this.serviceName} (${spec.name} runtime) in ${namespaces.join(', ')}.`,
        tags: ['ml-monitoring', 'inference', spec.name],
        namespace: dashboardOptions.namespace ?? place.dashboardNamespace ?? rulesNamespace,
        configMapName: `${this.serviceName}-inference-dashboard`,
        sidecarLabels: dashboardOptions.sidecarLabels ?? place.dashboardLabels,
        folder: dashboardOptions.folder,
        variables: inferenceVariables(queries),
      });
      addInferencePanels(this.dashboard, queries, {
        latencySeconds: alerts.latency?.enabled === false
          ? undefined
          : (alerts.latency?.threshold?.toMilliseconds({ integral: false }) ?? 5000) / 1000,
        errorRatio: alerts.errorRatio?.enabled === false ? undefined : Number(formatNumber(alerts.errorRatio?.threshold?.fraction ?? 0.05)),
      });
      place.stack?.addDashboard(this.dashboard);
    }
  }

  /**
   * An availability SLI: failed requests over all requests, in the runtime's own error terms (5xx,
   * failure counters), per namespace.
   */
  public availability(options: InferenceSliOptions = {}): Sli {
    const q = this.sliQueries('availability', options);
    const name = `${this.serviceName}${options.namespace ? `-${options.namespace}` : ''}-availability`;
    return Sli._fromRates(`${this.node.path}.availability()`, name, q.base, w => q.errorRate(w, q.base), w => q.requestRate(w, q.base),
      `inference=${this.serviceName};ns=${q.namespaces.join(',')};availability`);
  }

  /**
   * A latency SLI: the share of requests slower than `threshold`, read from the runtime's latency
   * histogram bucket. `threshold` must be one of the histogram's bucket boundaries. Throws for runtimes
   * that export no histogram (Triton, TorchServe).
   */
  public latency(threshold: Duration, options: InferenceSliOptions = {}): Sli {
    const where = `${this.node.path}.latency()`;
    const spec = this.runtime._spec;
    if (!spec.latency) {
      throw invalidProp(where, 'runtime', spec.name, 'a runtime with a latency histogram: this one exports only cumulative latency counters, which cannot tell how many requests were slow');
    }
    promDuration(threshold, where, 'threshold');
    const q = this.sliQueries('latency', options);
    const seconds = threshold.toMilliseconds({ integral: false }) / 1000;
    const name = `${this.serviceName}${options.namespace ? `-${options.namespace}` : ''}-latency-${formatNumber(seconds * 1000)}ms`;
    const matchers = [{ name: SERVICE_LABEL, op: '=' as const, value: this.serviceName }, q.namespaceMatcher, ...(spec.latency.matchers ?? [])];
    return Sli._histogram(where, name, spec.latency.base, seconds / spec.latency.unitSeconds, matchers, q.base);
  }

  /**
   * The queries of one namespace of the service, for responses driven by its signals.
   * @internal
   */
  public _signalQueries(namespace: string): InferenceQueries {
    return this.sliQueries('signal', { namespace });
  }

  private sliQueries(kind: string, options: InferenceSliOptions): InferenceQueries {
    if (options.namespace === undefined) return this.queries;
    if (!this.namespaces.includes(options.namespace)) {
      throw invalidProp(`${this.node.path}.${kind}()`, 'namespace', options.namespace, `one of the service's namespaces (${this.namespaces.join(', ')})`);
    }
    return new InferenceQueries(this.runtime._spec, this.serviceName, [options.namespace], this.queries.window);
  }
}
