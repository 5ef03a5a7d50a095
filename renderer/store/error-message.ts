import { RosterApiError } from '../../shared/api';

/** The text to show staff for a failed call: the API's own message, which is written for them. */
export function messageOf(error: unknown): string {
  if (error instanceof RosterApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
