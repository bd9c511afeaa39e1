import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from './net';
import { requireTool } from './tools';

/** A real Alertmanager on a loopback port, for tests; stop() kills it and removes its files. */
export interface RunningAlertmanager {
  readonly url: string;
  stop(): Promise<void>;
}


export async function startAlertmanager(configYaml: string): Promise<RunningAlertmanager> {
  const bin = requireTool('alertmanager');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-'));
  fs.writeFileSync(path.join(dir, 'alertmanager.yaml'), configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc: ChildProcess = spawn(bin, [
    `--config.file=${path.join(dir, 'alertmanager.yaml')}`, `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', d => (stderr += d.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`alertmanager exited (${proc.exitCode}):\n${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`alertmanager did not become ready:\n${stderr}`); }
    await new Promise(r => setTimeout(r, 100));
  }
  return {
    url,
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise(r => { proc.once('exit', r); setTimeout(r, 5000); });
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
