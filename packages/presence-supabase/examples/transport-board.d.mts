export declare function run(options?: {
  url?: string
  key?: string
  log?: (line: string) => void
}): Promise<void>
