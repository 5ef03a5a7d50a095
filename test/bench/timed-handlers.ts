/**
 * The main process's share of a renderer figure: the RosterApi handlers wrapped so every call the page makes is timed,
 * and a phase's calls summed per method ("queryRoster ×3 = 1,290 ms, slowest 640 ms").
 */
import type { RosterApiHandlers } from '../../electron/api-handlers';

export interface TimedCall {
  method: string;
  ms: number;
}

export interface TimedHandlers {
  handlers: RosterApiHandlers;
  /** The calls since the last take(), summed per method, slowest method first; empties the record. */
  take(): string;
}

export function timedHandlers(inner: RosterApiHandlers): TimedHandlers {
  let calls: TimedCall[] = [];
  const handlers = Object.fromEntries(
    Object.entries(inner).map(([method, handler]) => [
      method,
      async (input: unknown) => {
        const started = performance.now();
        try {
          return await (handler as (input: unknown) => unknown)(input);
        } finally {
          calls.push({ method, ms: performance.now() - started });
        }
      },
    ]),
  ) as RosterApiHandlers;
  return {
    handlers,
    take() {
      const byMethod = new Map<string, number[]>();
      for (const call of calls) byMethod.set(call.method, [...(byMethod.get(call.method) ?? []), call.ms]);
      calls = [];
      if (byMethod.size === 0) return 'no calls';
      return [...byMethod]
        .map(([method, times]) => ({ method, times, sum: times.reduce((a, b) => a + b, 0) }))
        .sort((a, b) => b.sum - a.sum)
        .map(({ method, times, sum }) => `${method} ×${times.length} = ${sum.toFixed(0)} ms (slowest ${Math.max(...times).toFixed(0)} ms)`)
        .join(', ');
    },
  };
}
