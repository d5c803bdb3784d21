#!/usr/bin/python3
"""Print numbered lines without end, for the benchmark's `terminal` workload.

xterm runs this, so the window scrolls continuously. Every line has the same shape and
its content depends only on its number. Writes go out in batches of ten lines with a 2 ms
pause between batches, an upper bound of about 5,000 lines per second, so that xterm
keeps repainting instead of skipping most of the scroll.
"""
import sys
import time

LINES_PER_BATCH = 10
PAUSE_SECONDS = 0.002


def main():
    number = 0
    out = sys.stdout
    while True:
        batch = []
        for _ in range(LINES_PER_BATCH):
            number += 1
            batch.append(f"{number:09d} the quick brown fox jumps over the lazy dog {number * 7919 % 100000:05d}\n")
        out.write("".join(batch))
        out.flush()
        time.sleep(PAUSE_SECONDS)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(0)
