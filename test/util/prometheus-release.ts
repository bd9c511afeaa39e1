import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compareVersions, unpackDebianPackage } from './debian-package';

/**
 * The Prometheus the proofs run on. Users run Prometheus 3 (the owned stack ships it, kube-prometheus-stack
 * too), so the primary engine is Prometheus 3.5 LTS: Debian testing's `prometheus` and `promtool` packages,
 * fetched and verified (see debian-package.ts) into `.tools/prometheus/`. `.ci/run` runs the proofs a second
 * time on Debian stable's 2.x (`/usr/bin`), chosen with ML_MONITORING_PROMETHEUS=2.
 * ML_MONITORING_PROMETHEUS_DIR may name a folder holding `prometheus` and `promtool` 3.x instead.
 */
export const MIN_VERSION = [3, 5, 0];
const SUITES = ['forky', 'trixie'];
export const TOOLS_DIR = path.join(__dirname, '..', '..', '.tools', 'prometheus');

const HOW = 'set ML_MONITORING_PROMETHEUS_DIR to a folder holding `prometheus` and `promtool` 3.5 or later (from the Prometheus releases), '
  + 'or allow access to the Debian archive named in /etc/apt, or run the 2.x proofs with ML_MONITORING_PROMETHEUS=2';

/** Which engine the proofs use: "3" (default) or "2" (Debian stable's, on PATH). */
export function engine(): '2' | '3' {
  const e = process.env.ML_MONITORING_PROMETHEUS ?? '3';
  if (e !== '2' && e !== '3') throw new Error(`ML_MONITORING_PROMETHEUS is ${JSON.stringify(e)}: "3" (default, Prometheus 3.5 LTS) or "2" (Debian stable's Prometheus on PATH)`);
  return e;
}

export interface PrometheusRelease { readonly prometheus: string; readonly promtool: string; readonly version: string }

/** The installed Prometheus 3 tools, or undefined. */
export function prometheus3(): PrometheusRelease | undefined {
  const dir = process.env.ML_MONITORING_PROMETHEUS_DIR ?? TOOLS_DIR;
  const prometheus = path.join(dir, 'prometheus');
  const promtool = path.join(dir, 'promtool');
  if (!fs.existsSync(prometheus) || !fs.existsSync(promtool)) return undefined;
  const version = /version (\d+\.\d+\.\d+)/.exec(execFileSync(promtool, ['--version'], { encoding: 'utf8' }))?.[1];
  if (!version || compareVersions(version.split('.').map(Number), MIN_VERSION) < 0) {
    throw new Error(`promtool in ${dir} is ${version ?? 'of unknown version'}; the proofs need ${MIN_VERSION.join('.')} or later: ${HOW}`);
  }
  return { prometheus, promtool, version };
}

/** Installs Prometheus 3.5 and promtool from Debian's archive when they are not there yet. */
export async function ensurePrometheus3(): Promise<PrometheusRelease> {
  const found = prometheus3();
  if (found) return found;
  if (process.env.ML_MONITORING_PROMETHEUS_DIR) throw new Error(`no prometheus and promtool in ${process.env.ML_MONITORING_PROMETHEUS_DIR}: ${HOW}`);
  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  const source: string[] = [];
  for (const pkg of ['prometheus', 'promtool']) {
    const { root, found: deb, cleanup } = await unpackDebianPackage(pkg, MIN_VERSION, SUITES, HOW);
    try {
      fs.copyFileSync(path.join(root, 'usr/bin', pkg), path.join(TOOLS_DIR, pkg));
      fs.chmodSync(path.join(TOOLS_DIR, pkg), 0o755);
      source.push(`Debian ${deb.suite} ${pkg} ${deb.version} (${deb.filename}, sha256 ${deb.sha256})`);
    } finally {
      cleanup();
    }
  }
  fs.writeFileSync(path.join(TOOLS_DIR, 'SOURCE'), source.join('\n') + '\n');
  const release = prometheus3()!;
  process.stderr.write(`installed Prometheus ${release.version} and promtool from Debian into ${TOOLS_DIR}\n`);
  return release;
}
