/*
 * `npx projen bench`: synthesis time and memory of our constructs against the plain-cdk8s floor
 * (shared/bench/floor.js: the same volume of objects as raw ApiObjects), measured in one run, each
 * measurement in a fresh process, alternating ours and the floors, median of REPEAT runs.
 * A second floor, test/bench/same-content-floor.js, writes exactly our content as raw ApiObjects (one
 * service's synthesized objects as the template): ratioToSameContent is what the abstraction costs apart
 * from how much it writes.
 * Not a test: the machines are shared and noisy, so only ratios taken in one run mean anything.
 *
 *   BENCH_CASES=rules  BENCH_SIZES=100,1000,4000  BENCH_REPEAT=3  npx projen bench
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { CASES } from './cases';

const ROOT = path.resolve(__dirname, '..', '..');
const FLOOR = process.env.ML_MONITORING_FLOOR ?? path.resolve(ROOT, '..', 'shared', 'bench', 'floor.js');

interface Measure { ms: number; heapMB: number; rssMB: number; bytes: number; detail?: { [key: string]: number | string } }

/** Template mode: one service of the case, synthesized to JSON, for the same-content floor. */
function writeTemplate(caseName: string, file: string): void {
  const c = CASES.find(x => x.name === caseName);
  if (!c) throw new Error(`unknown bench case ${caseName}`);
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-template-')) });
  c.build(app, 1);
  // A shared stack's objects are written once per app, not per service: the template leaves them out.
  fs.writeFileSync(file, JSON.stringify(app.charts.filter(ch => ch.node.id !== 'stack').flatMap(ch => ch.toJson())));
}

/** Child mode: run one case once and print its measure. */
function runOne(caseName: string, n: number): void {
  const c = CASES.find(x => x.name === caseName);
  if (!c) throw new Error(`unknown bench case ${caseName}`);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  (global as any).gc?.();
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir });
  c.build(app, n);
  app.synth();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const heapMB = process.memoryUsage().heapUsed / 1e6;
  const bytes = fs.readdirSync(outdir).reduce((s, f) => s + fs.statSync(path.join(outdir, f)).size, 0);
  fs.rmSync(outdir, { recursive: true, force: true });
  const m: Measure = { ms, heapMB, rssMB: process.resourceUsage().maxRSS / 1024, bytes, detail: c.detail?.(app, n) };
  process.stdout.write(JSON.stringify(m) + '\n');
}

function ours(caseName: string, n: number): Measure {
  const out = execFileSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', __filename, '--child', caseName, String(n)],
    { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function floor(args: string[]): Measure {
  if (!fs.existsSync(FLOOR)) throw new Error(`the floor benchmark ${FLOOR} is missing; set ML_MONITORING_FLOOR to shared/bench/floor.js`);
  const out = execFileSync(process.execPath, [FLOOR, ...args],
    { cwd: ROOT, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  return { ms: r.ms, heapMB: r.heapMB, rssMB: r.rssMB, bytes: r.bytes };
}

function sameContentFloor(template: string, n: number): Measure {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'same-content-floor.js'), template, String(n)],
    { cwd: ROOT, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  return { ms: r.ms, heapMB: r.heapMB, rssMB: r.rssMB, bytes: r.bytes };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const sizes = (process.env.BENCH_SIZES ?? '100,1000,4000').split(',').map(Number);
  const repeat = Number(process.env.BENCH_REPEAT ?? 3);
  const wanted = process.env.BENCH_CASES?.split(',');
  const rows: string[] = [];
  const summary: { [k: string]: unknown } = {};
  for (const c of CASES.filter(x => !wanted || wanted.includes(x.name))) {
    console.log(`\n## ${c.name}: ${c.description}`);
    const template = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), `${c.name}.json`);
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--template', c.name, template],
      { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json' }, stdio: 'inherit' });
    const perSize: { [n: number]: { ours: number; floor: number; same: number } } = {};
    for (const n of sizes) {
      const o: Measure[] = [];
      const f: Measure[] = [];
      const s: Measure[] = [];
      for (let i = 0; i < repeat; i++) {
        o.push(ours(c.name, n));
        f.push(floor(c.floorArgs(n)));
        s.push(sameContentFloor(template, n));
      }
      const om = median(o.map(m => m.ms));
      const fm = median(f.map(m => m.ms));
      const sm = median(s.map(m => m.ms));
      perSize[n] = { ours: om, floor: fm, same: sm };
      const row = {
        case: c.name,
        n,
        msPerObject: +(om / n).toFixed(3),
        floorMsPerObject: +(fm / n).toFixed(3),
        ratioToFloor: +(om / fm).toFixed(2),
        heapMBPerK: +(median(o.map(m => m.heapMB)) / n * 1000).toFixed(1),
        floorHeapMBPerK: +(median(f.map(m => m.heapMB)) / n * 1000).toFixed(1),
        peakRssMB: Math.round(median(o.map(m => m.rssMB))),
        floorPeakRssMB: Math.round(median(f.map(m => m.rssMB))),
        bytesPerObject: Math.round(o[0].bytes / n),
        floorBytesPerObject: Math.round(f[0].bytes / n),
        // Time per byte written against the floor's: what is left when the extra content is accounted for.
        ratioPerByte: +((om / o[0].bytes) / (fm / f[0].bytes)).toFixed(2),
        // Against plain cdk8s writing our very content (its bytes differ only by the longer service numbers).
        ratioToSameContent: +(om / sm).toFixed(2),
        heapToSameContent: +(median(o.map(m => m.heapMB)) / median(s.map(m => m.heapMB))).toFixed(2),
        sameContentBytesPerObject: Math.round(s[0].bytes / n),
        ...o[0].detail,
      };
      rows.push(JSON.stringify(row));
      console.log(JSON.stringify(row));
    }
    if (perSize[4000] && perSize[1000]) {
      const scaling = perSize[4000].ours / perSize[1000].ours;
      const floorScaling = perSize[4000].floor / perSize[1000].floor;
      const sameScaling = perSize[4000].same / perSize[1000].same;
      summary[c.name] = {
        't(4000)/t(1000)': +scaling.toFixed(2), 'floor t(4000)/t(1000)': +floorScaling.toFixed(2), 'same-content floor t(4000)/t(1000)': +sameScaling.toFixed(2),
      };
      console.log(`scaling ${c.name}: t(4000)/t(1000) = ${scaling.toFixed(2)} (linear = 4.00; floor ${floorScaling.toFixed(2)}; same-content floor ${sameScaling.toFixed(2)})`);
    }
  }
  fs.mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, '.bench', 'last.jsonl'), rows.join('\n') + '\n');
  console.log(`\nsummary ${JSON.stringify(summary)}`);
}

if (process.argv[2] === '--child') runOne(process.argv[3], Number(process.argv[4]));
else if (process.argv[2] === '--template') writeTemplate(process.argv[3], process.argv[4]);
else main();
