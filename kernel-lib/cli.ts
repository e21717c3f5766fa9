import { commands } from './cli/commands';
import { parseCommandArgs } from './cli/command';
import { isQuantbookError } from './errors';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'quantbook - quant research from the command line (every command takes --json)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'quantbook COMMAND --help for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`quantbook: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  const json = rest.includes('--json');
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      console.log(`usage: ${command.usage}\n\n${command.summary}`);
      return 0;
    }
    return await command.run(args);
  } catch (e) {
    if (!isQuantbookError(e)) throw e;
    if (json) process.stdout.write(JSON.stringify({ error: e.toJSON() }, null, 2) + '\n');
    console.error(`error [${e.code}]: ${e.message}${e.hint ? `\n  fix: ${e.hint}` : ''}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`quantbook: internal error: ${(e as Error).stack ?? e}`);
      process.exit(70);
    },
  );
}
