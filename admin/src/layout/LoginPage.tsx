import { Box, Typography } from '@mui/material';
import { Login, LoginForm, useTranslate } from 'react-admin';

/** react-admin's sign-in form under the console's name; the "username" is the account's email. */
export function LoginPage() {
  const translate = useTranslate();
  return (
    <Login>
      <Box sx={{ textAlign: 'center', px: 2, pt: 1 }}>
        <Typography variant="h5" component="h1">
          {translate('quetma.title')}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {translate('quetma.subtitle')}
        </Typography>
      </Box>
      <LoginForm />
    </Login>
  );
}
