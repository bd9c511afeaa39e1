/**
 * Regenerates the prometheus-operator CRD bindings under src/imports from the pinned CRDs listed in
 * imports/crds.json. Run through `npx projen import:crds`; never part of `compile`.
 *
 * Source of the CRD files, in order:
 *   ML_MONITORING_CRDS=<folder>     a folder holding the operator's CRD files
 *   ML_MONITORING_CRDS=upstream     the operator's release files (upstreamBase in crds.json)
 *   (unset)                         defaultSource in crds.json (../shared/crds/prometheus-operator-v0.93.0)
 *
 * The output is byte-reproducible: the same CRDs always give the same files.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface CrdEntry { readonly module: string; readonly kind: string; readonly file: string }
interface ImportSpec {
  readonly version: string;
  readonly defaultSource: string;
  readonly upstreamBase: string;
  readonly outDir: string;
  readonly crds: CrdEntry[];
}

const root = path.resolve(__dirname, '..');
const spec: ImportSpec = JSON.parse(fs.readFileSync(path.join(__dirname, 'crds.json'), 'utf8'));
const source = process.env.ML_MONITORING_CRDS ?? path.resolve(root, spec.defaultSource);
const outDir = path.join(root, spec.outDir);
const cdk8s = path.join(root, 'node_modules', '.bin', 'cdk8s');

async function fetchCrd(entry: CrdEntry, into: string): Promise<string> {
  const dest = path.join(into, entry.file);
  if (source === 'upstream') {
    const url = `${spec.upstreamBase}/${entry.file}`;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`import:crds: GET ${url} answered ${res.status}`);
    fs.writeFileSync(dest, Buffer.from(await res.arrayBuffer()));
  } else {
    const src = path.join(source, entry.file);
    if (!fs.existsSync(src)) {
      throw new Error(`import:crds: ${src} does not exist. Point ML_MONITORING_CRDS at a folder holding the ` +
        `prometheus-operator ${spec.version} CRD files, or set ML_MONITORING_CRDS=upstream to download them.`);
    }
    fs.copyFileSync(src, dest);
  }
  return dest;
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
  try {
    fs.mkdirSync(outDir, { recursive: true });
    for (const entry of spec.crds) {
      const crd = await fetchCrd(entry, work);
      const sha = createHash('sha256').update(fs.readFileSync(crd)).digest('hex');
      const tmpOut = path.join(work, `out-${entry.module}`);
      execFileSync(cdk8s, ['import', '--no-check-upgrade', '--no-save', '-l', 'typescript', '-o', tmpOut, `${entry.module}:=${crd}`],
        { stdio: ['ignore', 'ignore', 'inherit'] });
      const generated = fs.readdirSync(tmpOut).filter(f => f.endsWith('.ts'));
      if (generated.length !== 1) throw new Error(`import:crds: expected one file for ${entry.kind}, got ${generated.join(', ')}`);
      const body = fs.readFileSync(path.join(tmpOut, generated[0]), 'utf8');
      const header = `// prometheus-operator ${spec.version} ${entry.kind} CRD (${entry.file}, sha256 ${sha}).\n` +
        '// Regenerate with `npx projen import:crds`; do not edit. Internal: never exported from src/index.ts.\n' +
        '/* eslint-disable */\n';
      fs.writeFileSync(path.join(outDir, `${entry.module}.ts`), header + body);
      console.log(`${entry.kind.padEnd(20)} -> ${path.relative(root, path.join(outDir, entry.module + '.ts'))}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch(err => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
