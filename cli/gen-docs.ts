/** `npm run docs`: regenerates the generated parts of docs/. */
import { writeFileSync } from 'node:fs';
import { lifecycleDoc } from '../model/lifecycle-docs.js';
import { catalogueDoc, versionsDoc } from '../model/reference-docs.js';

const docs: [string, string][] = [
  ['lifecycles.md', lifecycleDoc()],
  ['catalogue.md', catalogueDoc()],
  ['versions.md', versionsDoc()],
];
for (const [name, text] of docs) {
  writeFileSync(new URL(`../docs/${name}`, import.meta.url), text);
  process.stdout.write(`docs/${name} written\n`);
}
