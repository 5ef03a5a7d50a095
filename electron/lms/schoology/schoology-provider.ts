/**
 * Schoology as an LmsProvider: realms are the user's sections and groups, a pull is the paged roster, and each
 * push batch becomes exactly one request whose per-item rows are mapped back to the ops that made them.
 *
 * Creates always travel as upserts (POST enrollments?update_existing=1): the outbox may send a create again after a
 * lost reply, and an upsert is the only create Schoology cannot turn into a second enrollment for the same person.
 */
import {
  enrollmentFromSchoology,
  realmKey,
  roleToSchoology,
  schoologyWriteFields,
  statusToSchoology,
  type Enrollment,
  type SchoologyGroup,
  type SchoologySection,
} from '../../../shared/domain';
import { LmsError } from '../lms-error';
import type { LmsCapabilities, LmsIdentity, LmsProvider, PushBatch, PushResult, RemoteRealm } from '../provider';
import { parseEnrollmentUrl, SCHOOLOGY_MAX_BATCH, type BulkItemResult } from './bulk-results';
import type { SchoologyClient } from './schoology-client';

function sectionRealm(section: SchoologySection): RemoteRealm {
  const courseTitle = section.course_title ?? '';
  return {
    key: realmKey('section', section.id),
    provider: 'schoology',
    kind: 'section',
    remoteId: section.id,
    title: courseTitle && section.section_title ? `${courseTitle} · ${section.section_title}` : courseTitle || section.section_title,
    courseTitle,
    courseCode: section.course_code ?? '',
    // Schoology has no SIS id for a course: its imports name courses by course code (lms-api-notes §1.6).
    courseSisId: '',
    sectionCode: section.section_code ?? '',
    sectionSchoolCode: section.section_school_code ?? '',
    gradingPeriods: section.grading_periods,
    ...(section.access_code ? { accessCode: section.access_code } : {}),
  };
}

function groupRealm(group: SchoologyGroup): RemoteRealm {
  return {
    key: realmKey('group', group.id),
    provider: 'schoology',
    kind: 'group',
    remoteId: group.id,
    title: group.title,
    courseTitle: '',
    courseCode: '',
    courseSisId: '',
    sectionCode: '',
    sectionSchoolCode: '',
    gradingPeriods: [],
    ...(group.access_code ? { accessCode: group.access_code } : {}),
  };
}

function withOpId(opId: string, result: BulkItemResult): PushResult {
  switch (result.outcome) {
    case 'applied':
      return {
        opId,
        outcome: 'applied',
        ...(result.id ? { enrollmentId: result.id } : {}),
        ...(result.realmKey ? { realmKey: result.realmKey } : {}),
      };
    case 'rejected':
      return { opId, outcome: 'rejected', code: result.code, reason: result.reason };
    case 'not-found':
      return { opId, outcome: 'not-found', reason: result.reason };
  }
}

export class SchoologyProvider implements LmsProvider {
  readonly provider = 'schoology' as const;
  readonly capabilities: LmsCapabilities = { maxBatch: SCHOOLOGY_MAX_BATCH, upsert: true, multiRealmBatches: true };

  constructor(private readonly client: SchoologyClient) {}

  async whoAmI(signal?: AbortSignal): Promise<LmsIdentity> {
    const user = await this.client.me(signal);
    const name = user.name_display || [user.name_first, user.name_last].filter(Boolean).join(' ') || user.username || user.id;
    return { userId: user.id, name, schoolUid: user.school_uid ?? '' };
  }

  async listRealms(signal?: AbortSignal): Promise<RemoteRealm[]> {
    const { id: uid } = await this.client.me(signal);
    const sections = await this.client.listUserSections(uid, signal);
    const groups = await this.client.listUserGroups(uid, signal);
    return [...sections.map(sectionRealm), ...groups.map(groupRealm)];
  }

  async *pullRealm(key: string, signal?: AbortSignal): AsyncIterable<Enrollment[]> {
    for await (const page of this.client.listEnrollments(key, {}, signal)) {
      yield page.enrollments.map((record) => enrollmentFromSchoology(record, key));
    }
  }

  async pushBatch(batch: PushBatch, signal?: AbortSignal): Promise<PushResult[]> {
    if (batch.items.length > this.capabilities.maxBatch) {
      throw new Error(
        `a Schoology push batch holds at most ${this.capabilities.maxBatch} items, got ${batch.items.length} ` +
          `(${batch.kind}); the planner must split it`,
      );
    }
    if (batch.items.length === 0) return [];
    switch (batch.kind) {
      case 'upsert': {
        const results = await this.client.upsertEnrollments(
          batch.items.map((item) => ({
            realmKey: item.realmKey,
            uid: item.userId,
            admin: roleToSchoology(item.fields.role),
            status: statusToSchoology(item.fields.status),
          })),
          signal,
        );
        return results.map((result, i) => withOpId(batch.items[i]?.opId ?? '', result));
      }
      case 'update': {
        const stray = batch.items.find((item) => item.realmKey !== batch.realmKey);
        if (stray) {
          throw new Error(
            `update batch for ${batch.realmKey} holds op ${stray.opId} for ${stray.realmKey}; Schoology's bulk PUT is per realm`,
          );
        }
        const results = await this.client.updateEnrollments(
          batch.realmKey,
          batch.items.map((item) => ({ id: item.enrollmentId, ...schoologyWriteFields(item.fields) })),
          signal,
        );
        return results.map((result, i) => withOpId(batch.items[i]?.opId ?? '', result));
      }
      case 'remove': {
        const results = await this.client.deleteEnrollments(
          batch.items.map((item) => item.enrollmentId),
          signal,
        );
        return results.map((result, i) => withOpId(batch.items[i]?.opId ?? '', result));
      }
      case 'accesscode':
        return [await this.joinWithAccessCode(batch.items[0], signal)];
    }
  }

  /**
   * The access-code batch is one item, so a 4xx for the request is that item's answer (a wrong or expired code), not
   * a failure of the batch. 401 still throws: it is about the credentials, and every op must wait for a new sign-in.
   */
  private async joinWithAccessCode(
    item: Extract<PushBatch, { kind: 'accesscode' }>['items'][0],
    signal: AbortSignal | undefined,
  ): Promise<PushResult> {
    try {
      const record = await this.client.joinWithAccessCode(item.realmKind, item.accessCode, signal);
      const { realmKey: joined } = parseEnrollmentUrl(record.links?.self);
      return { opId: item.opId, outcome: 'applied', enrollmentId: record.id, ...(joined ? { realmKey: joined } : {}) };
    } catch (error) {
      if (!(error instanceof LmsError)) throw error;
      const reason = error.message.startsWith(`${error.endpoint}: `) ? error.message.slice(error.endpoint.length + 2) : error.message;
      // A 404 here means the code names no section or group: the op was refused, there is nothing "already done".
      if ((error.kind === 'rejected' || error.kind === 'forbidden' || error.kind === 'not-found') && error.status !== undefined) {
        return { opId: item.opId, outcome: 'rejected', code: error.status, reason };
      }
      throw error;
    }
  }
}
