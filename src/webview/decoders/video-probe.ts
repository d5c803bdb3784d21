/**
 * The h264 probe: the panel decodes one real h264 key frame through WebCodecs at start and
 * posts to the host whether a frame came out, so the host advertises h264 only to a server
 * whose pictures this page can decode. A VideoDecoder may exist and still fail: pages that
 * are not a secure context have none, and an Electron build may lack the h264 decoder.
 */
import { h264CodecString } from './video-h264';

export interface VideoProbeResult {
  h264: boolean;
  /** True when the browser also offers a hardware h264 decoder for this stream. */
  hardware?: boolean;
  /** The probe's outcome in words, for the host's log. */
  detail: string;
}

/** The probe gives up after this long, because the host delays its hello until the result arrives. */
export const PROBE_TIMEOUT_MS = 1500;

/**
 * A 32x32 YUV420P key frame from xpra 3.1.3's x264 encoder (libx264 core 164, baseline
 * profile): SPS, PPS and one IDR slice, 293 bytes, whose luma rises from left to right.
 * `/usr/bin/python3 test/webview/fixtures/make-h264-probe.py` prints it again.
 */
const PROBE_FRAME_BASE64 =
  'AAAAAWdCwAraJaEAAAMAAQAAAwAyjxImoAAAAAFozgGfIAAAAAFliIRoKYHAAEqsAAVXQABttQA4AIAAgRsDgAgA' +
  'CBGwOACAAIEbA4AIAAgRsDgAgACBGwOACAAIEbA4AIAAgRsDgAgACBGwOACAAIEbA4AIAAgRsDgAgACBGwOACAAI' +
  'EbA4AIAAgRsDgAgACBGwOACAAIEbA4AIAAgRsDgACYPHAAEwaEMHAAEq+AACq+AAN0SYOACAAIEbA4AIAAgRsDgA' +
  'gACBGwOACAAIEbA4AIAAgRsBwAGAACBPcHABAAECNgOAAwAAQJ7g4AIAAgRsDgAgACBGwOACAAIEbA4AIAAgRsDg' +
  'AgACBGwHAAYAAIE9wcAEAAQI2A4ADAABAnuL14A=';
const PROBE_FRAME_SIZE = 32;

/** Decodes the probe frame and resolves with the outcome; never rejects. */
export async function probeH264(timeoutMs = PROBE_TIMEOUT_MS): Promise<VideoProbeResult> {
  if (typeof VideoDecoder === 'undefined') {
    return { h264: false, detail: 'this page has no WebCodecs VideoDecoder (it needs a secure context)' };
  }
  const data = Uint8Array.from(atob(PROBE_FRAME_BASE64), (character) => character.charCodeAt(0));
  const codec = h264CodecString(data) ?? 'avc1.42C00A';
  let decoder: VideoDecoder | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<VideoProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ h264: false, detail: `no frame within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([decodeProbeFrame(data, codec, (created) => (decoder = created)), timeout]);
  } catch (error) {
    return { h264: false, detail: `decoding ${codec} failed: ${String(error)}` };
  } finally {
    clearTimeout(timer);
    if (decoder !== undefined && decoder.state !== 'closed') {
      decoder.close();
    }
  }
}

async function decodeProbeFrame(
  data: Uint8Array,
  codec: string,
  created: (decoder: VideoDecoder) => void,
): Promise<VideoProbeResult> {
  const config: VideoDecoderConfig = { codec, optimizeForLatency: true };
  const support = await VideoDecoder.isConfigSupported(config);
  if (support.supported !== true) {
    return { h264: false, detail: `VideoDecoder does not support ${codec}` };
  }
  let size = '';
  let decoderError: Error | undefined;
  const decoder = new VideoDecoder({
    output: (frame) => {
      size = `${frame.displayWidth}x${frame.displayHeight}`;
      frame.close();
    },
    error: (error) => (decoderError = error),
  });
  created(decoder);
  decoder.configure(config);
  decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 0, data }));
  await decoder.flush();
  if (decoderError !== undefined) {
    return { h264: false, detail: `decoding ${codec} failed: ${decoderError.message}` };
  }
  const expected = `${PROBE_FRAME_SIZE}x${PROBE_FRAME_SIZE}`;
  if (size !== expected) {
    return { h264: false, detail: `decoding ${codec} gave ${size === '' ? 'no frame' : `a ${size} frame`}, expected ${expected}` };
  }
  const hardware = await hasHardwareDecoder(codec);
  return { h264: true, hardware, detail: `decoded a ${expected} ${codec} key frame (${hardware ? 'hardware' : 'software'} decoder)` };
}

/** Returns true when WebCodecs offers a hardware decoder for `codec`. Without a GPU, Chromium offers none. */
async function hasHardwareDecoder(codec: string): Promise<boolean> {
  try {
    const support = await VideoDecoder.isConfigSupported({ codec, hardwareAcceleration: 'prefer-hardware', optimizeForLatency: true });
    return support.supported === true;
  } catch {
    return false;
  }
}
