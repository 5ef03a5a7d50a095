/** How the export dialog names each file layout, and what the file holds, in the words staff see. */
import type { ExportFormatName } from '../../../shared/api';

export const FORMAT_LABELS: Record<ExportFormatName, string> = {
  plain: 'Plain CSV',
  oneroster: 'OneRoster 1.1 (zip)',
  'canvas-sis': 'Canvas SIS Import',
  schoology: 'Schoology import',
};

/** Ends the dialog's sentence "Algebra I · P3 as …". */
export const FORMAT_AS: Record<ExportFormatName, string> = {
  plain: 'a CSV file',
  oneroster: 'a OneRoster 1.1 zip (enrollments, users, classes and manifest)',
  'canvas-sis': "a Canvas SIS Import enrollments.csv",
  schoology: "a CSV in Schoology's course-enrollment import layout",
};

/** The CSV the preview shows: for OneRoster, the one file of the zip that lists the rows exported. */
export const previewedFile = (format: ExportFormatName): string | null => (format === 'oneroster' ? 'enrollments.csv' : null);

export const downloadLabel = (format: ExportFormatName): string => (format === 'oneroster' ? 'Download zip' : 'Download CSV');
