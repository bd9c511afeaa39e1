import { shortObjectName } from '../common/_names';

/** The most characters Grafana accepts in a dashboard uid. */
const MAX_UID = 40;

/**
 * A dashboard uid from readable text: the text itself when it fits in 40 characters, else its first part
 * and a short hash of the whole, so two long names that share a prefix never share a uid. @internal
 */
export function shortUid(text: string): string {
  return shortObjectName(text.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, ''), MAX_UID, text);
}
