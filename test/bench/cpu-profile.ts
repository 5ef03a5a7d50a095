/**
 * Where the page's main thread spends a phase: a CDP CPU profile of the phase, self time summed per function (name and
 * place in the bundle), the heaviest first. The renderer bundle is not minified, so the names are the source's.
 */
import type { Page } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Runs `phase` under the profiler and answers the top `count` functions by self time, as one line. */
export async function profiled<T>(page: Page, phase: () => Promise<T>, count = 8): Promise<{ result: T; hotspots: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  let result: T;
  let profile: Profile;
  try {
    result = await phase();
  } finally {
    ({ profile } = (await cdp.send('Profiler.stop')) as { profile: Profile });
    await cdp.detach();
  }
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the delta to the next one (the last sample gets none).
  for (let i = 0; i < samples.length - 1; i++) selfMs.set(samples[i]!, (selfMs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    if (ms === 0 || node.callFrame.functionName === '(idle)') continue;
    const file = node.callFrame.url.split('/').pop() ?? '';
    const name = `${node.callFrame.functionName || '(anonymous)'}${file ? ` ${file}:${node.callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const busy = [...byFunction.values()].reduce((a, b) => a + b, 0);
  const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, count);
  const hotspots = `${busy.toFixed(0)} ms busy of ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms; ` + top.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join('; ');
  return { result: result!, hotspots };
}
