/**
 * Session credentials for verified client processes, issued by the parent: the issuer (the app's
 * server in production) lives in the chaos run's process and keeps the real time, so a child whose
 * clock is off gets credentials stamped by a correct clock, as a device gets them from a server.
 * The child asks over IPC (`credential-request` with an id) and the parent answers (`credential`
 * with the same id, or an error text). One request, one answer; a child that is gone is not
 * answered.
 */
import type { ChildProcess } from 'node:child_process'
import type { CredentialRequest, CredentialSource } from '@wedsync/presence-core/trust'
import type { TestIssuer } from '@wedsync/presence-testing'

interface CredentialAnswer {
  readonly type: 'credential'
  readonly id: number
  readonly credential?: string
  readonly error?: string
}

/** In the child: a CredentialSource that asks the parent. */
export function credentialsFromParent(): CredentialSource {
  let nextId = 0
  const waiting = new Map<number, (answer: CredentialAnswer) => void>()
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'credential') return
    const answer = message as CredentialAnswer
    waiting.get(answer.id)?.(answer)
    waiting.delete(answer.id)
  })
  return (request) =>
    new Promise((resolve, reject) => {
      const id = ++nextId
      waiting.set(id, (answer) =>
        answer.credential ? resolve(answer.credential) : reject(new Error(answer.error)),
      )
      process.send?.({ type: 'credential-request', id, request })
    })
}

/** In the parent: answers `child`'s credential requests with `issuer` (the parent's clock). */
export function issueCredentialsTo(child: ChildProcess, issuer: TestIssuer): void {
  const source = issuer.source()
  child.on('message', (message: { type?: string; id?: number; request?: CredentialRequest }) => {
    if (message.type !== 'credential-request' || !message.request) return
    const answer = (body: object) => {
      if (child.connected) child.send({ type: 'credential', id: message.id, ...body })
    }
    source(message.request).then(
      (credential) => answer({ credential }),
      (error: unknown) => answer({ error: String(error) }),
    )
  })
}
