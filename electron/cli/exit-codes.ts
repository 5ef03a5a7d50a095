/**
 * The `roster` exit codes, a contract scripts rely on:
 *   0 done · 1 the command failed (one line on stderr) · 2 the command line was wrong (usage on stderr) ·
 *   3 sync finished but some edits were rejected or are in conflict (they are kept) ·
 *   4 the LMS could not be reached (edits are kept; nothing is lost).
 */
export const EXIT = { ok: 0, error: 1, usage: 2, held: 3, unreachable: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that must end the command with a specific code; its message is the one line printed on stderr. */
export class CliExit extends Error {
  override name = 'CliExit';
  constructor(
    readonly code: ExitCode,
    message: string,
  ) {
    super(message);
  }
}
