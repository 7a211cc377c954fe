// A `thread` block of a .wast script, run in a worker (threads.ts): a fresh
// runner over the block's commands, the shared modules' memories rebuilt
// around the same SharedArrayBuffers; the results go back through the port.
import { workerData } from 'node:worker_threads';
import { runtime } from '../runtime/index.js';
import { WastRunner, type AssertionResult } from './runner.js';
import { defaultEngine } from './suite.js';
import type { ThreadData } from './threads.js';

const data = workerData as ThreadData | null;
// Loaded anywhere else (a test importing every dist module), it does nothing.
if (data?.port) runThread(data);

function runThread(data: ThreadData): void {
  let results: AssertionResult[];
  try {
    const shared = data.shared.map((m) => ({
      id: m.id,
      exports: Object.fromEntries(m.memories.map((x) => [x.name, runtime.sharedMemoryOf(x.buffer, x.maximum)])),
    }));
    results = new WastRunner(data.script, defaultEngine(), { baseDir: data.baseDir, shared }, data.file).run();
  } catch (e) {
    results = [{ line: 0, kind: 'thread', name: 'thread', status: 'fail', reason: `runner error in a thread: ${(e as Error).message}`, ms: 0 }];
  }
  data.port.postMessage(results);
  Atomics.store(data.done, 0, 1);
  Atomics.notify(data.done, 0);
}
