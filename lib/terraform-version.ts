/**
 * The Terraform versions the stacks accept: 1.11 brought the ephemeral variables and write-only
 * arguments (`value_wo`) Method 2 uses, and an older Terraform fails on them with errors that do
 * not say the version is the problem.
 */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.11';
