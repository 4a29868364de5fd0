/** `npm run docs`: regenerates the generated parts of docs/. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { guaranteesDoc, spliceReadme } from './guarantees-doc.js';
import { jsonSchemaText, PUBLISHED_SCHEMAS } from './report-schema.js';
import { lifecycleDoc } from '../model/lifecycle-docs.js';
import { catalogueDoc, versionsDoc } from '../model/reference-docs.js';

const docs: [string, string][] = [
  ['lifecycles.md', lifecycleDoc()],
  ['catalogue.md', catalogueDoc()],
  ['versions.md', versionsDoc()],
  ['guarantees.md', guaranteesDoc()],
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
const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, spliceReadme(readFileSync(readme, 'utf8')));
process.stdout.write('README.md (guarantees section) written\n');
