import { expect } from 'vitest';

/**
 * What the user's browser does on the sandbox LMS's authorize page: load it, press Allow or Deny (the page's own form,
 * with the hidden fields it carries), and return where the school sends the browser back (the callback URL).
 */
export async function answerAuthorizePage(authorizeUrl: string, decision: 'allow' | 'deny'): Promise<string> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const reply = await fetch(new URL('/oauth/authorize', authorizeUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ oauth_token: field('oauth_token'), oauth_callback: field('oauth_callback'), decision }).toString(),
    redirect: 'manual',
  });
  expect(reply.status).toBe(302);
  return reply.headers.get('location')!;
}
