// Types for the runnable JavaScript example (used by its test).
export function start(options?: {
  env?: Record<string, string | undefined>
  port?: number
}): Promise<{ url: string; close(): Promise<void> }>
