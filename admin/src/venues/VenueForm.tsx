import {
  BooleanInput,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  usePermissions,
  useTranslate,
  maxLength,
} from 'react-admin';
import { useWatch } from 'react-hook-form';
import { accessOf, HOME_CITY, type Permissions } from '../access/role-access';
import { levelOfCode, useUnit } from '../units/units';
import { CATEGORY_CHOICES, STATUS_CHOICES } from './venue-choices';

/** The district, then the ward, among those of the user's area. */
function WardPicker() {
  const { permissions } = usePermissions<Permissions>();
  const home = accessOf(permissions).homeUnit(permissions!) ?? HOME_CITY;
  const level = levelOfCode(home);
  const city = useUnit(level === 'CITY' ? home : undefined);
  const chosenDistrict = useWatch({ name: 'districtCode' }) as string | undefined;
  const district = level === 'DISTRICT' ? home : level === 'CITY' ? chosenDistrict : undefined;
  const wards = useUnit(district);
  if (level === 'WARD') return null;
  return (
    <>
      {level === 'CITY' && (
        <SelectInput
          source="districtCode"
          choices={city.data?.children ?? []}
          optionValue="code"
          isPending={city.isPending}
        />
      )}
      <SelectInput
        source="wardCode"
        choices={wards.data?.children ?? []}
        optionValue="code"
        validate={required()}
        isPending={!!district && wards.isPending}
        disabled={!district}
      />
    </>
  );
}

/**
 * Registering and editing share the fields. The API checks everything again: what it refuses
 * comes back under the field it names (data-provider.ts), in the page's language.
 */
export function VenueForm({ editing = false }: { editing?: boolean }) {
  const translate = useTranslate();
  const { permissions } = usePermissions<Permissions>();
  const home = accessOf(permissions).homeUnit(permissions!) ?? HOME_CITY;
  return (
    <SimpleForm
      sx={{ maxWidth: 720 }}
      defaultValues={levelOfCode(home) === 'WARD' ? { wardCode: home } : undefined}
    >
      <TextInput source="name" validate={[required(), maxLength(200)]} fullWidth />
      <TextInput source="address" validate={[required(), maxLength(300)]} fullWidth />
      <SelectInput source="category" choices={CATEGORY_CHOICES} validate={required()} />
      <WardPicker />
      <TextInput source="registrantName" validate={[required(), maxLength(120)]} />
      <TextInput
        source="registrantPhone"
        validate={required()}
        helperText={translate('resources.venues.phoneHint')}
      />
      <BooleanInput source="isAgencyHeadquarters" />
      {editing && (
        <SelectInput source="status" choices={STATUS_CHOICES.filter((c) => c.id !== 'CLOSED')} />
      )}
    </SimpleForm>
  );
}
