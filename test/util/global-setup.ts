import { execFileSync } from 'child_process';
import { ensureModernAlertmanager } from './alertmanager-release';
import { engine, ensurePrometheus3 } from './prometheus-release';
import { ensureTools, requireTool } from './tools';

/**
 * Jest global setup: the proofs run on Prometheus 3.5 LTS and its promtool (from Debian testing, verified),
 * or with ML_MONITORING_PROMETHEUS=2 on Debian stable's packages (installed when missing and root, else a
 * clear error); and on a current Alertmanager and amtool (from Debian's archive, verified).
 */
export default async function globalSetup(): Promise<void> {
  if (engine() === '3') {
    await ensurePrometheus3();
  } else {
    ensureTools(['promtool', 'prometheus']);
  }
  for (const t of ['promtool', 'prometheus']) requireTool(t);
  const am = await ensureModernAlertmanager();
  const version = /version (\S+)/.exec(execFileSync(requireTool('promtool'), ['--version'], { encoding: 'utf8' }))?.[1];
  process.stderr.write(`\nproofs run Prometheus and promtool ${version} (${requireTool('promtool')}) and Alertmanager ${am.version} (${am.amtool})\n`);
}
