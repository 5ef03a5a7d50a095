import { z } from 'zod';

// The preload bundles zod (through shared/api.ts) and runs in the page's renderer under its strict CSP. Without
// this, building the first object schema probes `new Function`, which the CSP reports as a violation even
// though zod swallows the failure. preload.ts imports this module before shared/api.ts so it runs first.
z.config({ jitless: true });
