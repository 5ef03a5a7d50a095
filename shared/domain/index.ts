/** The domain model both processes share: vocabularies, the unified Enrollment, wire schemas and their mappings. */
export * from './provider';
export * from './roles';
export * from './enrollment';
export * from './realm';
export * from './tolerant';
export * from './schoology-wire';
export * from './canvas-wire';
export * from './schoology-mapping';
export * from './canvas-mapping';
