import { describe, expect, it } from 'vitest';
import { describeEdit, realmLabel, type SentenceNames } from '../../../shared/pending-sentence';

const P3 = { kind: 'section', title: 'P3', courseTitle: 'Algebra I', provider: 'schoology' as const };
const ROBOTICS = { kind: 'group', title: 'Robotics Club', courseTitle: '', provider: 'schoology' as const };
const names = (person: string | null, realm: SentenceNames['realm'] = P3): SentenceNames => ({ person, realm });
const op = (kind: 'enroll' | 'update' | 'remove' | 'access_code', fields: Record<string, string> = {}) => ({
  kind,
  fields,
  userId: '48289',
  enrollmentId: '44783136',
});

describe('a queued edit in words', () => {
  it('names a section by course and section, a group by its title', () => {
    expect(realmLabel(P3)).toBe('Algebra I · P3');
    expect(realmLabel(ROBOTICS)).toBe('Robotics Club');
    expect(realmLabel({ kind: 'section', title: 'Algebra I P3', courseTitle: 'Algebra I' })).toBe('Algebra I P3');
  });

  it("speaks Schoology's admin/member for roles there, and each Canvas role by name", () => {
    expect(describeEdit(op('update', { role: 'teacher' }), names('James Howlett'))).toBe('Make James Howlett an admin of Algebra I · P3');
    expect(describeEdit(op('update', { role: 'observer' }), names('James Howlett'))).toBe('Make James Howlett a member of Algebra I · P3');
    expect(describeEdit(op('update', { role: 'ta' }), names('James Howlett', { ...P3, provider: 'canvas' }))).toBe('Make James Howlett a TA of Algebra I · P3');
  });

  it('words status changes and both fields at once in the words of the LMS, as its roster shows them', () => {
    expect(describeEdit(op('update', { status: 'completed' }), names('James Howlett'))).toBe("Set James Howlett's status to expired in Algebra I · P3");
    expect(describeEdit(op('update', { status: 'completed' }), names('James Howlett', { ...P3, provider: 'canvas' }))).toBe(
      "Set James Howlett's status to concluded in Algebra I · P3",
    );
    expect(describeEdit(op('update', { status: 'creation_pending' }), names('Chris Jones'))).toBe("Set Chris Jones' status to invite pending in Algebra I · P3");
    expect(describeEdit(op('update', { status: 'inactive' }), names('James Howlett', null))).toBe("Set James Howlett's status to inactive in a realm");
    expect(describeEdit(op('update', { role: 'student', status: 'inactive' }), names('James Howlett'))).toBe(
      'Make James Howlett a member of Algebra I · P3 and set their status to archived',
    );
  });

  it('words removals, enrolls and access-code joins', () => {
    expect(describeEdit(op('remove'), names('Mr. Strickland'))).toBe('Remove Mr. Strickland from Algebra I · P3');
    expect(describeEdit(op('enroll', { role: 'student', status: 'active' }), names('Priya Raman', ROBOTICS))).toBe('Add Priya Raman to Robotics Club as a member');
    expect(describeEdit(op('enroll', { role: 'teacher', status: 'invited' }), names('Priya Raman'))).toBe('Add Priya Raman to Algebra I · P3 as an admin (invite pending)');
    expect(describeEdit({ kind: 'access_code', fields: { accessCode: 'R0B0T-65371', realmKind: 'group' }, userId: null, enrollmentId: null }, names(null, null))).toBe(
      'Join a group with access code R0B0T-65371',
    );
  });

  it('falls back to the user id when the cache does not know the person', () => {
    expect(describeEdit(op('remove'), names(null))).toBe('Remove user 48289 from Algebra I · P3');
  });
});
