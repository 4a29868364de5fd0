/**
 * Imported first by the page and the worker: zod compiles object schemas with `new Function`
 * when it may, and probing for that breaks the page's Content-Security-Policy (no eval).
 */
import { z } from 'zod';

z.config({ jitless: true });
