import { z } from 'zod';

// Code running in a page under the app's CSP (the renderer, and the preload that shares its world) must not let
// zod probe `new Function`: the CSP forbids eval and reports each attempt as a violation, even though zod
// swallows the failure. Import this module first (before shared/api.ts defines its schemas).
z.config({ jitless: true });
