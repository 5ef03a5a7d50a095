/**
 * RosterApi: the one contract between the renderer and the main-process services.
 *
 * Both transports implement exactly this: the Electron preload (contextBridge → ipcRenderer.invoke) and the
 * browser host's token-protected localhost bridge. Every method takes one JSON input and returns one JSON
 * output; both are zod schemas so each side validates what crosses the boundary, and the channel names are
 * derived from the method names so the two transports can never drift apart.
 */
import { z } from 'zod';
import { PROVIDERS } from './domain/provider';
import { ROLES, STATUSES } from './domain/roles';
import { REALM_KINDS } from './domain/realm';

const id = z.string().min(1).max(200);

export const AccountSchema = z.object({
  id,
  /** What staff see and what the CLI lists ("Schoology · district.example.org"). */
  name: z.string(),
  provider: z.enum(PROVIDERS),
  baseUrl: z.string(),
  /** Who the credentials belong to; null until the first signed call has told us. */
  user: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type Account = z.infer<typeof AccountSchema>;

export const RealmSchema = z.object({
  /** Cache-wide id: "<accountId>/<key>". */
  id,
  accountId: id,
  key: z.string(),
  provider: z.enum(PROVIDERS),
  kind: z.enum(REALM_KINDS),
  remoteId: z.string(),
  title: z.string(),
  courseTitle: z.string(),
  courseCode: z.string(),
  courseSisId: z.string(),
  sectionCode: z.string(),
  sectionSchoolCode: z.string(),
  gradingPeriods: z.array(z.string()),
  pulledAt: z.string().nullable(),
  enrollmentCount: z.number().int().nonnegative(),
  pendingCount: z.number().int().nonnegative(),
});
export type RealmSummary = z.infer<typeof RealmSchema>;

export const ROSTER_SORT_COLUMNS = ['name', 'schoolUid', 'userId', 'role', 'status', 'realm', 'pending'] as const;
export type RosterSortColumn = (typeof ROSTER_SORT_COLUMNS)[number];

export const RosterQuerySchema = z.object({
  realmIds: z.array(id).min(1).max(5000),
  statuses: z.array(z.enum(STATUSES)).optional(),
  roles: z.array(z.enum(ROLES)).optional(),
  /** Matched case-insensitively against display, first, last, preferred names and school uid. */
  search: z.string().max(200).optional(),
  sort: z
    .object({ column: z.enum(ROSTER_SORT_COLUMNS), direction: z.enum(['asc', 'desc']) })
    .default({ column: 'name', direction: 'asc' }),
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type RosterQuery = z.input<typeof RosterQuerySchema>;
export type RosterQueryParsed = z.output<typeof RosterQuerySchema>;

export const PENDING_KINDS = ['enroll', 'update', 'remove', 'access_code'] as const;
export type PendingKind = (typeof PENDING_KINDS)[number];

export const RosterRowSchema = z.object({
  realmId: id,
  /** null for a person whose enrollment is still only a queued edit. */
  enrollmentId: z.string().nullable(),
  userId: z.string(),
  schoolUid: z.string(),
  displayName: z.string(),
  sortableName: z.string(),
  pictureUrl: z.string(),
  /** What the roster will be after sync: the server state with pending edits overlaid. */
  role: z.enum(ROLES),
  status: z.enum(STATUSES),
  /** The last known server values, or null when the server has no such enrollment yet. */
  server: z.object({ role: z.enum(ROLES), status: z.enum(STATUSES) }).nullable(),
  pending: z
    .object({
      opId: z.string(),
      kind: z.enum(PENDING_KINDS),
      /** Fields the queued edit changes (for an update). */
      fields: z.array(z.enum(['role', 'status'])),
      state: z.enum(['queued', 'rejected', 'conflict']),
      error: z.string().nullable(),
    })
    .nullable(),
});
export type RosterRow = z.infer<typeof RosterRowSchema>;

export const RosterPageSchema = z.object({
  rows: z.array(RosterRowSchema),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
});
export type RosterPage = z.infer<typeof RosterPageSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  /** Which transport serves the renderer. */
  host: z.enum(['electron', 'browser']),
  /**
   * Something staff must know about the local cache, e.g. that a damaged file was moved aside; null if none.
   */
  cacheNotice: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

const none = z.object({}).strict().optional();

/** What staff paste from their school's /api page; the secret travels once, renderer → main, and never back. */
const httpUrl = z.string().trim().min(1).max(2000);
const consumerKey = z.string().trim().min(1).max(500);
const consumerSecret = z.string().trim().min(1).max(500);

/** A Canvas personal access token (Account → Settings → Approved Integrations); like the secret, it never comes back. */
const canvasToken = z.string().trim().min(1).max(4096);

export const AddAccountInputSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('schoology'), baseUrl: httpUrl, consumerKey, consumerSecret }).strict(),
  z.object({ provider: z.literal('canvas'), baseUrl: httpUrl, token: canvasToken }).strict(),
]);
export type AddAccountInput = z.input<typeof AddAccountInputSchema>;

/** A Canvas developer key (Admin → Developer Keys): its client ID is digits; the secret, like the others, never comes back. */
const canvasClientId = z.string().trim().regex(/^\d{1,30}$/, 'A Canvas client ID is the developer key\'s number, e.g. 10000000000001.');
const canvasClientSecret = z.string().trim().min(1).max(500);

export const BeginSignInInputSchema = z.discriminatedUnion('provider', [
  z
    .object({
      provider: z.literal('schoology'),
      /** The API base, e.g. https://api.schoology.com/v1. */
      baseUrl: httpUrl,
      /** The school's web side, where the user approves the app, e.g. https://district.schoology.com. */
      webUrl: httpUrl,
      /** The app's consumer key and secret (three-legged: the user's own access comes from signing in). */
      consumerKey,
      consumerSecret,
    })
    .strict(),
  z
    .object({
      provider: z.literal('canvas'),
      /** The Canvas instance, e.g. https://school.instructure.com; the user authorizes the app on its own page. */
      baseUrl: httpUrl,
      /** The developer key the app signs in with (OAuth2 authorization code, lms-api-notes §2.5). */
      clientId: canvasClientId,
      clientSecret: canvasClientSecret,
    })
    .strict(),
]);
export type BeginSignInInput = z.input<typeof BeginSignInInputSchema>;

export const SignInAttemptSchema = z.object({
  /** Names the attempt in finishSignIn and cancelSignIn. */
  attemptId: z.string(),
  /** The school's page where the user allows Roster Desk. Carries a one-time request token, not a credential. */
  authorizeUrl: z.string(),
});
export type SignInAttempt = z.infer<typeof SignInAttemptSchema>;

/** The codes finishSignIn fails with when the user did not end up signed in. */
export const SIGN_IN_FAILURES = ['denied', 'timeout', 'cancelled', 'failed'] as const;

export const KeychainStatusSchema = z.union([
  z.object({ ok: z.literal(true) }),
  /** message names what is missing, e.g. "no Secret Service: install and unlock gnome-keyring or KWallet". */
  z.object({ ok: z.literal(false), message: z.string() }),
]);
export type KeychainStatus = z.infer<typeof KeychainStatusSchema>;

const attemptInput = z.object({ attemptId: z.string().min(1).max(200) }).strict();

// ---------------------------------------------------------------- edits, pending changes, sync

const role = z.enum(ROLES);
const status = z.enum(STATUSES);

/** One roster edit, in the unified role/status vocabulary; realmId is the cache-wide "<accountId>/<key>". */
export const EditSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('enroll'), realmId: id, userId: id, fields: z.object({ role, status }).strict() }).strict(),
  z
    .object({
      kind: z.literal('update'),
      realmId: id,
      /** The row's enrollmentId, or for a person whose enroll is still queued, the row's pending.opId. */
      enrollmentId: id,
      fields: z.object({ role: role.optional(), status: status.optional() }).strict(),
    })
    .strict(),
  z.object({ kind: z.literal('remove'), realmId: id, enrollmentId: id }).strict(),
  z
    .object({
      kind: z.literal('access_code'),
      accountId: id,
      realmKind: z.enum(['section', 'group']),
      accessCode: z.string().trim().min(1).max(64),
    })
    .strict(),
]);
export type Edit = z.infer<typeof EditSchema>;

/** queued: a new op; merged: folded into the edit already queued for that person; cancelled: nothing left to do. */
export const EditResultSchema = z.object({ outcome: z.enum(['queued', 'merged', 'cancelled']), opId: z.string().nullable() });
export type EditResult = z.infer<typeof EditResultSchema>;

/** An unsynced edit as the pending-changes panel shows it. */
export const PendingOpSchema = z.object({
  id: z.string(),
  accountId: id,
  /** null for an access-code join (which realm it joins is known once the LMS has applied it). */
  realmId: z.string().nullable(),
  kind: z.enum(PENDING_KINDS),
  enrollmentId: z.string().nullable(),
  userId: z.string().nullable(),
  fields: z.object({
    role: role.optional(),
    status: status.optional(),
    accessCode: z.string().optional(),
    realmKind: z.enum(['section', 'group']).optional(),
  }),
  /** queued includes in_flight: an edit being sent (or to be sent again after a crash). */
  state: z.enum(['queued', 'in_flight', 'rejected', 'conflict']),
  /** The LMS's reason for a rejected edit, what changed for a conflict, "will retry: …" for a queued one. */
  error: z.string().nullable(),
  /** "Make James Howlett an admin of Algebra I · P3". */
  sentence: z.string(),
  createdAt: z.string(),
});
export type PendingOp = z.infer<typeof PendingOpSchema>;

export const ConflictFieldSchema = z.object({
  field: z.enum(['role', 'status', 'enrollment']),
  /** The value the edit sets (for 'enrollment': the enrollment id the edit was made against). */
  mine: z.string().nullable(),
  /** The value the LMS holds now (for 'enrollment': null, the LMS no longer has it). */
  theirs: z.string().nullable(),
});

export const PendingViewSchema = z.object({
  queued: z.array(PendingOpSchema),
  rejected: z.array(PendingOpSchema),
  conflicts: z.array(PendingOpSchema.extend({ conflicts: z.array(ConflictFieldSchema) })),
});
export type PendingView = z.infer<typeof PendingViewSchema>;

const count = z.number().int().nonnegative();

/** What one sync run did (electron/sync/sync-report.ts). */
export const SyncReportSchema = z.object({
  outcome: z.enum(['ok', 'partial', 'offline', 'unauthorized', 'busy', 'failed']),
  applied: count,
  done: count,
  rejected: count,
  conflicts: count,
  requeued: count,
  requests: z.object({ reads: count, writes: count }),
  refreshedRealms: count,
  message: z.string().nullable(),
  runId: z.number().int().nullable(),
});
export type SyncReportShape = z.infer<typeof SyncReportSchema>;

export const SyncStatusSchema = z.object({
  accountId: id,
  connectivity: z.enum(['online', 'offline', 'unknown']),
  syncing: z.boolean(),
  lastRun: z
    .object({
      finishedAt: z.string(),
      outcome: SyncReportSchema.shape.outcome,
      counts: z.object({ applied: count, done: count, rejected: count, conflicts: count, requeued: count }),
      message: z.string().nullable(),
    })
    .nullable(),
  /** Unsynced edits of the account: queued, being sent, rejected and in conflict. */
  pending: count,
  /** While syncing: the run's phase and how far it is (done of total ops, or realms when refreshing); else null. */
  progress: z.object({ phase: z.enum(['checking', 'pushing', 'refreshing', 'done']), done: count, total: count }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

// ---------------------------------------------------------------- people, bulk edits of a filtered roster, export

/** A person the account's cache knows (from any cached roster): what "add people" searches. */
export const KnownPersonSchema = z.object({
  userId: z.string(),
  schoolUid: z.string(),
  displayName: z.string(),
  sortableName: z.string(),
});
export type KnownPerson = z.infer<typeof KnownPersonSchema>;

/** Which rows of which realms: a roster query without sort and paging. */
export const RosterFilterSchema = RosterQuerySchema.pick({ realmIds: true, statuses: true, roles: true, search: true });
export type RosterFilter = z.input<typeof RosterFilterSchema>;

/**
 * One roster row, as edits name it: its realm and its enrollmentId, or for a person whose enroll is still queued the
 * row's pending.opId (the same id an 'update' or 'remove' edit takes).
 */
export const RowRefSchema = z.object({ realmId: id, enrollmentId: id }).strict();
export type RowRef = z.infer<typeof RowRefSchema>;

/** What a bulk edit does to each row it reaches. */
export const BulkChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), fields: z.object({ role: role.optional(), status: status.optional() }).strict() }).strict(),
  z.object({ kind: z.literal('remove') }).strict(),
]);
export type BulkChange = z.infer<typeof BulkChangeSchema>;

export const BulkEditResultSchema = z.object({
  queued: count,
  merged: count,
  cancelled: count,
  /** Rows left alone because their edit is being sent right now (in flight): they can be edited once it settles. */
  skipped: count,
});
export type BulkEditResult = z.infer<typeof BulkEditResultSchema>;

/**
 * The file layouts an export can take. plain: every field staff care about, in the LMS's words; oneroster:
 * OneRoster 1.1 CSV (enrollments.csv, users.csv, classes.csv and manifest.csv, zipped); canvas-sis: a Canvas SIS
 * Import enrollments.csv; schoology: Schoology's course-enrollment import layout.
 */
export const EXPORT_FORMATS = ['plain', 'oneroster', 'canvas-sis', 'schoology'] as const;
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];

export const ExportInputSchema = z
  .object({
    realmIds: z.array(id).min(1).max(5000),
    /** true: the roster as it will be after sync (pending edits overlaid); false: the LMS's last known state. */
    includePending: z.boolean().default(true),
    /** Only these rows (a selection); absent: every row of the realms. */
    only: z.array(RowRefSchema).max(100_000).optional(),
    /** Answer only the first this-many data rows (the export dialog's preview). */
    previewRows: z.number().int().min(1).max(100).optional(),
    format: z.enum(EXPORT_FORMATS).default('plain'),
    /**
     * For opening in a spreadsheet (plain format only): a UTF-8 BOM, and a cell that starts with = + - @ tab or CR is
     * prefixed with ' so it is not run as a formula. The interchange formats never alter a value: they refuse it.
     */
    excel: z.boolean().default(false),
  })
  .strict()
  .refine((input) => !input.excel || input.format === 'plain', {
    message: 'Excel mode is for the plain format; the interchange formats refuse formula-like values instead of altering them',
    path: ['excel'],
  });
export type ExportInput = z.input<typeof ExportInputSchema>;
export type ExportInputParsed = z.output<typeof ExportInputSchema>;

export const ExportFileSchema = z.object({
  /** A suggested file name, e.g. "algebra-i-p3-roster.csv" or "roster-export-3-realms-oneroster.zip". */
  fileName: z.string(),
  mimeType: z.string(),
  /**
   * The whole file: RFC 4180 CSV with CRLF line ends as text, or (encoding base64) a zip. A preview is always text:
   * the first rows of the main CSV (for OneRoster, enrollments.csv).
   */
  content: z.string(),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
  /** Data rows in the whole export (not only the preview); for OneRoster, the rows of enrollments.csv. */
  rows: count,
});
export type ExportFile = z.output<typeof ExportFileSchema>;

// ---------------------------------------------------------------- import

/** The roster CSV layouts an import reads: this app's plain export, or Schoology's course-enrollment import layout. */
export const IMPORT_LAYOUTS = ['plain', 'schoology'] as const;
export type ImportLayout = (typeof IMPORT_LAYOUTS)[number];

export const ImportInputSchema = z
  .object({
    /** The realm (cache-wide id) whose roster the file describes. */
    realmId: id,
    /** The file's text as read (a UTF-8 BOM is stripped). */
    content: z.string().max(50_000_000),
    /** Shown in messages ("roster.csv line 7: …"). */
    fileName: z.string().max(500).optional(),
    /** Full sync: people of the cached roster the file does not list are removed too. Otherwise they stay. */
    fullSync: z.boolean().default(false),
  })
  .strict();
export type ImportInput = z.input<typeof ImportInputSchema>;
export type ImportInputParsed = z.output<typeof ImportInputSchema>;

/** One change an import makes: to enroll someone, to change a role or status, or (full sync) to remove someone. */
export const ImportChangeSchema = z.object({
  kind: z.enum(['enroll', 'change', 'remove']),
  /** The file's line (1 = the header), or null for a removal (the person is not in the file). */
  line: z.number().int().positive().nullable(),
  userId: z.string(),
  schoolUid: z.string(),
  name: z.string(),
  /** After the import (remove: the values the enrollment has now). */
  role: role,
  status: status,
  /** change only: the values before. */
  before: z.object({ role, status }).nullable(),
});
export type ImportChange = z.infer<typeof ImportChangeSchema>;

/** A row the import cannot use (unknown person, bad role or status, duplicate, another realm's row…). */
export const ImportProblemSchema = z.object({ line: z.number().int().positive(), message: z.string() });
export type ImportProblem = z.infer<typeof ImportProblemSchema>;

export const ImportPreviewSchema = z.object({
  realmId: id,
  layout: z.enum(IMPORT_LAYOUTS),
  /** Data rows in the file (blank lines not counted). */
  rows: count,
  toEnroll: count,
  toChange: count,
  toRemove: count,
  unchanged: count,
  /** The changes in file order, removals last; at most the first 1,000 (the counts above are complete). */
  changes: z.array(ImportChangeSchema),
  /** Every bad row by line, at most the first 1,000 (problemCount is complete). */
  problems: z.array(ImportProblemSchema),
  problemCount: count,
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

export const ImportResultSchema = z.object({
  queued: count,
  merged: count,
  cancelled: count,
  /** Bad rows left out because the user confirmed the rest. */
  skippedRows: count,
});
export type ImportResult = z.infer<typeof ImportResultSchema>;

const opInput = z.object({ opId: id }).strict();
const accountInput = z.object({ accountId: id }).strict();

/** Method name → input and output schema. Add a method here and both transports carry it. */
export const rosterApiSpec = {
  appInfo: { input: none, output: AppInfoSchema },
  listAccounts: { input: none, output: z.array(AccountSchema) },
  listRealms: { input: z.object({ accountId: id.optional() }).strict().optional(), output: z.array(RealmSchema) },
  queryRoster: { input: RosterQuerySchema, output: RosterPageSchema },
  /** Whether secrets can be stored at all; without a keychain nothing can be added (and nothing is kept in plaintext). */
  keychainStatus: { input: none, output: KeychainStatusSchema },
  /** Two-legged: checks the key and secret with the LMS, keeps them in the keychain, answers who they belong to. */
  addAccount: { input: AddAccountInputSchema, output: AccountSchema },
  /** Three-legged, step 1: answers the page where the user allows Roster Desk (the app opens it in the browser). */
  beginSignIn: { input: BeginSignInInputSchema, output: SignInAttemptSchema },
  /** Waits for the user's answer on that page; fails with code denied, timeout, cancelled or failed. */
  finishSignIn: { input: attemptInput, output: AccountSchema },
  cancelSignIn: { input: attemptInput, output: z.object({ cancelled: z.boolean() }) },
  /** Removes the account's keychain entry and the account with its cached data, unsynced edits included. */
  signOut: {
    input: z.object({ accountId: id }).strict(),
    output: z.object({ accountId: id, droppedEdits: z.number().int().nonnegative() }),
  },
  /** Queues edits, all or nothing: a bad edit fails the call with its code (unknown_realm, unknown_enrollment, held, invalid). */
  applyEdits: {
    input: z.object({ edits: z.array(EditSchema).min(1).max(5000) }).strict(),
    output: z.object({ results: z.array(EditResultSchema) }),
  },
  /** Unsynced edits in words, of one account or of all. */
  listPending: { input: z.object({ accountId: id.optional() }).strict().optional(), output: PendingViewSchema },
  /** Takes back a queued edit. */
  undoEdit: { input: opInput, output: z.object({ opId: id }) },
  /** Takes back every queued edit of the account; edits being sent, rejected or in conflict stay. */
  undoAll: { input: accountInput, output: z.object({ accountId: id, undone: count }) },
  /** Drops a rejected or conflicting edit. */
  discardEdit: { input: opInput, output: z.object({ opId: id }) },
  /** Settles a conflict: keep-mine queues the edit again over the LMS's value, take-theirs lets the LMS's value stand. */
  resolveConflict: {
    input: z.object({ opId: id, choice: z.enum(['keep-mine', 'take-theirs']) }).strict(),
    output: z.object({ opId: id, choice: z.enum(['keep-mine', 'take-theirs']) }),
  },
  /** Syncs the account now and answers what the run did; fails with sync_unavailable where nothing syncs it. */
  syncNow: { input: accountInput, output: SyncReportSchema },
  /** The sync bar: per account, online or not, syncing or not, the last run and how many edits are unsynced. */
  syncStatus: { input: none, output: z.array(SyncStatusSchema) },
  /** People the account's cache knows whose name or school uid matches, for "add people"; at most `limit`. */
  findPeople: {
    input: z.object({ accountId: id, text: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(50).default(20) }).strict(),
    output: z.array(KnownPersonSchema),
  },
  /** Row refs of a roster query in its sort order, for selecting a range or everything filtered (up to 100,000). */
  queryRosterRefs: {
    input: RosterQuerySchema.extend({ limit: z.number().int().min(1).max(100_000).default(100_000) }),
    output: z.object({ refs: z.array(RowRefSchema), total: count }),
  },
  /**
   * One change for every row a filter matches (minus `except`), queued in one transaction: "all filtered" bulk edits
   * without sending 100,000 refs. Rows being sent are skipped and counted, not failed.
   */
  editFiltered: {
    input: z.object({ filter: RosterFilterSchema, except: z.array(RowRefSchema).max(100_000).default([]), change: BulkChangeSchema }).strict(),
    output: BulkEditResultSchema,
  },
  /** Rosters of realms (or selected rows) as a file in one of EXPORT_FORMATS, for a download or the native save dialog. */
  exportRoster: { input: ExportInputSchema, output: ExportFileSchema },
  /** Reads a roster CSV against the realm's cached roster: what it would change, and every row it cannot use. Queues nothing. */
  previewImport: { input: ImportInputSchema, output: ImportPreviewSchema },
  /**
   * Queues what previewImport showed (computed again, in one transaction). A file with bad rows fails with code
   * import_problems unless skipProblems confirms queuing the rest.
   */
  applyImport: { input: ImportInputSchema.extend({ skipProblems: z.boolean().default(false) }).strict(), output: ImportResultSchema },
} as const;

export type RosterApiSpec = typeof rosterApiSpec;
export type RosterApiMethod = keyof RosterApiSpec;
export type ApiInput<M extends RosterApiMethod> = z.input<RosterApiSpec[M]['input']>;
export type ApiOutput<M extends RosterApiMethod> = z.output<RosterApiSpec[M]['output']>;

/** What the renderer's code calls: one async function per method, throwing RosterApiError on failure. */
export type RosterApi = {
  [M in RosterApiMethod]: (input?: ApiInput<M>) => Promise<ApiOutput<M>>;
};

/**
 * What each transport exposes — `window.roster` from the preload, and the browser bridge client: the same
 * methods, answering with envelopes. Failures travel as data because Electron's contextBridge keeps only the
 * message of a thrown Error (its code would be lost); apiOverTransport turns envelopes back into RosterApi.
 */
export type RosterApiTransport = {
  [M in RosterApiMethod]: (input?: ApiInput<M>) => Promise<ApiEnvelope<ApiOutput<M>>>;
};

export const ROSTER_API_METHODS = Object.keys(rosterApiSpec) as RosterApiMethod[];

/** The IPC channel of a method; the browser bridge uses the same name in its URL path. */
export const channelOf = (method: RosterApiMethod): string => `roster:${method}`;

/**
 * An error crossing the boundary. Only the message and a machine-readable code travel; stack traces and
 * causes stay in the main process, where they may hold paths or secrets.
 */
export const ApiErrorSchema = z.object({ code: z.string(), message: z.string() });
export type ApiErrorShape = z.infer<typeof ApiErrorSchema>;

export class RosterApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RosterApiError';
  }
}

/** Parses a method's input; throws RosterApiError('invalid_input') naming the offending field. */
export function parseInput<M extends RosterApiMethod>(method: M, input: unknown): z.output<RosterApiSpec[M]['input']> {
  const result = rosterApiSpec[method].input.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'input';
    throw new RosterApiError('invalid_input', `${method}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data as z.output<RosterApiSpec[M]['input']>;
}

/** What every transport carries back for a call: the value, or an error safe to show. */
export type ApiEnvelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

export const ApiEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);

/** Turns a transport's envelope back into a value or a thrown RosterApiError (used by both renderer clients). */
export function unwrapEnvelope<T>(raw: unknown, method: RosterApiMethod): T {
  const parsed = ApiEnvelopeSchema.safeParse(raw);
  if (!parsed.success) throw new RosterApiError('bad_reply', `${method}: the main process sent a reply the app cannot read`);
  if (!parsed.data.ok) throw new RosterApiError(parsed.data.error.code, parsed.data.error.message);
  return parsed.data.value as T;
}

/** RosterApi over a transport: unwraps each envelope into a value or a thrown RosterApiError. */
export function apiOverTransport(transport: RosterApiTransport): RosterApi {
  const methods = ROSTER_API_METHODS.map((method) => {
    const send = transport[method] as (input?: unknown) => Promise<unknown>;
    return [method, async (input?: unknown) => unwrapEnvelope(await send(input), method)] as const;
  });
  return Object.fromEntries(methods) as RosterApi;
}
