import UploadIcon from '@mui/icons-material/UploadFile';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  LinearProgress,
  Link,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { Title, useTranslate } from 'react-admin';
import { Link as RouterLink } from 'react-router-dom';
import { downloadFile } from '../common/download';
import { errorMessage } from '../common/error-message';
import { useFormatters } from '../i18n/format';
import { sendImport, type ImportReport, ImportRefused } from './import-request';

/** A file to start from: the Vietnamese headers the door reads, and one row as an example. */
const TEMPLATE =
  '\uFEFFTên cơ sở,Địa chỉ,Loại hình,Mã phường/xã,Người đăng ký,Số điện thoại,Trụ sở cơ quan,Ngày đăng ký\r\n' +
  'Quán cà phê Hồ Gươm,"Số 1 Hàng Khay, Phường Tràng Tiền",Quán cà phê,00070,Nguyễn Văn An,0912 345 678,không,2021-08-10\r\n';

type Stage =
  | { step: 'choose' }
  | { step: 'checking'; file: File }
  | { step: 'checked'; file: File; report: ImportReport }
  | { step: 'registering'; file: File; report: ImportReport }
  | { step: 'registered'; file: File; report: ImportReport };

/**
 * The CSV import: the file is checked first (a dry run on the server, every row judged as
 * registerVenue judges it), the rejected rows listed with their line, column and reason; the
 * valid rows are registered only when the user confirms, in one step.
 */
export default function ImportVenuesPage() {
  const translate = useTranslate();
  const format = useFormatters();
  const [stage, setStage] = useState<Stage>({ step: 'choose' });
  const [failure, setFailure] = useState<string>();

  const explain = (error: unknown) => {
    if (error instanceof ImportRefused && error.reason)
      return translate(`quetma.import.fileReasons.${error.reason}`, {
        line: error.line ?? '',
        columns: (error.columns ?? []).join(', '),
        _: errorMessage(translate, error),
      });
    return errorMessage(translate, error);
  };

  async function check(file: File) {
    setFailure(undefined);
    setStage({ step: 'checking', file });
    try {
      setStage({ step: 'checked', file, report: await sendImport(file, true) });
    } catch (error) {
      setFailure(explain(error));
      setStage({ step: 'choose' });
    }
  }

  async function register(file: File, report: ImportReport) {
    setStage({ step: 'registering', file, report });
    try {
      setStage({ step: 'registered', file, report: await sendImport(file, false) });
    } catch (error) {
      setFailure(explain(error));
      setStage({ step: 'checked', file, report });
    }
  }

  const report = 'report' in stage ? stage.report : undefined;
  return (
    <Box sx={{ py: 2, maxWidth: 1100 }}>
      <Title title={translate('quetma.import.title')} />
      <Card variant="outlined">
        <CardContent>
          <Stack spacing={2}>
            <Typography>{translate('quetma.import.intro')}</Typography>
            <Stack direction="row" spacing={2} alignItems="center">
              <Button
                variant="contained"
                component="label"
                startIcon={<UploadIcon />}
                disabled={stage.step === 'checking' || stage.step === 'registering'}
              >
                {translate(
                  stage.step === 'registered' ? 'quetma.import.another' : 'quetma.import.choose',
                )}
                <input
                  hidden
                  type="file"
                  accept=".csv,text/csv"
                  data-testid="import-file"
                  onChange={(e) => {
                    const file = e.target.files?.[0];
                    e.target.value = '';
                    if (file) void check(file);
                  }}
                />
              </Button>
              <Link
                component="button"
                type="button"
                onClick={() =>
                  downloadFile(TEMPLATE, 'mau-nhap-dia-diem.csv', 'text/csv;charset=utf-8')
                }
              >
                {translate('quetma.import.template')}
              </Link>
            </Stack>
            {failure && <Alert severity="error">{failure}</Alert>}
            {(stage.step === 'checking' || stage.step === 'registering') && <LinearProgress />}
            {stage.step === 'checking' && (
              <Typography>
                {translate('quetma.import.checking', { file: stage.file.name })}
              </Typography>
            )}
            {report && stage.step !== 'registered' && (
              <Alert
                severity={report.rejectedRows ? 'warning' : 'success'}
                data-testid="import-summary"
              >
                {translate('quetma.import.checked', {
                  file: 'file' in stage ? stage.file.name : '',
                  rows: format.number(report.rows),
                  accepted: format.number(report.accepted),
                  rejected: format.number(report.rejectedRows),
                })}
              </Alert>
            )}
            {stage.step === 'checked' && report!.accepted > 0 && (
              <Box>
                <Button
                  variant="contained"
                  color="primary"
                  onClick={() => register(stage.file, report!)}
                >
                  {translate('quetma.import.register', {
                    accepted: format.number(report!.accepted),
                  })}
                </Button>
              </Box>
            )}
            {stage.step === 'registered' && (
              <Alert
                severity="success"
                data-testid="import-registered"
                action={
                  <Button component={RouterLink} to="/venues" color="inherit" size="small">
                    {translate('quetma.import.openVenues')}
                  </Button>
                }
              >
                {translate('quetma.import.registered', {
                  registered: format.number(stage.report.registered),
                })}
              </Alert>
            )}
          </Stack>
        </CardContent>
      </Card>
      {report && <RejectedRows report={report} />}
    </Box>
  );
}

function RejectedRows({ report }: { report: ImportReport }) {
  const translate = useTranslate();
  return (
    <Card variant="outlined" sx={{ mt: 2 }}>
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {translate('quetma.import.rejectedTitle')}
        </Typography>
        {report.rejected.length === 0 ? (
          <Typography color="text.secondary">
            {translate('quetma.import.nothingRejected')}
          </Typography>
        ) : (
          <Table size="small" data-testid="import-rejected">
            <TableHead>
              <TableRow>
                <TableCell>{translate('quetma.import.line')}</TableCell>
                <TableCell>{translate('quetma.import.field')}</TableCell>
                <TableCell>{translate('quetma.import.value')}</TableCell>
                <TableCell>{translate('quetma.import.reason')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {report.rejected.map((row, i) => (
                <TableRow key={`${row.line}-${row.field}-${i}`} data-line={row.line}>
                  <TableCell>{row.line}</TableCell>
                  <TableCell>{row.column ?? row.field ?? ''}</TableCell>
                  <TableCell sx={{ maxWidth: 260, overflowWrap: 'anywhere' }}>
                    {row.value ?? ''}
                  </TableCell>
                  <TableCell>
                    {translate(`quetma.import.reasons.${row.reason}`, {
                      line: row.duplicateOfLine ?? '',
                      _: row.message,
                    })}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {report.truncated && (
          <Typography sx={{ mt: 1 }} color="text.secondary">
            {translate('quetma.import.truncated', { shown: report.rejected.length })}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}
