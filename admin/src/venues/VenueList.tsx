import {
  CreateButton,
  Datagrid,
  List,
  NumberField,
  SelectInput,
  TextField,
  TopToolbar,
  usePermissions,
  useTranslate,
  SearchInput,
} from 'react-admin';
import { accessOf, HOME_CITY, type Permissions } from '../access/role-access';
import { LocalDateTimeField } from '../common/LocalDateTimeField';
import { CATEGORY_CHOICES, SCAN_STATUS_CHOICES, STATUS_CHOICES } from './venue-choices';
import { DistrictInput, WardInput } from './UnitCascadeInputs';
import { ExportVenuesButton } from './ExportVenuesButton';
import { BulkPostersButton } from './BulkPostersButton';
import { CategoryField, ScanStatusChip } from './venue-fields';

const filters = [
  <VenueSearchInput key="q" source="q" alwaysOn />,
  <DistrictInput key="districtCode" source="districtCode" alwaysOn />,
  <WardInput key="wardCode" source="wardCode" districtSource="districtCode" alwaysOn />,
  <SelectInput key="scanStatus" source="scanStatus" choices={SCAN_STATUS_CHOICES} alwaysOn />,
  <SelectInput key="category" source="category" choices={CATEGORY_CHOICES} />,
  <SelectInput key="status" source="status" choices={STATUS_CHOICES} />,
];

/** react-admin's search box, its placeholder in the page's language. */
function VenueSearchInput(props: { source: string; alwaysOn?: boolean }) {
  const translate = useTranslate();
  return (
    <SearchInput
      {...props}
      placeholder={translate('resources.venues.fields.q')}
      sx={{ minWidth: 280 }}
    />
  );
}

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
        <CategoryField source="category" sortable={false} />
        <ScanStatusChip source="scanStatus" sortable={false} />
        <LocalDateTimeField source="lastScanAt" />
        <NumberField source="totalScans" sortable={false} />
      </Datagrid>
    </List>
  );
}
