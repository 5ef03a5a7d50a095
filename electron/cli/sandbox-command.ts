import { parseArgs } from 'node:util';
import { startSandbox } from '../sandbox/sandbox-server';
import { startCanvasSandbox } from '../sandbox/canvas/canvas-sandbox-server';
import { CANVAS_SEED_NAMES, isCanvasSeedName, TOKEN_USER_ID } from '../sandbox/canvas/canvas-seed';
import { FaultSpecError, parseFaultSpec, type FaultSpec } from '../sandbox/sandbox-faults';
import { parseRateLimit, RateLimitError, type RateLimit } from '../sandbox/sandbox-rate-limit';
import { isSeedName, KEY_OWNER_UID, SEED_NAMES } from '../sandbox/sandbox-seed';
import { parsePort } from './parse-port';
import { UsageError } from './usage-error';

/**
 * `roster sandbox`: the sandbox LMS on 127.0.0.1 until interrupted. Stdout gets exactly one line — the address and
 * the credentials — so scripts and tests can read it; anything for people goes to stderr. `--provider canvas` runs
 * the Canvas emulator instead of the Schoology one (the default).
 */
export async function runSandbox(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, seed: { type: 'string' }, faults: { type: 'string' }, 'rate-limit': { type: 'string' }, provider: { type: 'string' } },
    strict: true,
  });
  const provider = values.provider ?? 'schoology';
  if (provider === 'canvas') return runCanvasSandbox(values);
  if (provider !== 'schoology') throw new UsageError(`--provider must be schoology or canvas, got "${provider}"`);
  const port = parsePort(values.port);
  const seed = values.seed ?? 'small';
  if (!isSeedName(seed)) throw new UsageError(`--seed must be one of ${SEED_NAMES.join(', ')}, got "${seed}"`);
  const faults = parseOption(() => (values.faults === undefined ? null : parseFaultSpec(values.faults)), '--faults');
  const rateLimit = parseOption<RateLimit | null | undefined>(
    () => (values['rate-limit'] === undefined ? undefined : parseRateLimit(values['rate-limit'])),
    '--rate-limit',
  );

  // Listen for the stop signals before announcing the address: a caller that reacts to the line by stopping us
  // must find the handler in place, not Node's default (die without closing).
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

  const sandbox = await startSandbox({ port, seed, faults, ...(rateLimit === undefined ? {} : { rateLimit }) });
  console.log(`Sandbox LMS listening on ${sandbox.url} consumer_key=${sandbox.consumerKey} consumer_secret=${sandbox.consumerSecret}`);
  const sections = sandbox.store.listSections().length;
  const groups = sandbox.store.listGroups().length;
  console.error(
    `roster: Sandbox district (${seed} seed): ${sections} sections, ${groups} groups, ${sandbox.store.countEnrollments()} enrollments. ` +
      `The key belongs to uid ${KEY_OWNER_UID} "${sandbox.store.getUser(KEY_OWNER_UID)?.name_display ?? ''}"; ` +
      `the authorize page is ${sandbox.webUrl}/oauth/authorize. Press Ctrl+C to stop.`,
  );
  await stopped;
  await sandbox.close();
  return 0;
}

function parseOption<T extends FaultSpec | RateLimit | null | undefined>(parse: () => T, flag: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof FaultSpecError || error instanceof RateLimitError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
}

/** The stop signals, listened for before the address is announced (see runSandbox). */
function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function runCanvasSandbox(values: { port?: string; seed?: string; faults?: string; 'rate-limit'?: string }): Promise<number> {
  if (values['rate-limit'] !== undefined) {
    throw new UsageError('--rate-limit is for the Schoology sandbox; the Canvas sandbox throttles each token as Canvas does (a leaky bucket, 403 when full)');
  }
  const port = parsePort(values.port);
  const seed = values.seed ?? 'small';
  if (!isCanvasSeedName(seed)) throw new UsageError(`--seed must be one of ${CANVAS_SEED_NAMES.join(', ')}, got "${seed}"`);
  const faults = parseOption(() => (values.faults === undefined ? null : parseFaultSpec(values.faults)), '--faults');
  if (faults?.unwrap !== undefined) throw new UsageError('--faults: unwrap does not apply to Canvas (its lists are always JSON arrays); leave it out');

  const stopped = stopSignal();
  const sandbox = await startCanvasSandbox({ port, seed, faults });
  console.log(`Sandbox LMS listening on ${sandbox.url} token=${sandbox.token}`);
  const courses = sandbox.store.listCourses().length;
  console.error(
    `roster: Canvas sandbox district (${seed} seed): ${courses} courses, ${sandbox.store.countSections()} sections, ` +
      `${sandbox.store.countEnrollments()} enrollments; the API is under ${sandbox.url}/api/v1. The token belongs to user ` +
      `${TOKEN_USER_ID} "${sandbox.store.getUser(TOKEN_USER_ID)?.name ?? ''}", a root-account admin. Press Ctrl+C to stop.`,
  );
  // For `roster account login canvas` against the sandbox: its authorize page is ${url}/login/oauth2/auth.
  console.error(`OAuth2 developer key: client_id=${sandbox.oauthClient.id} client_secret=${sandbox.oauthClient.secret}`);
  await stopped;
  await sandbox.close();
  return 0;
}
