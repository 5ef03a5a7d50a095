/**
 * The sandbox's web side: the page where the school's user approves an app (step 2 of three-legged OAuth).
 * GET /oauth/authorize?oauth_token=T&oauth_callback=URL (some clients send return_url= instead) shows
 * "Allow APP to access Sandbox district as NAME?" with Allow and Deny; the form posts back here, and the browser is
 * sent to the callback with ?oauth_token=T&oauth_verifier=V (Allow) or ?denied=T (Deny). There is no sign-in: the
 * sandbox's user is always the key owner.
 */
import type { SandboxOAuth } from './sandbox-oauth';
import { escapeHtml, pageHtml, problemPage, type PageLook, type WebReply } from './sandbox-web-page';

export type { WebReply } from './sandbox-web-page';

export const SANDBOX_APP_NAME = 'Roster Desk';
export const SANDBOX_DISTRICT_NAME = 'Sandbox district';

/** Schoology's blues (the sandbox district's approve page). */
const LOOK: PageLook = {
  site: SANDBOX_DISTRICT_NAME,
  background: '#f4f6f8',
  ink: '#1b1f23',
  border: '#57606a',
  primaryValue: 'allow',
  primary: '#0b5cad',
};

const page = (title: string, body: string): string => pageHtml(LOOK, title, body);
const problem = (message: string): WebReply => problemPage(LOOK, message);

/** An http(s) URL to send the browser back to, or "" when none was given; undefined when it is not one. */
function callbackUrl(value: string): string | undefined {
  if (!value || value === 'oob') return '';
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function withParams(callback: string, params: Record<string, string>): string {
  const url = new URL(callback);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

export function authorizePage(oauth: SandboxOAuth, userName: string, method: string, params: URLSearchParams): WebReply {
  const token = params.get('oauth_token') ?? '';
  if (!token) return problem('The link has no oauth_token. Start signing in again from the app.');
  const pending = oauth.pendingRequestToken(token);
  if ('problem' in pending) return problem(pending.problem);
  const callback = callbackUrl(params.get('oauth_callback') || params.get('return_url') || pending.callback);
  if (callback === undefined) return problem('The callback address is not an http(s) URL.');

  if (method === 'GET') {
    const question = `Allow ${SANDBOX_APP_NAME} to access ${SANDBOX_DISTRICT_NAME} as ${userName}?`;
    return {
      status: 200,
      html: page(
        'Authorize app',
        `<h1 id="question">${escapeHtml(question)}</h1>
<p>${escapeHtml(SANDBOX_APP_NAME)} will be able to read and change enrollments in your sections and groups.</p>
<form method="post" action="/oauth/authorize" aria-labelledby="question">
<input type="hidden" name="oauth_token" value="${escapeHtml(token)}">
<input type="hidden" name="oauth_callback" value="${escapeHtml(callback)}">
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`,
      ),
    };
  }

  const decision = params.get('decision');
  if (decision === 'deny') {
    oauth.deny(token);
    if (callback) return { status: 302, location: withParams(callback, { denied: token }) };
    return { status: 200, html: page('Access denied', `<h1>Access denied</h1>\n<p>${escapeHtml(SANDBOX_APP_NAME)} was not given access. You can close this page.</p>`) };
  }
  if (decision !== 'allow') return problem('Choose Allow or Deny.');
  const verifier = oauth.approve(token, oauth.consumer.ownerUid);
  if (callback) return { status: 302, location: withParams(callback, { oauth_token: token, oauth_verifier: verifier }) };
  return {
    status: 200,
    html: page('Access allowed', `<h1>Access allowed</h1>\n<p>Enter this code in ${escapeHtml(SANDBOX_APP_NAME)}:</p>\n<p><code>${escapeHtml(verifier)}</code></p>`),
  };
}
