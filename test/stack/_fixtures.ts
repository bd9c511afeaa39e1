import { Chart, Duration, Size } from 'cdk8s';
import {
  DriftDetector, GlobalEvaluator, IMonitoringStack, InferenceRuntime, MlInferenceMonitoring, ModelQualityMonitoring, MonitoringStack, Objective,
  Receiver, ScrapeScheme, SecretKey, Severity, SloAlert,
} from '../../src';

/** Credential values of the test's Secrets: none may appear in any synthesized output. */
export const CREDENTIALS: { [ref: string]: string } = {
  'grafana-admin/password': 'gr4fana-Adm1n-pw!',
  'grafana-admin/user': 'grafana-root-user',
  'remote-write/token': 'mimir-bearer-token-0a9f',
  'remote-write-basic/user': 'thanos-rw-user',
  'remote-write-basic/password': 'thanos-rw-password-77',
  'pagerduty/routing-key': 'R0UT1NG-KEY-pd-123',
  'slack/webhook-url': 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
  'model-metrics/token': 'model-scrape-token-42',
};

/** A stack-wide scenario: two tenants' services, SLOs and model quality, all made through `stack`. */
export function monitorThroughStack(chart: Chart, stack: IMonitoringStack): void {
  stack.alerting.addRoute({ severity: Severity.CRITICAL, receiver: Receiver.pagerDuty('oncall', { routingKey: SecretKey.of('pagerduty', 'routing-key') }) });
  stack.alerting.addRoute({
    severity: Severity.WARNING,
    receiver: Receiver.slack('ml-team', { channel: '#ml-alerts', apiUrl: SecretKey.of('slack', 'webhook-url') }),
  });
  const inference = new MlInferenceMonitoring(chart, 'fraud', {
    stack,
    namespaces: ['tenant-a', 'tenant-b'],
    selector: { app: 'fraud' },
    runtime: InferenceRuntime.fastApi(),
    scrape: { scheme: ScrapeScheme.HTTPS, bearerToken: SecretKey.of('model-metrics', 'token') },
  });
  new MlInferenceMonitoring(chart, 'llm', { stack, namespace: 'tenant-b', selector: { app: 'llm' }, runtime: InferenceRuntime.vllm() });
  new SloAlert(chart, 'fraud-availability', { stack, rulesNamespace: 'tenant-a', sli: inference.availability(), objective: Objective.percent(99.9), window: Duration.days(30) });
  new ModelQualityMonitoring(chart, 'fraud-quality', {
    stack,
    namespace: 'tenant-a',
    modelName: 'fraud',
    driftDetectors: [DriftDetector.alibiDetect({ matchers: { namespace: 'tenant-a' } })],
  });
}

/** An owned stack with every option on. */
export function fullStack(chart: Chart): MonitoringStack {
  return new MonitoringStack(chart, 'stack', {
    namespace: 'monitoring',
    prometheus: {
      replicas: 2,
      shards: 2,
      globalEvaluator: GlobalEvaluator.thanos(),
      retention: Duration.days(30),
      retentionSize: Size.gibibytes(45),
      storage: { size: Size.gibibytes(50), storageClassName: 'fast-ssd' },
      externalLabels: { cluster: 'prod-eu-1' },
      scrapeInterval: Duration.seconds(15),
      evaluationInterval: Duration.seconds(15),
      remoteWrite: [
        { url: 'https://mimir.example.com/api/v1/push', name: 'mimir', bearerToken: SecretKey.of('remote-write', 'token'), headers: { 'X-Scope-OrgID': 'ml' } },
        { url: 'https://thanos-receive.example.com/api/v1/receive', basicAuthUsername: SecretKey.of('remote-write-basic', 'user'), basicAuthPassword: SecretKey.of('remote-write-basic', 'password') },
      ],
      nodePort: 30090,
      externalUrl: 'https://prometheus.example.com',
    },
    alertmanager: { replicas: 3, storage: { size: Size.gibibytes(2) }, nodePort: 30903 },
    grafana: {
      adminPassword: SecretKey.of('grafana-admin', 'password'),
      adminUser: SecretKey.of('grafana-admin', 'user'),
      externalUrl: 'https://grafana.example.com',
      nodePort: 30300,
    },
    nodeExporter: { enabled: true },
    networkPolicies: true,
    network: { nodePortSources: ['10.0.0.0/16'] },
  });
}
