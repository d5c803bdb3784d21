#!/usr/bin/python3
"""Show a mostly still 800x600 window whose only change is a small clock, once a second.

The still part is a fixed grid of labelled cells; the clock shows the seconds since the
program started, so the picture sequence does not depend on the wall clock. Run by the
xpra server as the benchmark's `clock` workload.
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402

WIDTH = 800
HEIGHT = 600
CLOCK_BOX = (600, 20, 180, 50)  # x, y, width, height of the only region that changes
CELL = 50


def paint_background(context):
    """Paint the still part: a grid of cells, each with its row and column."""
    context.set_source_rgb(0.95, 0.95, 0.92)
    context.paint()
    context.select_font_face("monospace")
    context.set_font_size(11)
    for row in range(HEIGHT // CELL):
        for column in range(WIDTH // CELL):
            shade = 0.75 + 0.2 * ((row + column) % 2)
            context.set_source_rgb(shade, shade, 1.0)
            context.rectangle(column * CELL + 2, row * CELL + 2, CELL - 4, CELL - 4)
            context.fill()
            context.set_source_rgb(0.2, 0.2, 0.3)
            context.move_to(column * CELL + 6, row * CELL + 28)
            context.show_text(f"{row},{column}")


def paint_clock(context, seconds):
    """Paint the clock region: the elapsed time as HH:MM:SS."""
    x, y, width, height = CLOCK_BOX
    context.set_source_rgb(0.1, 0.1, 0.1)
    context.rectangle(x, y, width, height)
    context.fill()
    context.set_source_rgb(0.3, 1.0, 0.3)
    context.select_font_face("monospace")
    context.set_font_size(30)
    context.move_to(x + 12, y + 36)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    context.show_text(f"{hours:02d}:{minutes:02d}:{secs:02d}")


def main():
    window = Gtk.Window(title="bench clock")
    window.set_default_size(WIDTH, HEIGHT)
    window.set_resizable(False)
    area = Gtk.DrawingArea()
    area.set_size_request(WIDTH, HEIGHT)
    window.add(area)
    state = {"seconds": 0}

    def on_draw(_widget, context):
        paint_background(context)
        paint_clock(context, state["seconds"])
        return False

    def on_tick():
        state["seconds"] += 1
        area.queue_draw_area(*CLOCK_BOX)
        return True

    area.connect("draw", on_draw)
    window.connect("destroy", Gtk.main_quit)
    window.show_all()
    GLib.timeout_add(1000, on_tick)
    Gtk.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
