"""kombu's filesystem transport, made safe for several processes.

kombu's own ``filesystem://`` channel creates a message file under its final ``*.msg`` name and
then writes it. A consumer in another process can pick the file up in between and read it
empty: it raises ``JSONDecodeError`` and the message is gone (the outbox row is already marked
published, so only the sweeper brings it back, ``bus_redeliver_after_seconds`` later). Here:

- a message is written to a hidden temporary name and renamed into place (atomic on POSIX), so a
  consumer sees either nothing or the whole message;
- a consumer claims a message by renaming it into ``claimed/`` beside the queue folder (one
  winner, same filesystem), instead of ``shutil.move`` to the system temp folder (a copy when
  that is another filesystem, which two consumers could both read);
- a consumer lists the folder once per run of messages instead of once per message (kombu lists
  and sorts the whole folder for every get: O(backlog) each).
"""

from __future__ import annotations

import os
import uuid
from collections import deque
from functools import cached_property
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

TMP_SUFFIX = ".tmp"


class Channel(filesystem.Channel):
    """Filesystem channel with atomic publishing and claiming."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._listing: dict[str, deque[str]] = {}

    @cached_property
    def claimed_folder(self) -> str:
        folder = self.transport_options.get("claimed_folder") or os.path.join(
            os.path.dirname(os.path.abspath(self.data_folder_in)), "claimed")
        Path(folder).mkdir(parents=True, exist_ok=True)
        return folder

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        """Write ``payload`` to a hidden file, then rename it to its ``<queue>.msg`` name."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        temporary = os.path.join(self.data_folder_out, f".{name}{TMP_SUFFIX}")
        try:
            with open(temporary, "wb", buffering=0) as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.rename(temporary, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue: str) -> Any:
        """Claim the oldest listed message of ``queue`` (rename: exactly one consumer wins)."""
        pending = self._listing.get(queue)
        if not pending:
            suffix = f"{queue}.msg"
            pending = self._listing[queue] = deque(sorted(
                name for name in os.listdir(self.data_folder_in)
                if not name.startswith(".") and name.partition(".")[2] == suffix
            ))
        claimed_folder = self.claimed_folder
        while pending:
            name = pending.popleft()
            claimed = os.path.join(claimed_folder, name)
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except FileNotFoundError:
                continue  # another consumer took it
            try:
                with open(claimed, "rb") as handle:
                    payload = handle.read()
            finally:
                os.remove(claimed)
            return loads(bytes_to_str(payload))
        raise Empty()

    def _purge(self, queue: str) -> int:
        self._listing.pop(queue, None)
        return super()._purge(queue)


class Transport(filesystem.Transport):
    """``filesystem://`` with :class:`Channel`."""

    Channel = Channel
