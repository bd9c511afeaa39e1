import { App, AppProps, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DriftDetector, GlobalEvaluator, IMonitoringStack, InferenceAutoscaler, InferenceRuntime, MatchOperator, MlInferenceMonitoring, ModelPerformance,
  ModelQualityMonitoring, MonitoringStack, Objective, Ratio, Receiver, ScalingSignal, SecretKey, Severity, SloAlert,
} from '../src';

/** Options of the example apps. */
export interface ExampleOptions {
  /**
   * Shortened time, for the end-to-end test: 1 s scraping, 10 s rate windows and alert `for`s of a few
   * seconds, all through the library's own props (`scrape.interval`, `rateWindow`, each alert's `for`,
   * `alerts.dataDrift.pendingFor`, the routing's group timings). The seed values otherwise.
   */
  readonly fast?: boolean;
  /**
   * A base URL that the PagerDuty and retraining-webhook receivers post to instead of the real endpoints
   * (the end-to-end test's recorder).
   */
  readonly receiverBaseUrl?: string;
}

/** Where alerts that match no route go: the ML platform team's mailbox. */
const DEFAULT_RECEIVER = Receiver.email('ml-platform-mail', { to: 'ml-platform@example.com' });

/** The SMTP server, sender and login, once for every email receiver (Alertmanager's global section). */
const RECEIVER_DEFAULTS = {
  smtpSmarthost: 'smtp.example.com:587',
  smtpFrom: 'alertmanager@example.com',
  smtpAuthUsername: 'alertmanager',
  smtpAuthPassword: SecretKey.of('smtp', 'password'),
};

/**
 * The example app, the seed scenario on a stack this app owns: the prometheus-operator, Prometheus
 * (NodePort 30090 as in the seed), Alertmanager, Grafana, kube-state-metrics and kubelet scraping, with
 * NetworkPolicies. Two tenants (tenant-a, tenant-b) run a FastAPI inference service
 * (prometheus-fastapi-instrumentator metrics), scraped every 30 s, with the six seed alerts (latency p95
 * above 5 s for 2 m, error ratio above 5 % for 5 m, more than 3 restarts in 10 m, pod not ready for 5 m,
 * CPU above 0.8 cores for 10 m, memory above 90 % of the limit for 5 m), the library's further alerts and
 * the inference dashboard, and per tenant an availability SLO and a latency SLO with error-budget
 * dashboards, model-quality alerts, and alert routing. It grows with every capability of the library;
 * `npx projen example` writes it to dist/example/.
 */
export function buildExampleApp(props: AppProps = {}, options: ExampleOptions = {}): App {
  const app = new App(props);
  const chart = new Chart(app, 'ml-monitoring');
  const stack = new MonitoringStack(chart, 'stack', {
    namespace: 'monitoring',
    prometheus: {
      retention: Duration.days(15),
      storage: { size: Size.gibibytes(50) },
      externalLabels: { cluster: 'ml-prod' },
      nodePort: 30090,
    },
    alertmanager: { replicas: 2 },
    grafana: { adminPassword: SecretKey.of('grafana-admin', 'password'), nodePort: 30300, externalUrl: 'https://grafana.example.com' },
    alerting: {
      defaultReceiver: DEFAULT_RECEIVER,
      receiverDefaults: RECEIVER_DEFAULTS,
      // The alerts about the monitoring itself (missing series, coarse histograms, stopped SLIs, the stack's
      // health) go to the platform team's channel, never to a tenant's.
      monitoringReceiver: Receiver.slack('ml-platform-slack', { channel: '#ml-platform-monitoring', apiUrl: SecretKey.of('slack', 'platform-webhook-url') }),
      // The always-firing Watchdog pings a heartbeat service outside the cluster, which pages when it stops.
      deadMansSwitch: Receiver.webhook('heartbeat', options.receiverBaseUrl
        ? { url: `${options.receiverBaseUrl}/heartbeat` }
        : { urlSecret: SecretKey.of('healthchecks', 'ping-url') }),
      ...(options.fast
        ? {
          groupWait: Duration.seconds(1),
          groupInterval: Duration.seconds(2),
          repeatInterval: Duration.minutes(10),
          heartbeatInterval: Duration.seconds(2),
        }
        : {}),
    },
    // Only the flows the stack needs; the NodePorts open only to the nodes' and the office's addresses
    // (a NodePort connection arrives from a node's address), and KEDA's operator may query Prometheus.
    networkPolicies: true,
    network: { nodePortSources: ['10.0.0.0/16', '192.0.2.0/24'], kedaNamespace: 'keda' },
    ...(options.fast ? { healthAlerts: { notificationsFailing: { pendingFor: Duration.seconds(2) } } } : {}),
  });
  // Each component is a construct with its main object reachable: what the library has no prop for is a
  // patch away. Here the cluster autoscaler may not evict Prometheus (its WAL replay takes minutes).
  stack.prometheus.resource.addJsonPatch(JsonPatch.add('/spec/podMetadata/annotations', { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' }));
  addMlMonitoring(chart, stack, options);
  return app;
}

/**
 * The second example: the same monitoring for a kube-prometheus-stack already installed by Helm as
 * release `kube-prometheus-stack` in `monitoring`. Objects carry `release: kube-prometheus-stack`,
 * dashboards the sidecar label, and the routing tree is an AlertmanagerConfig.
 */
export function buildKubePrometheusStackExampleApp(props: AppProps = {}): App {
  const app = new App(props);
  const chart = new Chart(app, 'ml-monitoring-kps');
  const stack = MonitoringStack.fromKubePrometheusStack(chart, 'kps', {
    release: 'kube-prometheus-stack',
    namespace: 'monitoring',
    grafanaUrl: 'https://grafana.example.com',
    alerting: { defaultReceiver: DEFAULT_RECEIVER, receiverDefaults: RECEIVER_DEFAULTS },
  });
  addMlMonitoring(chart, stack);
  return app;
}

/**
 * The third example: the same monitoring past one Prometheus. The targets are split between two
 * Prometheus shards (two replicas each), each with a Thanos sidecar; Thanos Query reads them all, and a
 * ThanosRuler evaluates every rule that needs all of a service's pods. The rules that read one target's
 * series (the target-down alerts, the stack's own per-target checks) stay on the shards; Grafana and KEDA
 * query Thanos Query. NetworkPolicies allow the Thanos flows.
 */
export function buildShardedExampleApp(props: AppProps = {}): App {
  const app = new App(props);
  const chart = new Chart(app, 'ml-monitoring-sharded');
  const stack = new MonitoringStack(chart, 'stack', {
    namespace: 'monitoring',
    prometheus: {
      shards: 2,
      replicas: 2,
      globalEvaluator: GlobalEvaluator.thanos({ rulerReplicas: 2, queryReplicas: 2 }),
      storage: { size: Size.gibibytes(50) },
      externalLabels: { cluster: 'ml-prod' },
    },
    alertmanager: { replicas: 2 },
    grafana: { adminPassword: SecretKey.of('grafana-admin', 'password'), externalUrl: 'https://grafana.example.com' },
    alerting: { defaultReceiver: DEFAULT_RECEIVER, receiverDefaults: RECEIVER_DEFAULTS },
    networkPolicies: true,
    network: { kedaNamespace: 'keda' },
  });
  addMlMonitoring(chart, stack);
  return app;
}

/** The seed scenario's monitoring and routing, made through `stack`. */
export function addMlMonitoring(chart: Construct, stack: IMonitoringStack, options: ExampleOptions = {}): void {
  const fast = options.fast ?? false;
  const seconds = (n: number, seed: Duration) => fast ? Duration.seconds(n) : seed;
  // Alert routing: critical alerts page on-call, drift and performance alerts start the retraining
  // pipeline, each tenant's warnings go to its channel, the rest by email. Every credential is a
  // reference to a Secret.
  const routing = stack.alerting;
  routing.addTimeInterval({ name: 'weekends', weekdays: ['saturday', 'sunday'] });
  routing.addRoute({
    severity: Severity.CRITICAL,
    receiver: Receiver.pagerDuty('ml-oncall', {
      routingKey: SecretKey.of('pagerduty', 'routing-key'),
      url: options.receiverBaseUrl ? `${options.receiverBaseUrl}/pagerduty` : undefined,
    }),
  });
  routing.addRoute({
    matchers: [{ label: 'ml_signal', value: 'drift|performance', operator: MatchOperator.REGEX }],
    receiver: Receiver.webhook('retrain-pipeline', {
      url: options.receiverBaseUrl ? `${options.receiverBaseUrl}/retrain` : 'https://retrain-eventsource-svc.argo-events.svc:12000/retrain',
      bearerToken: SecretKey.of('argo-events', 'token'),
    }),
    continueMatching: true,
  });
  // The data scientists hear about model quality and user feedback in their Teams channel (a Workflows webhook).
  routing.addRoute({
    matchers: [{ label: 'ml_signal', value: 'drift|performance|data|feedback', operator: MatchOperator.REGEX }],
    receiver: Receiver.msTeamsV2('data-science-teams', { webhookUrl: SecretKey.of('teams', 'data-science-workflow-url') }),
    continueMatching: true,
  });
  // Fairness goes to the people who own the models' compliance, cost to FinOps.
  routing.addRoute({
    matchers: [{ label: 'ml_signal', value: 'fairness' }],
    receiver: Receiver.email('ml-compliance', { to: 'ml-compliance@example.com' }),
    continueMatching: true,
  });
  routing.addRoute({ matchers: [{ label: 'ml_signal', value: 'cost' }], receiver: Receiver.email('finops', { to: 'finops@example.com' }), continueMatching: true });

  const inference = new MlInferenceMonitoring(chart, 'ml-inference', {
    runtime: InferenceRuntime.fastApi({ port: 'http' }),
    namespaces: ['tenant-a', 'tenant-b'],
    selector: { app: 'ml-inference' },
    model: 'fraud-detector',
    scrape: { interval: seconds(1, Duration.seconds(30)) },
    rateWindow: seconds(10, Duration.minutes(5)),
    stack,
    alertLabels: { team: 'ml-platform' },
    alerts: {
      latency: { maxLatency: Duration.seconds(5), pendingFor: seconds(4, Duration.minutes(2)) },
      errorRatio: { maxErrorRatio: Ratio.percent(5), pendingFor: seconds(4, Duration.minutes(5)) },
      // The guide's per-pod view: one slow or failing pod, which the service's figures average away.
      latencyPerPod: { maxLatency: Duration.seconds(5) },
      errorRatioPerPod: { maxErrorRatio: Ratio.percent(10) },
      // And per endpoint (the instrumentator's handler label): one failing route the others' traffic hides.
      errorRatioPerHandler: { maxErrorRatio: Ratio.percent(10) },
      podRestarts: { maxRestarts: 3, window: Duration.minutes(10) },
      podNotReady: { pendingFor: Duration.minutes(5) },
      cpu: { maxCores: 0.8, pendingFor: Duration.minutes(10) },
      memory: { maxLimitRatio: Ratio.percent(90), pendingFor: Duration.minutes(5) },
      targetDown: { pendingFor: seconds(4, Duration.minutes(5)) },
      metricsAbsent: { pendingFor: seconds(20, Duration.minutes(10)) },
    },
    // What each tenant's pods cost, priced per core-hour and GiB-hour: per hour, idle, per 1,000 predictions,
    // against a monthly budget per tenant.
    cost: { cpuCoreHour: 0.04, memoryGibHour: 0.005, maxCostPer1kPredictions: 0.05, monthlyBudget: 200 },
  });

  // The scaling response: KEDA scales tenant-a's Deployment on the p95 latency that ModelLatencyHigh
  // reads, keeping it under 2 s, long before the 5 s alert.
  new InferenceAutoscaler(chart, 'tenant-a-autoscaling', {
    inference,
    stack,
    namespace: 'tenant-a',
    deployment: 'ml-inference',
    signal: ScalingSignal.latency(Duration.seconds(2)),
    minReplicas: 2,
    maxReplicas: 10,
  });

  // Per tenant: availability (99.9 % of requests succeed) and latency (99 % of requests within 1 s,
  // a bucket of the instrumentator's histogram) over 30 days, with the four burn-rate tiers.
  for (const tenant of inference.namespaces) {
    routing.addRoute({
      namespace: tenant,
      severity: Severity.WARNING,
      receiver: Receiver.slack(`${tenant}-slack`, { channel: `#${tenant}-ml-alerts`, apiUrl: SecretKey.of('slack', `${tenant}-webhook-url`) }),
      muteTimeIntervals: ['weekends'],
    });
    new SloAlert(chart, `${tenant}-availability`, {
      sli: inference.availability({ namespace: tenant }),
      objective: Objective.percent(99.9),
      window: Duration.days(30),
      rulesNamespace: tenant,
      stack,
      alertLabels: { team: 'ml-platform' },
    });
    new SloAlert(chart, `${tenant}-latency`, {
      sli: inference.latency(Duration.seconds(1), { namespace: tenant }),
      objective: Objective.percent(99),
      rulesNamespace: tenant,
      stack,
      alertLabels: { team: 'ml-platform' },
    });

    // Model quality per tenant: drift of the fraud score against last week (computed in PromQL), the
    // alibi-detect drift detector, accuracy from feedback counters, and data health. Every alert carries
    // ml_signal (drift, performance, data) for routing to a retraining webhook.
    new ModelQualityMonitoring(chart, `${tenant}-quality`, {
      modelName: `fraud-detector-${tenant}`,
      namespace: tenant, // every series it reads is this tenant's
      stack,
      alertLabels: { team: 'ml-platform' },
      histogramDrift: [{ name: 'fraud-score', histogram: 'fraud_score', maxDistance: 0.1 }],
      classDrift: [{ name: 'fraud-decision', counter: 'fraud_predictions_total', classLabel: 'decision' }],
      driftDetectors: [DriftDetector.alibiDetect()],
      performance: ModelPerformance.confusionCounters({
        truePositives: 'fraud_feedback_true_positive_total',
        falsePositives: 'fraud_feedback_false_positive_total',
        trueNegatives: 'fraud_feedback_true_negative_total',
        falseNegatives: 'fraud_feedback_false_negative_total',
      }),
      performanceAlerts: { minAccuracy: Ratio.percent(85) },
      alerts: { dataDrift: { pendingFor: seconds(4, Duration.minutes(15)) } },
      dataHealth: { predictionsCounter: 'fraud_predictions_total', evaluationLastSuccess: 'fraud_eval_last_success_timestamp_seconds' },
      // Tenant A's model is also judged for fairness across customer segments (each segment's approval rate
      // against all predictions, over a day, once a segment has 100 predictions in it) ...
      // and for its users' thumbs up and down, per model version, against the predictions served.
      ...(tenant === 'tenant-a'
        ? {
          fairness: [{ name: 'approval-by-segment', groupLabel: 'segment', predictionsCounter: 'fraud_predictions_total', outcomeLabel: 'decision', favourableOutcome: 'approve' }],
          feedback: { counter: 'fraud_user_feedback_total', satisfiedRatings: ['up'], versionLabel: 'model_version', predictionsCounter: 'fraud_predictions_total' },
        }
        : {}),
      // The detector's exporter and the nightly evaluation's metrics endpoint, scraped in the tenant's namespace.
      scrape: [
        { name: 'drift-detector', selector: { app: 'fraud-detector-drift' }, port: 'metrics' },
        { name: 'evaluation', selector: { app: 'fraud-evaluation' }, port: 'metrics' },
      ],
    });
  }
}
