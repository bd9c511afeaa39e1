import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { addQualityPanels } from './_quality-dashboard';
import { QualityAlertSpec } from './_quality-spec';
import { DriftDetector } from './drift-detector';
import { FairnessOptions } from './fairness-options';
import { FeedbackOptions } from './feedback-options';
import { ModelPerformance } from './model-performance';
import {
  ClassDriftOptions, DataHealthOptions, HistogramDriftOptions, ModelVersionOptions, PerformanceAlertOptions, QualityAlerts, QualityScrapeOptions,
} from './quality-options';
import { invalidProp } from '../../common/_errors';
import { shortObjectName, validateLabelValue, validateNamespace } from '../../common/_names';
import { refuseUnencodableText } from '../../common/_text';
import { shortUid } from '../../dashboards/_uid';
import { GrafanaDashboard } from '../../dashboards/grafana-dashboard';
import { PrometheusRules } from '../../rules/prometheus-rules';
import { ScrapeTarget } from '../../scrape/scrape-target';
import { QualitySource } from '../../testing/_quality-cases';
import { dashboardAnnotations, placeDashboard, placeRules, resolvePlacement, routeTenants } from '../_placement-settings';
import { addQualityBlindSpots } from '../alerts/_blind-spot-alerts';
import { addFairness } from '../alerts/_fairness-alerts';
import { addFeedback } from '../alerts/_feedback-alerts';
import { addClassDrift, addDataHealth, addDetectorAlerts, addHistogramDrift, addPerformance, addVersions, QualityContext } from '../alerts/_quality-alerts';
import { MonitoringPlacementProps } from '../monitoring-props';
import { QualitySignals } from '../signals/_quality-signals';

/** Props of `ModelQualityMonitoring`. */
export interface ModelQualityMonitoringProps extends MonitoringPlacementProps {
  /** The model's name: the `model` label of every quality alert and series. */
  readonly modelName: string;
  /**
   * The namespace the model runs in (its tenant): every series the quality rules read is narrowed to it
   * (unless a signal's own `matchers` name `namespace`), and every quality series and alert carries it.
   * @default - the chart's namespace; an Error when the chart has none
   */
  readonly namespace?: string;
  /**
   * Drift detectors that publish gauges.
   * @default - none
   */
  readonly driftDetectors?: DriftDetector[];
  /**
   * Distribution drift computed in PromQL from histograms (Kolmogorov–Smirnov distance).
   * @default - none
   */
  readonly histogramDrift?: HistogramDriftOptions[];
  /**
   * Shifts in the share of predicted classes.
   * @default - none
   */
  readonly classDrift?: ClassDriftOptions[];
  /**
   * Model performance against ground truth.
   * @default - no performance alerts
   */
  readonly performance?: ModelPerformance;
  /**
   * Thresholds of the performance alerts.
   * @default - accuracy floor 80 %, relative drop 10 % against the trailing 7 days
   */
  readonly performanceAlerts?: PerformanceAlertOptions;
  /**
   * Data health: predictions stopped, missing feature values, stale evaluation.
   * @default - none
   */
  readonly dataHealth?: DataHealthOptions;
  /**
   * Model versions serving at once.
   * @default - none
   */
  readonly versions?: ModelVersionOptions;
  /**
   * Fairness across groups: per-group rates of the favourable prediction (and with ground truth, accuracy,
   * true-positive and false-positive rates), disparate impact, demographic parity and equal opportunity.
   * @default - none
   */
  readonly fairness?: FairnessOptions[];
  /**
   * User feedback: satisfaction (per model version when the counter carries one), its drop against the
   * trailing week, and feedback that stops arriving while predictions are served.
   * @default - none
   */
  readonly feedback?: FeedbackOptions;
  /**
   * Tuning of the model-level alerts (name, pending period, severity, labels, enabled).
   * @default - every alert of the given signals, with its defaults
   */
  readonly alerts?: QualityAlerts;
  /**
   * The services that export the series the quality rules read (drift detectors, evaluation jobs, feedback
   * counters), each scraped by a ServiceMonitor or PodMonitor in the model's namespace with the stack's
   * selector labels. A detector's gauges reach Prometheus only when something scrapes it: give it here, or
   * scrape it with a monitor of your own; `ModelQualityMetricsMissing` fires when its series stay absent.
   * @default - none: every series read must already be scraped
   */
  readonly scrape?: QualityScrapeOptions[];
}

/**
 * Model-quality monitoring: drift from detectors or computed in PromQL, accuracy against ground truth,
 * data health and model versions, as alerts labelled for routing (`ml_signal`) and a dashboard. The services
 * that export those series are scraped when listed in `scrape`; otherwise they must be scraped already.
 */
export class ModelQualityMonitoring extends Construct {
  /** The PrometheusRule with the quality rules. */
  public readonly rules: PrometheusRules;
  /** The monitors of the services given in `scrape`, in order. */
  public readonly scrapeTargets: ScrapeTarget[];
  /** The names of the alerts emitted. */
  public readonly alertNames: string[] = [];
  /** The dashboard, unless disabled. */
  public readonly dashboard?: GrafanaDashboard;

  private readonly catalog: QualitySignals;
  private readonly specs: QualityAlertSpec[] = [];
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: ModelQualityMonitoringProps) {
    super(scope, id);
    const where = this.node.path;
    refuseUnencodableText(where, props);
    const model = props.modelName;
    if (typeof model !== 'string' || model === '') throw invalidProp(where, 'modelName', model, 'a non-empty model name');
    validateLabelValue(where, 'modelName', model);
    const signals = (props.driftDetectors?.length ?? 0) + (props.histogramDrift?.length ?? 0) + (props.classDrift?.length ?? 0) +
      (props.performance ? 1 : 0) + (props.dataHealth ? 1 : 0) + (props.versions ? 1 : 0) + (props.fairness?.length ?? 0) + (props.feedback ? 1 : 0);
    if (signals === 0) {
      throw invalidProp(where, 'props', 'no signal', 'at least one of driftDetectors, histogramDrift, classDrift, performance, dataHealth, versions, fairness or feedback');
    }
    if (props.fairness !== undefined && !Array.isArray(props.fairness)) throw invalidProp(where, 'fairness', props.fairness, 'a list of fairness checks');
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      throw invalidProp(where, 'namespace', undefined, 'the namespace the model runs in (or a chart with a namespace): the quality rules read only that tenant\'s series');
    }
    validateNamespace(where, 'namespace', namespace);
    const place = resolvePlacement(this, props, ['model', 'ml_signal', 'severity', 'namespace'], namespace);
    const modelSlug = model.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+/, '');
    const slug = `${modelSlug}-quality`.replace(/^-/, '');
    const uid = shortUid(`ml-quality-${namespace}-${model}`);
    this.rules = new PrometheusRules(this, 'Rules', { name: slug, namespace: place.rulesNamespace, labels: place.selectorLabels, placement: place.rulePlacement });
    placeRules(place, this.rules);
    routeTenants(place, [namespace]);
    this.scrapeTargets = this.addScrapeTargets(where, props.scrape ?? [], namespace, modelSlug, place.selectorLabels);
    const group = this.rules.addGroup(`ml-quality.${model}`);
    group._keepRecordingRulesFirst();
    const catalog = new QualitySignals(model, namespace, group);
    const alerts = props.alerts ?? {};
    const c: QualityContext = {
      where,
      scope: [{ name: 'namespace', op: '=', value: namespace }],
      group,
      signals: catalog,
      alerts,
      alertNames: this.alertNames,
      specs: this.specs,
      common: {
        alertLabels: place.alertLabels,
        identityLabels: { model, namespace },
        runbookBaseUrl: place.runbookBaseUrl,
        annotations: dashboardAnnotations(place, uid),
      },
    };
    const driftAlertName = (props.driftDetectors?.length ?? 0) > 0 ? addDetectorAlerts(c, props.driftDetectors!) : undefined;
    const distributions = (props.histogramDrift ?? []).map(h => addHistogramDrift(c, h));
    const classes = (props.classDrift ?? []).map(k => addClassDrift(c, k));
    const performance = props.performance ? addPerformance(c, props.performance, props.performanceAlerts ?? {}) : undefined;
    const dataHealth = props.dataHealth ? { options: props.dataHealth, settings: addDataHealth(c, props.dataHealth) } : undefined;
    const versions = props.versions ? addVersions(c, props.versions) : undefined;
    const fairness = (props.fairness ?? []).map((f, i) => addFairness(c, f, i));
    const feedback = props.feedback !== undefined ? addFeedback(c, props.feedback) : undefined;
    const names = fairness.map(f => f.source.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw invalidProp(where, 'fairness[].name', twice, 'a name of its own for each fairness check (the fairness label)');
    const missing = addQualityBlindSpots(c);
    if (missing) this.alertNames.push(missing);
    this.catalog = catalog;
    this.namespace = namespace;

    if (place.dashboard.enabled) {
      this.dashboard = placeDashboard(this, place, {
        title: `Model quality: ${model}`,
        uid,
        tags: ['ml-monitoring', 'model-quality'],
        configMapName: shortObjectName(`${namespace}-${slug}-dashboard`, 253),
        timeRange: Duration.days(7),
      });
      addQualityPanels(this.dashboard, catalog, {
        distributions,
        classes,
        driftAlertName,
        performance,
        dataHealth,
        versions,
        fairness,
        feedback,
      });
    }
  }

  private addScrapeTargets(where: string, scrape: QualityScrapeOptions[], namespace: string, model: string,
    labels: { [key: string]: string } | undefined): ScrapeTarget[] {
    if (!Array.isArray(scrape)) throw invalidProp(where, 'scrape', scrape, 'a list of services to scrape, e.g. [{ name: "drift-detector", selector: { app: "detector" }, port: "metrics" }]');
    const names = new Set<string>();
    return scrape.map((o, i) => {
      const name = o?.name;
      if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || names.has(name)) {
        throw invalidProp(where, `scrape[${i}].name`, name, 'a name unique among scrape, lower-case letters, digits and "-", e.g. "drift-detector"');
      }
      names.add(name);
      return new ScrapeTarget(this, `Scrape-${name}`, {
        ...o,
        namespace,
        name: shortObjectName(`${model}-${name}`, 253),
        labels,
        // With honorLabels (trusted exporters only) the tenant is forced back after the scrape.
        targetLabels: o.honorLabels ? { namespace } : undefined,
      });
    });
  }

  /** What the generated tests need: each alert as resolved, and its rule's static labels as synthesized. @internal */
  public _testSource(ruleLabels: QualitySource['ruleLabels']): QualitySource {
    return { model: this.catalog.modelName, namespace: this.namespace, specs: this.specs, alertNames: this.alertNames, ruleLabels };
  }

  /** The raw metric families the model's quality alerts and panels read, sorted. */
  public get metricFamilies(): string[] {
    return this.catalog.families;
  }
}
