/** The test issuer lives in presence-testing (users' tests get it too); re-exported for ours. */
export {
  createTestIssuer,
  type IssueOptions,
  TEST_ISSUER,
  type TestIssuer,
} from '@wedsync/presence-testing'
