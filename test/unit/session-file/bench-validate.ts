/**
 * Benchmark of validating a 2,000-line session file, the work done after each keystroke.
 * Run: node --import tsx test/unit/session-file/bench-validate.ts [--lines N] [--runs N]
 * Prints one JSON line with the median and 95th percentile in milliseconds.
 */
import { parseSessionFile, validateSessionFile } from '../../../src/session-file';
import { caDataForms, makeCertificate } from './certificates';

export interface ValidationBenchmark {
  lines: number;
  runs: number;
  diagnostics: number;
  medianMs: number;
  p95Ms: number;
  parseMedianMs: number;
  /** The first validation, before suggestions and certificate analyses are cached. */
  coldMs: number;
}

/** Builds a file of about `lines` lines that mixes every kind of line the validator reads. */
export function buildLargeSessionFile(lines: number, caData: string): string {
  const head = [
    '# large session file for the benchmark',
    'mode=ssl',
    'host=localhost',
    'port=10000',
    `ssl-ca-data=${caData}`,
    'ssl-server-verify-mode=required',
  ];
  const body: string[] = [];
  for (let index = 0; body.length + head.length < lines; index++) {
    body.push(
      `# block ${index}`,
      `env=VARIABLE_${index}=value ${index}`,
      `encodings=png`,
      `start-child=xterm -title term${index}`,
      `title=Session ${index} \\`,
      `  continued`,
      `quality=${index % 120}`,
      `unknown-key-${index}=x`,
    );
  }
  return [...head, ...body].slice(0, lines).join('\n') + '\n';
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

export async function runValidationBenchmark(
  lines = 2000,
  runs = 50,
): Promise<ValidationBenchmark> {
  const ca = await makeCertificate({ commonName: 'Benchmark CA', ca: true });
  const text = buildLargeSessionFile(lines, caDataForms(ca).hexPem);

  let diagnostics = 0;
  const totals: number[] = [];
  const parses: number[] = [];
  const coldStart = performance.now();
  validateSessionFile(text);
  const coldMs = performance.now() - coldStart;

  for (let run = 0; run < runs; run++) {
    // Each run changes one character, as typing does, so nothing is served from a cache
    // except the ssl-ca-data analysis, which the editor also reuses between keystrokes.
    const edited = text.replace('Session 0', `Session ${run}`);
    const started = performance.now();
    const parsed = parseSessionFile(edited);
    parses.push(performance.now() - started);
    diagnostics = validateSessionFile(parsed).length;
    totals.push(performance.now() - started);
  }

  totals.sort((a, b) => a - b);
  parses.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    lines: text.split('\n').length - 1,
    runs,
    diagnostics,
    medianMs: round(percentile(totals, 0.5)),
    p95Ms: round(percentile(totals, 0.95)),
    parseMedianMs: round(percentile(parses, 0.5)),
    coldMs: round(coldMs),
  };
}

if (require.main === module) {
  const argument = (name: string, fallback: number) => {
    const index = process.argv.indexOf(name);
    return index >= 0 ? Number(process.argv[index + 1]) : fallback;
  };
  runValidationBenchmark(argument('--lines', 2000), argument('--runs', 50)).then(
    (result) => console.log(JSON.stringify({ benchmark: 'session-file-validate', ...result })),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
