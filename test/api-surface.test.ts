import * as fs from 'fs';
import * as path from 'path';
import * as api from '../src';

const ROOT = path.resolve(__dirname, '..');

function generatedTypeNames(): Set<string> {
  const names = new Set<string>();
  const dir = path.join(ROOT, 'src', 'imports');
  for (const f of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/^export (?:class|interface|enum) (\w+)/gm)) names.add(m[1]);
  }
  return names;
}

describe('public API surface', () => {
  test('src/index.ts exports none of the generated CRD bindings', () => {
    const generated = generatedTypeNames();
    // Only PrometheusRule's binding is generated now (its types check the rule groups we write).
    expect(generated.size).toBeGreaterThan(5);
    expect(Object.keys(api).filter(n => generated.has(n))).toEqual([]);
  });

  test('no source file outside src/imports re-exports the bindings', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) { if (e.name !== 'imports') walk(p); continue; }
        if (/export \*.*imports\//.test(fs.readFileSync(p, 'utf8'))) offenders.push(p);
      }
    };
    walk(path.join(ROOT, 'src'));
    expect(offenders).toEqual([]);
  });

  test('API.md documents only our own types', () => {
    const apiMd = path.join(ROOT, 'API.md');
    if (!fs.existsSync(apiMd)) throw new Error('API.md is missing: run `npx projen build` (jsii-docgen writes it)');
    const headings = [...fs.readFileSync(apiMd, 'utf8').matchAll(/^### (\w+) <a name/gm)].map(m => m[1]);
    expect(headings.length).toBeGreaterThan(0);
    const generated = generatedTypeNames();
    expect(headings.filter(h => generated.has(h))).toEqual([]);
  });
});
