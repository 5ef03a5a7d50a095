/** The LMS products Roster Desk speaks to. Every cached row remembers which one it came from. */
export const PROVIDERS = ['schoology', 'canvas'] as const;
export type Provider = (typeof PROVIDERS)[number];
