import {
  BooleanField,
  CreateButton,
  Datagrid,
  List,
  NumberField,
  SearchInput,
  SelectInput,
  TextField,
  TopToolbar,
  usePermissions,
} from 'react-admin';
import { accessOf, HOME_CITY, type Permissions } from '../access/role-access';
import { LocalDateTimeField } from '../common/LocalDateTimeField';
import { CATEGORY_CHOICES, SCAN_STATUS_CHOICES, STATUS_CHOICES } from './venue-choices';
import { DistrictInput, WardInput } from './UnitCascadeInputs';
import { ExportVenuesButton } from './ExportVenuesButton';
import { BulkPostersButton } from './BulkPostersButton';
import { CategoryField, ScanStatusChip } from './venue-fields';

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="resources.venues.fields.q" />,
  <DistrictInput key="districtCode" source="districtCode" alwaysOn />,
  <WardInput key="wardCode" source="wardCode" districtSource="districtCode" alwaysOn />,
  <SelectInput key="scanStatus" source="scanStatus" choices={SCAN_STATUS_CHOICES} alwaysOn />,
  <SelectInput key="category" source="category" choices={CATEGORY_CHOICES} />,
  <SelectInput key="status" source="status" choices={STATUS_CHOICES} />,
];

function VenueListActions() {
  const { permissions } = usePermissions<Permissions>();
  const access = accessOf(permissions);
  return (
    <TopToolbar>
      <BulkPostersButton />
      <ExportVenuesButton />
      {access.editVenues && <CreateButton />}
    </TopToolbar>
  );
}

/** Venues of the user's area, filtered by the API's own filters and sorted by its sort keys. */
export default function VenueList() {
  const { permissions } = usePermissions<Permissions>();
  const home = accessOf(permissions).homeUnit(permissions!) ?? HOME_CITY;
  return (
    <List
      // an officer's list never leaves their area: the unit goes with every request
      filter={{ unitCode: home }}
      filters={filters}
      actions={<VenueListActions />}
      sort={{ field: 'name', order: 'ASC' }}
      perPage={25}
      exporter={false}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="address" sortable={false} />
        <TextField source="ward.name" sortBy="ward.name" />
        <TextField source="district.name" sortable={false} />
        <CategoryField source="category" sortable={false} />
        <ScanStatusChip source="scanStatus" sortable={false} />
        <LocalDateTimeField source="lastScanAt" />
        <NumberField source="totalScans" sortable={false} />
        <BooleanField source="isAgencyHeadquarters" sortable={false} looseValue />
      </Datagrid>
    </List>
  );
}
