import { describe, expect, it } from 'vitest';
import { SYNC_WAIT, UI_WAIT, useE2eHarness } from './harness';
import { seededMember } from './sandbox-people';
import { screens } from './screens';

/**
 * A newcomer's first session (issue 6): no account yet, so the app opens on the Sandbox district; edits made while
 * the LMS cannot be reached wait on this computer and go out by themselves when it is back.
 */
const { openApp, shot } = useE2eHarness(import.meta.url);

describe('a newcomer on the Sandbox district', () => {
  it('edits while the LMS is unreachable, and the edits sync by themselves when it is back', async () => {
    const { page, district } = await openApp({ sandbox: 'auto' });
    const sandbox = district!.sandbox;
    const ui = screens(page);

    await ui.realm('Algebra I · P3').click();
    await ui.search.fill('Howlett');
    await expect.poll(() => ui.names(), UI_WAIT).toEqual(['James Howlett']);
    await shot(page, 'found-howlett');

    // The school's network goes away: every request to the LMS is cut.
    sandbox.setFaults({ drop: 1 });
    await ui.statusOf('James Howlett').selectOption({ label: 'Archived' });
    const member = seededMember(sandbox.store, 'sections/3719526');
    await ui.search.fill(member.name);
    await expect.poll(() => ui.names(), UI_WAIT).toEqual([member.name]);
    await ui.roleOf(member.name).selectOption({ label: 'Admin' });

    await expect.poll(() => ui.offlineBanner.count(), SYNC_WAIT).toBe(1);
    expect(await ui.offlineBanner.innerText()).toContain('Sandbox district');
    await expect.poll(() => ui.pendingButtonWith(2).count(), UI_WAIT).toBe(1);
    await ui.pendingButtonWith(2).click();
    await expect.poll(() => ui.pendingItems.allInnerTexts(), UI_WAIT).toEqual([
      expect.stringContaining("Set James Howlett's status to archived in Algebra I · P3"),
      expect.stringContaining(`Make ${member.name} an admin of Algebra I · P3`),
    ]);
    await shot(page, 'offline-pending');

    // The network is back: the next probe finds the LMS and the queued edits go out without anyone asking.
    sandbox.setFaults(null);
    await expect.poll(() => ui.pendingButtonWith(0).count(), SYNC_WAIT).toBe(1);
    await expect.poll(() => ui.pendingPanel.getByText('Nothing waiting to sync.').count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.offlineBanner.count(), UI_WAIT).toBe(0);
    expect(sandbox.store.getEnrollment('44783136')).toMatchObject({ uid: '48289', status: 5 });
    expect(sandbox.store.getEnrollment(member.enrollmentId)).toMatchObject({ uid: member.uid, admin: 1 });
    await shot(page, 'synced');
  });
});
