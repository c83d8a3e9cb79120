#!/usr/bin/python3
"""The floor of the app benchmark (BENCHMARKS.md, "The app: start-up and memory"): a bare WebKitGTK window,
the engine Tauri's webview uses on Linux (the same libwebkit2gtk-4.1), showing a one-line page. It prints
`ready <unix ms>` on stderr when the page has finished loading and painted, as `dala-app` does with
DALA_TIMING, and runs until killed. Run with Debian's /usr/bin/python3 (python3-gi, gir1.2-webkit2-4.1)."""
import sys
import time

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402


def main() -> None:
    window = Gtk.Window(title="floor")
    window.set_default_size(1280, 800)
    view = WebKit2.WebView()
    window.add(view)

    def changed(_view, event):
        if event == WebKit2.LoadEvent.FINISHED:
            # One more frame, as the app's signal comes after its first paint.
            GLib.idle_add(lambda: print(f"ready {int(time.time() * 1000)}", file=sys.stderr, flush=True) and False)

    view.connect("load-changed", changed)
    view.load_html("<!doctype html><html><body><p>Dala</p></body></html>", "about:blank")
    window.connect("destroy", Gtk.main_quit)
    window.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
