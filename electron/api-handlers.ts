import type { z } from 'zod';
import type { ApiOutput, RosterApiMethod, RosterApiSpec } from '../shared/api';

/**
 * The main-process side of RosterApi: one function per method, given the already-validated input.
 * ipc.ts (Electron) and the browser host both dispatch to the same handlers after validating with the
 * shared schemas, so the renderer gets identical behaviour over either transport.
 */
export type RosterApiHandlers = {
  [M in RosterApiMethod]: (input: z.output<RosterApiSpec[M]['input']>) => Promise<ApiOutput<M>> | ApiOutput<M>;
};
