// The model catalogue (resources/models/catalogue.json): which Whisper and Kokoro exports Jett knows, where they
// come from, their pinned revisions, sizes and checksums where a real source gave them.
import fs from 'node:fs';
import { CatalogueSchema, type Catalogue, type CatalogueEntry } from '../../contracts/models.js';
import { resourcePath } from '../../resources.js';
import { ModelError } from './errors.js';

/** resources/models/catalogue.json, which ships with Jett. */
export function defaultCataloguePath(): string {
  return resourcePath('models/catalogue.json');
}

export function loadCatalogue(file = defaultCataloguePath()): Catalogue {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModelError(`cannot read the model catalogue ${file}: ${(err as Error).message}`, 'reinstall Jett, or fix the JSON of the catalogue', { cause: err });
  }
  const parsed = CatalogueSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError(`the model catalogue ${file} is invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'unknown'}`, 'reinstall Jett, or fix that entry');
  }
  const names = parsed.data.models.map((m) => m.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ModelError(`the model catalogue ${file} lists ${dup} twice`, 'remove the duplicate entry');
  return parsed.data;
}

export function findEntry(catalogue: Catalogue, name: string): CatalogueEntry {
  const entry = catalogue.models.find((m) => m.name === name);
  if (!entry) {
    throw new ModelError(`no model named "${name}" in the catalogue`, `use one of: ${catalogue.models.map((m) => m.name).join(', ')} (\`jett models list\`)`);
  }
  return entry;
}

/** True when every file has a sha256 from the catalogue (not just one recorded at the first download). */
export function isVerified(entry: CatalogueEntry): boolean {
  return entry.files.every((f) => f.sha256 !== null);
}

/** The exact total when the catalogue knows every size, else its approximate total. */
export function entryBytes(entry: CatalogueEntry): { bytes: number; exact: boolean } {
  const exact = entry.files.every((f) => f.bytes !== null);
  return { bytes: exact ? entry.files.reduce((s, f) => s + (f.bytes ?? 0), 0) : entry.approxBytes, exact };
}
