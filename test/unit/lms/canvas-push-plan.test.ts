import { describe, expect, it } from 'vitest';
import { createPlan, roleStep, statusStep } from '../../../electron/lms/canvas/canvas-push-plan';
import { sisStatus } from '../../../electron/lms/canvas/canvas-sis-rows';

/** Which Canvas calls each unified edit becomes (lms-api-notes §2.1). */
describe('statusStep: changing the state of an existing enrollment', () => {
  it('does nothing when the enrollment already has the state', () => {
    expect(statusStep('completed', 'completed')).toEqual({ call: 'none' });
  });

  it('reactivates an inactive enrollment to make it active', () => {
    expect(statusStep('inactive', 'active')).toEqual({ call: 'reactivate' });
  });

  it('enrolls again with state active from any other state (reactivate only takes inactive ones)', () => {
    expect(statusStep('invited', 'active')).toEqual({ call: 'enroll', state: 'active' });
    expect(statusStep('completed', 'active')).toEqual({ call: 'enroll', state: 'active' });
  });

  it('enrolls again with state invited to invite', () => {
    expect(statusStep('active', 'invited')).toEqual({ call: 'enroll', state: 'invited' });
  });

  it('inactivates, concludes or deletes through DELETE with the task', () => {
    expect(statusStep('active', 'inactive')).toEqual({ call: 'delete', task: 'inactivate' });
    expect(statusStep('active', 'completed')).toEqual({ call: 'delete', task: 'conclude' });
    expect(statusStep('inactive', 'deleted')).toEqual({ call: 'delete', task: 'delete' });
  });

  it('refuses the states only Canvas or the invited person can set, and the one Canvas lacks', () => {
    expect(statusStep('active', 'creation_pending')).toMatchObject({ call: 'refuse', reason: expect.stringMatching(/sets "pending creation" itself/) });
    expect(statusStep('invited', 'rejected')).toMatchObject({ call: 'refuse', reason: expect.stringMatching(/only the invited person/) });
    expect(statusStep('active', 'requested')).toMatchObject({ call: 'refuse', reason: expect.stringMatching(/no request-pending state/) });
  });
});

describe('createPlan: creating an enrollment', () => {
  it('creates active, invited and inactive enrollments directly', () => {
    expect(createPlan('active')).toEqual({ call: 'enroll', state: 'active', then: { call: 'none' } });
    expect(createPlan('invited')).toEqual({ call: 'enroll', state: 'invited', then: { call: 'none' } });
    expect(createPlan('inactive')).toEqual({ call: 'enroll', state: 'inactive', then: { call: 'none' } });
  });

  it('creates a completed enrollment as an active one concluded after', () => {
    expect(createPlan('completed')).toEqual({ call: 'enroll', state: 'active', then: { call: 'delete', task: 'conclude' } });
  });

  it('refuses to create a deleted enrollment, naming the fix', () => {
    expect(createPlan('deleted')).toMatchObject({ call: 'refuse', reason: expect.stringMatching(/remove the person instead/) });
  });
});

describe('roleStep: changing the role', () => {
  it('does nothing when the type already matches', () => {
    expect(roleStep('TaEnrollment', 'ta')).toEqual({ call: 'none' });
  });

  it('replaces the enrollment with one of the new type', () => {
    expect(roleStep('StudentEnrollment', 'observer')).toEqual({ call: 'replace', type: 'ObserverEnrollment' });
    expect(roleStep('TeacherEnrollment', 'designer')).toEqual({ call: 'replace', type: 'DesignerEnrollment' });
  });

  it("refuses to change Canvas's test student", () => {
    expect(roleStep('StudentViewEnrollment', 'teacher')).toMatchObject({ call: 'refuse' });
  });
});

describe('sisStatus: the status column of a SIS import row', () => {
  it('writes the four states a SIS import knows as they are', () => {
    expect(['active', 'inactive', 'completed', 'deleted'].map((s) => sisStatus(s as 'active'))).toEqual(['active', 'inactive', 'completed', 'deleted']);
  });

  it('refuses invitations instead of turning them into active enrollments', () => {
    expect(sisStatus('invited')).toEqual({ refuse: expect.stringMatching(/cannot invite/) });
    expect(sisStatus('creation_pending')).toEqual({ refuse: expect.stringMatching(/cannot invite/) });
  });
});
