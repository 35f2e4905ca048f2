import { lazy } from 'react';
import { Admin, CustomRoutes, Resource } from 'react-admin';
import { BrowserRouter, Route } from 'react-router-dom';
import { accessOf, type Permissions } from './access/role-access';
import { authProvider } from './auth/auth-provider';
import { buildDataProvider } from './data/data-provider';
import { i18nProvider } from './i18n/i18n-provider';
import { ConsoleLayout } from './layout/ConsoleLayout';
import { LoginPage } from './layout/LoginPage';
import { theme } from './layout/theme';
import { HomePage } from './layout/HomePage';

// each page loads when first opened: the sign-in page needs none of them (README "The console")
const VenueList = lazy(() => import('./venues/VenueList'));
const VenueShow = lazy(() => import('./venues/VenueShow'));
const VenueCreate = lazy(() => import('./venues/VenueCreate'));
const VenueEdit = lazy(() => import('./venues/VenueEdit'));
const UnitDashboard = lazy(() => import('./dashboard/UnitDashboard'));
const ImportVenuesPage = lazy(() => import('./import/ImportVenuesPage'));

const dataProvider = buildDataProvider();

export function App() {
  // real paths under /admin (react-admin's default is a hash router): the server answers each
  // with the app, so a link to a page works
  return (
    <BrowserRouter basename="/admin">
      <Admin
        title="quetma"
        dataProvider={dataProvider}
        authProvider={authProvider}
        i18nProvider={i18nProvider}
        loginPage={LoginPage}
        layout={ConsoleLayout}
        dashboard={HomePage}
        theme={theme}
        requireAuth
        disableTelemetry
      >
        {(permissions: Permissions | undefined) => {
          const access = accessOf(permissions);
          return (
            <>
              {access.venues && (
                <Resource
                  name="venues"
                  list={VenueList}
                  show={VenueShow}
                  create={access.editVenues ? VenueCreate : undefined}
                  edit={access.editVenues ? VenueEdit : undefined}
                  recordRepresentation="name"
                />
              )}
              {access.dashboard && (
                <CustomRoutes>
                  <Route path="/units/:code" element={<UnitDashboard />} />
                </CustomRoutes>
              )}
              {access.importVenues && (
                <CustomRoutes>
                  <Route path="/import" element={<ImportVenuesPage />} />
                </CustomRoutes>
              )}
            </>
          );
        }}
      </Admin>
    </BrowserRouter>
  );
}
