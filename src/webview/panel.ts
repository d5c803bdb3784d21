/**
 * The panel: one top-level remote window plus its popups and transient windows, drawn at
 * their positions relative to the top-level window. It applies host messages to the
 * windows, shows the session state, the cursor and the bell, and owns input capture.
 */
import { FrameScheduler } from './frame-scheduler';
import { InputCapture, InputWindows } from './input';
import type { DrawMessage, HostMessage, WebviewMessage, WindowDescription } from './messages';
import { RemoteWindow } from './remote-window';

/** Text of the status line for each session state. An empty text hides the line. */
const SESSION_TEXT: Readonly<Record<string, string>> = {
  connecting: 'Connecting\u2026',
  connected: '',
  disconnected: 'Disconnected',
};

/** Windows per panel at most, because more means a misbehaving server. */
const MAX_WINDOWS = 256;

export class Panel implements InputWindows {
  private readonly windows = new Map<number, RemoteWindow>();
  private topLevelWid: number | undefined;
  private readonly desktop: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private readonly insecureBanner: HTMLDivElement;
  private cursorUrl: string | undefined;
  readonly scheduler = new FrameScheduler();

  constructor(
    private readonly root: HTMLElement,
    private readonly post: (message: WebviewMessage) => void,
  ) {
    root.classList.add('xpra-root');
    root.tabIndex = 0;
    this.insecureBanner = appendDiv(root, 'xpra-insecure');
    this.insecureBanner.textContent = 'Insecure connection: the server certificate is not verified.';
    this.insecureBanner.hidden = true;
    this.desktop = appendDiv(root, 'xpra-desktop');
    this.status = appendDiv(root, 'xpra-status');
    this.status.hidden = true;
    new InputCapture(this.desktop, this, this.scheduler, post);
  }

  /** Applies one message from the host. Invalid messages are reported to the console and dropped. */
  handle(message: HostMessage): void {
    switch (message.type) {
      case 'session':
        this.showSession(message.state, message.insecure, message.detail);
        break;
      case 'window-new':
        this.addWindow(message.window);
        break;
      case 'window-metadata':
        this.updateMetadata(message);
        break;
      case 'window-move-resize':
        this.windows.get(message.wid)?.moveResize(message.x, message.y, message.width, message.height);
        this.layout();
        break;
      case 'window-lost':
        this.removeWindow(message.wid);
        break;
      case 'window-raise':
        this.raise(message.wid);
        break;
      case 'draw':
        this.draw(message);
        break;
      case 'draw-batch':
        for (const draw of Array.isArray(message.draws) ? message.draws : []) {
          this.draw(draw);
        }
        break;
      case 'cursor':
        this.setCursor(message.png, message.xhot, message.yhot);
        break;
      case 'cursor-default':
        this.setCursor(undefined, 0, 0);
        break;
      case 'bell':
        this.windows.get(message.wid)?.ring();
        break;
      case 'eos':
        this.windows.get(message.wid)?.endVideo();
        break;
      case 'refresh':
        this.repaintAll();
        break;
      default:
        console.error('[xpra] unknown host message type', (message as { type?: unknown }).type);
    }
  }

  windowForElement(target: EventTarget | null): RemoteWindow | undefined {
    const element = target instanceof Element ? target.closest<HTMLElement>('.xpra-window') : null;
    const wid = Number(element?.dataset.wid);
    return Number.isInteger(wid) ? this.windows.get(wid) : undefined;
  }

  topLevel(): RemoteWindow | undefined {
    return this.topLevelWid === undefined ? undefined : this.windows.get(this.topLevelWid);
  }

  get(wid: number): RemoteWindow | undefined {
    return this.windows.get(wid);
  }

  /** Repaints every window from its back buffer, after the document was hidden for example. */
  repaintAll(): void {
    for (const window of this.windows.values()) {
      window.repaint();
    }
  }

  private addWindow(description: WindowDescription): void {
    if (this.windows.has(description.wid)) {
      this.removeWindow(description.wid);
    }
    if (this.windows.size >= MAX_WINDOWS) {
      console.error(`[xpra] window ${description.wid} ignored: the panel already has ${MAX_WINDOWS} windows`);
      return;
    }
    const window = new RemoteWindow(description, this.scheduler, this.post);
    this.windows.set(description.wid, window);
    if (this.topLevelWid === undefined && !description.overrideRedirect && description.transientFor === undefined) {
      this.topLevelWid = description.wid;
      document.title = description.title;
    }
    // Popups and transient windows stack above the top-level window, newest on top.
    this.desktop.appendChild(window.element);
    this.layout();
  }

  private removeWindow(wid: number): void {
    const window = this.windows.get(wid);
    if (window === undefined) {
      return;
    }
    window.destroy();
    this.windows.delete(wid);
    if (this.topLevelWid === wid) {
      this.topLevelWid = undefined;
    }
  }

  private updateMetadata(message: Extract<HostMessage, { type: 'window-metadata' }>): void {
    const window = this.windows.get(message.wid);
    if (window === undefined) {
      return;
    }
    const { title, sizeConstraints, modal } = message;
    window.description = {
      ...window.description,
      ...(title !== undefined ? { title } : {}),
      ...(sizeConstraints !== undefined ? { sizeConstraints } : {}),
      ...(modal !== undefined ? { modal } : {}),
    };
    if (title !== undefined && message.wid === this.topLevelWid) {
      document.title = title;
    }
  }

  private raise(wid: number): void {
    const window = this.windows.get(wid);
    // The top-level window stays at the bottom: its popups must remain visible above it.
    if (window !== undefined && wid !== this.topLevelWid) {
      this.desktop.appendChild(window.element);
    }
  }

  /** Positions every window relative to the top-level window, which sits at the panel's origin. */
  private layout(): void {
    const origin = this.topLevel()?.description ?? { x: 0, y: 0 };
    for (const window of this.windows.values()) {
      window.place(origin.x, origin.y);
    }
  }

  private draw(message: DrawMessage): void {
    const window = this.windows.get(message.wid);
    if (window === undefined) {
      this.post({
        type: 'painted',
        wid: message.wid,
        seq: message.seq,
        width: message.width,
        height: message.height,
        decodeMicros: -1,
        error: `unknown window ${message.wid}`,
      });
      return;
    }
    window.draw(message);
  }

  private showSession(state: string, insecure: boolean, detail?: string): void {
    const text = SESSION_TEXT[state] ?? state;
    this.status.textContent = detail !== undefined && detail !== '' && text !== '' ? `${text}: ${detail}` : text;
    this.status.hidden = text === '';
    this.insecureBanner.hidden = !insecure;
  }

  /** Shows a PNG cursor with its hotspot, or the default cursor when `png` is undefined. */
  private setCursor(png: Uint8Array | undefined, xhot: number, yhot: number): void {
    if (this.cursorUrl !== undefined) {
      URL.revokeObjectURL(this.cursorUrl);
      this.cursorUrl = undefined;
    }
    if (png === undefined || !(png instanceof Uint8Array) || png.length === 0) {
      this.desktop.style.cursor = '';
      return;
    }
    this.cursorUrl = URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
    const hotspot = Number.isInteger(xhot) && Number.isInteger(yhot) && xhot >= 0 && yhot >= 0 ? ` ${xhot} ${yhot}` : '';
    this.desktop.style.cursor = `url("${this.cursorUrl}")${hotspot}, default`;
  }
}

function appendDiv(parent: HTMLElement, className: string): HTMLDivElement {
  const element = document.createElement('div');
  element.className = className;
  parent.appendChild(element);
  return element;
}
