/** `npm run docs`: regenerates the generated parts of docs/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemaText, PUBLISHED_SCHEMAS } from './report-schema.js';
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
mkdirSync(new URL('../docs/schemas/', import.meta.url), { recursive: true });
for (const [name, schema] of PUBLISHED_SCHEMAS) {
  writeFileSync(new URL(`../docs/schemas/${name}`, import.meta.url), jsonSchemaText(name, schema));
  process.stdout.write(`docs/schemas/${name} written\n`);
}
