import { Create, useTranslate } from 'react-admin';
import { VenueForm } from './VenueForm';

export default function VenueCreate() {
  const translate = useTranslate();
  return (
    <Create
      redirect="show"
      transform={(data: Record<string, unknown>) => ({ ...data, districtCode: undefined })}
      title={translate('ra.page.create', {
        name: translate('resources.venues.name', { smart_count: 1 }),
      })}
    >
      <VenueForm />
    </Create>
  );
}
