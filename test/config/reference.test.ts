import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { configurationReference } from '../../src/config/reference.js';

it('docs/configuration.md lists every key as the schema defines it', () => {
  const docs = readFileSync('docs/configuration.md', 'utf8');
  expect(docs).toContain(configurationReference());
});
