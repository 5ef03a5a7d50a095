/**
 * The HTML shell both sandbox LMSs' authorize pages are drawn in (Schoology's three-legged approve page, Canvas's
 * OAuth2 one): escaping, a small centred card, a primary button, a visible focus ring, and the page for a request the
 * sandbox cannot act on. Each LMS brings its own look, so a test (or a person) can tell which sandbox it is on.
 */

/** What a sandbox's web side answers: a page, or a redirect. */
export interface WebReply {
  status: number;
  html?: string;
  location?: string;
}

export interface PageLook {
  /** Shown after the page's title: "Sandbox district", "Canvas sandbox". */
  site: string;
  background: string;
  ink: string;
  border: string;
  /** The value of the button that says yes (`<button name="decision" value="…">`), drawn as the primary one. */
  primaryValue: string;
  primary: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function pageHtml(look: PageLook, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(look.site)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: ${look.background}; color: ${look.ink}; }
  main { max-width: 28rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
  h1 { font-size: 1.3rem; margin-top: 0; }
  .actions { display: flex; gap: 1rem; margin-top: 1.5rem; }
  button { font: inherit; padding: .5rem 1.5rem; border-radius: 4px; border: 1px solid ${look.border}; background: #fff; cursor: pointer; }
  button[value="${look.primaryValue}"] { background: ${look.primary}; border-color: ${look.primary}; color: #fff; }
  button:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
  code { font-size: 1.2rem; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A 400 page saying why the request cannot be authorized. */
export function problemPage(look: PageLook, message: string): WebReply {
  return { status: 400, html: pageHtml(look, 'Cannot authorize', `<h1>Cannot authorize this app</h1>\n<p role="alert">${escapeHtml(message)}</p>`) };
}
