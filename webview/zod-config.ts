// Imported first by webview/schemas.ts, so zod is configured before any schema is built.
import * as z from 'zod/mini';

// The CSP forbids eval; tell zod not to probe for it (the probe would log a CSP violation).
z.config({ jitless: true });
