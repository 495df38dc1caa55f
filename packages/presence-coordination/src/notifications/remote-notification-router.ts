/**
 * `remoteNotificationRouter`: `POST /presence/notifications` (served by `notificationEndpoint`)
 * shaped as a `NotificationRouter`'s `send`, over presence-server's API client, so
 * `broadcastUrgent` runs unchanged where the router lives on the server. Browser-safe: fetch only.
 */
import type { PresenceApiClient } from '@wedsync/presence-server/client'
import type { DeliveryResult, NotificationInput } from './notification-router.js'

/**
 * `send` with the router's contract: delivered now, or held by the server's router. The server
 * routes by the recipient's status as it knows it, so `input.status` is not sent; the answer's
 * `id` is the one sent (or made by the server when none was).
 */
export interface RemoteNotificationRouter {
  send<P>(input: NotificationInput<P>): Promise<DeliveryResult>
}

export function remoteNotificationRouter(
  client: Pick<PresenceApiClient, 'request'>,
): RemoteNotificationRouter {
  return {
    // Not `input.status`: the server would ignore it (it routes by the status it knows).
    send: (input) =>
      client.request<DeliveryResult>('POST', '/presence/notifications', {
        ...(input.id === undefined ? {} : { id: input.id }),
        recipientId: input.recipientId,
        urgency: input.urgency,
        payload: input.payload,
      }),
  }
}
