import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildExampleApp, buildKubePrometheusStackExampleApp } from '../../examples/app';

/**
 * The synthesized YAML is read by more than kubectl: linters, policy checks and security scanners in CI are
 * often Python, on PyYAML, a YAML 1.1 reader that refuses tokens a YAML 1.2 writer leaves unquoted (a bare
 * `=` is YAML 1.1's value key). Every file of both example apps, and the alertmanager.yaml inside the
 * routing Secret, must load with PyYAML's safe loader.
 */
const CANDIDATES = process.env.ML_MONITORING_PYTHON ? [process.env.ML_MONITORING_PYTHON] : ['python3', '/usr/bin/python3'];
let PYTHON = '';

/** The first python3 that has PyYAML (Debian's python3-yaml is for /usr/bin/python3). */
function findPyYaml(): void {
  for (const candidate of CANDIDATES) {
    try {
      execFileSync(candidate, ['-c', 'import yaml'], { stdio: 'pipe' });
      PYTHON = candidate;
      return;
    } catch {
      // try the next one
    }
  }
  throw new Error(`PyYAML is needed by this test and none of ${CANDIDATES.join(', ')} has it: install it (Debian: apt-get install python3-yaml), or set ML_MONITORING_PYTHON to a python3 that has it`);
}

/** Loads every document with PyYAML and returns, per file, the number of documents and the embedded alertmanager.yaml files that loaded. */
const LOADER = `
import sys, yaml, json
out = {}
for f in sys.argv[1:]:
    docs = [d for d in yaml.safe_load_all(open(f)) if d is not None]
    embedded = 0
    for d in docs:
        data = (d.get('stringData') or {}) if d.get('kind') == 'Secret' else {}
        for k, v in data.items():
            if k.endswith('.yaml'):
                yaml.safe_load(v)
                embedded += 1
    out[f.rsplit('/', 1)[-1]] = [len(docs), embedded]
print(json.dumps(out))
`;

function synthFiles(build: (outdir: string) => App): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyyaml-'));
  build(outdir).synth();
  return fs.readdirSync(outdir).filter(f => f.endsWith('.yaml')).sort().map(f => path.join(outdir, f));
}

describe('every common YAML reader reads the output', () => {
  beforeAll(findPyYaml);

  test.each([
    ['the owned stack', (outdir: string) => buildExampleApp({ outdir })],
    ['an adopted kube-prometheus-stack (AlertmanagerConfig output)', (outdir: string) => buildKubePrometheusStackExampleApp({ outdir })],
  ])('PyYAML safe_load reads every file of the example app on %s', (_name, build) => {
    const files = synthFiles(build);
    try {
      const loaded = JSON.parse(execFileSync(PYTHON, ['-c', LOADER, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
      expect(Object.keys(loaded)).toHaveLength(files.length);
      const documents = Object.values(loaded as { [f: string]: [number, number] }).reduce((n, [d]) => n + d, 0);
      expect(documents).toBeGreaterThan(20);
      // The text a YAML 1.1 reader chokes on is gone: equality matchers carry no matchType.
      expect(files.map(f => fs.readFileSync(f, 'utf8')).join('\n')).not.toMatch(/:\s=\s*$/m);
    } finally {
      fs.rmSync(path.dirname(files[0]), { recursive: true, force: true });
    }
  });
});
