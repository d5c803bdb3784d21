/** Launches Debian's Chromium headless, allowed to resolve loopback only. */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BenchBrowser } from './cdp';

const CHROMIUM_PATH = '/usr/bin/chromium';

export const VIEWPORT = { width: 1920, height: 1080 };

/**
 * Chromium 156 preloads its omnibox popup, a WebUI page in a renderer of its own: about
 * 60 MB and 0.6 s of CPU in every browser, whichever client runs in it, which only dilutes
 * the memory ratios. The other features are the ones playwright-core disabled by default when
 * it drove the benchmark, so that figures stay comparable with earlier runs.
 */
const DISABLED_FEATURES = [
  'WebUIOmniboxPopup', 'WebUIOmniboxAimPopup',
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'MediaRouter', 'PaintHolding',
  'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect', 'OptimizationHints',
  'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
];

/**
 * The switches of every run: headless without a GPU, loopback only, and the automation
 * defaults the benchmark ran with under playwright-core. Those turn off background
 * networking, timer throttling, extensions and first-run pages, and set sRGB as the output
 * colour profile, which decides whether a decode converts colours.
 */
const SWITCHES = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--hide-scrollbars', '--mute-audio', '--force-color-profile=srgb',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-field-trial-config', '--disable-back-forward-cache', '--disable-breakpad',
  '--disable-default-apps', '--disable-extensions', '--disable-component-extensions-with-background-pages',
  '--disable-dev-shm-usage', '--disable-hang-monitor', '--disable-ipc-flooding-protection',
  '--disable-popup-blocking', '--disable-prompt-on-repost', '--no-default-browser-check',
  '--metrics-recording-only', '--password-store=basic', '--use-mock-keychain', '--no-service-autorun',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  // Background tabs and occluded pages would otherwise have their timers throttled.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  `--disable-features=${DISABLED_FEATURES.join(',')}`,
];

export interface LaunchedBrowser {
  browser: BenchBrowser;
  /** pid of Chromium's browser process, the root of all its processes. */
  pid: number;
}

/**
 * Returns the switch that makes Chromium accept the server certificate in `certFile`, and
 * no other, by the SHA-256 of its public key, as an HTTPS client pinned to it would.
 */
export function trustCertificateSwitch(certFile: string): string {
  const spki = new X509Certificate(readFileSync(certFile)).publicKey.export({ type: 'spki', format: 'der' });
  return `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`;
}

export async function launchChromium(extraSwitches: string[] = []): Promise<LaunchedBrowser> {
  const browser = await BenchBrowser.launch({ executablePath: CHROMIUM_PATH, args: [...SWITCHES, ...extraSwitches] });
  return { browser, pid: browser.pid };
}
