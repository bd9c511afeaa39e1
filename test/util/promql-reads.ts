// The typings of @prometheus-io/lezer-promql are ESM-only; its CommonJS build is loaded with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql');

/** One label matcher of a vector selector. */
export interface ReadMatcher { readonly label: string; readonly op: string; readonly value: string }
/**
 * One vector selector of an expression: the series it reads, and whether it reads them at the instant
 * (false inside a range selector or a subquery).
 */
export interface Read { readonly metric: string; readonly matchers: ReadMatcher[]; readonly instant: boolean }
/** An aggregation `by (labels)` over the selectors in its body. */
export interface Grouping { readonly labels: string[]; readonly reads: Read[] }

interface Node { name: string; from: number; to: number; node: any }

/** The vector selectors and `by` aggregations of a PromQL expression, parsed with Prometheus' own grammar. */
export function readsOf(expr: string): { reads: Read[]; groupings: Grouping[] } {
  const tree = parser.parse(expr);
  const text = (n: { from: number; to: number }) => expr.slice(n.from, n.to);
  const selector = (sel: any): Read => {
    let metric = '';
    const matchers: ReadMatcher[] = [];
    const c = sel.cursor();
    c.firstChild();
    do {
      if (c.name === 'Identifier') metric = text(c);
      if (c.name === 'LabelMatchers') {
        const m = c.node.cursor();
        if (m.firstChild()) {
          do {
            if (m.name !== 'UnquotedLabelMatcher') continue;
            const parts: Node[] = [];
            const p = m.node.cursor();
            p.firstChild();
            do parts.push({ name: p.name, from: p.from, to: p.to, node: p.node }); while (p.nextSibling());
            const label = text(parts.find(x => x.name === 'LabelName')!);
            const op = text(parts.find(x => x.name === 'MatchOp')!);
            const value = JSON.parse(text(parts.find(x => x.name === 'StringLiteral')!).replace(/^'|'$/g, '"'));
            matchers.push({ label, op, value });
          } while (m.nextSibling());
        }
      }
    } while (c.nextSibling());
    let instant = true;
    for (let up = sel.parent; up; up = up.parent) {
      if (up.name === 'MatrixSelector' || up.name === 'SubqueryExpr') instant = false;
    }
    return { metric, matchers, instant };
  };
  const selectorsUnder = (node: any): Read[] => {
    const out: Read[] = [];
    const c = node.cursor();
    const end = node.to;
    do {
      if (c.from >= end) break;
      if (c.name === 'VectorSelector') out.push(selector(c.node));
    } while (c.next() && c.from < end);
    return out;
  };
  const reads = selectorsUnder(tree.topNode);
  const groupings: Grouping[] = [];
  const c = tree.cursor();
  do {
    if (c.name !== 'AggregateExpr') continue;
    const agg = c.node;
    const modifier = agg.getChild('AggregateModifier');
    if (!modifier || !modifier.getChild('By')) continue;
    const labels = modifier.getChild('GroupingLabels')?.getChildren('LabelName').map((l: any) => text(l)) ?? [];
    const body = agg.getChild('FunctionCallBody');
    groupings.push({ labels, reads: body ? selectorsUnder(body) : [] });
  } while (c.next());
  return { reads, groupings };
}

/** Whether `value` passes a Prometheus label matcher (regexes are fully anchored, as in RE2 matching). */
export function matches(m: ReadMatcher, value: string | undefined): boolean {
  const v = value ?? '';
  switch (m.op) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    case '=~': return new RegExp(`^(?:${m.value})$`).test(v);
    case '!~': return !new RegExp(`^(?:${m.value})$`).test(v);
    default: throw new Error(`unknown match operator ${m.op}`);
  }
}
