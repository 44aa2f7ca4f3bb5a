"""Hearing of saved files: the operating system tells (watchdog: inotify, FSEvents, the Windows API;
where it cannot, the folders are looked at every 0.1 s), and a burst of saves counts as one."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

QUIET_SECONDS = 0.04  # a burst of saves (an editor writing several files) ends after this long without one


class Changes:
    """The paths saved since last asked, as the system reports them (watchdog's event handler)."""

    def __init__(self) -> None:
        self.paths, self.saved = set(), threading.Event()

    def dispatch(self, event) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return
        for path in (os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")):
            if path and not os.path.basename(path).startswith((".", "#")) and not path.endswith("~"):  # editors' own
                self.paths.add(os.path.abspath(path))
                self.saved.set()

    def settled(self, stop: threading.Event) -> set[str]:
        """Wait for a save, then until none came for QUIET_SECONDS: one rebuild for a burst of saves."""
        while not (self.saved.wait(0.2) or stop.is_set()):
            pass
        while self.saved.is_set() and not stop.is_set():
            self.saved.clear()
            time.sleep(QUIET_SECONDS)
        found, self.paths = self.paths, set()
        return found


def watch(folders: list[Path], changes: Changes):
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver
    for make in (Observer, lambda: PollingObserver(timeout=0.1)):  # no inotify watches left: look instead
        observer = make()
        try:
            for folder in folders:
                observer.schedule(changes, str(folder), recursive=True)
            observer.start()
            return observer
        except OSError:
            continue
    raise OSError("cannot watch the content and templates folders for changes")
