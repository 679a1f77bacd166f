/** `npm run secret -- <set|rotate|status> <stack>`: the secret CLI (see tools/secret/cli.ts). */
import { runMain } from '../common/cli';
import { runSecretCli } from '../secret/cli';

runMain(() => runSecretCli(process.argv.slice(2)));
