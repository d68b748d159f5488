/**
 * The commands `vaner` knows: `vaner <command> [subcommand]` runs src/cli/commands/<command>[-<subcommand>].ts.
 * Summaries live here so `vaner --help` needs no command module loaded.
 */
export interface CommandEntry {
  /** What the user types: 'serve', 'kb import'. */
  readonly name: string;
  /** Module file under commands/, without extension. */
  readonly module: string;
  readonly summary: string;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', module: 'serve', summary: 'run the GraphQL API (and a worker unless --no-worker)' },
  { name: 'worker', module: 'worker', summary: 'run an annotation worker only' },
  { name: 'kb import', module: 'kb-import', summary: 'import the shipped vocabularies, or your own (--vocabulary FILE --source NAME)' },
  { name: 'kb sources', module: 'kb-sources', summary: 'list the knowledge-base sources; disable, enable or remove one' },
  { name: 'submit', module: 'submit', summary: 'send documents from files to a running API' },
  { name: 'export', module: 'export', summary: 'write stored documents and mentions as PubTator, BioC or JSONL' },
  { name: 'reannotate', module: 'reannotate', summary: 'enqueue documents labelled by an older model for annotation' },
  { name: 'keys create', module: 'keys-create', summary: 'create an API key (--role, --owner); printed once' },
  { name: 'keys list', module: 'keys-list', summary: 'list API keys (never their secrets)' },
  { name: 'keys revoke', module: 'keys-revoke', summary: 'revoke an API key by id' },
  { name: 'annotate', module: 'annotate', summary: 'label and link a file without storing it' },
  { name: 'eval ner', module: 'eval-ner', summary: 'strict entity-level P/R/F1 of a labeler on a gold file' },
  { name: 'eval comentions', module: 'eval-comentions', summary: 'P/R/F1 and P@k of chemical–disease co-mentions against CID relations' },
  { name: 'link', module: 'link', summary: 'link the mentions of a PubTator file with the entity linker' },
  { name: 'eval link', module: 'eval-link', summary: 'linking acc@1 on gold mentions and end-to-end normalisation P/R/F1' },
  { name: 'migrate', module: 'migrate', summary: 'apply pending Neo4j schema migrations' },
  { name: 'bench ner', module: 'bench-ner', summary: 'NER throughput and latency benchmark' },
];

/** Finds the command for argv (two words first, then one); returns the rest of argv for the command. */
export function resolveCommand(argv: readonly string[]): { entry: CommandEntry; rest: string[] } | null {
  const [first, second] = argv;
  if (first === undefined) return null;
  if (second !== undefined) {
    const two = COMMANDS.find((c) => c.name === `${first} ${second}`);
    if (two) return { entry: two, rest: argv.slice(2) };
  }
  const one = COMMANDS.find((c) => c.name === first);
  return one ? { entry: one, rest: argv.slice(1) } : null;
}

/** The words that start two-word commands ('kb', 'keys', 'eval', 'bench'), each with its subcommands. */
export function commandGroup(word: string): CommandEntry[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${word} `));
}
