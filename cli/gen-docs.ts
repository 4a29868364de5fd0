/** `npm run docs`: regenerates the generated parts of docs/. */
import { writeFileSync } from 'node:fs';
import { lifecycleDoc } from '../model/lifecycle-docs.js';

writeFileSync(new URL('../docs/lifecycles.md', import.meta.url), lifecycleDoc());
process.stdout.write('docs/lifecycles.md written\n');
