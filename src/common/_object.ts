/**
 * A copy of `o` without its undefined values (nested objects too with `deep`), so that optional props
 * left unset never reach the YAML as empty keys.
 * @internal
 */
export function definedOnly<T extends { [key: string]: unknown }>(o: T, options: { deep?: boolean } = {}): T {
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = options.deep && v !== null && typeof v === 'object' && !Array.isArray(v) ? definedOnly(v as { [key: string]: unknown }, options) : v;
  }
  return out as T;
}
