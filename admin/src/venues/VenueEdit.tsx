import { Edit } from 'react-admin';
import { VenueForm } from './VenueForm';

/** The ward is edited as wardCode; the record carries it as ward.code. */
const withWardCode = (record: any) => ({
  ...record,
  wardCode: record.ward?.code,
  districtCode: record.district?.code,
});

export default function VenueEdit() {
  return (
    <Edit
      mutationMode="pessimistic"
      redirect="show"
      queryOptions={{ select: withWardCode }}
      transform={(data: Record<string, unknown>) => ({ ...data, districtCode: undefined })}
    >
      <VenueForm editing />
    </Edit>
  );
}
