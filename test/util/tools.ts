import { execFileSync, spawnSync } from 'child_process';
import { modernAlertmanager } from './alertmanager-release';
import { engine, prometheus3 } from './prometheus-release';

/** How to get each external tool the proofs run. */
const INSTALL: { [tool: string]: { debian: string; hint: string } } = {
  promtool: {
    debian: 'prometheus',
    hint: 'On Debian/Ubuntu: `sudo apt-get install -y prometheus` (promtool is in that package). Elsewhere: download the Prometheus release for your platform and put `promtool` on PATH.',
  },
  amtool: {
    debian: 'prometheus-alertmanager',
    hint: 'On Debian/Ubuntu: `sudo apt-get install -y prometheus-alertmanager` (amtool is in that package). Elsewhere: download the Alertmanager release for your platform and put `amtool` on PATH.',
  },
  prometheus: {
    debian: 'prometheus',
    hint: 'On Debian/Ubuntu: `sudo apt-get install -y prometheus`.',
  },
  alertmanager: {
    debian: 'prometheus-alertmanager',
    hint: 'On Debian/Ubuntu: `sudo apt-get install -y prometheus-alertmanager`.',
  },
};

export function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

/** Other names a tool goes by (Debian installs the Alertmanager server as prometheus-alertmanager). */
const ALIASES: { [tool: string]: string[] } = { alertmanager: ['prometheus-alertmanager'] };

/** The tool's path, or an Error that says exactly how to install it. Never a silent skip. */
export function requireTool(tool: string): string {
  // The proofs run the current Alertmanager and amtool that global setup installs (see alertmanager-release.ts).
  if (tool === 'amtool' || tool === 'alertmanager') {
    const modern = modernAlertmanager();
    if (!modern) throw new Error(`${tool} 0.28 or later is required by the tests and is not installed: run the tests through jest, whose global setup installs it`);
    return modern[tool];
  }
  // The primary engine is Prometheus 3.5 LTS, which global setup installs (prometheus-release.ts);
  // ML_MONITORING_PROMETHEUS=2 runs the same proofs on Debian stable's Prometheus 2 on PATH.
  if ((tool === 'promtool' || tool === 'prometheus') && engine() === '3') {
    const p3 = prometheus3();
    if (!p3) throw new Error(`${tool} 3.5 or later is required by the tests and is not installed: run the tests through jest, whose global setup installs it`);
    return p3[tool];
  }
  const found = [tool, ...(ALIASES[tool] ?? [])].map(which).find(p => p !== undefined);
  if (found) return found;
  const how = INSTALL[tool]?.hint ?? `install ${tool} and put it on PATH`;
  throw new Error(`${tool} is required by the tests and was not found on PATH. ${how}`);
}

/**
 * Installs the Debian packages of missing tools when this is a Debian/Ubuntu machine and we are root
 * (as on CI and the project's machines); otherwise leaves the clear error to requireTool().
 */
export function ensureTools(tools: string[]): void {
  const missing = tools.filter(t => ![t, ...(ALIASES[t] ?? [])].some(n => which(n)));
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && which('apt-get') !== undefined;
  if (!canInstall) return;
  const pkgs = [...new Set(missing.map(t => INSTALL[t]?.debian).filter((p): p is string => !!p))];
  process.stderr.write(`installing ${pkgs.join(' ')} for ${missing.join(', ')} ...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env });
}
