import { SelectInput, usePermissions } from 'react-admin';
import { useFormContext, useWatch } from 'react-hook-form';
import { useEffect } from 'react';
import { accessOf, HOME_CITY, type Permissions } from '../access/role-access';
import { levelOfCode, useUnit } from '../units/units';

/**
 * The city → district → ward cascade. Only the levels inside the user's area are offered: a
 * district officer picks among their wards, a ward officer sees no unit choice at all.
 */
export function DistrictInput(props: { source: string; alwaysOn?: boolean }) {
  const { permissions } = usePermissions<Permissions>();
  const home = accessOf(permissions).homeUnit(permissions!) ?? HOME_CITY;
  const city = useUnit(levelOfCode(home) === 'CITY' ? home : undefined);
  if (levelOfCode(home) !== 'CITY') return null;
  return (
    <SelectInput
      {...props}
      label="quetma.units.district"
      choices={city.data?.children ?? []}
      optionValue="code"
      emptyText="quetma.units.all_districts"
      isPending={city.isPending}
    />
  );
}

export function WardInput(props: { source: string; districtSource: string; alwaysOn?: boolean }) {
  const { districtSource, ...rest } = props;
  const { permissions } = usePermissions<Permissions>();
  const home = accessOf(permissions).homeUnit(permissions!) ?? HOME_CITY;
  const chosenDistrict = useWatch({ name: districtSource }) as string | undefined;
  const district = levelOfCode(home) === 'DISTRICT' ? home : chosenDistrict;
  const units = useUnit(district || undefined);
  const { setValue, getValues } = useFormContext();
  // a ward of the district chosen before makes no sense under another district
  useEffect(() => {
    const ward = getValues(rest.source) as string | undefined;
    if (ward && units.data && !units.data.children.some((w) => w.code === ward))
      setValue(rest.source, '');
  }, [units.data, getValues, setValue, rest.source]);
  if (levelOfCode(home) === 'WARD' || !district) return null;
  return (
    <SelectInput
      {...rest}
      label="quetma.units.ward"
      choices={units.data?.children ?? []}
      optionValue="code"
      emptyText="quetma.units.all_wards"
      isPending={units.isPending}
    />
  );
}
