import { z } from 'zod';

// zod 4 compiles object parsers with `new Function`, which our CSP forbids (no 'unsafe-eval'); its
// probe for that is reported as a CSP violation even though it is caught. jitless skips both. This
// must run before any schema is built, so main.tsx imports this module first.
z.config({ jitless: true });
