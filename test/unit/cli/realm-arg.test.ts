import { describe, expect, it } from 'vitest';
import { parseRealmArg, realmForms } from '../../../electron/cli/realm-arg';
import { UsageError } from '../../../electron/cli/usage-error';

/** REALM arguments: each LMS's own realm kinds, as `roster realms` lists them, and a clear word for anything else. */
const schoology = { id: 'api.schoology.com-45552', provider: 'schoology' } as const;
const canvas = { id: 'school.instructure.com-17', provider: 'canvas' } as const;

function refusal(text: string, account: { id: string; provider: 'schoology' | 'canvas' }): Error {
  try {
    parseRealmArg(text, account);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('a REALM of a Schoology account', () => {
  it.each(['sections/3719526', 'groups/65371'])('takes %s', (text) => {
    expect(parseRealmArg(text, schoology)).toBe(text);
  });

  it('takes the account-qualified id the app shows, and slashes around the path', () => {
    expect(parseRealmArg(`${schoology.id}/sections/1`, schoology)).toBe('sections/1');
    expect(parseRealmArg(' /groups/2/ ', schoology)).toBe('groups/2');
  });

  it('refuses a Canvas course, naming the account, its provider and the forms it takes', () => {
    const error = refusal('courses/101', schoology);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(
      `"courses/101" is not a realm of ${schoology.id}, a Schoology account; write sections/ID or groups/ID (as \`roster realms\` lists them)`,
    );
  });
});

describe('a REALM of a Canvas account', () => {
  it.each(['courses/101', 'sections/2001'])('takes %s', (text) => {
    expect(parseRealmArg(text, canvas)).toBe(text);
  });

  it('takes the account-qualified id the app shows', () => {
    expect(parseRealmArg(`${canvas.id}/courses/101`, canvas)).toBe('courses/101');
  });

  it('refuses a Schoology group, naming the account, its provider and the forms it takes', () => {
    const error = refusal('groups/65371', canvas);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(
      `"groups/65371" is not a realm of ${canvas.id}, a Canvas account; write courses/ID or sections/ID (as \`roster realms\` lists them)`,
    );
  });

  it('does not strip another account\'s name: that realm is not this account\'s', () => {
    expect(() => parseRealmArg(`${schoology.id}/sections/1`, canvas)).toThrow(UsageError);
  });
});

describe('what is not a realm at all', () => {
  it.each(['sections/abc', 'courses', 'terms/5', '101', ''])('refuses "%s" with the forms the account takes', (text) => {
    expect(refusal(text, canvas).message).toBe(`"${text}" is not a realm; write courses/ID or sections/ID (as \`roster realms\` lists them)`);
    expect(refusal(text, schoology).message).toBe(`"${text}" is not a realm; write sections/ID or groups/ID (as \`roster realms\` lists them)`);
  });

  it('words the forms per provider for usage texts', () => {
    expect(realmForms('schoology')).toBe('sections/ID or groups/ID');
    expect(realmForms('canvas')).toBe('courses/ID or sections/ID');
  });
});
