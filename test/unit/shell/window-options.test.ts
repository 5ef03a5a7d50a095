import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  createWindowOptions,
  externalLinkTarget,
  isAllowedNavigation,
  isAppUrl,
  isTrustedSenderFrame,
  resolveAppUrl,
} from '../../../electron/window-options';

const INDEX = '/opt/Roster Desk/resources/app.asar/out/renderer/index.html';
const FILE_APP = pathToFileURL(INDEX).href;
const DEV_APP = 'http://localhost:5173/';

describe('createWindowOptions', () => {
  const prefs = createWindowOptions('/app/out/preload/preload.cjs').webPreferences ?? {};

  it('isolates and sandboxes the renderer', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and the risky extras off', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
  });

  it('uses the given preload and starts hidden until ready', () => {
    expect(prefs.preload).toBe('/app/out/preload/preload.cjs');
    expect(createWindowOptions('x').show).toBe(false);
  });
});

describe('resolveAppUrl', () => {
  it('loads the built index.html by default', () => {
    expect(resolveAppUrl({ rendererIndexPath: INDEX, packaged: false })).toBe(FILE_APP);
  });

  it('uses the dev server only in an unpackaged app', () => {
    expect(resolveAppUrl({ rendererIndexPath: INDEX, devServerUrl: 'http://localhost:5173', packaged: false })).toBe(DEV_APP);
    expect(resolveAppUrl({ rendererIndexPath: INDEX, devServerUrl: 'http://localhost:5173', packaged: true })).toBe(FILE_APP);
  });

  it('ignores a dev server URL that is not http(s)', () => {
    expect(resolveAppUrl({ rendererIndexPath: INDEX, devServerUrl: 'file:///etc/passwd', packaged: false })).toBe(FILE_APP);
    expect(resolveAppUrl({ rendererIndexPath: INDEX, devServerUrl: 'not a url', packaged: false })).toBe(FILE_APP);
  });
});

describe('navigation rules (built app)', () => {
  it('allows the app page itself, with any hash or query', () => {
    expect(isAllowedNavigation(FILE_APP, FILE_APP)).toBe(true);
    expect(isAllowedNavigation(`${FILE_APP}#/realms/1`, FILE_APP)).toBe(true);
    expect(isAllowedNavigation(`${FILE_APP}?tab=pending`, FILE_APP)).toBe(true);
  });

  it('treats differently encoded spellings of the same path alike', () => {
    expect(isAppUrl('file:///opt/Roster%20Desk/resources/app.asar/out/renderer/index.html', FILE_APP)).toBe(true);
  });

  it('refuses other local files and remote sites', () => {
    expect(isAllowedNavigation('file:///etc/passwd', FILE_APP)).toBe(false);
    expect(isAllowedNavigation(pathToFileURL('/opt/Roster Desk/resources/app.asar/out/renderer/other.html').href, FILE_APP)).toBe(false);
    expect(isAllowedNavigation('https://evil.example/', FILE_APP)).toBe(false);
    expect(isAllowedNavigation('file://server/opt/Roster%20Desk/resources/app.asar/out/renderer/index.html', FILE_APP)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', FILE_APP)).toBe(false);
    expect(isAllowedNavigation('', FILE_APP)).toBe(false);
  });

  it('compares Windows paths case-insensitively', () => {
    const windowsApp = 'file:///C:/Program%20Files/Roster%20Desk/resources/app.asar/out/renderer/index.html';
    expect(isAppUrl('file:///c:/program%20files/Roster%20Desk/resources/app.asar/out/renderer/index.html', windowsApp)).toBe(true);
  });
});

describe('navigation rules (dev server)', () => {
  it('allows the dev server origin only', () => {
    expect(isAllowedNavigation('http://localhost:5173/', DEV_APP)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5173/index.html?x=1', DEV_APP)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', DEV_APP)).toBe(false);
    expect(isAllowedNavigation('https://localhost:5173/', DEV_APP)).toBe(false);
    expect(isAllowedNavigation('http://localhost.evil.example:5173/', DEV_APP)).toBe(false);
    expect(isAllowedNavigation(FILE_APP, DEV_APP)).toBe(false);
  });
});

describe('isTrustedSenderFrame', () => {
  it('trusts the top-level app frame', () => {
    expect(isTrustedSenderFrame({ url: FILE_APP, parent: null }, FILE_APP)).toBe(true);
  });

  it('refuses a gone frame, a subframe, or a foreign page', () => {
    expect(isTrustedSenderFrame(null, FILE_APP)).toBe(false);
    expect(isTrustedSenderFrame({ url: FILE_APP, parent: { url: FILE_APP } }, FILE_APP)).toBe(false);
    expect(isTrustedSenderFrame({ url: 'https://evil.example/', parent: null }, FILE_APP)).toBe(false);
  });
});

describe('externalLinkTarget', () => {
  it('passes http and https links on', () => {
    expect(externalLinkTarget('https://district.schoology.com/course/1')).toBe('https://district.schoology.com/course/1');
    expect(externalLinkTarget('http://example.org')).toBe('http://example.org/');
  });

  it('drops every other scheme and credential-carrying links', () => {
    for (const url of ['file:///etc/passwd', 'smb://server/share', 'javascript:alert(1)', 'ms-settings:', 'mailto:a@b.c', 'nonsense']) {
      expect(externalLinkTarget(url)).toBeNull();
    }
    expect(externalLinkTarget('https://user:secret@example.org/')).toBeNull();
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('is the same policy as the meta tag in renderer/index.html', () => {
    const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });

  it('forbids eval and inline script', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });
});
