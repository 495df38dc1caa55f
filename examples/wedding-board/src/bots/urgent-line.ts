/**
 * The demo console's line for an urgent message reaching a bot. It says what the sender's report
 * will say (core's `buildReport`), not that the person got it: only someone online can count as
 * delivered; idle, away or busy counts as not present and the board routes it on; an online
 * person whose receipt is lost (poor signal) shows as no receipt.
 */
export function urgentLine(
  name: string,
  text: string,
  status: string | undefined,
  receiptLost: boolean,
): string {
  const got = `the urgent message "${text}"`
  if (status !== 'online') {
    return `${name}'s device got ${got} while ${status ?? 'offline'}: not present for the board, which routes it on`
  }
  if (receiptLost)
    return `${name}'s phone got ${got}, but its receipt is lost (poor signal): the board sees no receipt`
  return `${name} got ${got} and confirmed it`
}
