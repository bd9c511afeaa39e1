import { instantReads } from '../common/_promql';

/*
 * promtool evaluates every rule group at every step of a test, in an order of its own unless the test file
 * gives `group_eval_order` (cmd/promtool/unittest.go: the groups come from a Go map). With Prometheus 3's
 * left-open lookback, (t-5m, t], a group that reads another group's series at the instant can miss it when
 * it runs first at a coarse test interval. A running server has no such race (the groups it reads record
 * every 30 s), so tests evaluate producers first, which is its steady state, and are deterministic.
 */

interface Group { readonly name: string; readonly rules: ReadonlyArray<{ readonly record?: string; readonly expr: string }> }

/**
 * The groups' names with each group that records a series placed before the groups that read it at the
 * instant; otherwise (and to break a cycle) in the order given. @internal
 */
export function evaluationOrder(groups: ReadonlyArray<Group>): string[] {
  const recordedBy = new Map<string, number>();
  groups.forEach((g, i) => g.rules.forEach(r => { if (r.record) recordedBy.set(r.record, i); }));
  const producers = groups.map((g, i) => {
    const ps = new Set<number>();
    for (const r of g.rules) {
      for (const name of instantReads(r.expr)) {
        const p = recordedBy.get(name);
        if (p !== undefined && p !== i) ps.add(p);
      }
    }
    return ps;
  });
  const done = new Set<number>();
  const order: string[] = [];
  while (order.length < groups.length) {
    const remaining = groups.map((_, i) => i).filter(i => !done.has(i));
    const next = remaining.find(i => [...producers[i]].every(p => done.has(p))) ?? remaining[0];
    done.add(next);
    order.push(groups[next].name);
  }
  return order;
}
