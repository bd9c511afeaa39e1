import { createHash } from 'crypto';

/** The most characters Grafana accepts in a dashboard uid. @internal */
export const MAX_UID = 40;

/**
 * A dashboard uid from readable text: the text itself when it fits in 40 characters, else its first part
 * and a short hash of the whole, so two long names that share a prefix never share a uid. @internal
 */
export function shortUid(text: string): string {
  const slug = text.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length <= MAX_UID) return slug;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${slug.slice(0, MAX_UID - 9).replace(/-+$/, '')}-${hash}`;
}
