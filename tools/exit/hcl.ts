/**
 * The HCL exit from cdktf: `cdktf synth --hcl` writes the meta-arguments that take references
 * (`depends_on`, `ignore_changes`, `replace_triggered_by`) as quoted strings, the Terraform 0.11
 * form that Terraform ≥ 0.12 still reads but warns about ("Quoted references are deprecated") and
 * says it will stop reading. This rewrites them as the references they are, so that the HCL a
 * user takes away from cdktf validates without a warning; it writes back the terraform block's
 * `required_version`, which cdktf's renderer loses; and it writes a lifecycle's preconditions and
 * postconditions as the blocks Terraform reads, where cdktf renders a list of objects.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REQUIRED_TERRAFORM_VERSION } from '../../lib/terraform-version';
import { ToolError } from '../common/errors';

/** A quoted item of a reference list that is no reference, so it cannot be written unquoted. */
export class NotAReferenceError extends ToolError {
  override name = 'NotAReferenceError';
}

/** The synthesized output cannot be read as cdktf writes it. */
export class UnreadableSynthOutputError extends ToolError {
  override name = 'UnreadableSynthOutputError';
}

/**
 * A reference list as cdktf renders it: the attribute, then one string per line, then the closing
 * bracket at the attribute's indentation. An item may itself hold brackets and escaped quotes
 * (`"environment[0].variables[\"ENCRYPTED_API_TOKEN\"]"`), so the list ends only at that bracket.
 */
const REFERENCE_LIST =
  /^([ \t]*)(depends_on|ignore_changes|replace_triggered_by)([ \t]*=[ \t]*\[\n)((?:[ \t]*"(?:[^"\\\n]|\\.)*",?\n)*)(\1\])/gm;
const QUOTED_ITEM = /"(?:[^"\\\n]|\\.)*"/;
/** A Terraform traversal: a name, then attributes, indexes and string keys (`a.b[0].c["k"]`). */
const TRAVERSAL = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"\\]*"\])*$/;

/**
 * `hcl` with every quoted item of its reference lists written as a reference; everything else
 * is left exactly as it was, so rewriting twice changes nothing more.
 * @param source names the HCL in an error, e.g. its file
 * @throws NotAReferenceError when a quoted item is not a traversal (Terraform would refuse it too)
 */
export function unquoteReferences(hcl: string, source: string): string {
  return hcl.replace(
    REFERENCE_LIST,
    (_list, indent: string, attribute: string, opening: string, items: string, closing: string) =>
      indent +
      attribute +
      opening +
      items.replace(new RegExp(QUOTED_ITEM.source, 'g'), (quoted) => {
        const reference = parseQuoted(quoted);
        if (reference === undefined || !TRAVERSAL.test(reference)) {
          throw new NotAReferenceError(`${source}: ${attribute} holds ${quoted}, which is not a reference`);
        }
        return reference;
      }) +
      closing,
  );
}

/**
 * A plain attribute of the terraform block as cdktf 0.21 renders it: by its index in the list of
 * names, the name as its value (`0 = "required_version"`), which Terraform refuses ("Argument
 * or block definition required"). Its value is lost.
 */
const LOST_TERRAFORM_ATTRIBUTE = /^([ \t]*)\d+ = "([\w-]+)"$/gm;

/**
 * `hcl` with the terraform block's `required_version` written as the stacks set it
 * ({@link REQUIRED_TERRAFORM_VERSION}); a rendered `required_version` is left as it is.
 * @throws UnreadableSynthOutputError for any other attribute lost that way, whose value cannot be known
 */
export function restoreRequiredVersion(hcl: string, source: string): string {
  return hcl.replace(LOST_TERRAFORM_ATTRIBUTE, (_line, indent: string, name: string) => {
    if (name !== 'required_version') {
      throw new UnreadableSynthOutputError(
        `${source}: cdktf rendered the terraform attribute ${name} without its value`,
      );
    }
    return `${indent}required_version = ${JSON.stringify(REQUIRED_TERRAFORM_VERSION)}`;
  });
}

/**
 * A lifecycle's conditions as cdktf 0.21 renders them: an attribute holding a list of objects
 * (`precondition = [ { condition = …, error_message = … }, ]`), which Terraform refuses
 * ("An argument named "precondition" is not expected here"): they are blocks.
 */
const CONDITION_LIST = /^([ \t]*)(precondition|postcondition) = \[\n((?:\1[ \t]+.*\n)*?)\1\]$/gm;

/**
 * `hcl` with every lifecycle condition list written as one block per condition; the blocks'
 * attributes are kept exactly, one level less indented.
 * @throws UnreadableSynthOutputError when a list holds anything but objects
 */
export function conditionBlocks(hcl: string, source: string): string {
  return hcl.replace(CONDITION_LIST, (_list, indent: string, kind: string, items: string) => {
    const objects = [
      ...items.matchAll(new RegExp(`^${indent}[ \\t]+\\{\\n([\\s\\S]*?)^${indent}[ \\t]+\\},?\\n`, 'gm')),
    ];
    if (objects.map(([object]) => object).join('') !== items) {
      throw new UnreadableSynthOutputError(`${source}: a ${kind} list holds something other than objects`);
    }
    return objects.map(([, body]) => `${indent}${kind} {\n${body.replace(/^[ \t]{2}/gm, '')}${indent}}`).join('\n');
  });
}

/** The text of an HCL string literal without template sequences; undefined when it is not one JSON reads alike. */
function parseQuoted(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}

/** The HCL files of a `cdktf synth --hcl` output folder, as its manifest lists them. */
export async function synthesizedHclFiles(outdir: string): Promise<string[]> {
  const manifestFile = join(outdir, 'manifest.json');
  let manifest: { stacks?: Record<string, { synthesizedStackPath?: string }> };
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as typeof manifest;
  } catch (error) {
    throw new UnreadableSynthOutputError(`cannot read ${manifestFile}: run \`cdktf synth --hcl\` first`, {
      cause: error,
    });
  }
  const files = Object.values(manifest.stacks ?? {}).map((stack) => stack.synthesizedStackPath ?? '');
  if (files.length === 0 || files.some((file) => !file.endsWith('.tf'))) {
    throw new UnreadableSynthOutputError(`${manifestFile} lists no HCL stacks: synthesize with \`cdktf synth --hcl\``);
  }
  return files.map((file) => join(outdir, file));
}

/**
 * Rewrites the reference lists and the lifecycle conditions, and restores `required_version`, in
 * every stack of a `cdktf synth --hcl` output folder.
 * @returns the files it changed
 */
export async function repairHclIn(outdir: string): Promise<string[]> {
  const changed: string[] = [];
  for (const file of await synthesizedHclFiles(outdir)) {
    const hcl = await readFile(file, 'utf8');
    const rewritten = conditionBlocks(restoreRequiredVersion(unquoteReferences(hcl, file), file), file);
    if (rewritten === hcl) continue;
    await writeFile(file, rewritten);
    changed.push(file);
  }
  return changed;
}
