import { byKind, Doc } from './synth';

/** Every PromQL expression the app emits, with where it came from. */
export function expressions(docs: Doc[]): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const d of byKind(docs, 'PrometheusRule')) {
    for (const g of d.spec.groups) {
      for (const r of g.rules) out.push({ where: `${d.metadata.name} ${r.alert ?? r.record}`, expr: r.expr });
    }
  }
  for (const cm of byKind(docs, 'ConfigMap')) {
    for (const [file, text] of Object.entries(cm.data ?? {})) {
      if (!file.endsWith('.json')) continue;
      const json = JSON.parse(text as string);
      for (const p of json.panels ?? []) for (const t of p.targets ?? []) out.push({ where: `${json.uid} "${p.title}"`, expr: t.expr });
      for (const v of json.templating?.list ?? []) if (typeof v.query === 'string' && v.type !== 'datasource') out.push({ where: `${json.uid} $${v.name}`, expr: v.query });
    }
  }
  for (const so of byKind(docs, 'ScaledObject')) for (const t of so.spec.triggers) out.push({ where: `ScaledObject ${so.metadata.name}`, expr: t.metadata.query });
  return out;
}

