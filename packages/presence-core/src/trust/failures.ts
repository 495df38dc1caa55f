/**
 * Why a signed message was dropped: one stable code each, in `details.reason` of the
 * PRESENCE_NOT_VERIFIED error an observer reports. Apps and tests switch on these, never on text;
 * each text completes the sentence "Dropped … in <room>: it …".
 */
export const VERIFICATION_FAILURES = {
  'missing-proof': 'carries no proof (sent by an unverified client)',
  'malformed-proof': 'carries a proof no session makes',
  'credential-invalid': 'carries a credential that is malformed or not signed by a trusted key',
  'credential-expired': 'carries an expired credential',
  'unknown-key': 'carries a credential signed by a key the issuer key set does not hold',
  'keys-unavailable': "could not be checked: the issuer's key set could not be fetched",
  'bad-signature': 'carries a signature that does not match its content and session key',
  'wrong-user': "names a user other than its credential's",
  'wrong-session': "names a session other than its credential's",
  'wrong-room': 'was signed for another room',
  'room-not-allowed': 'carries a credential that does not admit this room',
  'from-the-future': 'carries times further ahead of this clock than the allowed skew',
  'window-passed': 'is past its validity window',
  'window-too-long': 'claims a validity window longer than its lease',
  'stale-seq': 'is not newer than a publish of its session already heard',
  'too-old': 'was signed longer ago than a message may travel',
  replayed: 'was heard before (the same signed message)',
  'backlog-full': 'arrived while too many messages were already waiting to be checked',
} as const

export type VerificationFailure = keyof typeof VERIFICATION_FAILURES

/** A check's result: the value, or why it failed. */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: VerificationFailure }

export const passed = <T>(value: T): Checked<T> => ({ ok: true, value })
export const failed = (reason: VerificationFailure): Checked<never> => ({ ok: false, reason })
