/**
 * csv-stringify in a worker thread, so a file export turns one batch of records into text while this thread reads the
 * next rows from the cache: the two halves of an export cost about the same (at 100,000 rows, ~0.35 s of cursor and
 * ~0.45 s of csv-stringify on the bench machine), so overlapping them is what keeps the plain export well under 1 s.
 *
 * The worker's code is a few lines of CommonJS given as text, and csv-stringify is handed to it by absolute path: it
 * then loads the same way under tsx (the CLI), vitest and a bundled main process, none of which a .ts worker file
 * would survive without a loader of its own.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CsvBatch } from './csv-tables';

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { stringify } = require(workerData.csvStringify);
parentPort.on('message', ({ id, records, settings }) => {
  let reply;
  try {
    reply = { id, text: stringify(records, settings) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort.postMessage(reply);
});
`;

type Reply = { id: number; text: string } | { id: number; error: string };

export class StringifyWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor() {
    const csvStringify = createRequire(import.meta.url).resolve('csv-stringify/sync');
    this.worker = new Worker(SOURCE, { eval: true, workerData: { csvStringify } });
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if ('text' in reply) waiter.resolve(reply.text);
      else waiter.reject(new Error(`writing CSV failed: ${reply.error}`));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the CSV writer thread stopped (exit code ${code})`)));
  }

  /** The batch's text. The promise never goes unhandled: a failure also surfaces on the next call. */
  stringify(batch: CsvBatch): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const text = new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    text.catch(() => undefined);
    this.worker.postMessage({ id, records: batch.records, settings: batch.settings });
    return text;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the CSV writer thread was closed');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
