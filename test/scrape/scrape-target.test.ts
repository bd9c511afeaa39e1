import { Duration } from 'cdk8s';
import { MonitorKind, RelabelAction, ScrapeScheme, ScrapeTarget, SecretKey } from '../../src';
import { validateAll } from '../util/schema';
import { oneOfKind, synthChart, testChart } from '../util/synth';

describe('ScrapeTarget', () => {
  test('a ServiceMonitor with TLS, bearer token, relabelings and a static target label', () => {
    const chart = testChart();
    new ScrapeTarget(chart, 'sm', {
      namespace: 'tenant-a',
      selector: { app: 'model' },
      port: 'https-metrics',
      name: 'model',
      labels: { release: 'kps' },
      interval: Duration.seconds(15),
      scrapeTimeout: Duration.seconds(10),
      scheme: ScrapeScheme.HTTPS,
      tls: { ca: SecretKey.of('model-tls', 'ca.crt'), serverName: 'model.tenant-a.svc' },
      bearerToken: SecretKey.of('scrape-token', 'token'),
      targetLabels: { ml_service: 'model' },
      relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }],
      metricRelabelings: [{ action: RelabelAction.DROP, sourceLabels: ['__name__'], regex: 'go_.*' }],
    });
    const docs = synthChart(chart);
    validateAll(docs);
    const sm = oneOfKind(docs, 'ServiceMonitor');
    expect(sm.metadata).toEqual({ name: 'model', namespace: 'tenant-a', labels: { release: 'kps' } });
    expect(sm.spec.selector).toEqual({ matchLabels: { app: 'model' } });
    const ep = sm.spec.endpoints[0];
    expect(ep).toMatchObject({
      port: 'https-metrics',
      path: '/metrics',
      scheme: 'https',
      interval: '15s',
      scrapeTimeout: '10s',
      authorization: { type: 'Bearer', credentials: { name: 'scrape-token', key: 'token' } },
      tlsConfig: { ca: { secret: { name: 'model-tls', key: 'ca.crt' } }, serverName: 'model.tenant-a.svc' },
    });
    expect(ep.relabelings).toEqual([
      { action: 'replace', targetLabel: 'ml_service', replacement: 'model' },
      { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' },
    ]);
    expect(ep.metricRelabelings).toEqual([{ action: 'drop', sourceLabels: ['__name__'], regex: 'go_.*' }]);
  });

  test('a PodMonitor by port number with basic auth', () => {
    const chart = testChart();
    new ScrapeTarget(chart, 'pm', {
      kind: MonitorKind.POD_MONITOR,
      namespace: 'serving',
      selector: { 'serving.kserve.io/inferenceservice': 'iris' },
      portNumber: 9091,
      basicAuth: { username: SecretKey.of('scrape', 'user'), password: SecretKey.of('scrape', 'password') },
    });
    const docs = synthChart(chart);
    validateAll(docs);
    const pm = oneOfKind(docs, 'PodMonitor');
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 9091, basicAuth: { username: { name: 'scrape', key: 'user' }, password: { name: 'scrape', key: 'password' } } });
  });

  test('a ServiceMonitor by number uses targetPort', () => {
    const chart = testChart();
    new ScrapeTarget(chart, 'sm', { namespace: 'a', selector: { app: 'x' }, portNumber: 8002 });
    const docs = synthChart(chart);
    validateAll(docs);
    expect(oneOfKind(docs, 'ServiceMonitor').spec.endpoints[0].targetPort).toBe(8002);
  });

  test.each([
    [{ selector: {} }, /invalid selector \{\}: at least one label/],
    [{ port: undefined }, /invalid port \(undefined\): the name of the metrics port/],
    [{ portNumber: 70000, port: undefined }, /invalid portNumber 70000/],
    [{ port: 'Metrics' }, /invalid port "Metrics"/],
    [{ portNumber: 80 }, /either port \(a name\) or portNumber/],
    [{ path: 'metrics' }, /invalid path "metrics": an absolute HTTP path/],
    [{ interval: Duration.seconds(10), scrapeTimeout: Duration.seconds(20) }, /invalid scrapeTimeout "20s": a duration no longer than the scrape interval \(10s\)/],
    [{ bearerToken: SecretKey.of('a', 'b'), basicAuth: { username: SecretKey.of('a', 'u'), password: SecretKey.of('a', 'p') } }, /either bearerToken or basicAuth/],
    [{ tls: { insecureSkipVerify: true } }, /tls settings together with scheme: ScrapeScheme.HTTPS/],
    [{ relabelings: [{ action: RelabelAction.HASHMOD, targetLabel: 'shard' }] }, /relabelings\[0\].modulus/],
    [{ relabelings: [{ regex: '(' }] }, /relabelings\[0\].regex "\(": a regular expression in RE2 syntax/],
    [{ namespace: 'Tenant' }, /invalid namespace "Tenant"/],
  ])('bad input %#: %s', (bad, message) => {
    const chart = testChart();
    expect(() => new ScrapeTarget(chart, 'x', { namespace: 'a', selector: { app: 'x' }, port: 'http', ...(bad as any) })).toThrow(message);
  });
});
