/**
 * The second half of `npm run synth:hcl`: writes the `depends_on` and `ignore_changes` items that
 * `cdktf synth --hcl` quotes as the references they are, the `required_version` it loses and the
 * lifecycle preconditions it writes as a list (see tools/exit/hcl.ts).
 * Usage: tsx tools/scripts/hcl-references.ts <output folder of cdktf synth --hcl>
 */
import { runMain } from '../common/cli';
import { UsageError } from '../common/errors';
import { repairHclIn } from '../exit/hcl';

runMain(async () => {
  const [outdir, ...rest] = process.argv.slice(2);
  if (!outdir || rest.length > 0) {
    throw new UsageError('usage: tsx tools/scripts/hcl-references.ts <output folder of cdktf synth --hcl>');
  }
  const changed = await repairHclIn(outdir);
  process.stdout.write(
    `References unquoted, required_version and preconditions repaired in ${changed.length} HCL file(s) of ${outdir}\n`,
  );
  return 0;
});
