import { lazy } from 'react';
import { Card, CardContent, Typography } from '@mui/material';
import { usePermissions, useTranslate } from 'react-admin';
import { Navigate } from 'react-router-dom';
import { accessOf, type Permissions } from '../access/role-access';

const UnitDashboard = lazy(() => import('../dashboard/UnitDashboard'));

/**
 * Where each role lands: the city admin on the city's dashboard, an officer on their district's
 * or ward's, a tracer on tracing; a role without pages reads why.
 */
export function HomePage() {
  const { permissions, isPending } = usePermissions<Permissions>();
  const translate = useTranslate();
  if (isPending) return null;
  const access = accessOf(permissions);
  if (access.dashboard) return <UnitDashboard unitCode={access.homeUnit(permissions!)!} />;
  if (access.tracing) return <Navigate to="/tracing" replace />;
  return (
    <Card sx={{ mt: 2 }}>
      <CardContent>
        <Typography>
          {translate('quetma.auth.no_console', { role: permissions?.role ?? '' })}
        </Typography>
      </CardContent>
    </Card>
  );
}
