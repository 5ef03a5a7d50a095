import { describe, expect, it } from 'vitest';
import { BeginSignInInputSchema } from '../../../shared/api';

describe('BeginSignInInputSchema', () => {
  it('keeps taking the Schoology sign-in as before', () => {
    const schoology = { provider: 'schoology', baseUrl: 'https://api.schoology.com/v1', webUrl: 'https://d.schoology.com', consumerKey: 'k', consumerSecret: 's' };
    expect(BeginSignInInputSchema.parse(schoology)).toEqual(schoology);
  });

  it("takes a Canvas sign-in: the instance and a developer key's client ID and secret", () => {
    const canvas = { provider: 'canvas', baseUrl: 'https://school.instructure.com', clientId: ' 10000000000001 ', clientSecret: 'shh' };
    expect(BeginSignInInputSchema.parse(canvas)).toEqual({ ...canvas, clientId: '10000000000001' });
  });

  it('refuses a client ID that is not a developer key number, saying what one looks like', () => {
    const result = BeginSignInInputSchema.safeParse({ provider: 'canvas', baseUrl: 'https://x', clientId: 'abc', clientSecret: 's' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/developer key's number, e.g. 10000000000001/);
  });

  it("refuses either LMS's fields on the other", () => {
    expect(BeginSignInInputSchema.safeParse({ provider: 'canvas', baseUrl: 'https://x', clientId: '1', clientSecret: 's', webUrl: 'https://y' }).success).toBe(false);
    expect(BeginSignInInputSchema.safeParse({ provider: 'schoology', baseUrl: 'https://x', clientId: '1', clientSecret: 's' }).success).toBe(false);
  });
});
