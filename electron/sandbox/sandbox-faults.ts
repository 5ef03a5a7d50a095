/**
 * Fault injection for the sandbox's API: the failures a real network and a real Schoology inflict, on a seeded
 * schedule so a failing test replays exactly (same seed + same request sequence = same faults).
 *
 * Spec text (the CLI's --faults): comma-separated `name=value`:
 *   latency=MS | latency=MIN-MAX   delay added to every request
 *   error500=P, error503=P         that share answered with the status; nothing processed
 *   drop=P                         connection destroyed before processing
 *   drop-after=P                   processed and committed, then the connection destroyed without a reply
 *   truncate=P                     processed; the reply body cut in half
 *   html=P                         nothing processed; a 200 text/html error page instead of the reply
 *   unwrap=P                       one-item lists in a JSON reply sent as the bare item
 *   seed=N                         PRNG seed (default 1)
 * The exclusive faults (all but latency and unwrap) share one roll per request, so their shares are exact and
 * must add up to at most 1.
 */
import { mulberry32, type Random } from './sandbox-random';

export interface FaultSpec {
  /** Milliseconds, or a [min, max] range drawn per request. */
  latency?: number | [number, number];
  error500?: number;
  error503?: number;
  drop?: number;
  'drop-after'?: number;
  truncate?: number;
  html?: number;
  unwrap?: number;
  seed?: number;
}

/** Faults that replace the normal handling, in the order their shares are laid out on the roll. */
export const EXCLUSIVE_FAULTS = ['error500', 'error503', 'drop', 'html', 'drop-after', 'truncate'] as const;
export type ExclusiveFault = (typeof EXCLUSIVE_FAULTS)[number];
export type FaultName = ExclusiveFault | 'unwrap';

/**
 * What happens to one request. error500, error503, drop and html answer without processing it; drop-after and
 * truncate spoil the reply of a processed one.
 */
export interface FaultDecision {
  latencyMs: number;
  fault: ExclusiveFault | null;
  unwrap: boolean;
}

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

const SHARE_NAMES = new Set<string>([...EXCLUSIVE_FAULTS, 'unwrap']);

function parseShare(name: string, value: string): number {
  const share = Number(value);
  if (value.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new FaultSpecError(`${name} must be a share from 0 to 1 (e.g. ${name}=0.1), got "${value}"`);
  }
  return share;
}

function parseMs(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new FaultSpecError(`latency must be milliseconds (latency=200) or a range (latency=50-400), got "${value}"`);
  return Number(value);
}

/** Parses the spec text; an empty text means no faults. Errors name the part that is wrong and how to write it. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = {};
  const seen = new Set<string>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq === -1) throw new FaultSpecError(`fault "${part}" needs a value, e.g. ${part}=0.1`);
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (seen.has(name)) throw new FaultSpecError(`fault ${name} is given twice`);
    seen.add(name);
    if (name === 'latency') {
      const range = /^(\d+)\s*-\s*(\d+)$/.exec(value);
      spec.latency = range ? [parseMs(range[1] ?? ''), parseMs(range[2] ?? '')] : parseMs(value);
    } else if (name === 'seed') {
      if (!/^\d+$/.test(value)) throw new FaultSpecError(`seed must be a whole number, got "${value}"`);
      spec.seed = Number(value);
    } else if (SHARE_NAMES.has(name)) {
      spec[name as FaultName] = parseShare(name, value);
    } else {
      throw new FaultSpecError(`unknown fault "${name}"; known: latency, ${[...SHARE_NAMES].join(', ')}, seed`);
    }
  }
  return checkFaultSpec(spec);
}

/** Validates an in-process spec the way the text is validated, so a test's typo fails loudly too. */
export function checkFaultSpec(spec: FaultSpec): FaultSpec {
  for (const name of SHARE_NAMES) {
    const share = spec[name as FaultName];
    if (share !== undefined && !(Number.isFinite(share) && share >= 0 && share <= 1)) {
      throw new FaultSpecError(`${name} must be a share from 0 to 1, got ${share}`);
    }
  }
  const latency = spec.latency;
  if (latency !== undefined) {
    const [min, max] = typeof latency === 'number' ? [latency, latency] : latency;
    if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max >= min)) {
      throw new FaultSpecError(`latency must be whole milliseconds with min <= max, got ${JSON.stringify(latency)}`);
    }
  }
  if (spec.seed !== undefined && !Number.isSafeInteger(spec.seed)) throw new FaultSpecError(`seed must be a whole number, got ${spec.seed}`);
  const total = EXCLUSIVE_FAULTS.reduce((sum, name) => sum + (spec[name] ?? 0), 0);
  if (total > 1 + 1e-9) {
    throw new FaultSpecError(`the shares of ${EXCLUSIVE_FAULTS.join(', ')} add up to ${Number(total.toFixed(6))}; one request gets at most one of them, so they must total at most 1`);
  }
  return spec;
}

export function toFaultSpec(spec: string | FaultSpec | null | undefined): FaultSpec | null {
  if (spec === null || spec === undefined) return null;
  return typeof spec === 'string' ? parseFaultSpec(spec) : checkFaultSpec({ ...spec });
}

/**
 * The seeded schedule. Every request draws the same three numbers whatever the spec says (latency, the exclusive
 * roll, the unwrap roll), so a replay stays in step even when only some faults are switched on.
 */
export class FaultPlan {
  private readonly random: Random;

  constructor(private readonly spec: FaultSpec | null) {
    this.random = mulberry32(spec?.seed ?? 1);
  }

  decide(): FaultDecision {
    const latencyRoll = this.random();
    const roll = this.random();
    const unwrapRoll = this.random();
    const spec = this.spec;
    if (!spec) return { latencyMs: 0, fault: null, unwrap: false };
    const [min, max] = typeof spec.latency === 'number' ? [spec.latency, spec.latency] : (spec.latency ?? [0, 0]);
    let fault: ExclusiveFault | null = null;
    let edge = 0;
    for (const name of EXCLUSIVE_FAULTS) {
      edge += spec[name] ?? 0;
      if (roll < edge) {
        fault = name;
        break;
      }
    }
    return { latencyMs: min + Math.floor(latencyRoll * (max - min + 1)), fault, unwrap: unwrapRoll < (spec.unwrap ?? 0) };
  }
}
