import { describe, expect, it } from 'vitest';
import type { RealmSummary } from '../../../shared/api';
import { roleLabel, statusLabel } from '../../../shared/domain/roles';
import { statusStep } from '../../../electron/lms/canvas/canvas-push-plan';
import { groupRealms } from '../../../renderer/features/realms/group-realms';
import { heldStatusesFor, rolesFor, statusesFor } from '../../../renderer/features/roster/provider-vocabulary';
import { ROSTER_STATES } from '../../../electron/lms/canvas/canvas-provider';

const realm = (accountId: string, kind: RealmSummary['kind'], title: string, courseTitle: string): RealmSummary => ({
  id: `${accountId}/${kind}s/${title}`,
  accountId,
  key: `${kind}s/${title}`,
  provider: accountId === 'canvas' ? 'canvas' : 'schoology',
  kind,
  remoteId: title,
  title,
  courseTitle,
  courseCode: '',
  courseSisId: '',
  sectionCode: '',
  sectionSchoolCode: '',
  gradingPeriods: [],
  pulledAt: null,
  enrollmentCount: 0,
  pendingCount: 0,
});

describe('the sidebar for a Canvas account', () => {
  it('puts each course first under its own heading, its sections after it in alphabetical order', () => {
    const grouped = groupRealms(
      [
        realm('canvas', 'section', 'Biology P4', 'Biology'),
        realm('canvas', 'section', 'Algebra I P3', 'Algebra I'),
        realm('canvas', 'course', 'Algebra I', 'Algebra I'),
        realm('canvas', 'section', 'Algebra I P1', 'Algebra I'),
        realm('canvas', 'course', 'Biology', 'Biology'),
      ],
      '',
    );
    expect(grouped.map((group) => [group.label, group.realms.map((r) => `${r.kind} ${r.title}`)])).toEqual([
      ['Algebra I', ['course Algebra I', 'section Algebra I P1', 'section Algebra I P3']],
      ['Biology', ['course Biology', 'section Biology P4']],
    ]);
  });

  it('keeps a Schoology and a Canvas course of the same name apart, each heading naming its LMS', () => {
    const grouped = groupRealms([realm('sandbox', 'section', 'P3', 'Algebra I'), realm('canvas', 'course', 'Algebra I', 'Algebra I')], '');
    expect(grouped.map((group) => group.label)).toEqual(['Algebra I · Canvas', 'Algebra I · Schoology']);
    expect(grouped.map((group) => group.realms.map((r) => r.accountId))).toEqual([['canvas'], ['sandbox']]);
  });

  it('names no LMS in the headings while only one is listed', () => {
    expect(groupRealms([realm('canvas', 'course', 'Algebra I', 'Algebra I')], '').map((group) => group.label)).toEqual(['Algebra I']);
  });
});

describe('the Canvas words and choices of the roster', () => {
  it('names the roles as Canvas does and offers all five', () => {
    expect(rolesFor('canvas').map((role) => roleLabel('canvas', role))).toEqual(['Teacher', 'TA', 'Designer', 'Student', 'Observer']);
  });

  it('offers exactly the statuses Canvas can be given, in its own words', () => {
    expect(statusesFor('canvas').map((status) => statusLabel('canvas', status))).toEqual(['Active', 'Invited', 'Inactive', 'Concluded']);
  });

  it('filters a Canvas roster by every state a pull brings, pending creation included', () => {
    expect([...heldStatusesFor('canvas')].sort()).toEqual(ROSTER_STATES.map((state) => state).sort());
    expect(heldStatusesFor('canvas').map((status) => statusLabel('canvas', status))).toContain('Pending creation');
  });

  it('offers no Canvas status that the Canvas provider would refuse', () => {
    for (const status of statusesFor('canvas')) expect(statusStep('active', status).call).not.toBe('refuse');
  });
});
