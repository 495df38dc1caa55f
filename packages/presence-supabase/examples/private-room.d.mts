export declare function run(options: {
  databaseUrl: string
  log?: (line: string) => void
}): Promise<void>
