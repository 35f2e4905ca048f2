import fs from 'node:fs';
import path from 'node:path';
import { printContract } from './print-contract';
import { buildQuetmaSchema } from './schema';

/** Writes the committed contract, schema.graphql at the repo root (`pnpm schema:emit`). */
export const SCHEMA_FILE = path.resolve(__dirname, '..', '..', '..', 'schema.graphql');

async function main() {
  const schema = await buildQuetmaSchema();
  fs.writeFileSync(SCHEMA_FILE, printContract(schema));
  console.log(`wrote ${SCHEMA_FILE}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
