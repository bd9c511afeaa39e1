import { ensureTools, requireTool } from './tools';

/** Jest global setup: the proofs need promtool and amtool; install them or fail saying how. */
export default function globalSetup(): void {
  const tools = ['promtool', 'amtool', 'alertmanager'];
  ensureTools(tools);
  for (const t of tools) requireTool(t);
}
