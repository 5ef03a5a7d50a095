import { describe, expect, it } from 'vitest';
import { SYNC_WAIT, UI_WAIT, useE2eHarness } from './harness';
import { seededSchool } from './page-actions';
import { screens } from './screens';

/**
 * The sync bar: whether each account's LMS answers, when it last synced, "Sync now" with its progress, and the summary
 * of what the run did.
 */
const { openApp, shot } = useE2eHarness(import.meta.url);

describe('the sync bar', () => {
  it('says an account nothing has synced yet was never synced, and why Sync now cannot sync it', async () => {
    const { page } = await openApp({ prepare: seededSchool(0) });
    const ui = screens(page);
    await expect.poll(() => ui.syncBar.innerText(), UI_WAIT).toContain('Never synced');
    expect(await ui.syncBar.innerText()).toContain('Not checked yet');

    await ui.syncNow.click();
    const summary = ui.syncBar.getByRole('status');
    await expect.poll(() => summary.innerText(), SYNC_WAIT).not.toBe('');
    await shot(page, 'cannot-sync');
    expect(await summary.innerText()).toMatch(/edits stay queued|Sign in|keychain/i);
    expect(await ui.syncNow.isEnabled()).toBe(true);
  });

  it('shows the progress of Sync now, then what it sent and when', async () => {
    const { page, district } = await openApp({ sandbox: 'auto' });
    const sandbox = district!.sandbox;
    const ui = screens(page);
    await ui.realm('Algebra I · P3').click();
    await expect.poll(() => ui.row('James Howlett').count(), UI_WAIT).toBe(1);
    await expect.poll(() => ui.syncBar.innerText(), SYNC_WAIT).toContain('Online');

    // A slow LMS keeps the run going long enough to be seen.
    sandbox.setFaults({ latency: 400 });
    await ui.statusOf('James Howlett').selectOption({ label: 'Archived' });
    await ui.syncNow.click();
    const progress = ui.syncBar.getByRole('progressbar', { name: 'Sync progress' });
    await expect.poll(() => progress.count(), SYNC_WAIT).toBe(1);
    expect(await progress.getAttribute('aria-valuetext')).toMatch(/^(Starting sync|Checking the LMS|Sending changes|Refreshing rosters|Finishing)/);
    await shot(page, 'syncing');

    const summary = ui.syncBar.getByRole('status');
    await expect.poll(() => summary.innerText(), SYNC_WAIT).toMatch(/^Synced: \d+ applied, 0 rejected, 0 conflicts/);
    await expect.poll(() => ui.pendingButtonWith(0).count(), SYNC_WAIT).toBe(1);
    expect(await ui.syncBar.innerText()).toMatch(/Last synced (at|on) /);
    expect(sandbox.store.getEnrollment('44783136')).toMatchObject({ status: 5 });
    await shot(page, 'synced');
  });
});
