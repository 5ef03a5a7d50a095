/** The text to show staff for a failed call: the API's own message (RosterApiError), which is written for them. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
