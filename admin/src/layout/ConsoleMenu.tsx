import DashboardIcon from '@mui/icons-material/Dashboard';
import StoreIcon from '@mui/icons-material/Storefront';
import UploadIcon from '@mui/icons-material/UploadFile';
import SearchIcon from '@mui/icons-material/PersonSearch';
import PeopleIcon from '@mui/icons-material/People';
import KeyIcon from '@mui/icons-material/Key';
import HistoryIcon from '@mui/icons-material/History';
import { Menu, usePermissions, useTranslate } from 'react-admin';
import { accessOf, type Permissions } from '../access/role-access';

/** Only the pages the role may use: a tracer's menu holds tracing and nothing else. */
export function ConsoleMenu() {
  const { permissions } = usePermissions<Permissions>();
  const translate = useTranslate();
  const access = accessOf(permissions);
  return (
    <Menu>
      {access.dashboard && (
        <Menu.Item
          to="/"
          primaryText={translate('quetma.menu.dashboard')}
          leftIcon={<DashboardIcon />}
        />
      )}
      {access.venues && (
        <Menu.Item
          to="/venues"
          primaryText={translate('quetma.menu.venues')}
          leftIcon={<StoreIcon />}
        />
      )}
      {access.importVenues && (
        <Menu.Item
          to="/import"
          primaryText={translate('quetma.menu.import')}
          leftIcon={<UploadIcon />}
        />
      )}
      {access.tracing && (
        <Menu.Item
          to="/tracing"
          primaryText={translate('quetma.menu.tracing')}
          leftIcon={<SearchIcon />}
        />
      )}
      {access.administration && (
        <>
          <Menu.Item
            to="/users"
            primaryText={translate('quetma.menu.users')}
            leftIcon={<PeopleIcon />}
          />
          <Menu.Item
            to="/apiKeys"
            primaryText={translate('quetma.menu.apiKeys')}
            leftIcon={<KeyIcon />}
          />
          <Menu.Item
            to="/auditLog"
            primaryText={translate('quetma.menu.audit')}
            leftIcon={<HistoryIcon />}
          />
        </>
      )}
    </Menu>
  );
}
