import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** Every process the end-to-end test starts, so that none outlives it. */
const started: ChildProcess[] = [];


export interface Proc {
  readonly proc: ChildProcess;
  readonly log: () => string;
  stop(): Promise<void>;
}

/**
 * How much slower than an idle machine this one runs now: the 1-minute load average per CPU, at least 1.
 * Deadlines count time divided by it, so a busy machine gets proportionally longer (a CPU-heavy neighbour at
 * twice the cores doubles every deadline) and an idle one keeps the nominal deadline.
 */
export function loadFactor(): number {
  return Math.max(1, os.loadavg()[0] / Math.max(1, os.cpus().length));
}

/** A deadline of `ms` at an idle machine's pace: `expired()` once that much load-scaled time has passed. */
function deadline(ms: number): { expired: () => boolean; wall: () => number } {
  const start = Date.now();
  let last = start;
  let spent = 0;
  return {
    expired: () => {
      const now = Date.now();
      spent += (now - last) / loadFactor();
      last = now;
      return spent > ms;
    },
    wall: () => Date.now() - start,
  };
}

/** Starts a program and waits until `ready()` says it serves (or it exits, or 30 s of load-scaled time pass). */
export async function startProcess(name: string, bin: string, args: string[], ready: (log: string) => Promise<boolean>): Promise<Proc> {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(proc);
  let log = '';
  proc.stdout!.on('data', d => (log += d.toString()));
  proc.stderr!.on('data', d => (log += d.toString()));
  const d = deadline(30_000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}):\n${log.slice(-4000)}`);
    if (await ready(log).catch(() => false)) break;
    if (d.expired()) { proc.kill('SIGKILL'); throw new Error(`${name} did not become ready in ${d.wall() / 1000}s:\n${log.slice(-4000)}`); }
    await sleep(100);
  }
  return { proc, log: () => log, stop: () => stopProcess(proc) };
}

/**
 * `bin args` as a command that runs it in a private mount namespace where `target` (a folder the real program
 * reads, such as the operator's /etc/alertmanager) is a bind mount of `source`, a temporary folder. The
 * target's parent is first overlaid with a layer on a tmpfs mounted at `scratch`, so creating the mount point
 * writes nothing to the real file system; everything disappears with the process. Needs root (unshare --mount),
 * or an Error says so.
 */
export function inPrivateMount(target: string, source: string, scratch: string, bin: string, args: string[]): { bin: string; args: string[] } {
  const probe = spawnSync('unshare', ['--mount', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(`the end-to-end test runs the Alertmanager in its own mount namespace, where ${target} (as the operator mounts it) is a private ` +
      `bind mount of a temporary folder: that needs root (unshare --mount failed: ${(probe.error?.message ?? probe.stderr).trim()}); run it as root, as CI does`);
  }
  fs.mkdirSync(scratch, { recursive: true });
  const script = [
    'set -e',
    'scratch="$1"; parent="$2"; target="$3"; source="$4"; shift 4',
    'mount -t tmpfs tmpfs "$scratch"',
    'mkdir -p "$scratch/upper" "$scratch/work"',
    'mount -t overlay overlay -o "lowerdir=$parent,upperdir=$scratch/upper,workdir=$scratch/work" "$parent"',
    'mkdir -p "$target"',
    'mount --bind "$source" "$target"',
    'exec "$@"',
  ].join('\n');
  return {
    bin: 'unshare',
    args: ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', scratch, path.dirname(target), target, source, bin, ...args],
  };
}

export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  await new Promise(r => { proc.once('exit', r); setTimeout(r, 5000).unref(); });
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

/**
 * Waits until `check` returns a value (not undefined), polling; throws with `what` once `ms` of load-scaled
 * time have passed (see `loadFactor`).
 */
export async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const d = deadline(ms);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (d.expired()) {
      throw new Error(`timed out waiting for ${what} after ${d.wall() / 1000}s (${ms / 1000}s at an idle machine's pace, load factor now ` +
        `${loadFactor().toFixed(2)})${last ? ` (last error: ${last})` : ''}`);
    }
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
