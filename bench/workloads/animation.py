#!/usr/bin/python3
"""Repaint a 1280x720 window with changing content at up to 60 frames per second.

Each frame is a function of its frame number only, so every run sends the server the
same sequence of pictures: diagonal colour bands that move, a bouncing disc and the
frame number. Run by the xpra server as the benchmark's `animation` workload.
"""
import math
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402

WIDTH = 1280
HEIGHT = 720
FRAME_INTERVAL_MS = 16  # about 60 Hz; GTK coalesces a redraw that arrives late
BAND_WIDTH = 80


def paint_frame(context, frame):
    """Paint frame number `frame` with cairo."""
    shift = (frame * 7) % (2 * BAND_WIDTH)
    for index, left in enumerate(range(-2 * BAND_WIDTH - HEIGHT, WIDTH + BAND_WIDTH, BAND_WIDTH)):
        hue = (index * 37 + frame * 3) % 360 / 360.0
        red, green, blue = hue_to_rgb(hue)
        context.set_source_rgb(red, green, blue)
        x = left + shift
        context.move_to(x, 0)
        context.line_to(x + BAND_WIDTH, 0)
        context.line_to(x + BAND_WIDTH + HEIGHT, HEIGHT)
        context.line_to(x + HEIGHT, HEIGHT)
        context.close_path()
        context.fill()

    disc_x = WIDTH / 2 + (WIDTH / 2 - 80) * math.sin(frame / 37.0)
    disc_y = HEIGHT / 2 + (HEIGHT / 2 - 80) * math.cos(frame / 23.0)
    context.set_source_rgb(1, 1, 1)
    context.arc(disc_x, disc_y, 60, 0, 2 * math.pi)
    context.fill()

    context.set_source_rgb(0, 0, 0)
    context.rectangle(20, 20, 300, 70)
    context.fill()
    context.set_source_rgb(1, 1, 1)
    context.select_font_face("monospace")
    context.set_font_size(48)
    context.move_to(32, 72)
    context.show_text(f"{frame:08d}")


def hue_to_rgb(hue):
    """Convert a hue in [0, 1) at full saturation and value to red, green and blue."""
    sector = hue * 6.0
    fraction = sector - math.floor(sector)
    rising, falling = fraction, 1.0 - fraction
    return [
        (1.0, rising, 0.0),
        (falling, 1.0, 0.0),
        (0.0, 1.0, rising),
        (0.0, falling, 1.0),
        (rising, 0.0, 1.0),
        (1.0, 0.0, falling),
    ][int(sector) % 6]


def main():
    window = Gtk.Window(title="bench animation")
    window.set_default_size(WIDTH, HEIGHT)
    window.set_resizable(False)
    area = Gtk.DrawingArea()
    area.set_size_request(WIDTH, HEIGHT)
    window.add(area)
    state = {"frame": 0}

    def on_draw(_widget, context):
        paint_frame(context, state["frame"])
        return False

    def on_tick():
        state["frame"] += 1
        area.queue_draw()
        return True

    area.connect("draw", on_draw)
    window.connect("destroy", Gtk.main_quit)
    window.show_all()
    GLib.timeout_add(FRAME_INTERVAL_MS, on_tick)
    Gtk.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
