import type { RealmSummary } from '../../shared/api';

/** "Algebra I · P3" → "algebra-i-p3": lowercase ASCII words joined by hyphens (accents dropped, not the letter). */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * "algebra-i-p3-roster.csv" for one realm, "roster-export-3-realms.csv" for several; another format's suffix follows,
 * e.g. "algebra-i-p3-oneroster.zip", "roster-export-3-realms-oneroster.zip".
 */
export function exportFileName(realms: readonly RealmSummary[], suffix: string, extension: 'csv' | 'zip'): string {
  const [only] = realms;
  if (realms.length === 1 && only) return `${slug(only.title) || 'realm'}-${suffix}.${extension}`;
  return `roster-export-${realms.length}-realms${suffix === 'roster' ? '' : `-${suffix}`}.${extension}`;
}
