/**
 * The header a session's reports carry its session credential in, when the server issues
 * credentials (verified presence): shared by the routes that check it and the API client that
 * sends it, so the two cannot drift. No imports: the browser's API client loads it.
 */
export const SESSION_CREDENTIAL_HEADER = 'x-presence-session'
