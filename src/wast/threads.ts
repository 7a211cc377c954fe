// The threads proposal's script commands: `(thread $T (shared (module $M))*
// cmd*)` runs its commands concurrently, in a fresh script context (its own
// registry and module names), and `(wait $T)` joins it. Each thread runs in a
// worker_threads worker (thread-worker.ts) with a runner of its own; the
// modules it names in `shared` reach it as their shared memories (the only
// exports that can be shared between threads), rebuilt there as Memory
// objects over the same SharedArrayBuffer.
//
// The runner is synchronous, so joining blocks: the worker sets a flag in a
// SharedArrayBuffer when it is done (Atomics.wait / notify), and its results
// are taken from a MessageChannel with receiveMessageOnPort.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { runtime } from '../runtime/index.js';
import type { SNode } from '../text/sexpr.js';
import type { AssertionResult } from './runner.js';

/** A module passed into a thread: its shared memory exports. */
export interface SharedModule {
  id: string;
  memories: { name: string; buffer: SharedArrayBuffer; maximum: number | null }[];
}

/** What a thread's worker gets (workerData). */
export interface ThreadData {
  script: Uint8Array;
  file: string;
  baseDir: string;
  shared: SharedModule[];
  done: Int32Array;
  port: MessagePort;
}

/** The shared memories among a module's exports: what a thread can receive of it. */
export function sharedMemories(exports: Record<string, unknown>): SharedModule['memories'] {
  const out: SharedModule['memories'] = [];
  for (const [name, v] of Object.entries(exports)) {
    const m = v as { _shared?: boolean; _cap?: SharedArrayBuffer; _max?: number | null };
    if (runtime.isMemory(v) && m._shared) out.push({ name, buffer: m._cap!, maximum: m._max ?? null });
  }
  return out;
}

/** A thread's commands as a script of their own, padded with newlines so that line numbers stay the script's. */
export function threadScript(src: Uint8Array, cmds: SNode[]): Uint8Array {
  if (!cmds.length) return new Uint8Array(0);
  const text = src.subarray(cmds[0].start, cmds[cmds.length - 1].end);
  const out = new Uint8Array(cmds[0].line - 1 + text.length).fill(10);
  out.set(text, cmds[0].line - 1);
  return out;
}

/** One running thread block. */
export class Thread {
  private results: AssertionResult[] | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly done: Int32Array,
    private readonly port: MessagePort,
    private readonly failed: { error?: string },
  ) {}

  /** Blocks until the thread's commands have run: their results (a crash is one failed result). */
  join(line: number): AssertionResult[] {
    if (this.results) return [];
    // A worker that crashed before it could report never sets the flag: give
    // up after a generous time rather than hang the run.
    const r = Atomics.wait(this.done, 0, 0, 600_000);
    const msg = receiveMessageOnPort(this.port);
    this.port.close();
    void this.worker.terminate();
    const why = this.failed.error ?? (r === 'timed-out' ? 'the thread did not finish within 600 s' : 'the thread reported nothing');
    this.results = msg ? (msg.message as AssertionResult[]) : [{ line, kind: 'thread', name: 'thread', status: 'fail', reason: why, ms: 0 }];
    return this.results;
  }
}

/**
 * Starts the commands of a thread block: `script` is their text, padded with
 * newlines so that line numbers are the script's.
 */
export function startThread(script: Uint8Array, file: string, baseDir: string, shared: SharedModule[]): Thread {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const data: ThreadData = { script, file, baseDir, shared, done, port: port2 };
  const worker = new Worker(new URL('./thread-worker.js', import.meta.url), { workerData: data, transferList: [port2] });
  const failed: { error?: string } = {};
  worker.on('error', (e) => {
    failed.error = `the thread's worker failed: ${e.message}`;
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  });
  // Never keep the process alive for a thread nobody waits for.
  worker.unref();
  return new Thread(worker, done, port1, failed);
}
