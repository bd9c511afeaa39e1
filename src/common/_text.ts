import { Unrepeated, invalidProp } from './_errors';

/** A UTF-16 surrogate without its pair: JavaScript strings allow it, no UTF-8 file can hold it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string in `value` (plain objects and arrays, walked) that holds a lone surrogate. */
function loneSurrogateAt(value: unknown, path: string, seen: Set<unknown>): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const at = loneSurrogateAt(v, `${path}[${i}]`, seen);
      if (at) return at;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined; // a library value (Duration, SecretKey, ...) checks itself
  for (const [k, v] of Object.entries(value)) {
    const at = loneSurrogateAt(v, path === '' ? k : `${path}.${k}`, seen);
    if (at) return at;
  }
  return undefined;
}

/**
 * Whether any string in `value` may hold a surrogate (paired or not): past a depth of 32 (a cycle, say) it
 * answers yes and leaves the answer to the walk that tracks what it has seen.
 */
function holdsSurrogate(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return SURROGATE.test(value);
  if (value === null || typeof value !== 'object') return false;
  if (depth > 32) return true;
  if (Array.isArray(value)) return value.some(v => holdsSurrogate(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in value) if (holdsSurrogate((value as { [key: string]: unknown })[k], depth + 1)) return true;
  return false;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Refuses props holding text that cannot be written as UTF-8: the YAML writer would escape a lone
 * surrogate as "\uD800", which Go's YAML (kubectl, promtool, amtool, the operator) refuses for the whole
 * file. Every public construct calls it on its props first, so the error names the prop. @internal
 */
export function refuseUnencodableText(where: string, props: unknown, prefix = ''): void {
  if (!holdsSurrogate(props, 0)) return; // the common case, checked without building a path per value
  const at = loneSurrogateAt(props, prefix, new Set());
  if (at !== undefined) {
    throw invalidProp(where, at === '' ? 'text' : at, new Unrepeated('(text with a lone surrogate)'),
      'text that UTF-8 can hold: it has half of a UTF-16 surrogate pair (a character cut in two, e.g. by slicing an emoji), which kubectl, promtool and amtool refuse');
  }
}
