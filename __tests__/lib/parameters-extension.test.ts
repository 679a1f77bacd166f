/**
 * AWS's Parameters and Secrets extension layers this project knows: one ARN per architecture, as
 * AWS publishes them (two layers, numbered separately), each one usable by a function of its
 * region and architecture only.
 */
import { describe, expect, it } from 'vitest';
import {
  EXTENSION_LAYER_NAMES,
  layerArnProblem,
  MANAGED_EXTENSION_LAYERS,
  managedExtensionLayerArn,
  type Architecture,
} from '../../lib/parameters-extension';

const ARCHITECTURES = Object.keys(EXTENSION_LAYER_NAMES) as Architecture[];
const LAYERS = Object.entries(MANAGED_EXTENSION_LAYERS).flatMap(([region, arns]) =>
  ARCHITECTURES.map((architecture) => ({ region, architecture, arn: arns[architecture] })),
);

describe('MANAGED_EXTENSION_LAYERS', () => {
  it('holds the ARNs of the AWS table for Asia Pacific (Tokyo), last updated July 28, 2026', () => {
    expect(MANAGED_EXTENSION_LAYERS).toEqual({
      'ap-northeast-1': {
        x86_64: 'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension:100',
        arm64: 'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:100',
      },
    });
  });

  it.each(LAYERS)(
    'gives $architecture in $region a layer that a function of both can use',
    ({ region, architecture, arn }) => {
      expect(layerArnProblem(arn, region, architecture)).toBeUndefined();
      expect(arn).toMatch(new RegExp(`:layer:${EXTENSION_LAYER_NAMES[architecture]}:\\d+$`));
    },
  );

  it.each(LAYERS)(
    "gives $architecture in $region a layer the other architecture's function refuses",
    ({ region, architecture, arn }) => {
      const other = ARCHITECTURES.find((candidate) => candidate !== architecture) as Architecture;
      expect(layerArnProblem(arn, region, other)).toMatch(/not the .* one/);
    },
  );
});

describe('managedExtensionLayerArn', () => {
  it.each(LAYERS)('gives the $architecture ARN for $region', ({ region, architecture, arn }) => {
    expect(managedExtensionLayerArn(region, architecture)).toBe(arn);
  });

  it.each(['eu-west-1', 'constructor', '__proto__', 'toString'])('knows no layer for %s', (region) => {
    expect(managedExtensionLayerArn(region, 'x86_64')).toBeUndefined();
  });
});
