/**
 * The `roster` command line. Each command is a thin layer over the same services the desktop app uses.
 * Exit codes: 0 done, 1 the command failed (message on stderr), 2 the command line itself was wrong.
 */
import { runSandbox } from './sandbox-command';
import { runWeb } from './web-command';
import { UsageError } from './usage-error';

const USAGE = `Usage: roster <command> [options]

Commands:
  web [--port N] [--data-dir DIR] [--sandbox]
                                    Serve the roster editor on http://127.0.0.1 (for machines without Electron);
                                    with --sandbox, or while no LMS account is set up, on the built-in Sandbox district
  sandbox [--port N] [--seed small|district] [--faults SPEC] [--rate-limit N/S]
                                    Run the sandbox LMS (a local Schoology API) on http://127.0.0.1; prints its
                                    address and OAuth consumer key/secret. SPEC: e.g. latency=50-200,error503=0.1,seed=7
                                    (latency, error500, error503, drop, drop-after, truncate, html, unwrap, seed).
                                    --rate-limit: requests/seconds per key, default 50/5, 0 = off
  help                              Show this help

The cache lives in the per-user app data folder (override with --data-dir or ROSTER_DATA_DIR).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'web':
      return runWeb(rest);
    case 'sandbox':
      return runSandbox(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`roster: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(`roster: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  },
);
