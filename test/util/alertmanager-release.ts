import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compareVersions, unpackDebianPackage } from './debian-package';

/**
 * A current Alertmanager and amtool for the proofs. Debian stable's (0.25) predates the receivers and
 * `*_file` credential fields the library writes for the Alertmanager an owned stack runs (Teams,
 * Rocket.Chat, Discord and the webhook URL as files need 0.28 or later). The newest Debian build of at
 * least MIN_VERSION is taken from Debian's archive (testing, then stable), each step verified: the suite's
 * InRelease against the Debian archive keyring (gpgv), the package index against InRelease's SHA-256,
 * the .deb against the index's SHA-256. It is unpacked into `.tools/alertmanager/` (not committed).
 * `ML_MONITORING_ALERTMANAGER_DIR` may name a folder holding `alertmanager` and `amtool` instead.
 */
export const MIN_VERSION = [0, 28, 0];
const SUITES = ['forky', 'trixie'];
export const TOOLS_DIR = path.join(__dirname, '..', '..', '.tools', 'alertmanager');

export interface ModernAlertmanager {
  readonly alertmanager: string;
  readonly amtool: string;
  readonly version: string;
}

const HOW = 'set ML_MONITORING_ALERTMANAGER_DIR to a folder holding `alertmanager` and `amtool` 0.28 or later '
  + '(from the Alertmanager releases), or allow access to the Debian archive named in /etc/apt';

/**
 * Debian's build of Alertmanager reads its default notification templates (default.tmpl, email.tmpl)
 * from this folder (a Debian patch); the package's copies are installed there when missing.
 */
export const DEBIAN_TEMPLATES = '/usr/share/prometheus/alertmanager';

/** The installed modern Alertmanager, or undefined. */
export function modernAlertmanager(): ModernAlertmanager | undefined {
  const dir = process.env.ML_MONITORING_ALERTMANAGER_DIR ?? TOOLS_DIR;
  const am = path.join(dir, 'alertmanager');
  const amtool = path.join(dir, 'amtool');
  if (!fs.existsSync(am) || !fs.existsSync(amtool)) return undefined;
  if (!process.env.ML_MONITORING_ALERTMANAGER_DIR && !installDefaultTemplate()) return undefined;
  const out = execFileSync(amtool, ['--version'], { encoding: 'utf8' });
  const version = /version (\d+\.\d+\.\d+)/.exec(out)?.[1];
  if (!version || compareVersions(version.split('.').map(Number), MIN_VERSION) < 0) {
    throw new Error(`amtool in ${dir} is ${version ?? 'of unknown version'}; the proofs need ${MIN_VERSION.join('.')} or later: ${HOW}`);
  }
  return { alertmanager: am, amtool, version };
}

/** Installs a modern Alertmanager from Debian's archive when none is there yet. */
export async function ensureModernAlertmanager(): Promise<ModernAlertmanager> {
  const found = modernAlertmanager();
  if (found) return found;
  if (process.env.ML_MONITORING_ALERTMANAGER_DIR) throw new Error(`no alertmanager and amtool in ${process.env.ML_MONITORING_ALERTMANAGER_DIR}: ${HOW}`);
  const { root, found: pkg, cleanup } = await unpackDebianPackage('prometheus-alertmanager', MIN_VERSION, SUITES, HOW);
  try {
    fs.mkdirSync(TOOLS_DIR, { recursive: true });
    fs.copyFileSync(path.join(root, 'usr/bin/prometheus-alertmanager'), path.join(TOOLS_DIR, 'alertmanager'));
    fs.copyFileSync(path.join(root, 'usr/bin/amtool'), path.join(TOOLS_DIR, 'amtool'));
    fs.chmodSync(path.join(TOOLS_DIR, 'alertmanager'), 0o755);
    fs.chmodSync(path.join(TOOLS_DIR, 'amtool'), 0o755);
    const templates = path.join(TOOLS_DIR, 'templates');
    fs.mkdirSync(templates, { recursive: true });
    for (const f of fs.readdirSync(path.join(root, DEBIAN_TEMPLATES)).filter(x => x.endsWith('.tmpl'))) {
      fs.copyFileSync(path.join(root, DEBIAN_TEMPLATES, f), path.join(templates, f));
    }
    fs.writeFileSync(path.join(TOOLS_DIR, 'SOURCE'), `Debian ${pkg.suite} prometheus-alertmanager ${pkg.version} (${pkg.filename}, sha256 ${pkg.sha256})\n`);
  } finally {
    cleanup();
  }
  process.stderr.write(`installed Alertmanager ${pkg.version} from Debian ${pkg.suite} into ${TOOLS_DIR}\n`);
  return modernAlertmanager()!;
}

/**
 * Puts the package's templates where Debian's Alertmanager reads them. Returns false when the unpacked
 * package has no copy (an older .tools folder: it is unpacked again).
 */
function installDefaultTemplate(): boolean {
  const ours = path.join(TOOLS_DIR, 'templates');
  if (!fs.existsSync(ours)) return false;
  for (const f of fs.readdirSync(ours).filter(x => x.endsWith('.tmpl'))) {
    const target = path.join(DEBIAN_TEMPLATES, f);
    if (fs.existsSync(target)) continue;
    try {
      fs.mkdirSync(DEBIAN_TEMPLATES, { recursive: true });
      fs.copyFileSync(path.join(ours, f), target);
    } catch (e: any) {
      throw new Error(`Debian's Alertmanager reads ${target}, which is missing and cannot be written (${e?.message ?? e}): ` +
        `run the tests as root, or copy ${ours} there, or ${HOW}`);
    }
  }
  return true;
}
