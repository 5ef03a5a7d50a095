/**
 * axe-core's WCAG 2 A/AA rules run inside the page, and what they find said in words a failing test can print.
 *
 * The renderer's CSP (script-src 'self') refuses an inline <script>, and the refusal would itself be a console error;
 * page.evaluate runs through the DevTools protocol, which the CSP does not govern, so axe's source goes in that way.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING: readonly ImpactValue[] = ['serious', 'critical'];

export interface AxeFinding {
  rule: string;
  impact: ImpactValue | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string; summary: string }>;
}

/** Every WCAG 2 A and AA violation on the page as it is now. */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    const results = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target.join(' '), summary: node.failureSummary ?? '' })),
    }));
  });
}

/** The serious and critical findings, one paragraph each: rule, what it asks, and every element it failed on. */
export function blockingFindings(findings: AxeFinding[]): string {
  return findings
    .filter((finding) => finding.impact !== null && BLOCKING.includes(finding.impact))
    .map((finding) => {
      const nodes = finding.nodes.map((node) => `    - ${node.target}\n      ${node.summary.replace(/\n/g, '\n      ')}`).join('\n');
      return `[${finding.impact}] ${finding.rule}: ${finding.help} (${finding.helpUrl})\n${nodes}`;
    })
    .join('\n\n');
}
