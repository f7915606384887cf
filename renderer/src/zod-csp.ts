// Imported first: zod compiles fast parsers with `new Function`, which the window's CSP (no 'unsafe-eval')
// refuses and reports as a violation. jitless keeps zod to plain code.
import { z } from 'zod';

z.config({ jitless: true });
