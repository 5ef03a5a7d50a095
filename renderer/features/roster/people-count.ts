/** How the roster counts people in words: "2,000 people", "1 of 32 people". */
const numbers = new Intl.NumberFormat('en-US');

export const formatCount = (n: number): string => numbers.format(n);

export function peopleCount(total: number, unfiltered: number | null, filtered: boolean): string {
  if (filtered && unfiltered !== null) return `${formatCount(total)} of ${formatCount(unfiltered)} people`;
  return `${formatCount(total)} ${total === 1 ? 'person' : 'people'}`;
}
