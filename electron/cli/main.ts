/**
 * The `roster` command line. Each command is a thin layer over the same services the desktop app uses.
 * Exit codes (exit-codes.ts): 0 done, 1 the command failed (one line on stderr), 2 the command line itself was wrong,
 * 3 sync done but some edits rejected or in conflict (kept), 4 the LMS could not be reached (edits kept).
 */
import { LmsError } from '../lms/lms-error';
import { splitCommand } from './cli-context';
import { CliExit, EXIT } from './exit-codes';
import { CANVAS_STATUS_WORDS, ROLE_WORDS } from './provider-words';
import { STATUS_WORDS } from './schoology-values';
import { UsageError } from './usage-error';

// Each command's module is loaded when it runs: a start-up of `roster list` does not pay for the sync engine, and a
// command keeps working when a module only another command needs cannot load.
const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<number>>> = {
  web: async () => (await import('./web-command')).runWeb,
  sandbox: async () => (await import('./sandbox-command')).runSandbox,
  account: async () => (await import('./account-command')).runAccount,
  realms: async () => (await import('./realms-command')).runRealms,
  pull: async () => (await import('./pull-command')).runPull,
  list: async () => (await import('./list-command')).runList,
  enroll: async () => (await import('./edit-commands')).runEnroll,
  update: async () => (await import('./edit-commands')).runUpdate,
  remove: async () => (await import('./edit-commands')).runRemove,
  apply: async () => (await import('./apply-command')).runApply,
  pending: async () => (await import('./pending-command')).runPending,
  resolve: async () => (await import('./resolve-command')).runResolve,
  sync: async () => (await import('./sync-command')).runSync,
  export: async () => (await import('./export-command')).runExport,
  import: async () => (await import('./import-command')).runImport,
};

const USAGE = `Usage: roster <command> [options]

Global options (any command that reads the cache):
  --data-dir DIR      the data folder (default: the per-user app data folder; env ROSTER_DATA_DIR)
  --json              machine-readable output on stdout (one JSON document)
  --account NAME      which account, when there are several (NAME as \`account list\` shows it)

Accounts:
  account add schoology --base-url URL --key KEY --secret-stdin
                      check the consumer key and secret (read from stdin) with the LMS, then keep the secret in the
                      OS keychain; e.g. --base-url https://api.schoology.com/v1
  account add canvas --base-url URL --token-stdin
                      check a Canvas access token (read from stdin; make one under Account → Settings → Approved
                      Integrations) with users/self, then keep it in the OS keychain; URL is the Canvas address,
                      e.g. --base-url https://school.instructure.com
  account login schoology --base-url URL --web-url URL --key KEY --secret-stdin [--timeout SECONDS]
                      "Sign in with Schoology" (three-legged): prints the school's authorize URL (WEB URL is the
                      school's Schoology address, e.g. https://district.schoology.com), waits up to 10 minutes for
                      the browser to come back to 127.0.0.1, then keeps the access token in the OS keychain; run it
                      again to sign in again after the token expired
  account login canvas --base-url URL --client-id ID --client-secret-stdin [--timeout SECONDS]
                      "Sign in with Canvas" (OAuth2): the same with a Canvas developer key's client ID and secret
                      (stdin); keeps the access and refresh tokens in the OS keychain and renews the access token
                      when it expires
  account list        the accounts of both LMSs; NAME is the API host[-port]-uid, e.g. api.schoology.com-45552,
                      school.instructure.com-17 or, for a local sandbox, 127.0.0.1-41234-45552
  account remove NAME remove the account, its keychain entry and its cached data (unsynced edits included)

Rosters (REALM is sections/ID or groups/ID for a Schoology account, courses/ID or sections/ID for a Canvas one):
  realms              the cached realms (sections and groups; courses and sections)
  pull [REALM…]       fetch realms and rosters from the LMS (none named: every realm the account can see)
  list REALM [--status N] [--role admin|member] [--search TEXT]
                      the roster with unsynced edits overlaid and marked (Canvas: --role ROLE too)
  enroll REALM --uid UID [--admin] [--role ROLE] [--status N]
  update REALM ID [--status N] [--admin 0|1] [--role ROLE]
  remove REALM ID     queue an edit (works offline); ID is the enrollment id \`list\` shows
  apply FILE|-        queue JSON-lines edits, all or none, e.g.
                        {"op":"enroll","realm":"sections/1","uid":"5","admin":0,"status":1}
                        {"op":"update","realm":"sections/1","id":"7","status":2}
                        {"op":"update","realm":"courses/101","id":"1009","role":"ta"}
                        {"op":"remove","realm":"sections/1","id":"7"}
  pending             queued, rejected and conflicting edits
  resolve OP --keep-mine|--take-theirs
                      settle a conflict (OP: the op id, or the short id \`pending\` shows)
  sync [--dry-run]    push the queued edits, then refresh the touched realms; --dry-run prints the request plan
  Status N: ${STATUS_WORDS};
            for a Canvas account ${CANVAS_STATUS_WORDS}.
  ROLE: ${ROLE_WORDS} (instead of --admin; ta, designer and observer are Canvas roles).

Files:
  export REALM… --out FILE [--format plain|oneroster|canvas-sis|schoology] [--excel] [--without-pending]
                      write the rosters of the realms (\`all\`: every cached realm) to FILE; oneroster writes a zip
                      when FILE ends in .zip, else a folder of CSV files; --excel (plain only) adds a BOM and
                      neutralises formula-like cells for spreadsheets; --without-pending: as the LMS last had them
  import REALM --in FILE [--dry-run] [--full-sync] [--yes]
                      read a roster CSV (this app's plain export or Schoology's course-enrollment layout), show what
                      it changes and every bad row, then queue the changes; --full-sync also removes people the file
                      does not list; with bad rows nothing is queued unless --yes confirms queuing the rest

Other:
  web [--port N] [--data-dir DIR] [--sandbox]
                      serve the roster editor on http://127.0.0.1 (for machines without Electron); with --sandbox,
                      or while no LMS account is set up, on the built-in Sandbox district
  sandbox [--port N] [--seed small|district] [--faults SPEC] [--rate-limit N/S]
                      run the sandbox LMS (a local Schoology API) on http://127.0.0.1; prints its address and OAuth
                      consumer key/secret. SPEC: e.g. latency=50-200,error503=0.1,seed=7 (latency, error500,
                      error503, drop, drop-after, truncate, html, unwrap, seed). --rate-limit: requests/seconds per
                      key, default 50/5, 0 = off
  sandbox --provider canvas [--port N] [--seed small|district] [--faults SPEC]
                      the same for Canvas (API under /api/v1): prints its address and access token; throttles like
                      Canvas; SPEC as above without unwrap
  help                show this help

Exit codes: 0 done; 1 error; 2 wrong command line; 3 sync done but some edits rejected or in conflict (kept);
4 the LMS could not be reached (edits kept).`;

async function main(argv: string[]): Promise<number> {
  const { command, args } = splitCommand(argv);
  const load = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (load) return (await load())(args);
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return EXIT.ok;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** The exit code for an error and the one line that explains it. */
function failure(error: unknown): { code: number; message: string } {
  if (error instanceof CliExit) return { code: error.code, message: error.message };
  if (error instanceof LmsError) {
    if (error.transient) {
      return { code: EXIT.unreachable, message: `the LMS could not be reached (${error.message}); nothing was lost, try again when online` };
    }
    // An error that already names the one command to run (a Canvas sign-in that could not be renewed) says it alone.
    if (error.kind === 'unauthorized' && error.message.includes('`roster account ')) return { code: EXIT.error, message: error.message };
    if (error.kind === 'unauthorized') {
      return {
        code: EXIT.error,
        message: `the LMS refused the account's credentials (${error.message}); sign in again with \`roster account login\` (Schoology), or add the account again with new API credentials or a new Canvas access token (\`roster account add\`)`,
      };
    }
  }
  return { code: EXIT.error, message: error instanceof Error ? error.message : String(error) };
}

// `roster realms | head -3`: the reader left, so the rest of the output has nowhere to go. That is not a failure of
// the command (which still finishes its work, e.g. a sync), so the broken pipe is ignored instead of crashing with a
// stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`roster: ${error.message}\n\n${USAGE}`);
      process.exitCode = EXIT.usage;
    } else {
      const { code, message } = failure(error);
      // One line, whatever the message held: scripts read stderr line by line.
      console.error(`roster: ${message.replace(/\s*\n\s*/g, ' ')}`);
      process.exitCode = code;
    }
  },
);
