/**
 * Whether the LMS is reachable, learned only from our own requests: a request that got an answer means online, one
 * that failed for network or server trouble means offline. Spotty school Wi-Fi makes the OS's idea of "connected"
 * (navigator.onLine) say yes while nothing gets through, so it is never consulted. Starts 'unknown' until the first
 * request tells.
 */
import { LmsError } from '../lms/lms-error';

export type ConnectivityState = 'online' | 'offline' | 'unknown';

export type ConnectivityListener = (state: ConnectivityState, previous: ConnectivityState) => void;

/**
 * What a request's outcome says about reachability: null when it says nothing (cancelled by us, or a bug rather than
 * the network). Any answer the server gave — 401, 403, a refused row — proves it is reachable.
 */
export function reachabilityOf(error: unknown): ConnectivityState | null {
  if (!(error instanceof LmsError)) return null;
  if (error.kind === 'aborted') return null;
  return error.transient ? 'offline' : 'online';
}

export class Connectivity {
  private current: ConnectivityState = 'unknown';
  private readonly listeners = new Set<ConnectivityListener>();

  get state(): ConnectivityState {
    return this.current;
  }

  /** A request was answered. */
  reportSuccess(): void {
    this.set('online');
  }

  /** What a whole sync or probe concluded, when there is no single request to go by. */
  report(state: 'online' | 'offline'): void {
    this.set(state);
  }

  /** A request failed; only failures that say something about the network change the state. */
  reportFailure(error: unknown): void {
    const state = reachabilityOf(error);
    if (state) this.set(state);
  }

  /** Calls `listener` on every change (not on repeats of the same state); returns the unsubscribe function. */
  onChange(listener: ConnectivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(state: ConnectivityState): void {
    if (state === this.current) return;
    const previous = this.current;
    this.current = state;
    for (const listener of [...this.listeners]) listener(state, previous);
  }
}
