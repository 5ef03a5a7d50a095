import { z } from 'zod';

// The renderer's CSP forbids eval, which zod's JIT uses; set this before any schema is parsed.
// main.tsx imports this module first so it runs before the modules that define schemas.
z.config({ jitless: true });
