/*
 * The same-content floor: plain cdk8s writing exactly what our constructs write. It reads one service's
 * worth of our synthesized objects (a template, made beforehand in another process), then times what a
 * hand-written cdk8s app would do for N services: build the objects with each service's names in them, as
 * raw ApiObjects in one chart, and synthesize. Beside shared/bench/floor.js (the same object counts, the
 * floor's own smaller content), it tells what the library's abstraction costs apart from what it writes.
 *
 *   NODE_PATH=<project>/node_modules node same-content-floor.js TEMPLATE.json N
 */
const { App, Chart, ApiObject } = require('cdk8s');
const fs = require('fs');
const os = require('os');
const path = require('path');

const docs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const N = Number(process.argv[3]);
// The template is service 0 of its case (svc-0 in tenant-0): each copy names its own service and tenant.
const named = (v, i) => typeof v === 'string' ? v.replace(/\b(svc|tenant)-0\b/g, `$1-${i}`)
  : Array.isArray(v) ? v.map(x => named(x, i))
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [named(k, i), named(x, i)]))
      : v;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'same-content-floor-'));
const t0 = process.hrtime.bigint();
const app = new App({ outdir: out });
const chart = new Chart(app, 'floor');
for (let i = 0; i < N; i++) docs.forEach((d, j) => new ApiObject(chart, `o${i}-${j}`, named(d, i)));
app.synth();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const bytes = fs.readdirSync(out).reduce((s, f) => s + fs.statSync(path.join(out, f)).size, 0);
fs.rmSync(out, { recursive: true, force: true });
console.log(JSON.stringify({ services: N, ms: Math.round(ms), heapMB: Math.round(process.memoryUsage().heapUsed / 1e6), rssMB: Math.round(process.resourceUsage().maxRSS / 1024), bytes }));
