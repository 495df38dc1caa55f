// Types for the runnable JavaScript example (used by its test).
export function main(): Promise<string[]>
export function presenceWebhookListener(options: {
  secret: string
  onEvent: (event: unknown) => void
}): (
  request: import('node:http').IncomingMessage,
  response: import('node:http').ServerResponse,
) => Promise<void>
