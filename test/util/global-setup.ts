import { ensureModernAlertmanager } from './alertmanager-release';
import { ensureTools, requireTool } from './tools';

/**
 * Jest global setup: the proofs need promtool and prometheus (Debian's packages: installed when missing
 * and root, else a clear error) and a current Alertmanager and amtool (from Debian's archive, verified).
 */
export default async function globalSetup(): Promise<void> {
  const tools = ['promtool', 'prometheus'];
  ensureTools(tools);
  for (const t of tools) requireTool(t);
  const am = await ensureModernAlertmanager();
  process.stderr.write(`\nproofs run promtool (${requireTool('promtool')}) and Alertmanager ${am.version} (${am.amtool})\n`);
}
