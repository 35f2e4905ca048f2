import { defaultTheme } from 'react-admin';
import { createTheme } from '@mui/material/styles';

/** react-admin's default theme in the city's colours; body text large enough for long names. */
export const theme = createTheme({
  ...defaultTheme,
  palette: {
    primary: { main: '#0b5394' },
    // react-admin paints its app bar in the secondary colour
    secondary: { main: '#073763' },
    background: { default: '#f4f6f8' },
    // MUI's default green, orange and red are too light for small text on white (WCAG AA 4.5:1)
    success: { main: '#1b5e20' },
    warning: { main: '#9a4400' },
    error: { main: '#b71c1c' },
  },
  typography: { fontFamily: 'Roboto, "Segoe UI", "Noto Sans", Arial, sans-serif' },
});
