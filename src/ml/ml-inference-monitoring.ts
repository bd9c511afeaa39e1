import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { addCostPanels } from './_cost-dashboard';
import { checkQuantileThreshold, sliBucket } from './_histogram-bounds';
import { addInferencePanels, inferenceVariables } from './_inference-dashboard';
import { InferenceQueries, SERVICE_LABEL } from './_inference-queries';
import { dashboardAnnotations, placeDashboard, placeRules, resolvePlacement, routeTenants } from './_placement-settings';
import { scrapeEndpoint } from './_runtime-spec';
import { AlertCommon } from './alerts/_alert-settings';
import { addInferenceBlindSpots } from './alerts/_blind-spot-alerts';
import { addCostAlerts, CostSettings, resolveCostSettings } from './alerts/_cost-alerts';
import { addInferenceAlerts, InferenceSettings, quantileAlerts, resolveInferenceSettings } from './alerts/_inference-alerts';
import { CostOptions } from './cost-options';
import { GpuMetrics } from './gpu-metrics';
import { InferenceAlerts } from './inference-alerts';
import { InferenceRuntime } from './inference-runtime';
import { MonitoringPlacementProps } from './monitoring-props';
import { CostSignals } from './signals/_cost-signals';
import { InferenceSignals } from './signals/_inference-signals';
import { Sli } from './sli';
import { MatchOperator } from '../alerting/routing-options';
import { promDuration, toMillis } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { shortObjectName, validateKubeLabels, validateLabelValue, validateNamespace } from '../common/_names';
import { formatNumber } from '../common/_number';
import { refuseUnencodableText } from '../common/_text';
import { shortUid } from '../dashboards/_uid';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';
import { PrometheusRules } from '../rules/prometheus-rules';
import { ScrapeEndpointOptions } from '../scrape/scrape-options';
import { ScrapeTarget } from '../scrape/scrape-target';
import { InferenceSource } from '../testing/_inference-cases';

/** Which part of a monitored service an SLI covers. */
export interface InferenceSliOptions {
  /**
   * One namespace (tenant) of the service: an SLI, and so an SLO, per tenant.
   * @default - every namespace of the service, one SLO series per namespace
   */
  readonly namespace?: string;
}

/** Props of `MlInferenceMonitoring`. */
export interface MlInferenceMonitoringProps extends MonitoringPlacementProps {
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
   * Where GPU utilisation and memory come from, for the GPU alerts and panels.
   * @default - the runtime's own GPU gauges where it has them (Triton); none otherwise
   */
  readonly gpu?: GpuMetrics;
  /**
   * The least traffic, in requests per second, at which the latency, error-ratio and traffic-drop
   * alerts judge the service: below it, one failure out of two requests pages no one.
   * @default 0.1
   */
  readonly minRequestRate?: number;
  /**
   * What the service costs, priced from its pods' requests and usage: cost per hour, idle cost, cost per
   * 1,000 predictions, a monthly budget and idle GPUs, as recorded series, alerts and a dashboard row.
   * @default - no cost signals
   */
  readonly cost?: CostOptions;
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

  private readonly signals: InferenceSignals;
  private readonly dcgm?: { readonly namespaceLabel: string; readonly podLabel: string };
  private readonly windowMs: number;
  private readonly cost?: CostSettings;
  private readonly costSignals?: CostSignals;
  /** @internal */
  public readonly _settings: InferenceSettings;

  constructor(scope: Construct, id: string, props: MlInferenceMonitoringProps) {
    super(scope, id);
    const where = this.node.path;
    refuseUnencodableText(where, props);
    if (!(props.runtime instanceof InferenceRuntime)) {
      throw invalidProp(where, 'runtime', props.runtime, 'an InferenceRuntime, e.g. InferenceRuntime.fastApi()');
    }
    this.runtime = props.runtime;
    const spec = props.runtime._spec;

    if ((props.namespace === undefined) === (props.namespaces === undefined)) {
      throw invalidProp(where, 'namespace', props.namespace ?? props.namespaces, 'exactly one of namespace or namespaces');
    }
    const namespaces = props.namespaces ?? [props.namespace!];
    if (!Array.isArray(namespaces) || namespaces.length === 0) throw invalidProp(where, 'namespaces', namespaces, 'at least one namespace');
    namespaces.forEach((ns, i) => validateNamespace(where, props.namespaces ? `namespaces[${i}]` : 'namespace', ns));
    if (new Set(namespaces).size !== namespaces.length) throw invalidProp(where, 'namespaces', namespaces, 'namespaces without repeats');
    this.namespaces = [...namespaces];

    this.serviceName = props.serviceName ?? id;
    if (typeof this.serviceName !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.serviceName) || this.serviceName.length > 63) {
      throw invalidProp(where, props.serviceName !== undefined ? 'serviceName' : 'id (the default serviceName)', this.serviceName,
        'a DNS-1123 label: at most 63 lower-case letters, digits and "-" (give serviceName when the construct id is not one)');
    }
    const selector = validateKubeLabels(where, 'selector', props.selector);
    if (Object.keys(selector).length === 0) {
      throw invalidProp(where, 'selector', props.selector, 'at least one label of the model service, e.g. { app: "ml-inference" }');
    }
    const place = resolvePlacement(this, props, [SERVICE_LABEL, 'namespace', 'severity'], namespaces[0]);
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

    // Scraping: one monitor per namespace (its Secrets live there), each stamping the identity label.
    const scrape = props.scrape ?? {};
    this.scrapeTargets = namespaces.map(ns => new ScrapeTarget(this, `Scrape-${ns}`, {
      ...scrapeEndpoint(spec, scrape),
      namespace: ns,
      name: this.serviceName,
      selector,
      labels: place.selectorLabels,
      // The identity every series carries; with honorLabels (trusted exporters only) forced back after the scrape.
      targetLabels: { [SERVICE_LABEL]: this.serviceName, ...(scrape.honorLabels ? { namespace: ns } : {}) },
    }));

    const window = props.rateWindow ?? Duration.minutes(5);
    const rateWindow = promDuration(window, where, 'rateWindow');
    const scrapeMs = toMillis(scrape.interval ?? Duration.seconds(30), where, 'scrape.interval');
    if (toMillis(window, where, 'rateWindow') < 2 * scrapeMs) {
      throw invalidProp(where, 'rateWindow', rateWindow, `a window of at least two scrape intervals (${formatNumber(2 * scrapeMs / 1000)}s): rate() needs two samples`);
    }
    this._settings = resolveInferenceSettings(where, props.alerts, spec.latency !== undefined, minRequestRate);
    const st = this._settings;
    // Every enabled quantile alert's threshold must be one its histogram can exceed.
    for (const q of quantileAlerts(spec, st)) {
      checkQuantileThreshold(where, q.thresholdProp, q.histogram, q.alert.maxSeconds, spec.name);
    }
    for (const key of ['latencyPerPod', 'latencyPerHandler'] as const) {
      if (st[key].enabled && spec.latency) checkQuantileThreshold(where, `alerts.${key}.maxLatency`, spec.latency, st[key].maxSeconds, spec.name);
    }
    // The tenant (the rules' namespace) is part of the dashboard's identity: dashboards of every tenant share
    // the stack's Grafana and namespace, and one service name may run in several tenants.
    const tenant = place.rulesNamespace!;
    const uid = shortUid(`ml-inference-${tenant}-${this.serviceName}`);

    // Rules: one group; the catalog records what the alerts, panels, SLIs and autoscalers ask for, and the
    // group renders those recording rules before the alerts that read them.
    this.rules = new PrometheusRules(this, 'Rules', {
      name: `${this.serviceName}-inference`, namespace: place.rulesNamespace, labels: place.selectorLabels, placement: place.rulePlacement,
    });
    placeRules(place, this.rules);
    routeTenants(place, namespaces);
    const group = this.rules.addGroup(`ml-inference.${this.serviceName}`);
    group._keepRecordingRulesFirst();
    if (props.gpu !== undefined && !(props.gpu instanceof GpuMetrics)) throw invalidProp(where, 'gpu', props.gpu, 'a GpuMetrics, e.g. GpuMetrics.dcgm()');
    if (props.gpu?.source === 'runtime' && !spec.gpuUtilization) {
      throw invalidProp(where, 'gpu', 'GpuMetrics.fromRuntime()', `GpuMetrics.dcgm(): the ${spec.name} runtime exports no GPU gauges`);
    }
    this.signals = new InferenceSignals(new InferenceQueries(spec, this.serviceName, namespaces, rateWindow), group, staticLabels, props.gpu?._dcgm);
    this.dcgm = props.gpu?._dcgm;
    this.windowMs = toMillis(window, where, 'rateWindow');
    const common: AlertCommon = {
      alertLabels: place.alertLabels,
      identityLabels: { ...staticLabels, [SERVICE_LABEL]: this.serviceName },
      runbookBaseUrl: place.runbookBaseUrl,
      annotations: dashboardAnnotations(place, uid),
    };
    this.alertNames = addInferenceAlerts(where, group, this.signals, this._settings, common);
    if (props.cost !== undefined) {
      this.cost = resolveCostSettings(where, props.cost);
      this.costSignals = new CostSignals(this.signals, this.cost.prices, group, staticLabels);
      this.alertNames.push(...addCostAlerts(where, group, this.signals, this.costSignals, this.cost, common));
    }

    // While a target is down, its service's latency and error alerts say nothing new: the construct that
    // owns these alerts (and knows the names it emitted them under) contributes the inhibition.
    const muted = [st.latency, st.errorRatio, st.latencyPerPod, st.errorRatioPerPod, st.latencyPerHandler, st.errorRatioPerHandler]
      .map(a => a.name).filter(n => this.alertNames.includes(n));
    if (this.alertNames.includes(st.targetDown.name) && muted.length > 0) {
      place.stack?.alerting._contributeInhibition({
        sourceMatchers: [{ label: 'alertname', value: st.targetDown.name }],
        targetMatchers: [{ label: 'alertname', value: muted.join('|'), operator: MatchOperator.REGEX }],
        equal: ['namespace', SERVICE_LABEL],
      });
    }

    if (place.dashboard.enabled) {
      this.dashboard = placeDashboard(this, place, {
        title: `ML inference: ${this.serviceName}`,
        uid,
        description: `Requests, errors, latency and pods of ${this.serviceName} (${spec.name} runtime) in ${namespaces.join(', ')}.`,
        tags: ['ml-monitoring', 'inference', spec.name],
        configMapName: shortObjectName(`${tenant}-${this.serviceName}-inference-dashboard`, 253),
        variables: inferenceVariables(this.signals),
      });
      addInferencePanels(this.dashboard, this.signals, this._settings);
      if (this.costSignals && this.cost) addCostPanels(this.dashboard, this.costSignals, this.cost);
    }
    // Last: the missing-series alert checks what the alerts and panels above read.
    this.alertNames.push(...addInferenceBlindSpots(where, group, this.signals, st, common, spec.name));
  }

  /** The raw metric families the service's alerts, panels and responses read so far, sorted. */
  public get metricFamilies(): string[] {
    return this.signals.families;
  }

  /**
   * The service's signal catalog, for constructs that read its series (autoscalers).
   * @internal
   */
  public get _signals(): InferenceSignals {
    return this.signals;
  }

  /**
   * An availability SLI: failed requests over all requests, in the runtime's own error terms (5xx,
   * failure counters), per namespace.
   */
  public availability(options: InferenceSliOptions = {}): Sli {
    if (!this.signals.hasErrors) {
      throw invalidProp(`${this.node.path}.availability()`, 'runtime', this.runtime.name,
        'a runtime that counts failed requests (KServe in Standard mode counts none: use a latency SLI, or Sli.errorRatio over your own counters)');
    }
    const q = this.sliQueries('availability', options);
    const name = `${this.serviceName}${options.namespace ? `-${options.namespace}` : ''}-availability`;
    return Sli._fromRates(`${this.node.path}.availability()`, name, q.base, w => q.errorRate(w, q.base), w => q.requestRate(w, q.base),
      `inference=${this.serviceName};ns=${q.namespaces.join(',')};availability`, [...q.requestFamilies, ...q.errorFamilies], q.sel('up'),
      { kind: 'service', queries: q });
  }

  /**
   * A latency SLI: the share of requests slower than `threshold`, read from the runtime's latency
   * histogram bucket. `threshold` must be one of the histogram's bucket bounds (the runtime preset knows
   * them: an Error lists them otherwise). Throws for runtimes that export no histogram (Triton,
   * TorchServe) and for those that truncate durations to whole seconds (Knative 1.19 and 1.20).
   */
  public latency(threshold: Duration, options: InferenceSliOptions = {}): Sli {
    const where = `${this.node.path}.latency()`;
    const spec = this.runtime._spec;
    if (!spec.latency) {
      throw invalidProp(where, 'runtime', spec.name, 'a runtime with a latency histogram: this one exports only cumulative latency counters, which cannot tell how many requests were slow');
    }
    if (!(threshold instanceof Duration)) throw invalidProp(where, 'threshold', threshold, 'a Duration, e.g. Duration.millis(500)');
    const seconds = threshold.toMilliseconds({ integral: false }) / 1000;
    const le = sliBucket(where, 'threshold', spec.latency, seconds, spec.name);
    promDuration(threshold, where, 'threshold');
    const q = this.sliQueries('latency', options);
    const name = `${this.serviceName}${options.namespace ? `-${options.namespace}` : ''}-latency-${formatNumber(seconds * 1000)}ms`;
    const matchers = [{ name: SERVICE_LABEL, op: '=' as const, value: this.serviceName }, q.namespaceMatcher, ...(spec.latency.matchers ?? [])];
    return Sli._histogram(where, name, spec.latency.base, le, matchers, q.base, q.sel('up'), { kind: 'service', queries: q, latencySeconds: seconds });
  }

  private sliQueries(kind: string, options: InferenceSliOptions): InferenceQueries {
    if (options.namespace === undefined) return this.signals.q;
    if (!this.namespaces.includes(options.namespace)) {
      throw invalidProp(`${this.node.path}.${kind}()`, 'namespace', options.namespace, `one of the service's namespaces (${this.namespaces.join(', ')})`);
    }
    return new InferenceQueries(this.runtime._spec, this.serviceName, [options.namespace], this.signals.window);
  }

  /**
   * What the generated promtool tests need: the runtime, the resolved settings and the alerts written.
   * @internal
   */
  public _testSource(ruleLabels: InferenceSource['ruleLabels']): InferenceSource {
    return {
      queries: this.signals.q,
      familiesRead: this.signals.familiesRead,
      requestFamily: this.signals.requestFamily,
      settings: this._settings,
      windowMs: this.windowMs,
      alertNames: this.alertNames,
      dcgm: this.dcgm,
      cost: this.cost,
      ruleLabels,
    };
  }
}
