/** Launches Debian's Chromium headless through playwright-core, allowed to resolve loopback only. */
import { readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { listProcessTree } from './process-stats';

const CHROMIUM_PATH = '/usr/bin/chromium';

export const VIEWPORT = { width: 1920, height: 1080 };

/**
 * Chromium 156 preloads its omnibox popup, a WebUI page in a renderer of its own: about
 * 60 MB and 0.6 s of CPU in every browser, whichever client runs in it, which only dilutes
 * the memory ratios. Chromium keeps only the last `--disable-features` switch, so the
 * features playwright-core 1.59 disables by default are repeated here.
 */
const DISABLED_FEATURES = [
  'WebUIOmniboxPopup', 'WebUIOmniboxAimPopup',
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'MediaRouter', 'PaintHolding',
  'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect', 'OptimizationHints',
  'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
];

export interface LaunchedBrowser {
  browser: Browser;
  /** pid of Chromium's browser process, the root of all its processes. */
  pid: number;
}

function readCommandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const before = new Set(listProcessTree(process.pid).map((stat) => stat.pid));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      // Background tabs and occluded pages would otherwise have their timers throttled.
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      `--disable-features=${DISABLED_FEATURES.join(',')}`,
    ],
  });
  const root = listProcessTree(process.pid).find(
    (stat) => stat.parentPid === process.pid && !before.has(stat.pid) && readCommandName(stat.pid).startsWith('chrom'),
  );
  if (!root) {
    await browser.close();
    throw new Error(`Chromium started from ${CHROMIUM_PATH}, but its process was not found among the children of pid ${process.pid}`);
  }
  return { browser, pid: root.pid };
}
