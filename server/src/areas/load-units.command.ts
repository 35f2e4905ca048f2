import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { seedUnits } from '../db/seeders/units.seeder';
import { readUnitRows } from './units-data';

/**
 * `pnpm units:load [province codes…]`: loads the 2021 GSO list into the configured database.
 * Without arguments the whole country (63 provinces, 705 districts, 10,599 wards). A running
 * server picks the change up at once (LISTEN/NOTIFY).
 */
async function main() {
  const provinces = process.argv.slice(2);
  const known = new Set(
    readUnitRows()
      .filter((u) => u.level === 'CITY')
      .map((u) => u.code),
  );
  const unknown = provinces.filter((code) => !known.has(code));
  if (unknown.length) {
    console.error(
      `Unknown province code(s): ${unknown.join(', ')}. Codes are 2 digits, 01 (Hà Nội) to 96.`,
    );
    process.exit(2);
  }
  const config = loadConfig();
  const db = await openDatabase(config, (line) => console.log(line));
  try {
    const written = await seedUnits(db.orm, provinces.length ? provinces : undefined);
    const [counts] = await db.orm.em.getConnection().execute(
      `select count(*) filter (where level = 'CITY') as cities, count(*) filter (where level = 'DISTRICT') as districts,
           count(*) filter (where level = 'WARD') as wards from administrative_unit`,
    );
    console.log(
      `${written} unit(s) written. The database now holds ${counts.cities} cities, ${counts.districts} districts and ${counts.wards} wards.`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
