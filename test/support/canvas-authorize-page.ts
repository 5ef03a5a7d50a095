import { expect } from 'vitest';

/**
 * What the user's browser does on the Canvas sandbox's authorize page (GET /login/oauth2/auth): load it, press
 * Authorize or Cancel (the page's own form, with the hidden fields it carries), and return where Canvas sends the
 * browser back (the redirect_uri with ?code&state or ?error=access_denied&state).
 */
export async function answerCanvasAuthorizePage(authorizeUrl: string, decision: 'authorize' | 'cancel'): Promise<string> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1]!, match[2]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  }
  form.set('decision', decision);
  const reply = await fetch(new URL('/login/oauth2/auth', authorizeUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  expect(reply.status).toBe(302);
  return reply.headers.get('location')!;
}
