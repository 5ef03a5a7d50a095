/**
 * The composition root: builds the main-process services for a data folder. The Electron shell, the browser
 * host (`roster web`) and the tests all start here, so every transport runs the same code on the same cache.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import type { RosterApiHandlers } from './api-handlers';
import { openCache, type Cache } from './db/cache';

export interface ServicesOptions {
  /** The per-user app data folder; the cache file lives in it. */
  dataDir: string;
  host: 'electron' | 'browser';
}

export interface Services {
  handlers: RosterApiHandlers;
  cache: Cache;
  /** Something staff must be told at start-up (e.g. a damaged cache was moved aside), or null. */
  notice: string | null;
  close(): void;
}

export const CACHE_FILE_NAME = 'cache.sqlite';

export function createServices(options: ServicesOptions): Services {
  mkdirSync(options.dataDir, { recursive: true });
  const cache = openCache(join(options.dataDir, CACHE_FILE_NAME));

  const handlers: RosterApiHandlers = {
    appInfo: () => ({ version: pkg.version, host: options.host, cacheNotice: cache.notice }),
    // The repository's record carries bookkeeping fields; the renderer gets exactly the contract's shape.
    listAccounts: () => cache.accounts.list().map(({ id, name, provider, baseUrl, user }) => ({ id, name, provider, baseUrl, user })),
    listRealms: (input) => cache.realms.list(input?.accountId),
    queryRoster: (query) => cache.roster.query(query),
  };

  return { handlers, cache, notice: cache.notice, close: () => cache.close() };
}
