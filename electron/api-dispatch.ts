import { type ApiEnvelope, type RosterApiMethod, ROSTER_API_METHODS, RosterApiError, parseInput, rosterApiSpec } from '../shared/api';
import type { RosterApiHandlers } from './api-handlers';

/**
 * One call through the RosterApi boundary, whatever the transport (Electron IPC or the browser bridge):
 * validate the input, run the handler, validate the output, and fold any failure into an envelope that is safe
 * to hand to the renderer — a code and a message, never a stack trace, a path or a secret.
 */
export async function dispatch(handlers: RosterApiHandlers, method: string, rawInput: unknown): Promise<ApiEnvelope> {
  if (!isMethod(method)) return failure('unknown_method', `No such RosterApi method: ${method.slice(0, 80)}`);
  try {
    const input = parseInput(method, rawInput);
    const handler = handlers[method] as (input: unknown) => unknown;
    const value = await handler(input);
    const checked = rosterApiSpec[method].output.safeParse(value);
    if (!checked.success) {
      console.error(`RosterApi ${method}: handler returned an invalid reply`, checked.error.issues.slice(0, 3));
      return failure('internal', `${method} failed inside the app; the details are in the app log.`);
    }
    return { ok: true, value: checked.data };
  } catch (error) {
    if (error instanceof RosterApiError) return failure(error.code, error.message);
    console.error(`RosterApi ${method} failed`, error);
    return failure('internal', `${method} failed inside the app; the details are in the app log.`);
  }
}

export const isMethod = (name: string): name is RosterApiMethod => (ROSTER_API_METHODS as string[]).includes(name);

const failure = (code: string, message: string): ApiEnvelope => ({ ok: false, error: { code, message } });
