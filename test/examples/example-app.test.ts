import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildExampleApp } from '../../examples/app';
import { proveAll } from '../util/prove';
import { synthApp } from '../util/synth';

function synthToDir(): { [file: string]: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  try {
    buildExampleApp({ outdir }).synth();
    const files: { [file: string]: string } = {};
    for (const f of fs.readdirSync(outdir).sort()) files[f] = fs.readFileSync(path.join(outdir, f), 'utf8');
    return files;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('example app', () => {
  test('every document validates and every PrometheusRule passes promtool', () => {
    const docs = synthApp(buildExampleApp());
    expect(docs.length).toBeGreaterThan(0);
    proveAll(docs);
  });

  test('synthesis is deterministic: two runs write byte-identical files', () => {
    const first = synthToDir();
    const second = synthToDir();
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });
});
