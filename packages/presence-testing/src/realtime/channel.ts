/**
 * One channel (a topic; private and public channels of the same name are different channels):
 * its members and its presence. Fan-out sends one shared frame, encoded once per serializer, to
 * every member in join order.
 */
import { SharedFrame } from './codec.js'
import { EVENTS, type Outbound, RawJson } from './frames.js'
import { type PresenceDiff, PresenceTracker } from './presence-tracker.js'

/** What a channel needs from a member: where its frames go. */
export interface ChannelMember {
  readonly connection: FrameSink
}

export interface FrameSink {
  write(frame: SharedFrame): void
}

export class Channel<Member extends ChannelMember = ChannelMember> {
  readonly members = new Set<Member>()
  readonly presence: PresenceTracker<Member>

  constructor(
    /** The topic clients use, `realtime:<name>`. */
    readonly topic: string,
    readonly isPrivate: boolean,
    nextRef: () => string,
  ) {
    this.presence = new PresenceTracker(nextRef)
  }

  /** The channel name without `realtime:`. */
  get name(): string {
    return this.topic.slice('realtime:'.length)
  }

  /** Sends `out` to every member except `skip`. */
  publish(out: Outbound, skip?: Member): void {
    const frame = new SharedFrame(out)
    for (const member of this.members) {
      if (member !== skip) member.connection.write(frame)
    }
  }

  /** Sends a presence diff, fast-laned as Supabase does: join_ref and ref null. */
  publishDiff(diff: PresenceDiff): void {
    this.publish({
      kind: 'message',
      message: {
        joinRef: null,
        ref: null,
        topic: this.topic,
        event: EVENTS.presenceDiff,
        payload: new RawJson(JSON.stringify(diff)),
      },
    })
  }
}

/** The key channels are kept under: private and public channels of one name stay apart. */
export function channelKey(topic: string, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}|${topic}`
}
