import { ApiObject, Duration, Include } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addAlertmanager } from './_alertmanager';
import { IMAGES, StackContext, componentLabels } from './_common';
import { addKubeletScrape, addKubeStateMetrics, addNodeExporter } from './_exporters';
import { OwnedGrafana } from './_grafana';
import { AdoptedKubePrometheusStack } from './_kube-prometheus-stack';
import { addNetworkPolicies } from './_network-policies';
import { addOperator } from './_operator';
import { STACK_KIND } from './_placement';
import { addPrometheus } from './_prometheus';
import { addStackAlerts, WatchedComponent } from './_stack-alerts';
import { EVALUATION_LABEL, addThanosQuery, addThanosRuler, isGlobalRules } from './_thanos';
import { IMonitoringStack } from './i-monitoring-stack';
import { ComponentParts, StackComponent } from './stack-component';
import {
  AlertmanagerConfigMatcherStrategy, AlertmanagerOptions, GrafanaOptions, KubeStateMetricsOptions, NodeExporterOptions, OperatorOptions,
  PrometheusOptions, StackHealthAlerts, StackNetworkOptions,
} from './stack-options';
import { AlertRouting, AlertRoutingOptions, RoutingOutput } from '../alerting/alert-routing';
import { AppRegistry } from '../common/_app-registry';
import { promInterval } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { DEFAULT_RUNBOOK_BASE_URL } from '../common/_monitoring';
import { shortObjectName, validateKubeLabels, validateNamespace, validatePromLabels, validateUrl } from '../common/_names';
import { LabelMatcher } from '../common/_promql';
import { refuseUnencodableText } from '../common/_text';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';
import { RulePlacement } from '../rules/rule-options';

/** The operator release whose CRDs the stack's objects are written against. */
export const OPERATOR_CRDS_URL = 'https://github.com/prometheus-operator/prometheus-operator/releases/download/v0.93.0/stripped-down-crds.yaml';

/** Props of `MonitoringStack`. */
export interface MonitoringStackProps {
  /**
   * The stack's name: the name of its Prometheus and Alertmanager objects, the prefix of every other
   * object's name, and the value of its selector label.
   * @default "ml-monitoring"
   */
  readonly name?: string;
  /**
   * The namespace of the stack.
   * @default "monitoring"
   */
  readonly namespace?: string;
  /**
   * Emit the Namespace, labelled for Pod Security admission (`enforce: restricted`, or `privileged` with
   * node-exporter, which needs host access; `warn` and `audit` stay `restricted`).
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Labels that the Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules by; every such
   * object made through the stack carries them.
   * @default { "ml-monitoring.cdk8s.io/stack": <name> }
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * The Prometheus.
   * @default - 1 replica, 15 days retention, emptyDir storage, 30s scrape and evaluation intervals
   */
  readonly prometheus?: PrometheusOptions;
  /**
   * The Alertmanager.
   * @default - 1 replica, emptyDir storage
   */
  readonly alertmanager?: AlertmanagerOptions;
  /**
   * Grafana. Give `adminPassword` (a Secret reference) or `enabled: false`.
   * @default - an error: Grafana needs admin credentials from an existing Secret
   */
  readonly grafana?: GrafanaOptions;
  /**
   * Settings of the routing tree (`stack.alerting`).
   * @default - a "null" default receiver, grouping by namespace and alertname, the standard inhibitions
   */
  readonly alerting?: AlertRoutingOptions;
  /**
   * kube-state-metrics, which the restart, readiness and memory-limit alerts read.
   * @default - deployed
   */
  readonly kubeStateMetrics?: KubeStateMetricsOptions;
  /**
   * Scrape every kubelet and its cAdvisor (container CPU and memory, which the resource alerts read).
   * @default true
   */
  readonly kubelet?: boolean;
  /**
   * node-exporter.
   * @default - not deployed
   */
  readonly nodeExporter?: NodeExporterOptions;
  /**
   * The prometheus-operator.
   * @default - v0.93.0 with default resources
   */
  readonly operator?: OperatorOptions;
  /**
   * Emit NetworkPolicies that allow exactly the flows the stack needs: Grafana → Prometheus and
   * Alertmanager, Prometheus → its targets, its peers and shards, and Alertmanager; KEDA → Prometheus;
   * Alertmanager → receivers and its peers; the operator and kube-state-metrics → the API server; every
   * component → DNS; NodePorts only from `network.nodePortSources`.
   * @default false
   */
  readonly networkPolicies?: boolean;
  /**
   * Who else the NetworkPolicies let in: KEDA's namespace, Grafana's clients, NodePort sources, the API
   * server's addresses. Read only with `networkPolicies: true`.
   * @default - KEDA in "keda", Grafana from every namespace, no NodePort sources, the API server anywhere
   */
  readonly network?: StackNetworkOptions;
  /**
   * The stack's alerts on its own health (failing or missed rule evaluations, failed notifications,
   * failed reloads, no Alertmanager, components down), each tunable or disabled.
   * @default - all enabled with their defaults
   */
  readonly healthAlerts?: StackHealthAlerts;
  /**
   * Include the operator's CRDs (cdk8s `Include` of `crdsUrl`). They must be applied before the objects
   * that use them: put the stack in a chart of its own after a chart with the CRDs, or apply the CRDs
   * first as the README shows.
   * @default false
   */
  readonly includeCrds?: boolean;
  /**
   * Where the CRDs are read from when `includeCrds` is set (a URL or a local file).
   * @default OPERATOR_CRDS_URL (the v0.93.0 release)
   */
  readonly crdsUrl?: string;
}

/** Options of `MonitoringStack.fromKubePrometheusStack`. */
export interface KubePrometheusStackOptions {
  /** The Helm release name of the kube-prometheus-stack. */
  readonly release: string;
  /** The namespace the release is installed in. */
  readonly namespace: string;
  /**
   * Labels the release's Prometheus selects monitors and rules by.
   * @default { release: <release> } (the chart's selectors while its *SelectorNilUsesHelmValues are true)
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * Labels the release's Grafana dashboard sidecar watches.
   * @default { grafana_dashboard: "1" }
   */
  readonly dashboardLabels?: { [key: string]: string };
  /**
   * The namespace dashboards are written to (the sidecar searches every namespace by default).
   * @default - the release's namespace
   */
  readonly dashboardNamespace?: string;
  /**
   * Grafana's external URL, for dashboard links in alerts.
   * @default - no dashboard links
   */
  readonly grafanaUrl?: string;
  /**
   * Settings of the routing tree, emitted as an AlertmanagerConfig in the release's namespace.
   * @default - a "null" default receiver, grouping by namespace and alertname, the standard inhibitions
   */
  readonly alerting?: AlertRoutingOptions;
  /**
   * The name of the AlertmanagerConfig.
   * @default "ml-monitoring"
   */
  readonly alertmanagerConfigName?: string;
  /**
   * The matcher strategy of the release's Alertmanager (Helm value
   * `alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy.type`). With the default, the routing
   * tree is emitted as an AlertmanagerConfig in every tenant namespace (each then routes exactly its
   * tenant's alerts, and the receivers' Secrets must exist in each tenant namespace); with the other two,
   * as one object in the release's namespace, whose Secrets it reads.
   * @default AlertmanagerConfigMatcherStrategy.ON_NAMESPACE (the chart's and the operator's default)
   */
  readonly alertmanagerConfigMatcherStrategy?: AlertmanagerConfigMatcherStrategy;
  /**
   * The in-cluster URL of the release's Prometheus (for autoscalers).
   * @default - the chart's Service: http://<fullname>-prometheus.<namespace>.svc:9090, where fullname is the
   * release name, with "-kube-prometheus-stack" appended unless it contains it, cut to 26 characters
   */
  readonly prometheusUrl?: string;
  /**
   * When the release's Prometheus is sharded beside a global evaluator (a Thanos Ruler, Mimir's ruler):
   * how the rules made through the stack are split between them, by the labels your shards' `ruleSelector`
   * and your global evaluator's selector tell apart (README "Scaling out"). Give `prometheusUrl` the global
   * query endpoint too.
   * @default - not split: the release's Prometheus evaluates every rule
   */
  readonly rulePlacement?: RulePlacement;
}

/**
 * A complete Prometheus stack as plain YAML: the prometheus-operator, a `Prometheus` and an
 * `Alertmanager` object, Grafana, kube-state-metrics and kubelet/cAdvisor scraping (node-exporter
 * optional), with least-privilege RBAC, pods that meet the restricted Pod Security Standard, and optional
 * NetworkPolicies. Everything made through it (`stack` prop of the monitoring constructs) is selected by
 * its Prometheus and loaded by its Grafana; `alerting` is its Alertmanager's routing tree.
 */
export class MonitoringStack extends Construct implements IMonitoringStack {
  /**
   * Adopts a kube-prometheus-stack installed by Helm: objects made through it carry `release: <release>`,
   * dashboards carry the sidecar label, and `alerting` becomes an AlertmanagerConfig.
   *
   * The chart's Alertmanager adds a `namespace` matcher for an AlertmanagerConfig's own namespace to its
   * routes (matcher strategy OnNamespace, the default): the routing tree is then emitted in every tenant
   * namespace of the monitoring constructs made through the stack, so each tenant's alerts take the same
   * routes; set `alertmanagerConfigMatcherStrategy` when the release uses another strategy.
   *
   * Returns an `IMonitoringStack` (not a `MonitoringStack`: nothing of the stack is written but the routing):
   * give it as `stack` to the monitoring constructs; its `alerting` is the AlertmanagerConfig routing tree.
   *
   * @returns the adopted stack, an `IMonitoringStack`
   */
  public static fromKubePrometheusStack(scope: Construct, id: string, options: KubePrometheusStackOptions): IMonitoringStack {
    return new AdoptedKubePrometheusStack(scope, id, options);
  }

  /**
   * Includes the prometheus-operator CRDs, read from `url` (a URL or a local file), under `scope`: give it
   * a chart of its own that is applied before the stack's.
   */
  public static includeCrds(scope: Construct, id: string, url: string = OPERATOR_CRDS_URL): Include {
    return new Include(scope, id, { url });
  }

  public readonly namespace: string;
  public readonly selectorLabels: { [key: string]: string };
  public readonly dashboardLabels: { [key: string]: string };
  public readonly dashboardNamespace: string;
  public readonly grafanaUrl?: string;
  public readonly alerting: AlertRouting;
  /** The stack's name. */
  public readonly name: string;
  /** The in-cluster URL of the Prometheus (always set for an owned stack). */
  public readonly prometheusUrl?: string;
  /** The in-cluster URL of the Alertmanager. */
  public readonly alertmanagerUrl: string;
  /** The prometheus-operator: its Deployment, ServiceAccount, ClusterRole and Service. */
  public readonly operator: StackComponent;
  /** The `Prometheus` object with its ServiceAccount, ClusterRole, Service and self-scrape. */
  public readonly prometheus: StackComponent;
  /** The `Alertmanager` object with its ServiceAccount, Service and self-scrape (its routing tree is `alerting`). */
  public readonly alertmanager: StackComponent;
  /**
   * Grafana: its Deployment, datasources, dashboard providers and Service.
   * @default - undefined with `grafana.enabled: false`
   */
  public readonly grafana?: StackComponent;
  /**
   * kube-state-metrics.
   * @default - undefined with `kubeStateMetrics.enabled: false`
   */
  public readonly kubeStateMetrics?: StackComponent;
  /**
   * node-exporter.
   * @default - undefined unless `nodeExporter.enabled`
   */
  public readonly nodeExporter?: StackComponent;
  /**
   * The kubelet and cAdvisor scraping (a ServiceMonitor of the kubelet Service the operator keeps).
   * @default - undefined with `kubelet: false`
   */
  public readonly kubelet?: StackComponent;
  /**
   * Thanos Query over the Prometheus shards and the Thanos Ruler: the stack's query endpoint.
   * @default - undefined unless `prometheus.globalEvaluator` is `GlobalEvaluator.thanos()`
   */
  public readonly thanosQuery?: StackComponent;
  /**
   * The `ThanosRuler` that evaluates the global rules.
   * @default - undefined unless `prometheus.globalEvaluator` is `GlobalEvaluator.thanos()`
   */
  public readonly thanosRuler?: StackComponent;
  /**
   * How the rules made for the stack are split between the Prometheus shards and the global evaluator.
   * @default - undefined without `prometheus.globalEvaluator`: the Prometheus evaluates every rule
   */
  public readonly rulePlacement?: RulePlacement;

  private readonly ownedGrafana?: OwnedGrafana;
  private readonly trustedRules = new Set<ApiObject>();
  private readonly enforcesNamespace: boolean;

  constructor(scope: Construct, id: string, props: MonitoringStackProps = {}) {
    super(scope, id);
    const where = this.node.path;
    refuseUnencodableText(where, props);
    this.name = props.name ?? 'ml-monitoring';
    if (typeof this.name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.name) || this.name.length > 30) {
      throw invalidProp(where, 'name', this.name, 'at most 30 lower-case letters, digits and "-" (a prefix of object names)');
    }
    this.namespace = validateNamespace(where, 'namespace', props.namespace ?? 'monitoring');
    this.selectorLabels = validateKubeLabels(where, 'selectorLabels', props.selectorLabels ?? { 'ml-monitoring.cdk8s.io/stack': this.name });
    if (Object.keys(this.selectorLabels).length === 0) {
      throw invalidProp(where, 'selectorLabels', props.selectorLabels, 'at least one label (an empty selector would select every object in the cluster)');
    }
    this.dashboardLabels = { grafana_dashboard: '1' };
    this.dashboardNamespace = this.namespace;
    const clusterPrefix = `${this.namespace}-${this.name}`;
    const ctx: StackContext = { scope: this, where, name: this.name, namespace: this.namespace, selectorLabels: this.selectorLabels, clusterPrefix };
    AppRegistry.of(this).add(STACK_KIND, this);
    // Two stacks that select by the same labels would both scrape and evaluate everything made for either.
    AppRegistry.of(this).claim('the stack selector labels', Object.entries(this.selectorLabels).sort().map(([k, v]) => `${k}=${v}`).join(','), this,
      'two Prometheus would select the same monitors and rules, scrape every target twice and send every alert twice; give each stack its own name or selectorLabels');
    const nodeExporter = props.nodeExporter?.enabled ?? false;

    if (props.includeCrds) MonitoringStack.includeCrds(this, 'Crds', props.crdsUrl ?? OPERATOR_CRDS_URL);
    if (props.createNamespace ?? true) {
      new kplus.Namespace(this, 'Namespace', {
        metadata: {
          name: this.namespace,
          labels: {
            'pod-security.kubernetes.io/enforce': nodeExporter ? 'privileged' : 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
        },
      });
    }

    const kubelet = props.kubelet ?? true;
    const kubeletService = kubelet ? `kube-system/${shortObjectName(`${clusterPrefix}-kubelet`, 63)}` : undefined;
    const component = (cid: string, build: (c: StackContext) => ComponentParts) =>
      StackComponent._build(this, cid, inner => build({ ...ctx, scope: inner }));
    this.operator = component('Operator', c => addOperator(c, props.operator ?? {}, kubeletService));

    this.alerting = new AlertRouting(this, 'Alerting', {
      ...props.alerting,
      output: RoutingOutput.ALERTMANAGER_SECRET,
      name: `alertmanager-${this.name}`,
      namespace: this.namespace,
      labels: componentLabels(ctx, 'alertmanager'),
    });
    this.alertmanager = component('Alertmanager', c => addAlertmanager(c, props.alertmanager ?? {}, this.alerting));
    this.alertmanagerUrl = this.alertmanager.url!;
    this.enforcesNamespace = props.prometheus?.enforceNamespaceLabel ?? true;
    this.prometheus = component('Prometheus', c => addPrometheus(c, props.prometheus ?? {}, this.alertmanager.service!.name, () => [...this.trustedRules]));
    this.prometheusUrl = this.prometheus.url!;
    // Beside shards, a global evaluator: rules split by scope, and the queries go to the global endpoint.
    const evaluator = props.prometheus?.globalEvaluator;
    if (evaluator !== undefined) {
      this.rulePlacement = {
        globalLabels: { [EVALUATION_LABEL]: 'global', ...evaluator._remoteWrite?.ruleLabels },
        localLabels: { [EVALUATION_LABEL]: 'local' },
      };
      if (evaluator._thanos) {
        const thanos = evaluator._thanos;
        // Thanos Query finds sidecars and rulers through the operator's governing Services, one per namespace.
        AppRegistry.of(this).claim('the Thanos stores of namespace', this.namespace, this,
          'Thanos Query finds the Prometheus sidecars and Thanos Rulers through the operator\'s governing Services (prometheus-operated, '
          + 'thanos-ruler-operated), one per namespace: each stack\'s Query would read the other\'s series. Give each stack with Thanos its own namespace');
        const ruler = component('ThanosRuler', c => addThanosRuler(c, `${where} prometheus.globalEvaluator`, thanos, {
          queryService: `${this.name}-thanos-query`,
          alertmanagerUrl: this.alertmanagerUrl,
          evaluationInterval: promInterval(props.prometheus?.evaluationInterval ?? Duration.seconds(30), where, 'prometheus.evaluationInterval'),
          externalLabels: validatePromLabels(where, 'prometheus.externalLabels', props.prometheus?.externalLabels),
          enforceNamespaceLabel: this.enforcesNamespace,
          trustedRules: () => [...this.trustedRules].filter(isGlobalRules),
        }));
        this.thanosRuler = ruler;
        this.thanosQuery = component('ThanosQuery', c => addThanosQuery(c, `${where} prometheus.globalEvaluator`, thanos, 'thanos-ruler-operated'));
        this.prometheusUrl = this.thanosQuery.url!;
      } else {
        this.prometheusUrl = evaluator._remoteWrite!.queryUrl;
      }
    }

    const grafanaOptions = props.grafana ?? {};
    const grafanaEnabled = grafanaOptions.enabled ?? true;
    if (grafanaOptions.externalUrl !== undefined) {
      this.grafanaUrl = validateUrl(where, 'grafana.externalUrl', grafanaOptions.externalUrl).replace(/\/+$/, '');
    }
    if (grafanaEnabled) {
      let grafana: OwnedGrafana | undefined;
      this.grafana = component('Grafana', c => {
        grafana = new OwnedGrafana(c, grafanaOptions, this.grafanaUrl, this.prometheusUrl!, this.alertmanagerUrl);
        return { resource: ApiObject.of(grafana.deployment), service: grafana.service, url: `http://${grafana.service.name}.${this.namespace}.svc:3000` };
      });
      this.ownedGrafana = grafana;
    }

    const ksm = props.kubeStateMetrics?.enabled ?? true;
    if (ksm) this.kubeStateMetrics = component('KubeStateMetrics', c => addKubeStateMetrics(c, props.kubeStateMetrics ?? {}));
    if (kubeletService) this.kubelet = component('Kubelet', c => addKubeletScrape(c, kubeletService));
    if (nodeExporter) this.nodeExporter = component('NodeExporter', c => addNodeExporter(c, props.nodeExporter ?? {}));
    // The stack's alerts on itself: the heartbeat for the dead man's switch and the pipeline's health.
    const job = (name: string): LabelMatcher[] => [{ name: 'job', op: '=', value: name }, { name: 'namespace', op: '=', value: this.namespace }];
    const components: WatchedComponent[] = [
      { name: 'prometheus', matchers: job(`${this.name}-prometheus`) },
      { name: 'alertmanager', matchers: job(`${this.name}-alertmanager`) },
      ...(ksm ? [{ name: 'kube-state-metrics', matchers: job(`${this.name}-kube-state-metrics`) }] : []),
      ...(nodeExporter ? [{ name: 'node-exporter', matchers: job(`${this.name}-node-exporter`) }] : []),
      ...(kubeletService ? [{ name: 'kubelet', matchers: [{ name: 'job', op: '=' as const, value: 'kubelet' }, { name: 'service', op: '=' as const, value: kubeletService.split('/')[1] }] }] : []),
    ];
    const health = addStackAlerts(this, this.name, this.namespace, this.selectorLabels, {
      prometheus: components[0].matchers,
      alertmanager: components[1].matchers,
      components,
      runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
    }, props.healthAlerts, this.rulePlacement);
    health._onEachObject(o => this._trustRules(o));

    const nodePorts: Array<[string, number | undefined]> = [
      ['prometheus.nodePort', props.prometheus?.nodePort], ['alertmanager.nodePort', props.alertmanager?.nodePort],
      ['grafana.nodePort', grafanaEnabled ? grafanaOptions.nodePort : undefined],
    ];
    for (const [i, [prop, port]] of nodePorts.entries()) {
      const first = nodePorts.findIndex(([, p]) => p !== undefined && p === port);
      if (port !== undefined && first < i) throw invalidProp(where, prop, port, `a NodePort of its own (${nodePorts[first][0]} has it; one port opens one Service)`);
    }
    if (props.networkPolicies ?? false) {
      addNetworkPolicies({ ...ctx, scope: new Construct(this, 'NetworkPolicies') }, `${where} network`, props.network ?? {}, {
        grafana: grafanaEnabled,
        kubeStateMetrics: ksm,
        prometheusNodePort: props.prometheus?.nodePort !== undefined,
        alertmanagerNodePort: props.alertmanager?.nodePort !== undefined,
        grafanaNodePort: grafanaEnabled && grafanaOptions.nodePort !== undefined,
        thanos: evaluator?._thanos !== undefined,
        externalQueryPort: evaluator?._remoteWrite ? urlPort(evaluator._remoteWrite.queryUrl) : undefined,
      });
    }
  }

  /** The images the stack runs by default, pinned. */
  public static get defaultImages(): { [component: string]: string } {
    return { ...IMAGES };
  }

  /**
   * Notes a PrometheusRule the library wrote for this stack: its Prometheus lists it in
   * `excludedFromEnforcement`, since the library scopes its rules itself (by the namespaces of the
   * service) and some read series of other namespaces.
   * @internal
   */
  public _trustRules(rules: ApiObject): void {
    if (this.enforcesNamespace && rules.metadata.namespace === undefined) {
      // Unexcluded, it would be confined to whatever namespace kubectl applies it in.
      throw invalidProp(rules.node.path, 'rulesNamespace', undefined,
        `the namespace of the PrometheusRule (or a chart with a namespace): the stack ${this.node.path} enforces the namespace label and must list the library's rules by namespace`);
    }
    this.trustedRules.add(rules);
  }

  public addDashboard(dashboard: GrafanaDashboard): void {
    if (!(dashboard instanceof GrafanaDashboard)) throw invalidProp(this.node.path, 'dashboard', dashboard, 'a GrafanaDashboard');
    if (!this.ownedGrafana) return;
    this.ownedGrafana.addDashboard(dashboard);
  }
}

/** The port a URL is reached on: its own, or its scheme's. */
function urlPort(url: string): number {
  const u = new URL(url);
  return u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}
