/**
 * Each ward with every unit it belongs to (itself, its district, its city) and that unit's
 * level, as (ward_code, unit_code, level). People are kept per ward (ward_day_person): the
 * figures count a unit's people over these rows, and retention counts them into
 * unit_day_people by them before deleting, so both must agree on which wards make a unit. Filter
 * it on `level` and `unit_code`: PostgreSQL pushes both into each branch.
 */
export const WARD_UNITS_SQL = `
  select code as ward_code, code as unit_code, 'WARD' as level
  from administrative_unit where level = 'WARD'
  union all
  select code, parent_code, 'DISTRICT' from administrative_unit where level = 'WARD'
  union all
  select w.code, d.parent_code, 'CITY'
  from administrative_unit w join administrative_unit d on d.code = w.parent_code
  where w.level = 'WARD'`;
