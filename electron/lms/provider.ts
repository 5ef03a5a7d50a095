/**
 * The one interface the sync engine and the services use to talk to any LMS. Schoology implements it now, Canvas
 * later; nothing above this line knows which LMS it is talking to beyond `capabilities`.
 *
 * A provider does not plan: the sync engine's planner decides which ops travel together, and hands the provider one
 * batch per request. The provider turns the batch into exactly one HTTP request (after transport retries) and maps
 * the per-item results back to the ops, in input order.
 */
import type { Enrollment, EnrollmentFields, Provider, Realm } from '../../shared/domain';

export interface LmsCapabilities {
  /** Most items one bulk request may carry (Schoology: 50). */
  maxBatch: number;
  /** Creates can be sent as upserts, so a retried create can never make a second enrollment. */
  upsert: boolean;
  /** Upserts and removes may mix realms in one request. */
  multiRealmBatches: boolean;
}

/** A realm as the LMS describes it, before the cache files it under an account. */
export type RemoteRealm = Omit<Realm, 'accountId' | 'pulledAt'> & {
  /**
   * The realm's access code when the LMS shows it to this user. Not cached (anyone holding it can join); the sync
   * engine uses it to tell whether a join that may have reached the server before a crash went through.
   */
  accessCode?: string;
};

/** Who the credentials belong to, for "signed in as NAME at HOST". */
export interface LmsIdentity {
  userId: string;
  name: string;
  schoolUid: string;
}

/** One item of a batch. `opId` is the outbox op it came from; results carry it back. */
export type PushItem =
  /** Create the enrollment of `userId` in the realm, or set these fields on it if it exists. */
  | {
      kind: 'upsert';
      opId: string;
      realmKey: string;
      userId: string;
      fields: EnrollmentFields;
      /**
       * The person's enrollment here as the pre-push check just read it, when there is one. Schoology keys an
       * enrollment by person and realm and has no use for it; Canvas keys it by person, section and type, so an
       * upsert through a course realm, or the retry of a role change cut off between its steps, must settle this very
       * enrollment rather than find one by person.
       */
      enrollmentId?: string;
    }
  /** Change fields of a known enrollment; only the fields present are sent. */
  | { kind: 'update'; opId: string; realmKey: string; enrollmentId: string; fields: Partial<EnrollmentFields> }
  | { kind: 'remove'; opId: string; realmKey: string; enrollmentId: string }
  /** Join a section or group with its access code, as the signed-in user. */
  | { kind: 'accesscode'; opId: string; realmKind: 'section' | 'group'; accessCode: string };

/** A batch: items of one kind, at most `capabilities.maxBatch`; updates by id share one realm. */
export type PushBatch =
  | { kind: 'upsert'; items: Array<Extract<PushItem, { kind: 'upsert' }>> }
  | { kind: 'update'; realmKey: string; items: Array<Extract<PushItem, { kind: 'update' }>> }
  | { kind: 'remove'; items: Array<Extract<PushItem, { kind: 'remove' }>> }
  | { kind: 'accesscode'; items: [Extract<PushItem, { kind: 'accesscode' }>] };

export type PushResult =
  /** The LMS applied it. `enrollmentId` when the LMS said which enrollment (creates, upserts, access codes). */
  | { opId: string; outcome: 'applied'; enrollmentId?: string; realmKey?: string }
  /** The LMS refused this item (a 4xx row); `reason` is its words. The rest of the batch is unaffected. */
  | { opId: string; outcome: 'rejected'; code: number; reason: string }
  /** The enrollment does not exist (a 404 row). For a remove this means done. */
  | { opId: string; outcome: 'not-found'; reason: string };

export interface LmsProvider {
  readonly provider: Provider;
  readonly capabilities: LmsCapabilities;
  whoAmI(signal?: AbortSignal): Promise<LmsIdentity>;
  /** Every realm the signed-in user can see (Schoology: their sections and groups). */
  listRealms(signal?: AbortSignal): Promise<RemoteRealm[]>;
  /** The whole roster of one realm, one server page at a time (Schoology: limit=200, following links.next). */
  pullRealm(realmKey: string, signal?: AbortSignal): AsyncIterable<Enrollment[]>;
  /**
   * Sends one batch as one request and returns one result per item in input order. Throws LmsError when the request
   * as a whole failed (after the transport's retries): then no result is known and the caller keeps every op.
   */
  pushBatch(batch: PushBatch, signal?: AbortSignal): Promise<PushResult[]>;
}
