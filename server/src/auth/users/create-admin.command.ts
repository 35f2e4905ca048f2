import 'reflect-metadata';
import { createInterface } from 'node:readline/promises';
import { AreaDirectory } from '../../areas/area-directory';
import { ConfigError, loadConfig } from '../../config';
import { openDatabase } from '../../db/database';
import { seedHanoiUnits } from '../../db/seeders/units.seeder';
import { AppError } from '../../graphql/errors';
import { createUser } from './user.service';

/**
 * `pnpm users:create-admin <email> "<name>"`: creates the first city admin of a deployment.
 * The password comes from QUETMA_ADMIN_PASSWORD, or is asked for on the terminal.
 */
async function main() {
  const [email, name] = process.argv.slice(2);
  if (!email || !name) {
    console.error(
      'usage: pnpm users:create-admin <email> "<full name>"  (password: QUETMA_ADMIN_PASSWORD or asked)',
    );
    process.exit(2);
  }
  const password =
    process.env.QUETMA_ADMIN_PASSWORD ?? (await ask('Password (at least 10 characters): '));
  const config = loadConfig();
  const db = await openDatabase(config, (line) => console.log(line));
  try {
    await seedHanoiUnits(db.orm);
    const areas = await AreaDirectory.load(db.orm);
    const user = await createUser(
      db.orm,
      areas,
      { email, name, role: 'CITY_ADMIN', password },
      new Date(),
    );
    console.log(`Created city admin ${user.email} (${user.id}). Log in with the login mutation.`);
  } catch (error) {
    if (error instanceof AppError) {
      console.error(`Not created: ${error.message}`);
      process.exitCode = 1;
    } else throw error;
  } finally {
    await db.close();
  }
}

async function ask(question: string): Promise<string> {
  const terminal = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
  });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
