import {
  validateAlertName, validateDataKey, validateKubeLabels, validateLabelKey, validateLabelValue, validateMetricName,
  validateNamespace, validateObjectName, validatePromLabelName, validateRecordName, validateUrl,
} from '../../src/common/_names';

describe('Kubernetes names', () => {
  test.each(['tenant-a', 'a', 'x1', 'a'.repeat(63)])('namespace %s is accepted', ns => {
    expect(validateNamespace('c', 'namespace', ns)).toBe(ns);
  });
  test.each(['Tenant-A', '-a', 'a-', 'a_b', 'a.b', '', 'a'.repeat(64)])('namespace %j is rejected', ns => {
    expect(() => validateNamespace('chart/x', 'namespace', ns)).toThrow(/^chart\/x: invalid namespace .*DNS-1123 label/);
  });
  test('object names are DNS-1123 subdomains', () => {
    expect(validateObjectName('c', 'name', 'ml.rules-1')).toBe('ml.rules-1');
    expect(() => validateObjectName('c', 'name', 'ML')).toThrow(/DNS-1123 subdomain/);
    expect(() => validateObjectName('c', 'name', 'a'.repeat(254))).toThrow(/DNS-1123 subdomain/);
  });
  test('label keys with and without prefix', () => {
    expect(validateLabelKey('c', 'k', 'app.kubernetes.io/name')).toBe('app.kubernetes.io/name');
    expect(validateLabelKey('c', 'k', 'release')).toBe('release');
    for (const bad of ['', '/x', 'Example.com/x', 'a/b/-c', '-x', 'x'.repeat(64)]) {
      expect(() => validateLabelKey('c', 'k', bad)).toThrow(/label key/);
    }
  });
  test('label values', () => {
    expect(validateLabelValue('c', 'v', '')).toBe('');
    expect(validateLabelValue('c', 'v', 'kube-prometheus-stack')).toBe('kube-prometheus-stack');
    for (const bad of ['-x', 'x-', 'a b', 'x'.repeat(64)]) expect(() => validateLabelValue('c', 'v', bad)).toThrow(/label value/);
  });
  test('label maps name the bad key or value', () => {
    expect(() => validateKubeLabels('chart/s', 'selector', { app: 'ml inference' })).toThrow(/chart\/s: invalid selector\["app"\] "ml inference"/);
  });
  test('secret keys', () => {
    expect(validateDataKey('c', 'key', 'webhook-url')).toBe('webhook-url');
    expect(() => validateDataKey('c', 'key', 'a/b')).toThrow(/Secret key/);
  });
});

describe('Prometheus names', () => {
  test('metric and label names', () => {
    expect(validateMetricName('c', 'm', 'vllm:e2e_request_latency_seconds')).toBeDefined();
    expect(() => validateMetricName('c', 'm', '1bad')).toThrow(/Prometheus metric name/);
    expect(() => validateMetricName('c', 'm', 'a-b')).toThrow(/Prometheus metric name/);
    expect(validatePromLabelName('c', 'l', 'model_name')).toBe('model_name');
    expect(() => validatePromLabelName('c', 'l', '__name__')).toThrow(/not starting with a digit or "__"/);
    expect(() => validatePromLabelName('c', 'l', 'a.b')).toThrow(/Prometheus label name/);
  });
  test('record names need the level:metric:operations form', () => {
    expect(validateRecordName('c', 'record', 'namespace:http_requests:rate5m')).toBeDefined();
    expect(() => validateRecordName('c', 'record', 'http_requests_rate')).toThrow(/level:metric:operations/);
  });
  test('alert names', () => {
    expect(validateAlertName('c', 'alert', 'ModelLatencyHigh')).toBe('ModelLatencyHigh');
    expect(() => validateAlertName('c', 'alert', 'Model Latency')).toThrow(/invalid alert "Model Latency"/);
  });
  test('urls', () => {
    expect(validateUrl('c', 'runbookUrl', 'https://runbooks.example.com/x')).toBeDefined();
    expect(() => validateUrl('c', 'runbookUrl', 'runbooks/x')).toThrow(/absolute http/);
    expect(() => validateUrl('c', 'runbookUrl', 'ftp://x/y')).toThrow(/absolute http/);
  });
});
