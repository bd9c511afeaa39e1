import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gunzipSync } from 'zlib';

/*
 * Tools for the proofs taken from Debian's archive, each step verified: the suite's InRelease against the
 * Debian archive keyring (gpgv), the package index against InRelease's SHA-256, the .deb against the
 * index's SHA-256. The archive is the one this machine's apt configuration names (no registry host is
 * written in the project).
 */

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export interface DebianPackage { readonly suite: string; readonly version: string; readonly filename: string; readonly sha256: string }

/**
 * Downloads and unpacks the newest build of `pkg` at least `minVersion` from the first of `suites` that
 * has one; returns the unpacked root and what was taken. `how` ends every error message.
 */
export async function unpackDebianPackage(pkg: string, minVersion: number[], suites: string[], how: string):
Promise<{ root: string; found: DebianPackage; cleanup: () => void }> {
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  const archive = debianArchive(how);
  const errors: string[] = [];
  for (const suite of suites) {
    try {
      const found = await findPackage(archive, suite, arch, pkg, minVersion);
      const deb = await download(`${archive}/${found.filename}`);
      expectSha256(deb, found.sha256, found.filename);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${pkg}-deb-`));
      fs.writeFileSync(path.join(tmp, 'pkg.deb'), deb);
      execFileSync('dpkg-deb', ['-x', path.join(tmp, 'pkg.deb'), path.join(tmp, 'root')]);
      return { root: path.join(tmp, 'root'), found, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
    } catch (e: any) {
      errors.push(`${suite}: ${e?.message ?? e}`);
    }
  }
  throw new Error(`the proofs need ${pkg} ${minVersion.join('.')} or later and none could be installed (${errors.join('; ')}): ${how}`);
}

async function findPackage(archive: string, suite: string, arch: string, pkg: string, minVersion: number[]): Promise<DebianPackage> {
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
  const stanza = gunzipSync(gz).toString('utf8').split('\n\n').find(s => s.startsWith(`Package: ${pkg}\n`));
  if (!stanza) throw new Error(`${suite} has no ${pkg}`);
  const field = (f: string) => new RegExp(`^${f}: (.+)$`, 'm').exec(stanza)?.[1];
  const version = field('Version')!;
  const upstream = /^(?:\d+:)?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!upstream || compareVersions(upstream.slice(1).map(Number), minVersion) < 0) throw new Error(`${suite} has ${pkg} ${version}, older than ${minVersion.join('.')}`);
  return { suite, version, filename: field('Filename')!, sha256: field('SHA256')! };
}

async function download(url: string): Promise<Buffer> {
  const r = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return Buffer.from(await r.arrayBuffer());
}

function expectSha256(data: Buffer, sha256: string, what: string): void {
  const got = createHash('sha256').update(data).digest('hex');
  if (got !== sha256) throw new Error(`${what}: SHA-256 ${got} does not match the signed index (${sha256})`);
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The first Debian archive (not the security archive) in this machine's apt sources. */
export function debianArchive(how: string): string {
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
  if (!archive) throw new Error(`no Debian archive (a URI ending in /debian) in ${files.join(', ')}: ${how}`);
  return archive;
}
