import { describe, expect, it } from 'vitest';
import { LmsError } from '../../../electron/lms/lms-error';
import { Connectivity, reachabilityOf } from '../../../electron/sync/connectivity';

const failure = (kind: ConstructorParameters<typeof LmsError>[0], status?: number) => new LmsError(kind, 'GET users/me', 'x', { status });

describe('reachability from a request outcome', () => {
  it.each(['network', 'timeout', 'server', 'rate-limited', 'malformed'] as const)('a %s failure means offline', (kind) => {
    expect(reachabilityOf(failure(kind))).toBe('offline');
  });

  it.each(['unauthorized', 'forbidden', 'not-found', 'rejected'] as const)('a %s answer proves the LMS reachable', (kind) => {
    expect(reachabilityOf(failure(kind, 400))).toBe('online');
  });

  it('learns nothing from a cancelled request or a non-LMS error', () => {
    expect(reachabilityOf(failure('aborted'))).toBeNull();
    expect(reachabilityOf(new TypeError('bug'))).toBeNull();
  });
});

describe('Connectivity', () => {
  it('starts unknown', () => {
    expect(new Connectivity().state).toBe('unknown');
  });

  it('follows the latest request: a failure takes it offline, an answer brings it back', () => {
    const connectivity = new Connectivity();
    connectivity.reportFailure(failure('network'));
    expect(connectivity.state).toBe('offline');
    connectivity.reportSuccess();
    expect(connectivity.state).toBe('online');
  });

  it('tells listeners about changes only, with the previous state', () => {
    const connectivity = new Connectivity();
    const seen: string[] = [];
    connectivity.onChange((state, previous) => seen.push(`${previous}→${state}`));
    connectivity.reportSuccess();
    connectivity.reportSuccess();
    connectivity.reportFailure(failure('timeout'));
    connectivity.report('offline');
    connectivity.report('online');
    expect(seen).toEqual(['unknown→online', 'online→offline', 'offline→online']);
  });

  it('stops telling a listener once it unsubscribed', () => {
    const connectivity = new Connectivity();
    const seen: string[] = [];
    const unsubscribe = connectivity.onChange((state) => seen.push(state));
    unsubscribe();
    connectivity.reportSuccess();
    expect(seen).toEqual([]);
  });

  it('keeps its state when a failure says nothing about the network', () => {
    const connectivity = new Connectivity();
    connectivity.reportSuccess();
    connectivity.reportFailure(failure('aborted'));
    expect(connectivity.state).toBe('online');
  });
});
