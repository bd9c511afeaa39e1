import * as path from 'path';
import { startProcess, stopAll } from '../e2e/_processes';
import { Fixture } from '../util/exposition';

/*
 * The example inference service (the end-to-end test's target) serves what prometheus-fastapi-instrumentator
 * serves with its defaults: the same families, types, label names, status grouping and bucket bounds as the
 * FastAPI fixture written from the instrumentator's source. So the end-to-end latency alert fires through
 * the histogram a real FastAPI service has, not through one we invented.
 */

let served: Fixture;

beforeAll(async () => {
  const p = await startProcess('example service', process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '../../examples/inference-service/server.ts'), '0'],
    async log => /listening \d+/.test(log));
  const url = `http://127.0.0.1:${/listening (\d+)/.exec(p.log())![1]}`;
  await fetch(`${url}/predict`, { method: 'POST', body: '{}' });
  await fetch(`${url}/fault`, { method: 'POST', body: '{"errorRate": 1}' });
  await fetch(`${url}/predict`, { method: 'POST', body: '{}' });
  await fetch(`${url}/unknown`);
  await fetch(`${url}/metrics`);
  served = Fixture.fromText('example service', await (await fetch(`${url}/metrics`)).text());
}, 60_000);

afterAll(stopAll);

describe('the example service serves the instrumentator\'s default metrics', () => {
  const real = Fixture.load('fastapi');
  const httpSamples = [...new Set(real.samples.map(s => s.name).filter(n => n.startsWith('http_')))];

  test.each(httpSamples)('%s: same type and label names', name => {
    expect(served.typeOf(name)).toBe(real.typeOf(name));
    expect([...served.labelNames(name)].sort()).toEqual([...real.labelNames(name)].sort());
  });

  test('the same bucket bounds, as written', () => {
    expect(served.bucketBounds('http_request_duration_highr_seconds')).toEqual(real.bucketBounds('http_request_duration_highr_seconds'));
    expect(served.bucketBounds('http_request_duration_seconds', { handler: '/predict' })).toEqual(real.bucketBounds('http_request_duration_seconds', { handler: '/predict' }));
  });

  test('status grouped as 2xx/4xx/5xx, untemplated paths as handler "none", and /metrics counted too', () => {
    const statuses = served.series('http_requests_total').map(s => `${s.labels.handler} ${s.labels.status}`).sort();
    expect(statuses).toEqual(['/fault 2xx', '/metrics 2xx', '/predict 2xx', '/predict 5xx', 'none 4xx']);
  });
});
