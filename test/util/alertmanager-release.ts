import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gunzipSync } from 'zlib';

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
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
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
  if (!version || compare(version.split('.').map(Number), MIN_VERSION) < 0) {
    throw new Error(`amtool in ${dir} is ${version ?? 'of unknown version'}; the proofs need ${MIN_VERSION.join('.')} or later: ${HOW}`);
  }
  return { alertmanager: am, amtool, version };
}

/** Installs a modern Alertmanager from Debian's archive when none is there yet. */
export async function ensureModernAlertmanager(): Promise<ModernAlertmanager> {
  const found = modernAlertmanager();
  if (found) return found;
  if (process.env.ML_MONITORING_ALERTMANAGER_DIR) throw new Error(`no alertmanager and amtool in ${process.env.ML_MONITORING_ALERTMANAGER_DIR}: ${HOW}`);
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  // Debian's archive, as this machine's apt configuration names it (no registry host is written here).
  const archive = debianArchive();
  const errors: string[] = [];
  for (const suite of SUITES) {
    try {
      const pkg = await findPackage(archive, suite, arch);
      const deb = await download(`${archive}/${pkg.filename}`);
      expectSha256(deb, pkg.sha256, pkg.filename);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'am-deb-'));
      try {
        fs.writeFileSync(path.join(tmp, 'am.deb'), deb);
        execFileSync('dpkg-deb', ['-x', path.join(tmp, 'am.deb'), path.join(tmp, 'root')]);
        fs.mkdirSync(TOOLS_DIR, { recursive: true });
        fs.copyFileSync(path.join(tmp, 'root/usr/bin/prometheus-alertmanager'), path.join(TOOLS_DIR, 'alertmanager'));
        fs.copyFileSync(path.join(tmp, 'root/usr/bin/amtool'), path.join(TOOLS_DIR, 'amtool'));
        fs.chmodSync(path.join(TOOLS_DIR, 'alertmanager'), 0o755);
        fs.chmodSync(path.join(TOOLS_DIR, 'amtool'), 0o755);
        const templates = path.join(TOOLS_DIR, 'templates');
        fs.mkdirSync(templates, { recursive: true });
        for (const f of fs.readdirSync(path.join(tmp, 'root', DEBIAN_TEMPLATES)).filter(x => x.endsWith('.tmpl'))) {
          fs.copyFileSync(path.join(tmp, 'root', DEBIAN_TEMPLATES, f), path.join(templates, f));
        }
        fs.writeFileSync(path.join(TOOLS_DIR, 'SOURCE'), `Debian ${suite} prometheus-alertmanager ${pkg.version} (${pkg.filename}, sha256 ${pkg.sha256})\n`);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      process.stderr.write(`installed Alertmanager ${pkg.version} from Debian ${suite} into ${TOOLS_DIR}\n`);
      return modernAlertmanager()!;
    } catch (e: any) {
      errors.push(`${suite}: ${e?.message ?? e}`);
    }
  }
  throw new Error(`the proofs need Alertmanager ${MIN_VERSION.join('.')} or later and none could be installed (${errors.join('; ')}): ${HOW}`);
}

async function findPackage(archive: string, suite: string, arch: string): Promise<{ version: string; filename: string; sha256: string }> {
  const inRelease = await download(`${archive}/dists/${suite}/InRelease`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inrelease-'));
  try {
    fs.writeFileSync(path.join(tmp, 'InRelease'), inRelease);
    execFileSync('gpgv', ['--keyring', KEYRING, path.join(tmp, 'InRelease')], { stdio: 'pipe' });
  } catch (e: any) {
    throw new Error(`the InRelease signature of ${suite} does not verify against ${KEYRING}: ${e?.stderr ?? e}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const index = `main/binary-${arch}/Packages.gz`;
  const line = inRelease.toString('utf8').split('\n').find(l => /^ [0-9a-f]{64} /.test(l) && l.trim().endsWith(` ${index}`));
  if (!line) throw new Error(`${suite}'s InRelease lists no SHA-256 for ${index}`);
  const gz = await download(`${archive}/dists/${suite}/${index}`);
  expectSha256(gz, line.trim().split(/\s+/)[0], index);
  const stanza = gunzipSync(gz).toString('utf8').split('\n\n').find(s => s.startsWith('Package: prometheus-alertmanager\n'));
  if (!stanza) throw new Error(`${suite} has no prometheus-alertmanager`);
  const field = (f: string) => new RegExp(`^${f}: (.+)$`, 'm').exec(stanza)?.[1];
  const version = field('Version')!;
  const upstream = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!upstream || compare(upstream.slice(1).map(Number), MIN_VERSION) < 0) throw new Error(`${suite} has prometheus-alertmanager ${version}, older than ${MIN_VERSION.join('.')}`);
  return { version, filename: field('Filename')!, sha256: field('SHA256')! };
}

async function download(url: string): Promise<Buffer> {
  const r = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return Buffer.from(await r.arrayBuffer());
}

function expectSha256(data: Buffer, sha256: string, what: string): void {
  const got = createHash('sha256').update(data).digest('hex');
  if (got !== sha256) throw new Error(`${what}: SHA-256 ${got} does not match the signed index (${sha256})`);
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
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

/** The first Debian archive (not the security archive) in this machine's apt sources. */
function debianArchive(): string {
  const uris: string[] = [];
  const files = ['/etc/apt/sources.list', ...(fs.existsSync('/etc/apt/sources.list.d')
    ? fs.readdirSync('/etc/apt/sources.list.d').map(f => path.join('/etc/apt/sources.list.d', f)) : [])];
  for (const f of files) {
    if (!fs.existsSync(f) || !/\.(list|sources)$|sources\.list$/.test(f)) continue;
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      const deb822 = /^URIs:\s*(.+)$/.exec(line.trim());
      const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line.trim());
      for (const u of (deb822?.[1] ?? oneLine?.[1] ?? '').split(/\s+/)) if (u) uris.push(u.replace(/\/+$/, ''));
    }
  }
  const archive = uris.find(u => /^https?:\/\//.test(u) && /\/debian$/.test(u));
  if (!archive) throw new Error(`no Debian archive (a URI ending in /debian) in ${files.join(', ')}: ${HOW}`);
  return archive;
}
