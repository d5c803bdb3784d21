/** Dispatches `xpra-sessions COMMAND ...` to the module that implements COMMAND. */

type CommandModule = { run(args: string[]): Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  attach: { summary: 'attach to a server, optionally type text and save a screenshot', load: () => import('./attach') },
  serve: { summary: 'start a local secured xpra server and print its session file', load: () => import('./serve') },
  stop: { summary: 'stop a local server started by serve', load: () => import('./stop') },
  'check-tls': { summary: "show a server's certificate chain and the verification result", load: () => import('./check-tls') },
  validate: { summary: 'check .xpra session files against the option table', load: () => import('./validate') },
  'hex-ca': { summary: 'decode, inspect or encode ssl-ca-data values', load: () => import('./hex-ca') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`);
  return ['usage: xpra-sessions COMMAND [OPTIONS]', '', 'commands:', ...lines].join('\n');
}

export async function runCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`xpra-sessions: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}
