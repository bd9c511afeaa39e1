import * as fs from 'fs';
import * as path from 'path';
import { renderReference, withReference } from '../../scripts/readme-reference';

const README = path.join(__dirname, '..', '..', 'README.md');

describe('README.md\'s alerts and dashboards reference is the code\'s', () => {
  const readme = fs.readFileSync(README, 'utf8');

  test('the section is what the constructs write today (else run `npx projen docs:reference`)', () => {
    expect(withReference(readme)).toBe(readme);
  });

  test('it lists the seed guide\'s alerts with their defaults, every preset\'s scrape endpoint and the dashboards', () => {
    const text = renderReference();
    expect(text).toContain('| ModelLatencyHigh | MlInferenceMonitoring | 2m | warning | svc p95 latency above 5s in &lt;namespace&gt; |');
    expect(text).toContain('| `fastApi()` | ServiceMonitor | Service port named `http` | `/metrics` |');
    expect(text).toMatch(/\*\*ML inference: svc\*\*, by MlInferenceMonitoring: Request rate per tenant/);
    // Every runbook heading names alerts the reference lists.
    const listed = new Set([...text.matchAll(/^\| (\w+)/gm)].map(m => m[1]));
    const runbooks = readme.slice(readme.indexOf('## Runbooks')).split('\n## ')[0];
    const documented = [...runbooks.matchAll(/^### (.+)$/gm)].flatMap(m => m[1].split(/,\s*/));
    expect(documented.filter(n => !listed.has(n))).toEqual([]);
    expect([...listed].filter(n => /^[A-Z]\w+$/.test(n) && !documented.includes(n))).toEqual([]);
  });
});
