/** How the tools recognise an AWS error: by its name, which the AWS SDK sets to the service's error code. */

/** The name of a failed AWS call's error, e.g. `ResourceNotFoundException`; undefined for a non-Error. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Whether `error` is the AWS error named `name`. */
export function isAwsError(error: unknown, name: string): boolean {
  return awsErrorName(error) === name;
}
