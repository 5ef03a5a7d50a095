import { describe, expect, it } from 'vitest';
import { FaultPlan, FaultSpecError, parseFaultSpec, toFaultSpec, type FaultSpec } from '../../../electron/sandbox/sandbox-faults';

const decisions = (spec: FaultSpec | null, count: number) => {
  const plan = new FaultPlan(spec);
  return Array.from({ length: count }, () => plan.decide());
};

describe('parseFaultSpec', () => {
  it('reads every fault kind, a latency range and the seed', () => {
    expect(parseFaultSpec('latency=50-400, error500=0.1,error503=0.05,drop=0.02,drop-after=0.03,truncate=0.04,html=0.01,unwrap=0.5,seed=7')).toEqual({
      latency: [50, 400],
      error500: 0.1,
      error503: 0.05,
      drop: 0.02,
      'drop-after': 0.03,
      truncate: 0.04,
      html: 0.01,
      unwrap: 0.5,
      seed: 7,
    });
  });

  it('reads a fixed latency and an empty spec', () => {
    expect(parseFaultSpec('latency=120')).toEqual({ latency: 120 });
    expect(parseFaultSpec('')).toEqual({});
  });

  it.each([
    ['gremlins=1', /unknown fault "gremlins"/],
    ['drop', /needs a value/],
    ['drop=1.5', /share from 0 to 1/],
    ['drop=', /share from 0 to 1/],
    ['drop=0.1,drop=0.2', /given twice/],
    ['latency=fast', /latency must be milliseconds/],
    ['seed=x', /seed must be a whole number/],
    ['error500=0.6,error503=0.6', /add up to 1.2/],
  ])('refuses %s, saying what is wrong', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });

  it('checks an in-process spec the same way', () => {
    expect(() => toFaultSpec({ latency: [300, 100] })).toThrow(/min <= max/);
    expect(() => toFaultSpec({ truncate: -1 })).toThrow(/share from 0 to 1/);
    expect(toFaultSpec(null)).toBeNull();
  });
});

describe('FaultPlan', () => {
  it('gives the same decisions for the same seed', () => {
    const spec = { error500: 0.2, drop: 0.2, unwrap: 0.5, latency: [0, 100] as [number, number], seed: 9 };
    expect(decisions(spec, 50)).toEqual(decisions(spec, 50));
  });

  it('gives other decisions for another seed', () => {
    expect(decisions({ error500: 0.5, seed: 1 }, 50)).not.toEqual(decisions({ error500: 0.5, seed: 2 }, 50));
  });

  it('stays in step when faults are switched on: the draws per request do not depend on the spec', () => {
    const plain = decisions({ error500: 0.3, seed: 5 }, 40).map((d) => d.fault);
    const withMore = decisions({ error500: 0.3, unwrap: 0.9, latency: [1, 9], seed: 5 }, 40).map((d) => d.fault);
    expect(withMore).toEqual(plain);
  });

  it('never injects a fault of share 0 and always one of share 1', () => {
    expect(decisions({ drop: 0 }, 200).some((d) => d.fault)).toBe(false);
    expect(decisions({ 'drop-after': 1 }, 200).every((d) => d.fault === 'drop-after')).toBe(true);
    expect(decisions(null, 10).every((d) => d.fault === null && !d.unwrap && d.latencyMs === 0)).toBe(true);
  });

  it('hands out the exclusive faults in their shares', () => {
    const counts = new Map<string | null, number>();
    for (const d of decisions({ error500: 0.2, html: 0.1, seed: 3 }, 10_000)) counts.set(d.fault, (counts.get(d.fault) ?? 0) + 1);
    expect(counts.get('error500')! / 10_000).toBeCloseTo(0.2, 1);
    expect(counts.get('html')! / 10_000).toBeCloseTo(0.1, 1);
    expect(counts.get(null)! / 10_000).toBeCloseTo(0.7, 1);
  });

  it('draws latency within the range', () => {
    const latencies = decisions({ latency: [10, 20] }, 500).map((d) => d.latencyMs);
    expect(Math.min(...latencies)).toBe(10);
    expect(Math.max(...latencies)).toBe(20);
  });
});
