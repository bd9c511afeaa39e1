import { ChildProcess, spawn } from 'child_process';
import * as http from 'http';
import * as net from 'net';

/** Every process the end-to-end test starts, so that none outlives it. */
const started: ChildProcess[] = [];


export interface Proc {
  readonly proc: ChildProcess;
  readonly log: () => string;
  stop(): Promise<void>;
}

/** Starts a program and waits until `ready()` says it serves (or it exits, or 30 s pass). */
export async function startProcess(name: string, bin: string, args: string[], ready: (log: string) => Promise<boolean>): Promise<Proc> {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(proc);
  let log = '';
  proc.stdout!.on('data', d => (log += d.toString()));
  proc.stderr!.on('data', d => (log += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}):\n${log.slice(-4000)}`);
    if (await ready(log).catch(() => false)) break;
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`${name} did not become ready:\n${log.slice(-4000)}`); }
    await sleep(100);
  }
  return { proc, log: () => log, stop: () => stopProcess(proc) };
}

export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  await new Promise(r => { proc.once('exit', r); setTimeout(r, 5000); });
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}

export async function stopAll(): Promise<void> {
  await Promise.all(started.map(stopProcess));
}

export function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}

export async function httpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Waits until `check` returns a value (not undefined), polling; throws with `what` after `ms`. */
export async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000}s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await sleep(250);
  }
}

/** A notification received by the recorder: which path (receiver), its headers and JSON body. */
export interface Delivery {
  readonly at: number;
  readonly path: string;
  readonly authorization?: string;
  readonly body: any;
}

/**
 * An HTTP server on loopback that records every notification Alertmanager delivers, answers each as the
 * service it stands for does, and answers HTTP 500
 * on the paths in `refused` (a receiver that refuses, as a revoked webhook does).
 */
export async function startRecorder(): Promise<{ url: string; deliveries: Delivery[]; refused: Set<string>; close: () => Promise<void> }> {
  const deliveries: Delivery[] = [];
  const refused = new Set<string>();
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', c => (data += c));
    req.on('end', () => {
      let body: any = data;
      try { body = JSON.parse(data); } catch { /* keep the text */ }
      if (refused.has(req.url ?? '')) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('refused');
        return;
      }
      deliveries.push({ at: Date.now(), path: req.url ?? '', authorization: req.headers.authorization, body });
      // Answered as the real services answer: a Slack incoming webhook with the text "ok" (Alertmanager counts
      // any other answer as a failed notification), PagerDuty's Events API v2 with 202 and its JSON status.
      if ((req.url ?? '').startsWith('/slack/')) res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      else if (req.url === '/pagerduty') res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"success","message":"Event processed"}');
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"success"}');
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, deliveries, refused, close: () => new Promise(r => server.close(() => r())) };
}

/** A bounded request loop against the services: `workers` concurrent callers until stopped. */
export function trafficLoop(urls: string[], workers: number): { stop: () => Promise<void>; sent: () => number } {
  let running = true;
  let sent = 0;
  const loops = urls.flatMap(u => Array.from({ length: workers }, async () => {
    while (running) {
      try {
        const r = await fetch(`${u}/predict`, { method: 'POST', body: '{"amount": 42}', signal: AbortSignal.timeout(15_000) });
        await r.text();
      } catch { /* a fault may time a request out */ }
      sent++;
      await sleep(100);
    }
  }));
  return { stop: async () => { running = false; await Promise.all(loops); }, sent: () => sent };
}
