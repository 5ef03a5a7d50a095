import { type Migration } from '../migrate';
import { initialMigration } from './001-initial';
import { outboxOutlivesRealmsMigration } from './002-outbox-outlives-realms';
import { searchKeyMigration } from './003-search-key';
import { courseSisIdMigration } from './004-course-sis-id';

/** Every schema migration, oldest first; a migration's version is its position (1-based). Never edit a shipped one. */
export const MIGRATIONS: readonly Migration[] = [
  initialMigration,
  outboxOutlivesRealmsMigration,
  searchKeyMigration,
  courseSisIdMigration,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
