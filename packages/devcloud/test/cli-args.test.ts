import { describe, expect, it } from 'vitest';
import { DEFAULT_CLI_PORT, parseAppSpec, parseCliArgs } from '../src/cli-args.js';

describe('the command line', () => {
  it('has defaults: port 8002 on 127.0.0.1, the later cloud, terminal view on', () => {
    expect(parseCliArgs([])).toEqual({ port: DEFAULT_CLI_PORT, host: '127.0.0.1', dialect: 'later', configPath: undefined, apps: [], secret: undefined, quiet: false, verbose: false, help: false });
  });

  it('reads every flag, with --app repeatable', () => {
    const args = parseCliArgs([
      '--port', '0', '--host', '0.0.0.0', '--dialect', 'spring', '--config', 'apps.json', '--secret', 's', '--quiet',
      '--app', 'name=Notify,package=com.augmentos.notify,webhook=http://localhost:7010/webhook,key=k1',
      '--app', 'package=com.example.notes,webhook=http://localhost:7011/webhook?a=1,2,key=k2',
    ]);
    expect(args).toMatchObject({ port: 0, host: '0.0.0.0', dialect: 'spring', configPath: 'apps.json', secret: 's', quiet: true });
    expect(args.apps).toEqual([
      { name: 'Notify', packageName: 'com.augmentos.notify', webhookUrl: 'http://localhost:7010/webhook', apiKey: 'k1' },
      { packageName: 'com.example.notes', webhookUrl: 'http://localhost:7011/webhook?a=1,2', apiKey: 'k2' },
    ]);
  });

  it('says what is wrong with a bad flag', () => {
    expect(() => parseCliArgs(['--port', 'eighty'])).toThrow(/--port "eighty" is not a port number/);
    expect(() => parseCliArgs(['--colour'])).toThrow(/colour/);
    expect(() => parseCliArgs(['--dialect', 'autumn'])).toThrow(/--dialect "autumn" is not one of spring, later/);
    expect(() => parseAppSpec('name=x,webhook=http://h/webhook')).toThrow(/lacks package, key/);
    expect(() => parseAppSpec('oops,package=x')).toThrow(/"oops" is not one of/);
  });
});
