"""The default notifier: each message becomes one ``.eml`` file in the outbox folder.

The file name comes from the message key, so re-sending the same digest (a retry, a resumed run)
overwrites the file instead of adding a second one. Files are written atomically (temporary file,
then rename), so a reader never sees half a message.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ehcp.files import private_dir
from ehcp.notify.message import Message, file_stem, to_email


class OutboxNotifier:
    def __init__(self, outbox: Path | str, *, mail_from: str = "ehcp@localhost") -> None:
        self.outbox = Path(outbox)
        self.mail_from = mail_from

    def __repr__(self) -> str:
        return f"OutboxNotifier({str(self.outbox)!r})"

    def path_for(self, message: Message) -> Path:
        return self.outbox / f"{file_stem(message.key)}.eml"

    def send(self, message: Message) -> None:
        private_dir(self.outbox)  # 0700; mkstemp makes the message 0600
        data = to_email(message, self.mail_from).as_bytes()
        target = self.path_for(message)
        handle, tmp = tempfile.mkstemp(dir=self.outbox, prefix=".tmp-", suffix=".eml")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
