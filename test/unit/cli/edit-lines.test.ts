import { describe, expect, it } from 'vitest';
import { checkForProvider, EditLineError, parseEditLine, toEdit } from '../../../electron/cli/edit-lines';

/** The JSON line `roster apply` reads (and `enroll`/`update`/`remove` build): what passes, and the words for what does not. */
describe('an edit line', () => {
  it('takes the three documented shapes, with Schoology defaults for an enroll', () => {
    expect(parseEditLine({ op: 'enroll', realm: 'sections/1', uid: '5', admin: 0, status: 1 })).toEqual({ op: 'enroll', realm: 'sections/1', uid: '5', admin: 0, status: 1 });
    expect(parseEditLine({ op: 'enroll', realm: 'groups/7', uid: 5 })).toEqual({ op: 'enroll', realm: 'groups/7', uid: '5', admin: 0, status: 1 });
    expect(parseEditLine({ op: 'update', realm: 'sections/1', id: '9', status: 2 })).toEqual({ op: 'update', realm: 'sections/1', id: '9', status: 2 });
    expect(parseEditLine({ op: 'remove', realm: 'sections/1', id: 9 })).toEqual({ op: 'remove', realm: 'sections/1', id: '9' });
  });

  it.each([
    ['not an object', [1], 'expected a JSON object'],
    ['an unknown op', { op: 'rename', realm: 'sections/1' }, 'op must be "enroll", "update" or "remove", got "rename"'],
    ['no op', { realm: 'sections/1' }, 'op must be "enroll", "update" or "remove", got none'],
    ['a missing uid', { op: 'enroll', realm: 'sections/1' }, 'uid is missing (op "enroll" needs realm and uid)'],
    ['a missing id', { op: 'remove', realm: 'sections/1' }, 'id is missing'],
    ['a realm that is not one', { op: 'remove', realm: 'terms/1', id: '1' }, 'realm must be sections/ID, groups/ID or courses/ID'],
    ['a status out of range', { op: 'update', realm: 'sections/1', id: '1', status: 7 }, 'status must be 1 to 5'],
    ['an admin flag that is not 0 or 1', { op: 'enroll', realm: 'sections/1', uid: '5', admin: true }, 'admin must be 0 (member) or 1 (admin)'],
    ['an id that is not digits', { op: 'remove', realm: 'sections/1', id: 'abc' }, 'id must be an enrollment id of the LMS (digits)'],
    ['a uid that is not digits', { op: 'enroll', realm: 'courses/1', uid: 'u5' }, 'uid must be a user id of the LMS (digits)'],
    ['an update that changes nothing', { op: 'update', realm: 'sections/1', id: '1' }, 'an update needs status, admin or role'],
    ['a role there is none of', { op: 'update', realm: 'courses/1', id: '1', role: 'principal' }, 'role must be teacher|ta|designer|student|observer'],
    ['both role and admin', { op: 'enroll', realm: 'courses/1', uid: '5', admin: 1, role: 'ta' }, 'give role or admin, not both'],
    ['an unknown field', { op: 'remove', realm: 'sections/1', id: '1', stauts: 2 }, 'unknown field "stauts" for op "remove"'],
  ])('refuses %s, saying what is wrong', (_, value, message) => {
    expect(() => parseEditLine(value)).toThrow(EditLineError);
    expect(() => parseEditLine(value)).toThrow(message);
  });

  it('takes a role in place of admin, for Canvas\'s other roles', () => {
    expect(parseEditLine({ op: 'enroll', realm: 'courses/101', uid: '7', role: 'ta' })).toEqual({ op: 'enroll', realm: 'courses/101', uid: '7', role: 'ta', status: 1 });
    expect(parseEditLine({ op: 'update', realm: 'sections/201', id: '9', role: 'observer', status: 5 })).toEqual({
      op: 'update',
      realm: 'sections/201',
      id: '9',
      role: 'observer',
      status: 5,
    });
    expect(toEdit('acct', { op: 'enroll', realm: 'courses/101', uid: '7', role: 'designer', status: 2 })).toEqual({
      kind: 'enroll',
      realmId: 'acct/courses/101',
      userId: '7',
      fields: { role: 'designer', status: 'completed' },
    });
    expect(toEdit('acct', { op: 'update', realm: 'courses/101', id: '9', role: 'ta' })).toEqual({ kind: 'update', realmId: 'acct/courses/101', enrollmentId: '9', fields: { role: 'ta' } });
  });

  it('refuses, for the account\'s LMS, a role or status it cannot hold', () => {
    expect(() => checkForProvider({ op: 'enroll', realm: 'sections/1', uid: '5', role: 'ta', status: 1 }, 'schoology')).toThrow(
      'role "ta" is for Canvas accounts; a Schoology account takes role teacher or student (or admin 1 or 0)',
    );
    expect(() => checkForProvider({ op: 'update', realm: 'sections/201', id: '9', status: 4 }, 'canvas')).toThrow('status 4 (request pending) has no Canvas counterpart');
    expect(() => checkForProvider({ op: 'enroll', realm: 'sections/1', uid: '5', role: 'teacher', status: 4 }, 'schoology')).not.toThrow();
    expect(() => checkForProvider({ op: 'update', realm: 'courses/1', id: '9', role: 'observer', status: 5 }, 'canvas')).not.toThrow();
  });

  it('becomes the outbox edit in unified values, for the account\'s realm', () => {
    expect(toEdit('acct', { op: 'enroll', realm: 'sections/1', uid: '5', admin: 1, status: 3 })).toEqual({
      kind: 'enroll',
      realmId: 'acct/sections/1',
      userId: '5',
      fields: { role: 'teacher', status: 'invited' },
    });
    expect(toEdit('acct', { op: 'update', realm: 'groups/2', id: '9', status: 5 })).toEqual({
      kind: 'update',
      realmId: 'acct/groups/2',
      enrollmentId: '9',
      fields: { status: 'inactive' },
    });
    expect(toEdit('acct', { op: 'remove', realm: 'groups/2', id: '9' })).toEqual({ kind: 'remove', realmId: 'acct/groups/2', enrollmentId: '9' });
  });
});
