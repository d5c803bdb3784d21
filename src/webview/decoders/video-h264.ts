/**
 * Reading h264 Annex B data (ITU-T H.264 annex B): NAL units after 3- or 4-byte start codes.
 * The video decoder needs two facts from it: whether a chunk contains an IDR slice, and the
 * WebCodecs codec string (`avc1.PPCCLL`, RFC 6381) that the sequence parameter set names.
 */

/** NAL unit types (H.264 table 7-1) that the decoder looks for. */
const NAL_IDR_SLICE = 5;
const NAL_SEQUENCE_PARAMETER_SET = 7;

/** Returns the NAL unit types in Annex B data, in order. */
export function nalUnitTypes(data: Uint8Array): number[] {
  const types: number[] = [];
  for (const start of nalUnitStarts(data)) {
    types.push(data[start] & 0x1f);
  }
  return types;
}

/** Returns the offsets of the first byte (the NAL header) of each NAL unit. */
function nalUnitStarts(data: Uint8Array): number[] {
  const starts: number[] = [];
  for (let index = 0; index + 3 < data.length; index++) {
    if (data[index] === 0 && data[index + 1] === 0 && data[index + 2] === 1) {
      starts.push(index + 3);
      index += 2;
    }
  }
  return starts;
}

/** True when the data contains an IDR slice, so decoding can start at it. */
export function hasIdrSlice(data: Uint8Array): boolean {
  return nalUnitTypes(data).includes(NAL_IDR_SLICE);
}

/**
 * Returns the codec string of the first sequence parameter set, as `avc1.` and the hex of
 * profile_idc, the constraint flags and level_idc, or undefined when there is none.
 */
export function h264CodecString(data: Uint8Array): string | undefined {
  for (const start of nalUnitStarts(data)) {
    if ((data[start] & 0x1f) === NAL_SEQUENCE_PARAMETER_SET && start + 3 < data.length) {
      const profile = data[start + 1];
      const constraints = data[start + 2];
      const level = data[start + 3];
      return `avc1.${hex(profile)}${hex(constraints)}${hex(level)}`;
    }
  }
  return undefined;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
